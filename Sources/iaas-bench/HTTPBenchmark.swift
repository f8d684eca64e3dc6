import API
import ArgumentParser
import Foundation
import IaasTesting

/// `iaas-bench http`: a boto3 workload (S3 4 KiB and 64 MiB puts and gets, SQS send and receive+delete, with 1
/// and 8 client processes) against iaasd's HTTP endpoint and against moto's server, in one run, as ratios
/// (`Benchmarks/boto3_workload.py`, in `.build/bench-venv` with boto3 and `moto[server]` from PyPI, pinned).
/// Each row also shows the client's own ceiling: the rate boto3 would reach against a server that cost
/// nothing, from the CPU its processes spent per call, and so the largest ratio to moto this client can show.
struct HTTPBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http", abstract: "Benchmark iaasd's AWS-protocol endpoint with boto3, beside moto's server.")

    @Option(help: "Seconds per figure.")
    var seconds = 3.0

    @Option(help: "Client processes, comma-separated: one figure each.")
    var clients = "1,8"

    @Option(help: "Where to put the data directory (default: a temporary directory).")
    var directory: String?

    func run() async throws {
        let repository = GuestImage.repository
        let venv = repository + "/.build/bench-venv"
        let environment = ProcessInfo.processInfo.environment.merging([
            "IAAS_CONFORMANCE_VENV": venv, "IAAS_REQUIREMENTS": "Benchmarks/requirements.txt",
        ]) { $1 }
        let setup = try CommandRun(repository + "/scripts/conformance-env.sh", [], environment: environment)
        guard setup.status == 0 else { throw ValidationError("the bench venv could not be made: \(setup.stderr)") }

        let bench = try await BenchSetup.start(
            "http", directory: directory, arguments: ["--http", "127.0.0.1:0", "--sqs-no-cooldowns"])
        defer { bench.temporary.remove() }
        var endpoint: String?
        for _ in 0..<100 where endpoint == nil {
            endpoint = try await bench.client.call(Methods.status, NoParams()).httpEndpoint
            if endpoint == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        guard let endpoint else { throw ValidationError("iaasd did not report its HTTP endpoint") }
        let run = try await CommandRun.run(
            venv + "/bin/python",
            [
                repository + "/Benchmarks/boto3_workload.py", "--iaasd", endpoint, "--seconds", "\(seconds)",
                "--clients", clients,
            ])
        print(run.stdout, terminator: "")
        await bench.client.close()
        await bench.daemon.terminate()
        guard run.status == 0 else { throw ValidationError("the workload failed: \(run.stderr)") }
    }
}
