import Services

extension RequestProcessor {
    /// The actions of one service in the method table (`SendMessage` for `sqs.SendMessage`), so that a
    /// protocol reaches only its own service's methods.
    func actions(of service: String) -> Set<String> {
        let prefix = service + "."
        return Set(methodNames.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) })
    }
}
