import API
import Foundation
import GRDB
import Store

extension InstanceService {
    /// `ec2.AllocateAddress`: an Elastic IP from the public pool, not in use by any instance or address.
    public func allocateAddress(_ request: AllocateAddressRequest) async throws(CloudError) -> AllocateAddressResult {
        if let domain = request.domain, domain != "vpc", domain != "standard" {
            throw .invalidParameterValue("Invalid value '\(domain)' for Domain: use vpc.")
        }
        let tags = try TagRules.tags(of: request.tagSpecifications, for: "elastic-ip", allowsUntyped: false)
        let network = self.network
        let record = try await database.writeOrThrow { [tags] db throws(CloudError) -> AddressRecord in
            let taken = try Self.publicAddressesInUse(db)
            guard let address = network.freePublicAddress(taken: taken) else {
                throw CloudError(
                    code: "AddressLimitExceeded",
                    message: "The maximum number of addresses has been reached: the public pool is in use.")
            }
            let record = AddressRecord(
                allocationId: ResourceID.make("eipalloc"), publicIp: address, associationId: nil, instanceId: nil,
                allocatedAt: Date())
            try db.catching { try record.insert(db) }
            try TagService.upsert(tags, on: record.allocationId, type: "elastic-ip", in: db)
            return record
        }
        logger.info(
            "elastic ip allocated",
            metadata: ["iaas.allocation.id": "\(record.allocationId)", "iaas.public-ip": "\(record.publicIp)"])
        return AllocateAddressResult(allocationId: record.allocationId, publicIp: record.publicIp)
    }

    /// `ec2.AssociateAddress`: the Elastic IP becomes the instance's public address (its own is released,
    /// another Elastic IP it had is disassociated) and stays through stops.
    public func associateAddress(_ request: AssociateAddressRequest) async throws(CloudError) -> AssociateAddressResult
    {
        let network = self.network
        let association = try await database.writeOrThrow { db throws(CloudError) -> String in
            var address = try Self.address(request.allocationId, in: db)
            let instance = try Self.fetch([request.instanceId], in: db)[0]
            guard [.running, .stopped, .stopping].contains(instance.state) else {
                throw ComputeErrors.incorrectState(instance.id, instance.state.rawValue, action: "given an address")
            }
            if let current = address.instanceId {
                if current == instance.id, let association = address.associationId { return association }
                guard request.allowReassociation == true else {
                    throw CloudError(
                        code: "Resource.AlreadyAssociated",
                        message:
                            "resource \(address.allocationId) is already associated with associate-id \(address.associationId ?? "")"
                    )
                }
                // As a disassociation: the instance the address leaves gets a pool address if it runs.
                try Self.detachAddress(from: current, in: db, network: network)
            }
            try db.catching {
                // The instance's earlier Elastic IP, if any, lets go.
                try AddressRecord.filter(AddressRecord.Columns.instanceId == instance.id).updateAll(
                    db, AddressRecord.Columns.instanceId.set(to: nil), AddressRecord.Columns.associationId.set(to: nil))
                address.instanceId = instance.id
                address.associationId = ResourceID.make("eipassoc")
                try address.update(db)
                try InstanceRecord.filter(key: instance.id).updateAll(
                    db, InstanceRecord.Columns.publicIp.set(to: address.publicIp))
            }
            return address.associationId!
        }
        logger.info(
            "elastic ip associated",
            metadata: ["iaas.allocation.id": "\(request.allocationId)", "iaas.instance.id": "\(request.instanceId)"])
        await CrashPoint.reach("address.associate.after-commit")
        // The NAT moves with the address (from the instance it left, too: both are of the address's region).
        await applyNetworkLater(instance: request.instanceId)
        return AssociateAddressResult(associationId: association)
    }

    /// `ec2.DisassociateAddress`: a running instance gets a new public address from the pool; a stopped one
    /// none until it starts.
    public func disassociateAddress(_ request: DisassociateAddressRequest) async throws(CloudError) -> ReturnResult {
        let network = self.network
        let instance = try await database.writeOrThrow { db throws(CloudError) -> String in
            guard
                let address = try db.catching({
                    try AddressRecord.filter(AddressRecord.Columns.associationId == request.associationId).fetchOne(db)
                }), let instance = address.instanceId
            else {
                throw CloudError(
                    code: "InvalidAssociationID.NotFound",
                    message: "The association ID '\(request.associationId)' does not exist")
            }
            try Self.detachAddress(from: instance, in: db, network: network)
            return instance
        }
        await applyNetworkLater(instance: instance)
        return ReturnResult()
    }

