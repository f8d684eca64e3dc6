import Histogram

/// Latency samples in microseconds, with the percentiles the reports print.
struct Latency {
    private var histogram = Histogram<UInt64>(
        highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)

    mutating func record(_ duration: Duration) {
        let micros = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        histogram.record(UInt64(max(micros, 0)))
    }

    var count: UInt64 { histogram.totalCount }

    func millis(_ percentile: Double) -> String {
        let value = Double(histogram.valueAtPercentile(percentile)) / 1000
        return value < 10 ? String(format: "%.2f ms", value) : String(format: "%.1f ms", value)
    }

    var summary: String { "p50 \(millis(50))  p99 \(millis(99))  max \(millis(100))  (n=\(count))" }
}

/// Times one async call.
func timed<T>(_ body: () async throws -> T) async rethrows -> (T, Duration) {
    let start = ContinuousClock.now
    let value = try await body()
    return (value, ContinuousClock.now - start)
}
