import API
import ArgumentParser
import Foundation

/// Exit statuses, as the AWS CLI's: 254 when the service refused the request, 255 for anything else.
enum ExitStatus {
    static let serviceError: Int32 = 254
    static let otherError: Int32 = 255
}

/// Connects, runs one call, prints its result in the chosen format, and turns failures into a message on
/// stderr and a non-zero exit.
struct Invocation {
    let options: GlobalOptions

    func run<P, R: Encodable>(
        _ method: RPCMethod<P, R>, _ params: P, table: (R) -> Table
    ) async throws {
        let result = try await call(method, params)
        switch options.output {
        case .json: try Self.printJSON(result)
        case .table: print(table(result).rendered, terminator: "")
        }
    }

    /// Prints a result as the AWS CLI's JSON output shows it.
    static func printJSON(_ result: some Encodable) throws {
        print(String(decoding: try AWSCoding.encode(result, pretty: true), as: UTF8.self))
    }

    func call<P, R>(_ method: RPCMethod<P, R>, _ params: P) async throws -> R {
        await perform(method.name) { client in try await client.call(method, params) }
    }

    /// Runs `body` on a connection; a refusal of `method` (`s3.PutObject`) or any other failure ends the
    /// command as `call` does.
    func perform<T>(_ method: String, _ body: (IaasClient) async throws -> T) async -> T {
        let client: IaasClient
        do {
            client = try await IaasClient.connect(socketPath: options.socketPath)
        } catch {
            fail("\(error)", status: ExitStatus.otherError)
        }
        defer { Task { await client.close() } }
        do {
            return try await body(client)
        } catch let error as RPCErrorObject {
            let action = method.split(separator: ".").last.map(String.init) ?? method
            fail(
                "An error occurred (\(error.awsCode ?? "JSONRPC\(error.code)")) when calling the \(action) operation: \(error.message)",
                status: ExitStatus.serviceError
            )
        } catch {
            fail("\(error)", status: ExitStatus.otherError)
        }
    }

    func fail(_ message: String, status: Int32) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(status)
    }
}
