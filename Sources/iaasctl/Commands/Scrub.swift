import API
import ArgumentParser
import Foundation

extension Iaasctl {
    struct Scrub: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read and verify every copy of every S3 blob in every zone now; rewrite the bad ones.",
            discussion: """
                The daemon also scrubs on its own (iaasd --scrub-interval). Exits with status 2 if a blob has \
                no good copy left.
                """)

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let invocation = Invocation(options: global)
            let result = try await invocation.call(Methods.scrub, NoParams())
            switch global.output {
            case .json: try Invocation.printJSON(result)
            case .table:
                print(
                    Table(
                        headers: ["FIELD", "VALUE"],
                        rows: [
                            ["blobs-checked", String(result.blobsChecked)],
                            ["copies-checked", String(result.copiesChecked)],
                            ["copies-missing", String(result.copiesMissing)],
                            ["copies-corrupt", String(result.copiesCorrupt)],
                            ["copies-repaired", String(result.copiesRepaired)],
                            ["blobs-lost", result.blobsLost.isEmpty ? "0" : result.blobsLost.joined(separator: " ")],
                            ["bytes-read", String(result.bytesRead)],
                            ["duration", String(format: "%.2fs", result.durationSeconds)],
                        ]
                    ).rendered, terminator: "")
            }
            if !result.blobsLost.isEmpty { throw ExitCode(2) }
        }
    }
}
