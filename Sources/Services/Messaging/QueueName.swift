import API

/// AWS's rules for queue names: 1 to 80 characters of letters, digits, `-` and `_`.
enum QueueName {
    static func validate(_ name: String) throws(CloudError) {
        if name.hasSuffix(".fifo") {
            throw SQSErrors.unsupported(
                "FIFO queues (.fifo) are not supported by this cloud yet; use a standard queue.")
        }
        guard (1...80).contains(name.utf8.count),
            name.utf8.allSatisfy({ byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            })
        else {
            throw SQSErrors.invalidParameterValue(
                "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length (got '\(name)')."
            )
        }
    }
}
