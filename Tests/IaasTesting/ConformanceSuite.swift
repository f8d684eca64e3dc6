import Foundation

/// The Python suites under `Tests/Conformance` that drive iaasd's HTTP listener with boto3 and the AWS CLI,
/// in the virtualenv `scripts/conformance-env.sh` makes (once, on first use).
public enum ConformanceSuite {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The venv's python, prepared once per test process: concurrent tests share one run of the script.
    private static let python: Result<String, Failure> = {
        let venv =
            ProcessInfo.processInfo.environment["IAAS_CONFORMANCE_VENV"]
            ?? GuestImage.repository + "/.build/conformance-venv"
        do {
            let setup = try CommandRun(
                GuestImage.repository + "/scripts/conformance-env.sh", [],
                environment: ProcessInfo.processInfo.environment.merging(["IAAS_CONFORMANCE_VENV": venv]) { $1 })
            guard setup.status == 0 else {
                return .failure(Failure(description: "scripts/conformance-env.sh failed: \(setup.stderr)"))
            }
        } catch {
            return .failure(Failure(description: "scripts/conformance-env.sh did not run: \(error)"))
        }
        return .success(venv + "/bin/python")
    }()

    /// Runs `Tests/Conformance/<script>` against an endpoint, with the given credentials and region, and
    /// the script's own settings in `settings` (`IAAS_SQS_PROTOCOL`).
    public static func run(
        _ script: String, endpoint: String, accessKey: String, secret: String, region: String = "us-east-1",
        settings: [String: String] = [:]
    ) async throws -> CommandRun {
        let python = try python.get()
        var environment = ProcessInfo.processInfo.environment.merging(settings) { $1 }
        environment["IAAS_ENDPOINT"] = endpoint
        environment["AWS_ACCESS_KEY_ID"] = accessKey
        environment["AWS_SECRET_ACCESS_KEY"] = secret
        environment["AWS_DEFAULT_REGION"] = region
        // Nothing of the host's own AWS setup may leak in.
        for name in ["AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE"] {
            environment[name] = nil
        }
        environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
        environment["AWS_CONFIG_FILE"] = "/dev/null"
        return try await CommandRun.run(
            python, [GuestImage.repository + "/Tests/Conformance/" + script], environment: environment)
    }
}
