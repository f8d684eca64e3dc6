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
        let coding: EC2QueryCoding
        switch EC2Model.shared {
        case .success(let model): coding = EC2QueryCoding(model: model)
        case .failure(let invalid): return error(.internalError("\(invalid)"), requestID: requestID)
        }
        guard let action = parameters["Action"], !action.isEmpty else {
            return error(.missingParameter("Action"), requestID: requestID)
        }
        guard actions.contains(action), let operation = coding.model.operations[action] else {
            return error(
                CloudError(
                    code: "InvalidAction",
                    message:
                        "The action \(action) is not valid for this web service (this cloud's EC2 has \(actions.count) actions).",
                    status: 400), requestID: requestID)
        }
        var members = parameters
        for name in ["Action", "Version"] { members[name] = nil }
        let params: JSONValue
        do throws(CloudError) {
            params =
                try operation.input.map { shape throws(CloudError) in try coding.decode(members, shape: shape) }
                ?? .object([:])
        } catch {
            return self.error(error, requestID: requestID)
        }
        guard case .object(var object) = params else {
            return error(.internalError("not an object"), requestID: requestID)
        }
        if object.removeValue(forKey: "DryRun") == .bool(true) {
            return error(
                CloudError(
                    code: "DryRunOperation", message: "Request would have succeeded, but DryRun flag is set.",
                    status: 412), requestID: requestID)
        }
        let outcome = await RequestScope.$region.withValue(region) {
            await processor.invoke("ec2." + action, params: .object(object))
        }
        switch outcome {
        case .success(let invocation):
            var text =
                #"<?xml version="1.0" encoding="UTF-8"?>"#
                + "\n<\(action)Response xmlns=\"http://ec2.amazonaws.com/doc/\(coding.model.version)/\">"
                + "<requestId>\(requestID)</requestId>"
            if let output = operation.output, let result = try? JSONParser.parse(invocation.json) {
                coding.encode(result, shape: output, into: &text)
            } else {
                text += "<return>true</return>"
            }
            text += "</\(action)Response>"
            return FrontReply.make(
                status: 200, contentType: Self.contentType, body: Array(text.utf8), requestID: requestID)
        case .failure(let failure):
            return error(FrontReply.cloudError(failure), requestID: requestID)
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
