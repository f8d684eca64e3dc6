import API
import Foundation
import HTTPTypes
import Hummingbird

/// Builders of the listener's responses, and the header names AWS's protocols use.
enum FrontReply {
    static func make(
        status: Int, contentType: String, body: [UInt8], requestID: String, extra: HTTPFields = [:],
        requestIDHeader: HTTPField.Name = .requestID
    ) -> Response {
        var headers = extra
        headers[.contentType] = contentType
        headers[requestIDHeader] = requestID
        headers[.contentLength] = String(body.count)
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func newRequestID() -> String { UUID().uuidString.lowercased() }

    /// The status and AWS error of a failed method call, whatever the JSON-RPC layer called it.
    static func cloudError(_ error: RPCErrorObject) -> CloudError {
        if error.code == RPCErrorObject.methodNotFoundCode {
            return CloudError(code: "InvalidAction", message: error.message, status: 400)
        }
        if error.code == RPCErrorObject.internalErrorCode {
            return CloudError(code: "InternalError", message: error.message, status: 500)
        }
        return error.cloudError ?? CloudError(code: "InternalError", message: error.message, status: 500)
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("x-amzn-RequestId")!
    static let amzTarget = HTTPField.Name("X-Amz-Target")!
    static let amzDate = HTTPField.Name("X-Amz-Date")!
    static let amzContentSHA256 = HTTPField.Name("X-Amz-Content-SHA256")!
    static let queryError = HTTPField.Name("x-amzn-query-error")!
}
