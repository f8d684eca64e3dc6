import API

/// The XML documents S3 requests carry, read into the members the socket's methods take. Elements S3 may
/// add that this cloud does not use (checksums of parts, object sizes in a delete) are passed over.
enum S3Documents {
    static func malformed(_ detail: String) -> CloudError {
        CloudError(
            code: "MalformedXML",
            message:
                "The XML you provided was not well-formed or did not validate against our published schema: \(detail)"
        )
    }

    /// `<CreateBucketConfiguration><LocationConstraint>…`.
    static func createBucket(_ tree: XMLTree) throws(CloudError) -> [String: JSONValue] {
        guard tree.name == "CreateBucketConfiguration" else { throw malformed("expected CreateBucketConfiguration.") }
        guard let location = tree.value("LocationConstraint"), !location.isEmpty else { return [:] }
        return ["CreateBucketConfiguration": ["LocationConstraint": .string(location)]]
    }

    /// `<VersioningConfiguration><Status>Enabled</Status><MfaDelete>…`.
    static func versioning(_ tree: XMLTree) throws(CloudError) -> [String: JSONValue] {
        guard tree.name == "VersioningConfiguration" else { throw malformed("expected VersioningConfiguration.") }
        var configuration: [String: JSONValue] = [:]
        if let status = tree.value("Status") { configuration["Status"] = .string(status) }
        if let mfa = tree.value("MfaDelete") { configuration["MfaDelete"] = .string(mfa) }
        return ["VersioningConfiguration": .object(configuration)]
    }

    /// `<Delete><Object><Key>…</Key><VersionId>…</VersionId></Object>…<Quiet>true</Quiet></Delete>`.
    static func delete(_ tree: XMLTree) throws(CloudError) -> [String: JSONValue] {
        guard tree.name == "Delete" else { throw malformed("expected Delete.") }
        var objects: [JSONValue] = []
        for object in tree.children("Object") {
            guard let key = object.child("Key")?.text else { throw malformed("an Object has no Key.") }
            var identifier: [String: JSONValue] = ["Key": .string(key)]
            if let version = object.value("VersionId") { identifier["VersionId"] = .string(version) }
            objects.append(.object(identifier))
        }
        var delete: [String: JSONValue] = ["Objects": .array(objects)]
        if let quiet = tree.value("Quiet") { delete["Quiet"] = .bool(quiet.lowercased() == "true") }
        return ["Delete": .object(delete)]
    }

    /// `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"…"</ETag></Part>…`.
    static func completeMultipartUpload(_ tree: XMLTree) throws(CloudError) -> [String: JSONValue] {
        guard tree.name == "CompleteMultipartUpload" else { throw malformed("expected CompleteMultipartUpload.") }
        var parts: [JSONValue] = []
        for part in tree.children("Part") {
            guard let number = part.value("PartNumber").flatMap({ Int($0) }), let eTag = part.value("ETag") else {
                throw malformed("each Part needs a PartNumber and an ETag.")
            }
            parts.append(["PartNumber": .int(number), "ETag": .string(eTag)])
        }
        return ["MultipartUpload": ["Parts": .array(parts)]]
    }

    /// `<Tagging><TagSet><Tag><Key>…</Key><Value>…</Value></Tag>…`.
    static func tagging(_ tree: XMLTree) throws(CloudError) -> [String: JSONValue] {
        guard tree.name == "Tagging", let set = tree.child("TagSet") else {
            throw malformed("expected Tagging/TagSet.")
        }
        var tags: [JSONValue] = []
        for tag in set.children("Tag") {
            guard let key = tag.child("Key")?.text, let value = tag.child("Value")?.text else {
                throw malformed("each Tag needs a Key and a Value.")
            }
            tags.append(["Key": .string(key), "Value": .string(value)])
        }
        return ["Tagging": ["TagSet": .array(tags)]]
    }
}
