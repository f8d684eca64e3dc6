import API
import Foundation

/// The endpoint's access keys: access key id → secret access key, from `--credentials FILE`.
///
/// The file is JSON, `{"AKIAEXAMPLE": "secret", …}`, and must be its owner's alone (mode 0600 or stricter),
/// as ssh insists for private keys: a secret others can read is no secret.
public struct Credentials: Sendable {
    public var secrets: [String: String]

    public init(secrets: [String: String]) {
        self.secrets = secrets
    }

    /// Why a credentials file cannot be used, in words for the operator.
    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func load(path: String) throws(LoadError) -> Credentials {
        let attributes: [FileAttributeKey: Any]
        let data: Data
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw LoadError(description: "cannot read \(path): \(error.localizedDescription)")
        }
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw LoadError(
                description: "\(path) may be read by others (mode \(String(mode, radix: 8))); chmod 600 it.")
        }
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(Array(data))
        } catch {
            throw LoadError(description: "\(path) is not JSON: \(error.message) at byte \(error.offset).")
        }
        guard case .object(let members) = parsed, !members.isEmpty else {
            throw LoadError(
                description: "\(path) must be a JSON object of access key id → secret, with one key or more.")
        }
        var secrets: [String: String] = [:]
        for (key, value) in members {
            guard let secret = value.stringValue, !secret.isEmpty, !key.isEmpty, !key.contains("/") else {
                throw LoadError(
                    description: "\(path): '\(key)' needs a non-empty secret string, and a key id without '/'.")
            }
            secrets[key] = secret
        }
        return Credentials(secrets: secrets)
    }
}
