import API
import Foundation
import GRDB
import Store

extension InstanceService {
    /// `ec2.ModifyInstanceAttribute`: a stopped instance's type or user data. The new type takes effect at
    /// the next start (its vCPUs and memory).
    public func modifyInstanceAttribute(_ request: ModifyInstanceAttributeRequest) async throws(CloudError)
        -> ReturnResult
    {
        let changes = [request.instanceType != nil, request.userData != nil, request.groups != nil].filter { $0 }.count
        guard changes == 1 else {
            throw .invalidParameterCombination(
                "Give exactly one attribute to modify: InstanceType, UserData or Groups.")
        }
        if let groups = request.groups { return try await modifySecurityGroups(of: request.instanceId, to: groups) }
        let type = try request.instanceType.map { value throws(CloudError) in try InstanceType.named(value.value) }
        let userData = try request.userData.map { value throws(CloudError) in try Self.decodeUserData(value.value) }
        try await database.writeOrThrow { db throws(CloudError) in
            var record = try Self.fetch([request.instanceId], in: db)[0]
            guard record.state == .stopped else {
                throw CloudError(
                    code: "IncorrectInstanceState",
                    message:
                        "The instance '\(record.id)' is not in the 'stopped' state (it is \(record.state.rawValue)).")
            }
            if let type { record.instanceType = type.name }
            if let userData { record.userData = userData }
            try db.catching { try record.update(db) }
        }
        logger.info(
            "instance attribute modified",
            metadata: ["iaas.instance.id": "\(request.instanceId)", "iaas.instance.type": "\(type?.name ?? "-")"])
        return ReturnResult()
    }

    /// A running or stopped instance's groups become `groups` (ids), applied to its traffic at once.
    private func modifySecurityGroups(of id: String, to ids: [String]) async throws(CloudError) -> ReturnResult {
        guard !ids.isEmpty else { throw .missingParameter("Groups") }
        let zone = try await database.writeOrThrow { db throws(CloudError) -> String in
            let record = try Self.fetch([id], in: db)[0]
            guard record.state != .terminated, record.state != .shuttingDown else {
                throw ComputeErrors.incorrectState(record.id, record.state.rawValue, action: "given security groups")
            }
            let groups = try SecurityGroupLookup.launchGroups(
                ids: ids, names: nil, region: placement(of: record.zone).region, in: db)
            try SecurityGroupLookup.setMembership(of: id, to: groups, in: db)
            return record.zone
        }
        logger.info(
            "instance security groups modified", metadata: ["iaas.instance.id": "\(id)", "iaas.groups": "\(ids)"])
        await applyNetworkLater(zone: zone)
        return ReturnResult()
    }
}
