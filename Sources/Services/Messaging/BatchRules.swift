import API

/// AWS's rules for the entries of a batch action.
enum BatchRules {
    static let maxEntries = 10

    static func validate(ids: [String], entryName: String) throws(CloudError) {
        guard !ids.isEmpty else {
            throw SQSErrors.batch("EmptyBatchRequest", "There should be at least one \(entryName) in the request.")
        }
        guard ids.count <= maxEntries else {
            throw SQSErrors.batch(
                "TooManyEntriesInBatchRequest",
                "Maximum number of entries per request are \(maxEntries). You have sent \(ids.count).")
        }
        var seen = Set<String>()
        for id in ids {
            let valid =
                (1...80).contains(id.utf8.count)
                && id.utf8.allSatisfy { byte in
                    (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                        || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                }
            guard valid else {
                throw SQSErrors.batch(
                    "InvalidBatchEntryId",
                    "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long."
                )
            }
            guard seen.insert(id).inserted else {
                throw SQSErrors.batch("BatchEntryIdsNotDistinct", "Id \(id) repeated.")
            }
        }
    }
}
