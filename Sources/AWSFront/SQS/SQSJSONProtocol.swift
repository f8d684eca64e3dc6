import API
import HTTPTypes
import Hummingbird
import Services

/// SQS's JSON protocol (`X-Amz-Target: AmazonSQS.<Action>`, `application/x-amz-json-1.0`), which current
/// SDKs speak: the body is the action's parameters in AWS's member names, as the socket's `sqs.<Action>`
/// takes them, and the result goes back as it is.
struct SQSJSONProtocol: Sendable {
    static let targetPrefix = "AmazonSQS."
    static let contentType = "application/x-amz-json-1.0"

    let processor: RequestProcessor
    /// The actions the method table has (`SendMessage`), so that no other service is reached by this target.
    let actions: Set<String>

    init(processor: RequestProcessor) {
        self.processor = processor
        actions = processor.actions(of: "sqs")
    }

    func respond(action: String, body: [UInt8], region: String, endpoint: String, requestID: String) async
        -> Response
    {
        guard actions.contains(action) else {
            return error(
                CloudError(
                    code: "InvalidAction",
                    message: "SQS has no action '\(action)' here; actions are named as AWS's (SendMessage).",
                    status: 400),
                shape: "com.amazon.coral.service#UnknownOperationException", requestID: requestID)
        }
        let params: JSONValue
        do {
            params = body.isEmpty ? .object([:]) : try JSONParser.parse(body)
        } catch {
            return self.error(
                CloudError(
                    code: "InvalidParameterValue",
                    message: "The body is not JSON: \(error.message) at byte \(error.offset).", status: 400),
                shape: "com.amazon.coral.service#SerializationException", requestID: requestID)
        }
        guard case .object = params else {
            return error(
                CloudError(code: "InvalidParameterValue", message: "The body must be a JSON object.", status: 400),
                shape: "com.amazon.coral.service#SerializationException", requestID: requestID)
        }
        let outcome = await RequestScope.$region.withValue(region) {
            await RequestScope.$queueURLBase.withValue(endpoint) {
                await processor.invoke("sqs." + action, params: params)
            }
        }
        switch outcome {
        case .success(let result):
            return FrontReply.make(status: 200, contentType: Self.contentType, body: result.json, requestID: requestID)
        case .failure(let failure):
            return error(FrontReply.cloudError(failure), requestID: requestID)
        }
    }

    /// An error as SDKs read it: `__type` names the JSON protocol's error shape (boto3 picks the exception
    /// class by it), and `x-amzn-query-error` carries the query protocol's code, which SDKs report as the code.
    func error(_ error: CloudError, shape: String? = nil, requestID: String) -> Response {
        let type = shape ?? "com.amazonaws.sqs#" + Self.shapeName(error.code)
        let body = JSONValue.object(["__type": .string(type), "message": .string(error.message)])
        let fault = error.status >= 500 ? "Receiver" : "Sender"
        return FrontReply.make(
            status: error.status, contentType: Self.contentType, body: body.serialized, requestID: requestID,
            extra: [.queryError: "\(error.code);\(fault)"])
    }

    /// The JSON protocol's shape for a query-protocol code: the code without its `AWS.SimpleQueueService.`
    /// prefix, but for the two SQS renamed.
    static func shapeName(_ code: String) -> String {
        let bare = code.hasPrefix("AWS.SimpleQueueService.") ? String(code.dropFirst(23)) : code
        switch bare {
        case "NonExistentQueue": return "QueueDoesNotExist"
        case "QueueAlreadyExists": return "QueueNameExists"
        default: return bare
        }
    }
}
