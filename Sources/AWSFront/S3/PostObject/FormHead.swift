import API
import Foundation
import NIOCore

/// The fields of a browser-style POST upload (`multipart/form-data`), read up to the `file` field, which S3
/// requires to come last: what comes after its headers is the object's bytes, streamed, never held.
struct FormHead: Sendable {
    /// The form's fields in order, names as sent.
    var fields: [(name: String, value: String)]
    /// The file field's `filename`, which `${filename}` in the key stands for.
    var fileName: String
    /// The start of the file's bytes, read with the last headers.
    var leftover: ByteBuffer
    /// Bytes of the body up to the file's first byte.
    var consumed: Int

    /// A field's value by its name, which S3 matches without regard to case.
    func field(_ name: String) -> String? {
        fields.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// S3's limit on the fields before the file.
    static let limit = 20 * 1024

    /// The boundary of a `multipart/form-data` content type, or nil when the body is not a form.
    static func boundary(contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for part in parts.dropFirst() where part.lowercased().hasPrefix("boundary=") {
            var value = part.dropFirst("boundary=".count)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
            return value.isEmpty || value.count > 70 ? nil : String(value)
        }
        return nil
    }

    static func malformed(_ detail: String) -> CloudError {
        CloudError(
            code: "MalformedPOSTRequest",
            message: "The body of your POST request is not well-formed multipart/form-data: \(detail).")
    }
}

/// Reads a form's head from buffers as they arrive.
struct FormHeadParser {
    let boundary: [UInt8]
    private var bytes: [UInt8] = []

    init(boundary: String) {
        self.boundary = Array(boundary.utf8)
    }

    /// Takes the next buffer; answers the head once the file field's headers are in.
    mutating func feed(_ buffer: ByteBuffer) throws(CloudError) -> FormHead? {
        bytes.append(contentsOf: buffer.readableBytesView)
        return try parse()
    }

    private func parse() throws(CloudError) -> FormHead? {
        let delimiter = Array("--".utf8) + boundary
        let separator = Array("\r\n".utf8) + delimiter
        guard bytes.count >= delimiter.count + 2 else { return try within(nil) }
        guard bytes.starts(with: delimiter + Array("\r\n".utf8)) else {
            throw FormHead.malformed("it must begin with its boundary")
        }
        var fields: [(String, String)] = []
        var position = delimiter.count + 2
        while true {
            guard let headersEnd = Self.find(Array("\r\n\r\n".utf8), in: bytes, from: position) else {
                return try within(nil)
            }
            let headers = String(decoding: bytes[position..<headersEnd], as: UTF8.self)
            let disposition = try Self.disposition(headers)
            let contentStart = headersEnd + 4
            // A field given twice could satisfy the policy with one value and be used with the other.
            if fields.contains(where: { $0.0.lowercased() == disposition.name.lowercased() }) {
                throw CloudError(
                    code: "InvalidArgument",
                    message: "The POST form gives the field \(disposition.name) more than once.")
            }
            if disposition.name.lowercased() == "file" {
                var leftover = ByteBufferAllocator().buffer(capacity: bytes.count - contentStart)
                leftover.writeBytes(bytes[contentStart...])
                return try within(
                    FormHead(
                        fields: fields, fileName: disposition.fileName ?? "", leftover: leftover,
                        consumed: contentStart))
            }
            guard let valueEnd = Self.find(separator, in: bytes, from: contentStart) else { return try within(nil) }
            fields.append((disposition.name, String(decoding: bytes[contentStart..<valueEnd], as: UTF8.self)))
            position = valueEnd + separator.count
            guard bytes.count >= position + 2 else { return try within(nil) }
            if bytes[position] == UInt8(ascii: "-") && bytes[position + 1] == UInt8(ascii: "-") {
                throw CloudError(
                    code: "InvalidArgument", message: "POST requires exactly one file upload per request.")
            }
            guard bytes[position] == UInt8(ascii: "\r") && bytes[position + 1] == UInt8(ascii: "\n") else {
                throw FormHead.malformed("a boundary must end its line")
            }
            position += 2
        }
    }

    /// Nothing yet, unless the fields before the file have grown past S3's limit.
    private func within(_ head: FormHead?) throws(CloudError) -> FormHead? {
        if (head?.consumed ?? bytes.count) > FormHead.limit {
            throw CloudError(
                code: "MaxPostPreDataLengthExceeded",
                message:
                    "Your POST request fields preceding the upload file were too large (at most \(FormHead.limit) bytes)."
            )
        }
        return head
    }

    private static func disposition(_ headers: String) throws(CloudError) -> (name: String, fileName: String?) {
        for line in headers.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-disposition" else { continue }
            var name: String?
            var fileName: String?
            for item in parts[1].split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                let pair = item.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                var value = String(pair[1])
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                    value = String(value.dropFirst().dropLast())
                }
                switch pair[0].lowercased() {
                case "name": name = value
                case "filename": fileName = value
                default: break
                }
            }
            if let name { return (name, fileName) }
        }
        throw FormHead.malformed("every part needs a Content-Disposition with a name")
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count <= haystack.count - start, start >= 0 else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0] && haystack[index..<index + needle.count].elementsEqual(needle) {
                return index
            }
            index += 1
        }
        return nil
    }
}
