import API
import ArgumentParser
import Foundation

/// The AWS CLI's shorthand syntax for structured options: `Name=status,Values=available,in-use`,
/// `Key=Name,Value=web`, `ResourceType=volume,Tags=[{Key=a,Value=b},{Key=c,Value=d}]`.
enum Shorthand {
    /// `Name=NAME,Values=V1,V2,...`.
    static func filter(_ text: String) throws -> Filter {
        guard text.hasPrefix("Name="), let valuesRange = text.range(of: ",Values=") else {
            throw ValidationError("A filter is written Name=NAME,Values=V1,V2 (got '\(text)').")
        }
        let name = String(text[text.index(text.startIndex, offsetBy: 5)..<valuesRange.lowerBound])
        let values = text[valuesRange.upperBound...].split(separator: ",", omittingEmptySubsequences: false).map(
            String.init)
        return Filter(name: name, values: values)
    }

    /// `Key=K,Value=V` (the value may be empty).
    static func tag(_ text: String) throws -> Tag {
        let fields = try pairs(text)
        guard let key = fields["Key"] else {
            throw ValidationError("A tag is written Key=KEY,Value=VALUE (got '\(text)').")
        }
        return Tag(key: key, value: fields["Value"] ?? "")
    }

    /// `Key=K` or `Key=K,Value=V`, for removing tags.
    static func tagKey(_ text: String) throws -> DeleteTagsRequest.TagKey {
        let fields = try pairs(text)
        guard let key = fields["Key"] else {
            throw ValidationError("A tag is written Key=KEY[,Value=VALUE] (got '\(text)').")
        }
        return DeleteTagsRequest.TagKey(key: key, value: fields["Value"])
    }

    /// `ResourceType=TYPE,Tags=[{Key=K,Value=V},...]`.
    static func tagSpecification(_ text: String) throws -> TagSpecification {
        guard let (members, head) = try list("Tags", in: text) else {
            throw ValidationError(
                "A tag specification is written ResourceType=volume,Tags=[{Key=K,Value=V}] (got '\(text)').")
        }
        return TagSpecification(resourceType: head["ResourceType"], tags: try members.map(tag))
    }

    /// S3's tag set: `TagSet=[{Key=K,Value=V},...]`, or the same as JSON (`{"TagSet": [...]}`).
    static func tagging(_ text: String) throws -> Tagging {
        if text.hasPrefix("{") { return try AWSCoding.decode(Tagging.self, fromJSON: Array(text.utf8), strict: true) }
        guard let (members, _) = try list("TagSet", in: text) else {
            throw ValidationError("A tag set is written TagSet=[{Key=K,Value=V}] (got '\(text)').")
        }
        return Tagging(tagSet: try members.map(tag).map { S3Tag(key: $0.key, value: $0.value) })
    }

    /// DeleteObjects' `Objects=[{Key=a},{Key=b,VersionId=V}],Quiet=true`, or the same as JSON.
    static func delete(_ text: String) throws -> DeleteObjectsRequest.Delete {
        if text.hasPrefix("{") {
            return try AWSCoding.decode(DeleteObjectsRequest.Delete.self, fromJSON: Array(text.utf8), strict: true)
        }
        guard let (members, rest) = try list("Objects", in: text) else {
            throw ValidationError(
                "Objects to delete are written Objects=[{Key=K,VersionId=V}],Quiet=true (got '\(text)').")
        }
        let objects = try members.map { member in
            let fields = try pairs(member)
            guard let key = fields["Key"] else { throw ValidationError("Each object names a Key (got '\(member)').") }
            return DeleteObjectsRequest.ObjectIdentifier(key: key, versionId: fields["VersionId"])
        }
        return DeleteObjectsRequest.Delete(objects: objects, quiet: rest["Quiet"].map { $0 == "true" })
    }

    /// ImportSnapshot's `Format=RAW,UserBucket={S3Bucket=B,S3Key=K}`, or the same as JSON.
    static func diskContainer(_ text: String) throws -> SnapshotDiskContainer {
        if text.hasPrefix("{") {
            return try AWSCoding.decode(SnapshotDiskContainer.self, fromJSON: Array(text.utf8), strict: true)
        }
        guard let (inner, rest) = try member("UserBucket", "{", "}", in: text) else {
            throw ValidationError(
                "A disk container is written Format=RAW,UserBucket={S3Bucket=BUCKET,S3Key=KEY} (got '\(text)').")
        }
        let bucket = try pairs(String(inner))
        guard let name = bucket["S3Bucket"], let key = bucket["S3Key"] else {
            throw ValidationError("UserBucket names an S3Bucket and an S3Key (got '\(text)').")
        }
        return SnapshotDiskContainer(
            description: rest["Description"], format: rest["Format"], userBucket: UserBucket(s3Bucket: name, s3Key: key)
        )
    }

