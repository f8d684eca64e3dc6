import Foundation

/// The actions of a service in the method table's source, found as `scripts/generate-query-models.py` finds
/// them, so that a test can tell when the generated models are behind.
enum MethodTableSource {
    static func actions(of service: String) throws -> Set<String> {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let source = try String(
            contentsOf: root.appendingPathComponent("Sources/API/RPC/RPCMethod.swift"), encoding: .utf8)
        let prefix = "\"\(service)."
        var actions: Set<String> = []
        for line in source.split(separator: "\n") {
            guard let start = line.range(of: prefix), let end = line[start.upperBound...].firstIndex(of: "\"") else {
                continue
            }
            actions.insert(String(line[start.upperBound..<end]))
        }
        return actions
    }
}
