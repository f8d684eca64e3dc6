/// What a request brings that is not among its parameters: the region and endpoint of an AWS-protocol
/// HTTP request (from its credential scope and `Host`). The JSON-RPC socket sets neither, and services
/// fall back to their defaults.
///
/// Task-local, so the values reach every service the request calls without a parameter on each.
public enum RequestScope {
    /// The region a request is for; nil for the first configured.
    @TaskLocal public static var region: String?
    /// The base of queue URLs handed out, `http://HOST:PORT`, as SDKs pointed at a local endpoint expect
    /// (`http://HOST:PORT/<account>/<name>`); nil for AWS's `https://sqs.<region>.amazonaws.com`.
    @TaskLocal public static var queueURLBase: String?
}
