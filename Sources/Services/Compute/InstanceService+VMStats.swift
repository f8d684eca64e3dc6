import API
import Engine
import GRDB
import Store

extension InstanceService {
    /// `vmm.DescribeInstanceStats`: the classic VMM's counters for a running instance of an `r32` type.
    public func describeInstanceStats(_ request: DescribeInstanceStatsRequest) async throws(CloudError)
        -> DescribeInstanceStatsResult
    {
        let id = request.instanceId
        let record = try await database.readOrThrow { db throws(CloudError) in try Self.fetch([id], in: db)[0] }
        let type = try InstanceType.named(record.instanceType)
        guard type.isClassic else {
            throw CloudError(
                code: "UnsupportedOperation",
                message:
                    "vmm.DescribeInstanceStats counts what the classic VMM does; \(id) is a \(type.name) instance, which QEMU runs. Launch an r32 type from a riscv32 AMI to see its counters."
            )
        }
        guard Self.statesWithMachine.contains(record.state), let statistics = await hypervisor.statistics(id) else {
            throw ComputeErrors.incorrectState(
                id, record.state.rawValue, action: "described by vmm.DescribeInstanceStats")
        }
        return DescribeInstanceStatsResult(instanceId: id, engine: engine(of: type).name, statistics: statistics)
    }
}
