import API
import Logging

/// The method table: a wire name to the handler that decodes its parameters, runs the action and encodes
/// its result. Built once at start; immutable after.
public struct Router: Sendable {
    typealias Outcome = Result<Encoded, RPCErrorObject>

    /// A result as it goes on the wire: its JSON, and the payload that follows the line when the result
    /// holds a `{"$bytes": N}` (S3's GetObject).
    struct Encoded: Sendable {
        var json: [UInt8]
        var payload: PayloadSource?
    }

    enum Handler: Sendable {
        /// An action that may wait (on the store, on files).
        case async(@Sendable (JSONValue?) async -> Outcome)
        /// An action that never blocks and answers from memory; the server runs it where the request was read.
        case inline(@Sendable (JSONValue?) -> Outcome)
        /// An action that takes a binary payload of at most `limit` bytes, streamed as it arrives.
        case payload(limit: Int, @Sendable (JSONValue?, ReceivedPayload) async -> Outcome)
    }

    private var handlers: [String: Handler] = [:]

    public init() {}

    /// Adds a method. Parameter decoding failures answer `-32602` (with `MissingParameter` or
    /// `InvalidParameterType`); a `CloudError` from the action answers in the application range.
    public mutating func register<P, R>(
        _ method: RPCMethod<P, R>, _ action: @escaping @Sendable (P) async throws(CloudError) -> R
    ) {
        add(
            method.name,
            .async { params in
                do throws(CloudError) {
                    let decoded = try AWSCoding.decode(P.self, from: params, strict: true)
                    return await Self.encode { () throws(CloudError) in try await action(decoded) }
                } catch {
                    return .failure(RPCErrorObject(error))
                }
            })
    }

    /// Adds a method whose action is synchronous, never blocks and only reads memory.
    public mutating func registerInline<P, R>(
        _ method: RPCMethod<P, R>, _ action: @escaping @Sendable (P) throws(CloudError) -> R
    ) {
        add(
            method.name,
            .inline { params in
                do throws(CloudError) {
                    let decoded = try AWSCoding.decode(P.self, from: params, strict: true)
                    return Self.encode(try action(decoded))
                } catch {
                    return .failure(RPCErrorObject(error))
                }
            })
    }

    /// Adds a method that takes a binary payload (its request has a `PayloadField`), of at most `limit`
    /// bytes. The action gets the payload as it arrives; one that returns without reading it all leaves
    /// the rest to be consumed and dropped by the connection.
    public mutating func register<P, R>(
        _ method: RPCMethod<P, R>, payloadLimit limit: Int,
        _ action: @escaping @Sendable (P, ReceivedPayload) async throws(CloudError) -> R
    ) {
        add(
            method.name,
            .payload(limit: limit) { params, payload in
                do throws(CloudError) {
                    let decoded = try AWSCoding.decode(P.self, from: params, strict: true)
                    return await Self.encode { () throws(CloudError) in try await action(decoded, payload) }
                } catch {
                    return .failure(RPCErrorObject(error))
                }
            })
    }

    /// Adds a method whose result carries a binary payload (a `PayloadField` of the source's length), which
    /// the connection writes after the result's line.
    public mutating func register<P, R>(
        _ method: RPCMethod<P, R>, _ action: @escaping @Sendable (P) async throws(CloudError) -> (R, PayloadSource)
    ) {
        add(
            method.name,
            .async { params in
                do throws(CloudError) {
                    let decoded = try AWSCoding.decode(P.self, from: params, strict: true)
                    let (result, payload) = try await action(decoded)
                    return Self.encode(result).map { Encoded(json: $0.json, payload: payload) }
                } catch {
                    return .failure(RPCErrorObject(error))
                }
            })
    }

    private mutating func add(_ name: String, _ handler: Handler) {
        precondition(handlers[name] == nil, "\(name) registered twice")
        handlers[name] = handler
    }

    private static func encode<R: Encodable>(_ result: R) -> Outcome {
        do {
            return .success(Encoded(json: try AWSCoding.encode(result), payload: nil))
        } catch {
            return .failure(
                RPCErrorObject(
                    InternalFault.cloudError(error, while: "encode the result", logger: Logger(label: "iaas.rpc"))))
        }
    }

    private static func encode<R: Encodable>(_ action: () async throws(CloudError) -> R) async -> Outcome {
        do throws(CloudError) {
            return encode(try await action())
        } catch {
            return .failure(RPCErrorObject(error))
        }
    }

    public var methodNames: [String] { handlers.keys.sorted() }

    func handler(for method: String) -> Handler? { handlers[method] }
}
