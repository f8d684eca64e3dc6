import ArgumentParser

/// `iaas-bench`: benchmarks of the real daemon, run from a release build. Figures, not pass/fail.
@main
struct IaasBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iaas-bench",
        abstract:
            "Benchmarks of iaasd (run with: swift run -c release iaas-bench volumes|sqs|instances|s3|snapshots|http).",
        subcommands: [
            VolumesBenchmark.self, SQSBenchmark.self, InstancesBenchmark.self, S3Benchmark.self,
            SnapshotsBenchmark.self, HTTPBenchmark.self, NetworkBenchmark.self, VMMBenchmark.self,
            SurgeBenchmark.self,
        ]
    )
}
