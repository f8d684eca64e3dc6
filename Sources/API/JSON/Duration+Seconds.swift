extension Duration {
    /// The duration in seconds, fractions included (what AWS-shaped results report).
    public var totalSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
