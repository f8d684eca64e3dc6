import API
import Foundation
import GRDB
import Logging
import Store

/// Turns a failure of the machinery (SQLite, the file system, an encoder) into what a client may see.
///
/// The client gets AWS's `InternalError` with a request id and no detail: paths and SQLite's text are the
/// operator's business. The log gets the detail under the same id, so `journalctl -u iaasd | grep <id>`
/// finds it. A full disk is not an internal fault but a capacity one: it gets a 503 the client may retry,
/// `InsufficientVolumeCapacity` for volume files and `Unavailable` for the control-plane store.
enum InternalFault {
    /// The client's view of `error`, logged with its detail.
    ///
    /// - Parameter diskFullCode: the AWS code to answer when the cause is a full disk.
    static func cloudError(
        _ error: any Error, while action: String, logger: Logger, metadata: Logger.Metadata = [:],
        diskFullCode: String = "Unavailable"
    ) -> CloudError {
        let requestId = UUID().uuidString.lowercased()
        var metadata = metadata
        metadata["iaas.request-id"] = "\(requestId)"
        metadata["iaas.error"] = "\(error)"
        if isDiskFull(error) {
            logger.error("\(action) failed: disk full", metadata: metadata)
            return CloudError(
                code: diskFullCode,
                message:
                    "There is not enough free space on the cloud's disks to \(action) (request id \(requestId)). Nothing was changed; free space and retry.",
                status: 503)
        }
        logger.error("\(action) failed", metadata: metadata)
        return .internalError(
            "An internal error occurred while trying to \(action) (request id \(requestId)). Nothing was changed; retry, and give the id to the operator if it persists."
        )
    }

    /// Whether `error` is a file system or SQLite running out of space.
    static func isDiskFull(_ error: any Error) -> Bool {
        if let error = error as? FileSystemError { return error.errno == .noSpace || error.errno == .diskQuotaExceeded }
        if let error = error as? DatabaseError { return error.resultCode == .SQLITE_FULL }
        return false
    }
}