    /// `Status=Enabled` (and `MFADelete=Disabled`), or the same as JSON.
    static func versioningConfiguration(_ text: String) throws -> VersioningConfiguration {
        if text.hasPrefix("{") {
            return try AWSCoding.decode(VersioningConfiguration.self, fromJSON: Array(text.utf8), strict: true)
        }
        let fields = try pairs(text)
        return VersioningConfiguration(status: fields["Status"], mfaDelete: fields["MFADelete"])
    }

    /// A list member `Name=[{A=1,B=2},{A=3}]` among plain pairs: the text of each struct, and the pairs
    /// around the list; nil when there is no such list.
    private static func list(_ name: String, in text: String) throws -> (members: [String], rest: [String: String])? {
        guard let (body, rest) = try member(name, "[", "]", in: text) else { return nil }
        let members = body.split(separator: "}", omittingEmptySubsequences: true).compactMap { chunk -> String? in
            let trimmed = chunk.drop { $0 == "," || $0 == " " || $0 == "{" }
            return trimmed.isEmpty ? nil : String(trimmed)
        }
        return (members, rest)
    }

    /// A member `Name=<open>…<close>` among plain pairs: the text between the brackets (to the last
    /// `close`), and the pairs around it; nil when there is no such member.
    private static func member(_ name: String, _ open: Character, _ close: Character, in text: String) throws -> (
        inner: Substring, rest: [String: String]
    )? {
        guard let start = text.range(of: name + "=" + String(open)),
            let end = text[start.upperBound...].lastIndex(of: close)
        else { return nil }
        let around = [String(text[..<start.lowerBound]), String(text[text.index(after: end)...])]
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ",")) }.filter { !$0.isEmpty }
        return (text[start.upperBound..<end], try pairs(around.joined(separator: ",")))
    }

    /// `DeviceName=/dev/sdf,Ebs={VolumeSize=10,VolumeType=gp3,DeleteOnTermination=false}`,
    /// `DeviceName=/dev/sdb,VirtualName=ephemeral0` or `DeviceName=/dev/sdg,NoDevice=`.
    static func blockDeviceMapping(_ text: String) throws -> BlockDeviceMapping {
        var head = text
        var ebs: EbsBlockDevice?
        if let open = text.range(of: "Ebs={") {
            guard text.hasSuffix("}") else {
                throw ValidationError("Ebs={...} must come last in a block device mapping (got '\(text)').")
            }
            let fields = try pairs(String(text[open.upperBound..<text.index(before: text.endIndex)]))
            func number(_ key: String) throws -> Int? {
                guard let value = fields[key] else { return nil }
                guard let number = Int(value) else {
                    throw ValidationError("Ebs \(key) must be a number (got '\(value)').")
                }
                return number
            }
            ebs = EbsBlockDevice(
                volumeSize: try number("VolumeSize"), volumeType: fields["VolumeType"], iops: try number("Iops"),
                throughput: try number("Throughput"),
                deleteOnTermination: fields["DeleteOnTermination"].map { $0 == "true" },
                encrypted: fields["Encrypted"].map { $0 == "true" }, snapshotId: fields["SnapshotId"])
            head = String(text[..<open.lowerBound]).trimmingSuffix(",")
        }
        let fields = try pairs(head)
        guard let device = fields["DeviceName"] else {
            throw ValidationError(
                "A block device mapping is written DeviceName=/dev/sdf,Ebs={VolumeSize=10} (got '\(text)').")
        }
        return BlockDeviceMapping(
            deviceName: device, ebs: ebs, virtualName: fields["VirtualName"], noDevice: fields["NoDevice"])
    }

    private static func pairs(_ text: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for field in text.split(separator: ",") {
            guard let equals = field.firstIndex(of: "=") else {
                throw ValidationError("Expected KEY=VALUE in '\(text)'.")
            }
            result[String(field[..<equals])] = String(field[field.index(after: equals)...])
        }
        return result
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
