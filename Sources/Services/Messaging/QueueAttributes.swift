import API
import Foundation

/// The settable attributes of a queue, with AWS's limits and defaults.
struct QueueAttributes: Sendable, Equatable {
    /// Set at creation only (with a `.fifo` name), never changed.
    var fifoQueue = false
    /// A FIFO queue derives a missing deduplication id from the body's SHA-256.
    var contentBasedDeduplication = false
    /// `queue` or `messageGroup`: where a deduplication id must be unique.
    var deduplicationScope = "queue"
    /// `perQueue` or `perMessageGroupId`: accepted and reported; this cloud throttles neither.
    var fifoThroughputLimit = "perQueue"
    var delaySeconds = 0
    var maximumMessageSize = 1_048_576
    var messageRetentionPeriod = 345_600
    var receiveMessageWaitTimeSeconds = 0
    var visibilityTimeout = 30
    /// Stored as given, not enforced: one account, no IAM.
    var policy: String?
    var sqsManagedSseEnabled = true
    /// Where messages go after too many receives; the target is checked by `QueueService`.
    var redrivePolicy: RedrivePolicy?
    /// Which queues may use this one as their dead-letter queue.
    var redriveAllowPolicy: RedriveAllowPolicy?

    /// The integer attributes: AWS name, range, and where each lives.
    private static let integers:
        [(name: String, range: ClosedRange<Int>, key: any WritableKeyPath<QueueAttributes, Int> & Sendable)] = [
            ("DelaySeconds", 0...900, \.delaySeconds),
            ("MaximumMessageSize", 1024...1_048_576, \.maximumMessageSize),
            ("MessageRetentionPeriod", 60...1_209_600, \.messageRetentionPeriod),
            ("ReceiveMessageWaitTimeSeconds", 0...20, \.receiveMessageWaitTimeSeconds),
            ("VisibilityTimeout", 0...43_200, \.visibilityTimeout),
        ]

    /// Attributes AWS knows that this cloud does not do yet: refused by name, never silently ignored.
    private static let unsupported: Set<String> = ["KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds"]

    /// The attributes only a FIFO queue has, with their allowed values.
    private static let fifoOnly:
        [(name: String, values: Set<String>, key: any WritableKeyPath<QueueAttributes, String> & Sendable)] = [
            ("DeduplicationScope", ["queue", "messageGroup"], \.deduplicationScope),
            ("FifoThroughputLimit", ["perQueue", "perMessageGroupId"], \.fifoThroughputLimit),
        ]

