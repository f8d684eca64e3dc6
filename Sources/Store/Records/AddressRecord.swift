import Foundation
import GRDB

/// A row of the `address` table: an Elastic IP, allocated from the daemon's public pool until released,
/// and the instance it is associated with, if any.
public struct AddressRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "address"

    public var allocationId: String
    public var publicIp: String
    public var associationId: String?
    public var instanceId: String?
    public var allocatedAt: Date

    public init(
        allocationId: String, publicIp: String, associationId: String?, instanceId: String?, allocatedAt: Date
    ) {
        self.allocationId = allocationId
        self.publicIp = publicIp
        self.associationId = associationId
        self.instanceId = instanceId
        self.allocatedAt = allocatedAt
    }

    public enum Columns {
        public static let publicIp = Column(CodingKeys.publicIp)
        public static let associationId = Column(CodingKeys.associationId)
        public static let instanceId = Column(CodingKeys.instanceId)
    }
}
