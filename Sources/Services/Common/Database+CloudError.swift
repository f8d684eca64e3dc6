import API
import GRDB
import Logging
import Store

extension StoreDatabase {
    /// A write transaction whose body throws `CloudError`; any other failure (I/O, SQLite) becomes an
    /// `InternalError`, and the transaction rolls back either way. A `grouped` write shares its transaction
    /// and its fsync with concurrent ones (`writeGrouped`): for small writes on a hot path.
    func writeOrThrow<T: Sendable>(
        grouped: Bool = false, _ updates: @escaping @Sendable (Database) throws(CloudError) -> T
    ) async throws(CloudError) -> T {
        do {
            if grouped { return try await writeGrouped { db in try updates(db) } }
            return try await write { db in try updates(db) }
        } catch let error as CloudError {
            throw error
        } catch {
            throw Self.internalError(error)
        }
    }

    /// A read whose failures become `InternalError`.
    func readOrThrow<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws(CloudError) -> T {
        do {
            return try await read(value)
        } catch let error as CloudError {
            throw error
        } catch {
            throw Self.internalError(error)
        }
    }

    static func internalError(_ error: any Error) -> CloudError {
        InternalFault.cloudError(error, while: "use the control-plane store", logger: Logger(label: "iaas.store"))
    }
}

extension Database {
    /// Runs GRDB calls inside a `throws(CloudError)` body, mapping their failures to `InternalError`.
    func catching<T>(_ body: () throws -> T) throws(CloudError) -> T {
        do {
            return try body()
        } catch let error as CloudError {
            throw error
        } catch {
            throw StoreDatabase.internalError(error)
        }
    }
}
