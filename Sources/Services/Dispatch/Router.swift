import API
import Logging

/// The method table: a wire name to the handler that decodes its parameters, runs the action and encodes
/// its result. Built once at start; immutable after.
public struct Router: Sendable {
    typealias Outcome = Result<[UInt8], RPCErrorObject>

    enum Handler: Sendable {
        /// An action that may wait (on the store, on files).
        case async(@Sendable (JSONValue?) async -> Outcome)
        /// An action that never blocks and answers from memory; the server runs it where the request was read.
        case inline(@Sendable (JSONValue?) -> Outcome)
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

    private mutating func add(_ name: String, _ handler: Handler) {
        precondition(handlers[name] == nil, "\(name) registered twice")
        handlers[name] = handler
    }

    private static func encode<R: Encodable>(_ result: R) -> Outcome {
        do {
            return .success(try AWSCoding.encode(result))
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