    /// `ec2.ReleaseAddress`.
    public func releaseAddress(_ request: ReleaseAddressRequest) async throws(CloudError) -> ReturnResult {
        try await database.writeOrThrow { db throws(CloudError) in
            let address = try Self.address(request.allocationId, in: db)
            guard address.instanceId == nil else {
                throw CloudError(
                    code: "InvalidIPAddress.InUse",
                    message:
                        "Address \(address.publicIp) is in use (associated with \(address.instanceId!)); disassociate it first."
                )
            }
            try db.catching {
                _ = try address.delete(db)
                _ = try TagRecord.filter(TagRecord.Columns.resourceId == address.allocationId).deleteAll(db)
            }
        }
        logger.info("elastic ip released", metadata: ["iaas.allocation.id": "\(request.allocationId)"])
        return ReturnResult()
    }

    static let addressFilters: Set<String> = [
        "allocation-id", "association-id", "instance-id", "public-ip", "domain", "private-ip-address", "tag-key",
    ]

    /// `ec2.DescribeAddresses`.
    public func describeAddresses(_ request: DescribeAddressesRequest) async throws(CloudError)
        -> DescribeAddressesResult
    {
        let filters = try FilterSet(request.filters, supported: Self.addressFilters, allowsTags: true)
        let (records, tags, privateIps) = try await database.readOrThrow { db in
            let records = try AddressRecord.order(Column("allocationId")).fetchAll(db)
            let instances = try InstanceRecord.filter(keys: records.compactMap(\.instanceId)).fetchAll(db)
            return (
                records, try TagService.tags(of: records.map(\.allocationId), in: db),
                Dictionary(uniqueKeysWithValues: instances.map { ($0.id, $0.privateIp) })
            )
        }
        for id in request.allocationIds ?? [] where !records.contains(where: { $0.allocationId == id }) {
            throw Self.allocationNotFound(id)
        }
        for ip in request.publicIps ?? [] where !records.contains(where: { $0.publicIp == ip }) {
            throw CloudError(code: "InvalidAddress.NotFound", message: "Address '\(ip)' not found.")
        }
        let addresses = records.filter { record in
            (request.allocationIds ?? [record.allocationId]).contains(record.allocationId)
                && (request.publicIps ?? [record.publicIp]).contains(record.publicIp)
        }.map { record in
            Address(
                allocationId: record.allocationId, publicIp: record.publicIp, associationId: record.associationId,
                instanceId: record.instanceId, privateIpAddress: record.instanceId.flatMap { privateIps[$0] },
                tags: tags[record.allocationId].flatMap { $0.isEmpty ? nil : $0 })
        }
        return DescribeAddressesResult(
            addresses: addresses.filter { address in
                filters.matches { name in Self.attribute(name, of: address) }
            })
    }

    private static func attribute(_ name: String, of address: Address) -> [String]? {
        switch name {
        case "allocation-id": return [address.allocationId]
        case "association-id": return address.associationId.map { [$0] } ?? []
        case "instance-id": return address.instanceId.map { [$0] } ?? []
        case "public-ip": return [address.publicIp]
        case "domain": return [address.domain]
        case "private-ip-address": return address.privateIpAddress.map { [$0] } ?? []
        default: return FilterSet.tagAttribute(name, of: (address.tags ?? []))
        }
    }

    /// Every public address in use: instances' and Elastic IPs'.
    static func publicAddressesInUse(_ db: Database) throws(CloudError) -> Set<String> {
        try db.catching {
            Set(try String.fetchAll(db, sql: "SELECT publicIp FROM instance WHERE publicIp IS NOT NULL"))
                .union(try String.fetchAll(db, sql: "SELECT publicIp FROM address"))
        }
    }

    /// Takes the Elastic IP off `instance`. With `network`, a running instance gets a pool address instead.
    static func detachAddress(from instance: String, in db: Database, network: InstanceNetwork?) throws(CloudError) {
        try db.catching {
            try AddressRecord.filter(AddressRecord.Columns.instanceId == instance).updateAll(
                db, AddressRecord.Columns.instanceId.set(to: nil), AddressRecord.Columns.associationId.set(to: nil))
        }
        guard let record = try db.catching({ try InstanceRecord.fetchOne(db, key: instance) }) else { return }
        var replacement: String? = nil
        if let network, record.state == .running {
            var taken = try publicAddressesInUse(db)
            if let own = record.publicIp { taken.insert(own) }
            replacement = network.freePublicAddress(taken: taken)
        }
        try db.catching {
            try InstanceRecord.filter(key: instance).updateAll(db, InstanceRecord.Columns.publicIp.set(to: replacement))
        }
    }

    private static func address(_ id: String, in db: Database) throws(CloudError) -> AddressRecord {
        guard ResourceID.isWellFormed(id, prefix: "eipalloc") else {
            throw CloudError(
                code: "InvalidAllocationID.Malformed", message: "Invalid id: \"\(id)\" (expecting \"eipalloc-...\")")
        }
        guard let record = try db.catching({ try AddressRecord.fetchOne(db, key: id) }) else {
            throw allocationNotFound(id)
        }
        return record
    }

    private static func allocationNotFound(_ id: String) -> CloudError {
        CloudError(code: "InvalidAllocationID.NotFound", message: "The allocation ID '\(id)' does not exist")
    }
}