    /// Applies settable attributes from a request; throws AWS's error for an unknown name or a bad value.
    /// `FifoQueue` is taken only when `creating`; later it may only be repeated.
    mutating func apply(_ attributes: WireMap<String>, creating: Bool = false) throws(CloudError) {
        if let fifo = attributes["FifoQueue"] {
            guard fifo == "true" || fifo == "false" else {
                throw SQSErrors.invalidAttributeValue("Invalid value for the parameter FifoQueue: '\(fifo)'.")
            }
            if creating {
                fifoQueue = fifo == "true"
            } else if fifoQueue != (fifo == "true") {
                throw SQSErrors.invalidAttributeValue("FifoQueue can only be set when the queue is created.")
            }
        }
        for (name, value) in attributes.entries.sorted(by: { $0.key < $1.key }) where name != "FifoQueue" {
            if !fifoQueue, name == "ContentBasedDeduplication" || Self.fifoOnly.contains(where: { $0.name == name }) {
                throw SQSErrors.invalidAttributeName(name)
            }
            if name == "ContentBasedDeduplication" {
                guard value == "true" || value == "false" else {
                    throw SQSErrors.invalidAttributeValue(
                        "Invalid value for the parameter ContentBasedDeduplication: '\(value)'; it must be true or false."
                    )
                }
                contentBasedDeduplication = value == "true"
            } else if let choice = Self.fifoOnly.first(where: { $0.name == name }) {
                guard choice.values.contains(value) else {
                    throw SQSErrors.invalidAttributeValue(
                        "Invalid value for the parameter \(name): '\(value)'; it must be one of \(choice.values.sorted().joined(separator: ", "))."
                    )
                }
                self[keyPath: choice.key] = value
            } else if let integer = Self.integers.first(where: { $0.name == name }) {
                guard let number = Int(value), integer.range.contains(number) else {
                    throw SQSErrors.invalidAttributeValue(
                        "Invalid value for the parameter \(name): '\(value)'. It must be an integer from \(integer.range.lowerBound) to \(integer.range.upperBound)."
                    )
                }
                self[keyPath: integer.key] = number
            } else if name == "Policy" {
                policy = value.isEmpty ? nil : value
            } else if name == "SqsManagedSseEnabled" {
                guard value == "true" || value == "false" else {
                    throw SQSErrors.invalidAttributeValue("SqsManagedSseEnabled must be true or false.")
                }
                sqsManagedSseEnabled = value == "true"
            } else if name == "RedrivePolicy" {
                redrivePolicy = value.isEmpty ? nil : try RedrivePolicy(parsing: value)
            } else if name == "RedriveAllowPolicy" {
                redriveAllowPolicy = value.isEmpty ? nil : try RedriveAllowPolicy(parsing: value)
            } else if Self.unsupported.contains(name) {
                throw SQSErrors.unsupported(
                    "The attribute \(name) is not supported by this cloud yet (FIFO queues and KMS keys come later).")
            } else {
                throw SQSErrors.invalidAttributeName(name)
            }
        }
        if fifoThroughputLimit == "perMessageGroupId", deduplicationScope != "messageGroup" {
            throw SQSErrors.invalidAttributeValue(
                "FifoThroughputLimit perMessageGroupId needs DeduplicationScope messageGroup (high throughput mode).")
        }
    }

    /// The settable attributes as AWS reports them.
    var wire: [String: String] {
        var values: [String: String] = [:]
        for integer in Self.integers { values[integer.name] = String(self[keyPath: integer.key]) }
        if let policy { values["Policy"] = policy }
        if let redrivePolicy { values["RedrivePolicy"] = redrivePolicy.text }
        if let redriveAllowPolicy { values["RedriveAllowPolicy"] = redriveAllowPolicy.text }
        values["SqsManagedSseEnabled"] = sqsManagedSseEnabled ? "true" : "false"
        if fifoQueue {
            values["FifoQueue"] = "true"
            values["ContentBasedDeduplication"] = contentBasedDeduplication ? "true" : "false"
            for choice in Self.fifoOnly { values[choice.name] = self[keyPath: choice.key] }
        }
        return values
    }

    /// The stored form: the wire map as JSON.
    var stored: Data {
        (try? Data(AWSCoding.encode(WireMap(wire)))) ?? Data("{}".utf8)
    }

    init() {}

    /// Reads the stored form back; a value that no longer parses keeps its default.
    init(stored: Data) {
        let map = (try? AWSCoding.decode(WireMap<String>.self, fromJSON: Array(stored))) ?? WireMap()
        var attributes = QueueAttributes()
        for (name, value) in map.entries {
            if let integer = Self.integers.first(where: { $0.name == name }), let number = Int(value) {
                attributes[keyPath: integer.key] = number
            }
        }
        attributes.policy = map["Policy"]
        attributes.redrivePolicy = map["RedrivePolicy"].flatMap { try? RedrivePolicy(parsing: $0) }
        attributes.redriveAllowPolicy = map["RedriveAllowPolicy"].flatMap { try? RedriveAllowPolicy(parsing: $0) }
        attributes.sqsManagedSseEnabled = map["SqsManagedSseEnabled"] != "false"
        attributes.fifoQueue = map["FifoQueue"] == "true"
        attributes.contentBasedDeduplication = map["ContentBasedDeduplication"] == "true"
        for choice in Self.fifoOnly {
            if let value = map[choice.name], choice.values.contains(value) { attributes[keyPath: choice.key] = value }
        }
        self = attributes
    }
}
