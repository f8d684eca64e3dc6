import Foundation

/// The default AMI's files, built by `guests/default/build.sh` (from Debian's packages) if they are missing:
/// what tests boot.
public enum GuestImage {
    /// The repository this test runs from.
    public static let repository: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The directory of the built image (`$IAAS_IMAGE_DIR`, or `.build/images/default`), built on first use.
    public static func directory() throws -> String {
        let directory =
            ProcessInfo.processInfo.environment["IAAS_IMAGE_DIR"] ?? repository + "/.build/images/default"
        let build = try CommandRun(repository + "/guests/default/build.sh", [directory])
        guard build.status == 0 else {
            throw GuestShellError(description: "guests/default/build.sh failed: \(build.stderr)")
        }
        return directory
    }
}
