import API
import Foundation

/// A queue's `RedrivePolicy`: after `maxReceiveCount` receives, a message moves to the dead-letter queue
/// `deadLetterTargetArn` instead of being delivered again.
struct RedrivePolicy: Sendable, Equatable {
    var deadLetterTargetArn: String
    var maxReceiveCount: Int

    /// Parses AWS's JSON form; `maxReceiveCount` may be a number or a string, as AWS accepts both.
    init(parsing text: String) throws(CloudError) {
        func invalid(_ reason: String) -> CloudError {
            SQSErrors.invalidParameterValue("Value \(text) for parameter RedrivePolicy is invalid. Reason: \(reason)")
        }
        guard let object = try? JSONParser.parse(Array(text.utf8)), case .object(let members) = object else {
            throw invalid("Redrive policy is not a valid JSON map.")
        }
        for key in members.keys where key != "deadLetterTargetArn" && key != "maxReceiveCount" {
            throw invalid("Only deadLetterTargetArn and maxReceiveCount are allowed; got \(key).")
        }
        guard let arn = members["deadLetterTargetArn"]?.stringValue else {
            throw invalid("Redrive policy does not contain mandatory attribute: deadLetterTargetArn.")
        }
        let count: Int?
        switch members["maxReceiveCount"] {
        case .int(let value)?: count = value
        case .string(let value)?: count = Int(value)
        default: count = nil
        }
        guard let count else { throw invalid("Redrive policy does not contain mandatory attribute: maxReceiveCount.") }
        guard (1...1000).contains(count) else {
            throw invalid(
                "Invalid value for maxReceiveCount: \(count), valid values are from 1 to 1000 both inclusive.")
        }
        self.init(deadLetterTargetArn: arn, maxReceiveCount: count)
    }

    init(deadLetterTargetArn: String, maxReceiveCount: Int) {
        self.deadLetterTargetArn = deadLetterTargetArn
        self.maxReceiveCount = maxReceiveCount
    }

    /// The JSON AWS reports.
    var text: String {
        #"{"deadLetterTargetArn":"\#(deadLetterTargetArn)","maxReceiveCount":\#(maxReceiveCount)}"#
    }
}

/// A dead-letter queue's `RedriveAllowPolicy`: which queues may use it as their dead-letter queue.
struct RedriveAllowPolicy: Sendable, Equatable {
    enum Permission: String, Sendable {
        case allowAll, denyAll, byQueue
    }

    var permission: Permission
    var sourceQueueArns: [String]

    init(parsing text: String) throws(CloudError) {
        func invalid(_ reason: String) -> CloudError {
            SQSErrors.invalidParameterValue(
                "Value \(text) for parameter RedriveAllowPolicy is invalid. Reason: \(reason)")
        }
        guard let object = try? JSONParser.parse(Array(text.utf8)), case .object(let members) = object,
            let name = members["redrivePermission"]?.stringValue
        else { throw invalid("Amazon SQS can't create the redrive allow policy, as it’s in an unsupported format.") }
        guard let permission = Permission(rawValue: name) else {
            throw invalid("redrivePermission must be allowAll, denyAll or byQueue.")
        }
        var arns: [String] = []
        if case .array(let values)? = members["sourceQueueArns"] {
            arns = values.compactMap(\.stringValue)
            guard arns.count == values.count else { throw invalid("sourceQueueArns must be a list of ARNs.") }
        }
        switch permission {
        case .byQueue:
            guard (1...10).contains(arns.count) else {
                throw invalid("byQueue needs 1 to 10 sourceQueueArns.")
            }
        case .allowAll, .denyAll:
            guard arns.isEmpty else { throw invalid("sourceQueueArns can be given only with byQueue.") }
        }
        self.permission = permission
        sourceQueueArns = arns
    }

    func allows(_ sourceArn: String) -> Bool {
        switch permission {
        case .allowAll: true
        case .denyAll: false
        case .byQueue: sourceQueueArns.contains(sourceArn)
        }
    }

    var text: String {
        guard permission == .byQueue else { return #"{"redrivePermission":"\#(permission.rawValue)"}"# }
        let arns = sourceQueueArns.map { #""\#($0)""# }.joined(separator: ",")
        return #"{"redrivePermission":"byQueue","sourceQueueArns":[\#(arns)]}"#
    }
}
