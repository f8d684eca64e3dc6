import API

/// AWS's rules for queue names: 1 to 80 characters of letters, digits, `-` and `_`; a FIFO queue's name
/// ends in `.fifo`, counted in the 80.
enum QueueName {
    static let fifoSuffix = ".fifo"

    static func validate(_ name: String, fifo: Bool) throws(CloudError) {
        let isFifoName = name.hasSuffix(fifoSuffix)
        if fifo, !isFifoName {
            throw SQSErrors.invalidParameterValue(
                "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length (got '\(name)')."
            )
        }
        if !fifo, isFifoName {
            throw SQSErrors.invalidParameterValue(
                "A queue whose name ends in .fifo must be created with the attribute FifoQueue=true (got '\(name)').")
        }
        let base = fifo ? name.dropLast(fifoSuffix.count) : Substring(name)
        guard (1...80).contains(name.utf8.count), !base.isEmpty,
            base.utf8.allSatisfy({ byte in
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
