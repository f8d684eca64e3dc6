import API
import Hummingbird
import Services

/// SQS's query protocol (`Action=SendMessage&QueueUrl=…&MessageAttribute.1.Name=…`, answered in XML), which
/// SDKs spoke before SQS moved to JSON (botocore before 1.31, the AWS SDK for Java v1, …): each action runs as
/// the socket's `sqs.<Action>`, as the JSON protocol's do.
struct SQSQueryProtocol: Sendable {
    let processor: RequestProcessor
    /// The SQS actions the method table has.
    let actions: Set<String>

    init(processor: RequestProcessor) {
        self.processor = processor
        actions = processor.actions(of: "sqs")
    }

    /// - Parameters:
    ///   - path: the request's path: old SDKs post to the queue's URL (`/<account>/<name>`), which then names
    ///     the queue when `QueueUrl` is absent.
    ///   - endpoint: `http://HOST:PORT`, the base of the queue URLs answered.
    func respond(parameters: [String: String], path: String, region: String, endpoint: String, requestID: String)
        async -> Response
    {
        let (model, action, operation): (QueryModel, String, QueryModel.Operation)
        switch QueryModel.resolve(QueryModel.sqs, parameters, among: actions, hint: "SQS's actions are AWS's") {
        case .success(let resolved): (model, action, operation) = resolved
        case .failure(let refused): return error(refused, requestID: requestID)
        }
        var parameters = parameters
        if parameters["QueueUrl"] == nil, path.split(separator: "/").count == 2, Self.takesQueueURL(operation, model) {
            parameters["QueueUrl"] = endpoint + path
        }
        let outcome = await QueryCoding(model: model, dialect: .query).call(operation, parameters: parameters) {
            params in
            await RequestScope.$region.withValue(region) {
                await RequestScope.$queueURLBase.withValue(endpoint) {
                    await processor.invoke("sqs." + action, params: params)
                }
            }
        }
        switch outcome {
        case .success(let members):
            var text =
                #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n<\(action)Response xmlns=\"\(model.namespace)\">"
            if let members, let wrapper = operation.resultWrapper {
                text += "<\(wrapper)>\(members)</\(wrapper)>"
            }
            text += "<ResponseMetadata><RequestId>\(requestID)</RequestId></ResponseMetadata></\(action)Response>"
            return FrontReply.make(
                status: 200, contentType: EC2QueryProtocol.contentType, body: Array(text.utf8), requestID: requestID)
        case .failure(let failure):
            return error(failure, requestID: requestID)
        }
    }

    private static func takesQueueURL(_ operation: QueryModel.Operation, _ model: QueryModel) -> Bool {
        guard let input = operation.input, case .structure(let members)? = model.shapes[input] else { return false }
        return members.contains { $0.name == "QueueUrl" }
    }

    /// `<ErrorResponse><Error><Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code>…`, as SQS
    /// answered its query protocol: the code is the query code, which the JSON protocol sends in
    /// `x-amzn-query-error`.
    func error(_ error: CloudError, requestID: String) -> Response {
        let fault = error.status >= 500 ? "Receiver" : "Sender"
        let text =
            #"<?xml version="1.0" encoding="UTF-8"?>"#
            + "\n<ErrorResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><Error><Type>\(fault)</Type>"
            + "<Code>\(XMLText.escape(error.code))</Code><Message>\(XMLText.escape(error.message))</Message>"
            + "<Detail/></Error><RequestId>\(requestID)</RequestId></ErrorResponse>"
        return FrontReply.make(
            status: error.status, contentType: EC2QueryProtocol.contentType, body: Array(text.utf8),
            requestID: requestID)
    }
}
