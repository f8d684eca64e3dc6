import API
import Foundation
import GRDB
import Store

extension InstanceService {
    /// `ec2.AuthorizeSecurityGroupIngress`.
    public func authorizeSecurityGroupIngress(_ request: SecurityGroupPermissionsRequest) async throws(CloudError)
        -> AuthorizeSecurityGroupResult
    {
        try await authorize(request, egress: false)
    }

    /// `ec2.AuthorizeSecurityGroupEgress`.
    public func authorizeSecurityGroupEgress(_ request: SecurityGroupPermissionsRequest) async throws(CloudError)
        -> AuthorizeSecurityGroupResult
    {
        try Self.requirePermissionsOnly(request)
        return try await authorize(request, egress: true)
    }

    /// Egress rules come as IpPermissions only, as in AWS: the flat form is ingress's.
    private static func requirePermissionsOnly(_ request: SecurityGroupPermissionsRequest) throws(CloudError) {
        guard request.cidrIp == nil, request.ipProtocol == nil, request.fromPort == nil, request.toPort == nil,
            request.sourceSecurityGroupName == nil
        else {
            throw .invalidParameterCombination("Egress rules are given as IpPermissions (or, to revoke, rule ids).")
        }
    }

    /// `ec2.RevokeSecurityGroupIngress`.
    public func revokeSecurityGroupIngress(_ request: SecurityGroupPermissionsRequest) async throws(CloudError)
        -> RevokeSecurityGroupResult
    {
        try await revoke(request, egress: false)
    }

    /// `ec2.RevokeSecurityGroupEgress`.
    public func revokeSecurityGroupEgress(_ request: SecurityGroupPermissionsRequest) async throws(CloudError)
        -> RevokeSecurityGroupResult
    {
        try Self.requirePermissionsOnly(request)
        return try await revoke(request, egress: true)
    }

    /// New rules, all or none: one that exists already (or is given twice) is InvalidPermission.Duplicate.
    /// The region's data plane applies them before the call returns.
    private func authorize(_ request: SecurityGroupPermissionsRequest, egress: Bool) async throws(CloudError)
        -> AuthorizeSecurityGroupResult
    {
        let region = requestRegion
        let account = self.account
        let tags = try TagRules.tags(of: request.tagSpecifications, for: "security-group-rule")
        let added = try await database.writeOrThrow { db throws(CloudError) -> [SecurityGroupRuleRecord] in
            let group = try SecurityGroupLookup.resolve(
                id: request.groupId, name: request.groupName, region: region, in: db)
            let specs = try SecurityGroupRules.specs(of: request, region: region, in: db)
            let existing = try db.catching {
                try SecurityGroupRuleRecord.filter(SecurityGroupRuleRecord.Columns.groupId == group.id)
                    .filter(SecurityGroupRuleRecord.Columns.isEgress == egress).fetchAll(db)
            }
            var identities = Set(existing.map { RuleSpec($0).identity })
            for spec in specs where !identities.insert(spec.identity).inserted {
                throw SecurityGroupErrors.permissionDuplicate(spec.text)
            }
            guard identities.count <= SecurityGroupRules.maxRulesPerDirection else {
                throw CloudError(
                    code: "RulesPerSecurityGroupLimitExceeded",
                    message:
                        "The maximum number of rules per security group (\(SecurityGroupRules.maxRulesPerDirection) \(egress ? "outbound" : "inbound")) has been reached."
                )
            }
            let records = specs.map { $0.record(id: ResourceID.make("sgr"), groupId: group.id, isEgress: egress) }
            for record in records {
                try db.catching { try record.insert(db) }
                try TagService.upsert(tags, on: record.id, type: "security-group-rule", in: db)
            }
            return records
        }
        logger.info(
            "security group rules authorized",
            metadata: [
                "iaas.security-group.id": "\(added.first?.groupId ?? "-")", "iaas.rules": "\(added.map(\.id))",
                "iaas.direction": "\(egress ? "egress" : "ingress")",
            ])
        await applyNetworkLater(region: region)
        return AuthorizeSecurityGroupResult(
            securityGroupRules: added.map { SecurityGroupRules.rule($0, account: account) })
    }

    /// Rules removed, by permission or by id, all or none: one that does not exist is InvalidPermission.NotFound
    /// (InvalidSecurityGroupRuleId.NotFound by id).
    private func revoke(_ request: SecurityGroupPermissionsRequest, egress: Bool) async throws(CloudError)
        -> RevokeSecurityGroupResult
    {
        let region = requestRegion
        let account = self.account
        let removed = try await database.writeOrThrow { db throws(CloudError) -> [SecurityGroupRuleRecord] in
            let group = try SecurityGroupLookup.resolve(
                id: request.groupId, name: request.groupName, region: region, in: db)
            let existing = try db.catching {
                try SecurityGroupRuleRecord.filter(SecurityGroupRuleRecord.Columns.groupId == group.id)
                    .filter(SecurityGroupRuleRecord.Columns.isEgress == egress).fetchAll(db)
            }
            var chosen: [SecurityGroupRuleRecord] = []
            if let ids = request.securityGroupRuleIds {
                guard request.ipPermissions == nil else {
                    throw .invalidParameterCombination("Give IpPermissions or SecurityGroupRuleIds, not both.")
                }
                let missing = ids.filter { id in !existing.contains { $0.id == id } }
                guard missing.isEmpty else { throw SecurityGroupErrors.ruleNotFound(missing) }
                chosen = existing.filter { ids.contains($0.id) }
            } else {
                let byIdentity = Dictionary(
                    existing.map { (RuleSpec($0).identity, $0) }, uniquingKeysWith: { a, _ in a })
                for spec in try SecurityGroupRules.specs(of: request, region: region, in: db) {
                    guard let record = byIdentity[spec.identity] else { throw SecurityGroupErrors.permissionNotFound }
                    if !chosen.contains(record) { chosen.append(record) }
                }
            }
            try db.catching {
                _ = try SecurityGroupRuleRecord.filter(keys: chosen.map(\.id)).deleteAll(db)
                _ = try TagRecord.filter(chosen.map(\.id).contains(TagRecord.Columns.resourceId)).deleteAll(db)
            }
            return chosen
        }
        logger.info(
            "security group rules revoked",
            metadata: [
                "iaas.security-group.id": "\(removed.first?.groupId ?? "-")", "iaas.rules": "\(removed.map(\.id))",
            ])
        await applyNetworkLater(region: region)
        return RevokeSecurityGroupResult(
            revokedSecurityGroupRules: removed.map { SecurityGroupRules.rule($0, account: account) })
    }
}
