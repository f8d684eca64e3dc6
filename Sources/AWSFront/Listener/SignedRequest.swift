import Crypto
import HTTPTypes
import Hummingbird

/// Reading and authenticating a request of the listener: the parts SigV4 signs, as Hummingbird holds them.
extension Request {
    /// The request as SigV4 signs it, `host` from the request's authority.
    func signable(payloadHash: String, isS3: Bool) -> SignableRequest {
        let head = self.head
        return SignableRequest(
            method: head.method.rawValue, rawPath: uri.path, rawQuery: uri.query,
            header: { name in
                if name == "host" { return head.authority }
                guard let field = HTTPField.Name(name) else { return nil }
                let values = head.headerFields[values: field]
                return values.isEmpty ? nil : values.joined(separator: ",")
            }, payloadHash: payloadHash, isS3: isS3,
            amzHeaders: Dictionary(
                head.headerFields.filter { $0.name.canonicalName.hasPrefix("x-amz-") }.map {
                    ($0.name.canonicalName, $0.value)
                }, uniquingKeysWith: { "\($0),\($1)" }
            ).sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) })
    }

    /// The base of URLs that lead back here, `http://HOST:PORT`, as the client addressed the listener.
    func endpointBase(fallback: String) -> String {
        head.authority.map { "http://\($0)" } ?? fallback
    }
}

extension SigV4Verifier {
    /// Authenticates a request whose body was read whole (JSON and query protocols): the payload's hash is
    /// computed, as those clients do not send one.
    func verify(_ request: Request, body: [UInt8]) throws(AuthFailure) -> CredentialScope? {
        let hash = CanonicalRequest.hex(SHA256.hash(data: body))
        return try verify(
            request.signable(payloadHash: hash, isS3: false), authorization: request.headers[.authorization],
            amzDate: request.headers[.amzDate])
    }
}
