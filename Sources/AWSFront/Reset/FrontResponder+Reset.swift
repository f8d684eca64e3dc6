import API
import Hummingbird

extension FrontResponder {
    static let resetPath = "/_iaas/reset"

    /// `POST /_iaas/reset`: only when the daemon was started with `--http-reset`, and signed like any other
    /// request when the endpoint has credentials. Answers what went, as JSON.
    func respondReset(to request: Request, requestID: String) async -> Response {
        func refuse(_ error: CloudError) -> Response {
            let body = JSONValue.object(["__type": .string(error.code), "message": .string(error.message)])
            return FrontReply.make(
                status: error.status, contentType: "application/json", body: body.serialized, requestID: requestID)
        }
        guard let reset else {
            return refuse(
                CloudError(
                    code: "AccessDenied",
                    message: "Resetting the cloud over HTTP is off; start iaasd with --http-reset to allow it.",
                    status: 403))
        }
        guard request.method == .post else {
            return refuse(
                CloudError(code: "MethodNotAllowed", message: "\(Self.resetPath) takes POST.", status: 405))
        }
        if case .failure(let refused) = await readSigned(request) { return refuse(refused) }
        switch await reset.run() {
        case .success(let report):
            logger.notice("the cloud was reset", metadata: ["iaas.reset": "\(report.counts)"])
            return FrontReply.make(
                status: 200, contentType: "application/json",
                body: JSONValue.object(["Reset": report.json]).serialized, requestID: requestID)
        case .failure(let failure):
            return refuse(failure)
        }
    }
}
