import API
import Foundation
import IaasTesting
import Testing

/// ModifyInstanceAttribute: a stopped instance changes type, and boots with the new type's memory.
@Suite("EC2 instance type changes")
struct InstanceTypeChangeTests {
    @Test func aStoppedInstanceChangesTypeAndBootsWithItsMemory() async throws {
        try await GuestLease.exclusive {
            let fixture = try await ComputeFixture.start()
            let client = fixture.client
            let id = try await client.runInstance(image: fixture.image, type: "t3.nano").instanceId
            try await client.waitForInstance(id, state: "running")
            let memory = "awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo"
            let small = try #require(Int(try await fixture.shell(id).run(memory)))
            #expect(small < 512, "a t3.nano guest has at most 512 MiB (\(small))")
            func modify(_ request: ModifyInstanceAttributeRequest) async -> String? {
                await awsCode { _ = try await client.call(Methods.modifyInstanceAttribute, request) }
            }
            let toSmall = ModifyInstanceAttributeRequest(
                instanceId: id, instanceType: AttributeValue(value: "t3.small"))
            #expect(await modify(toSmall) == "IncorrectInstanceState", "only while stopped")
            _ = try await client.call(Methods.stopInstances, StopInstancesRequest(instanceIds: [id]))
            try await client.waitForInstance(id, state: "stopped")
            #expect(
                await modify(
                    ModifyInstanceAttributeRequest(instanceId: id, instanceType: AttributeValue(value: "t9.huge")))
                    == "InvalidParameterValue")
            #expect(
                await modify(
                    ModifyInstanceAttributeRequest(
                        instanceId: id, instanceType: AttributeValue(value: "t3.small"),
                        userData: AttributeValue(value: "")))
                    == "InvalidParameterCombination")
            #expect(await modify(toSmall) == nil)
            _ = try await client.call(Methods.startInstances, InstanceIdsRequest(instanceIds: [id]))
            let started = try await client.waitForInstance(id, state: "running")
            #expect(started.instanceType == "t3.small")
            let larger = try #require(Int(try await fixture.shell(id).run(memory)))
            #expect(larger > 1500, "a t3.small guest has about 2 GiB (\(larger))")
            await fixture.stop()
        }
    }
}
