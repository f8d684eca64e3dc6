import API
import Hummingbird
import Services

/// EC2's query protocol (`Action=DescribeVolumes&Version=2016-11-15&…`, form-encoded, answered in XML), which
/// boto3 and the AWS CLI speak for EC2: each action runs as the socket's `ec2.<Action>`.
struct EC2QueryProtocol: Sendable {
    static let contentType = "text/xml;charset=UTF-8"

    let processor: RequestProcessor
    /// The EC2 actions the method table has.
    let actions: Set<String>

    init(processor: RequestProcessor) {
        self.processor = processor
        actions = processor.actions(of: "ec2")
    }

    func respond(parameters: [String: String], region: String, requestID: String) async -> Response {
        let (model, action, operation): (QueryModel, String, QueryModel.Operation)
        switch QueryModel.resolve(
            QueryModel.ec2, parameters, among: actions, hint: "this cloud's EC2 has \(actions.count) actions")
        {
        case .success(let resolved): (model, action, operation) = resolved
        case .failure(let refused): return error(refused, requestID: requestID)
        }
        let outcome = await QueryCoding(model: model, dialect: .ec2).call(operation, parameters: parameters) { params in
            await RequestScope.$region.withValue(region) { await processor.invoke("ec2." + action, params: params) }
        }
        switch outcome {
        case .success(let members):
            let text =
                #"<?xml version="1.0" encoding="UTF-8"?>"#
                + "\n<\(action)Response xmlns=\"\(model.namespace)\"><requestId>\(requestID)</requestId>"
                + (members ?? "<return>true</return>") + "</\(action)Response>"
            return FrontReply.make(
                status: 200, contentType: Self.contentType, body: Array(text.utf8), requestID: requestID)
        case .failure(let failure):
            return error(failure, requestID: requestID)
        }
    }

    /// `<Response><Errors><Error><Code>…</Code><Message>…</Message></Error></Errors><RequestID>…`, as EC2 answers.
    func error(_ error: CloudError, requestID: String) -> Response {
        let text =
            #"<?xml version="1.0" encoding="UTF-8"?>"#
            + "\n<Response><Errors><Error><Code>\(XMLText.escape(error.code))</Code><Message>"
            + "\(XMLText.escape(error.message))</Message></Error></Errors><RequestID>\(requestID)</RequestID></Response>"
        return FrontReply.make(
            status: error.status, contentType: Self.contentType, body: Array(text.utf8), requestID: requestID)
    }
}
