import API
import ArgumentParser
import Foundation

extension Iaasctl {
    struct AllocateAddress: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Allocate an Elastic IP from the public pool.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await Invocation(options: global).run(Methods.allocateAddress, AllocateAddressRequest(domain: "vpc")) {
                Table(headers: ["ALLOCATION-ID", "PUBLIC-IP"], rows: [[$0.allocationId, $0.publicIp]])
            }
        }
    }

    struct AssociateAddress: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give an instance an Elastic IP: it replaces its public address and stays through stops.")

        @OptionGroup var global: GlobalOptions

        @Option var allocationId: String

        @Option var instanceId: String

        @Flag(help: "Take the address from the instance it is associated with.")
        var allowReassociation = false

        func run() async throws {
            try await Invocation(options: global).run(
                Methods.associateAddress,
                AssociateAddressRequest(
                    allocationId: allocationId, instanceId: instanceId,
                    allowReassociation: allowReassociation ? true : nil)
            ) { Table(headers: ["ASSOCIATION-ID"], rows: [[$0.associationId]]) }
        }
    }

    struct DisassociateAddress: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take an Elastic IP off its instance.")

        @OptionGroup var global: GlobalOptions

        @Option var associationId: String

        func run() async throws {
            try await Invocation(options: global).run(
                Methods.disassociateAddress, DisassociateAddressRequest(associationId: associationId)
            ) { returnTable($0) }
        }
    }

    struct ReleaseAddress: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give an Elastic IP back to the pool.")

        @OptionGroup var global: GlobalOptions

        @Option var allocationId: String

        func run() async throws {
            try await Invocation(options: global).run(
                Methods.releaseAddress, ReleaseAddressRequest(allocationId: allocationId)
            ) { returnTable($0) }
        }
    }

    struct DescribeAddresses: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List Elastic IPs.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await Invocation(options: global).run(Methods.describeAddresses, DescribeAddressesRequest()) { result in
                Table(
                    headers: ["ALLOCATION-ID", "PUBLIC-IP", "INSTANCE-ID", "PRIVATE-IP", "ASSOCIATION-ID"],
                    rows: result.addresses.map { address in
                        [
                            address.allocationId, address.publicIp, address.instanceId ?? "-",
                            address.privateIpAddress ?? "-", address.associationId ?? "-",
                        ]
                    })
            }
        }
    }
}
