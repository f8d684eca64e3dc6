import API
import Logging

/// The method table: a wire name to the handler that decodes its parameters, runs the action and encodes
/// its result. Built once at start; immutable after.
public struct Router: Sendable {
    typealias Handler = @Sendable (JSONValue?) async -> Result<[UInt8], RPCErrorObject>

    private var handlers: [String: Handler] = [:]

    public init() {}

    /// Adds a method. Parameter decoding failures answer `-32602` (with `MissingParameter` or
    /// `InvalidParameterType`); a `CloudError` from the action answers in the application range.
    public mutating func register<P, R>(_ method: RPCMethod<P, R>, _ action: @escaping @Sendable (P) async throws(CloudError) -> R) {
        precondition(handlers[method.name] == nil, "\(method.name) registered twice")
        handlers[method.name] = { params in
            let decoded: P
            do throws(CloudError) {
                decoded = try AWSCoding.decode(P.self, from: params)
            } catch {
                return .failure(.invalidParams(error))
            }
            do {
                let result = try await action(decoded)
                return .success(try AWSCoding.encode(result))
            } catch let error as CloudError {
                return .failure(RPCErrorObject(error))
            } catch {
                return .failure(RPCErrorObject(.internalError("The result could not be encoded: \(error)")))
            }
        }
    }

    public var methodNames: [String] { handlers.keys.sorted() }

    func handler(for method: String) -> Handler? { handlers[method] }
}
