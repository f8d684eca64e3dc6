import Foundation

/// A plain HTTP GET of `/` on 127.0.0.1 (a guest's forwarded port): the response body, or nil.
public enum LoopbackHTTP {
    public static func get(port: Int) -> String? {
        guard let socket = try? RawSocket(loopbackPort: port, timeoutSeconds: 5),
            socket.send("GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        else { return nil }
        let text = String(decoding: socket.readToEnd(), as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        return String(text[split.upperBound...])
    }
}
