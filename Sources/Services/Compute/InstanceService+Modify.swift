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
        let changes = [request.instanceType != nil, request.userData != nil].filter { $0 }.count
        guard changes == 1 else {
            throw .invalidParameterCombination("Give exactly one attribute to modify: InstanceType or UserData.")
        }
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
}
