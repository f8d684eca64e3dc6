import API
import Foundation
import NIOCore
import Testing

@testable import AWSFront

/// How a browser-style POST upload is read: its fields up to the file, from buffers cut anywhere, and its
/// policy's conditions.
@Suite("S3 POST forms")
struct PostObjectFormTests {
    private let boundary = "----form7MA4YWxkTrZu0gW"

    private func form(_ fields: [(String, String)], file: String = "bytes of the file") -> [UInt8] {
        var text = ""
        for (name, value) in fields {
            text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a b.txt\"\r\n"
        text += "Content-Type: text/plain\r\n\r\n\(file)\r\n--\(boundary)--\r\n"
        return Array(text.utf8)
    }

    @Test func theHeadIsFoundWhereverTheBuffersAreCut() throws {
        let bytes = form([("key", "uploads/${filename}"), ("X-Amz-Meta-Color", "blue\r\nstill blue")])
        for size in [1, 7, 64, bytes.count] {
            var parser = FormHeadParser(boundary: boundary)
            var head: FormHead?
            var offset = 0
            while head == nil, offset < bytes.count {
                let end = min(offset + size, bytes.count)
                head = try parser.feed(ByteBuffer(bytes: bytes[offset..<end]))
                offset = end
            }
            let found = try #require(head, "cut every \(size) bytes")
            #expect(found.fields.map(\.name) == ["key", "X-Amz-Meta-Color"])
            #expect(found.field("x-amz-meta-color") == "blue\r\nstill blue")
            #expect(found.fileName == "a b.txt")
            let file = Array(bytes[found.consumed...])
            #expect(file.starts(with: Array("bytes of the file".utf8)))
            #expect(Array(found.leftover.readableBytesView) == Array(bytes[found.consumed..<offset]))
        }
        #expect(FormHead.boundary(contentType: "multipart/form-data; boundary=\"\(boundary)\"") == boundary)
        #expect(FormHead.boundary(contentType: "application/json") == nil)
    }

    @Test func malformedAndOversizedHeadsAreRefused() {
        let cases: [([UInt8], String)] = [
            (Array("garbage before the boundary".utf8), "MalformedPOSTRequest"),
            (
                Array("--\(boundary)\r\nContent-Type: text/plain\r\n\r\nvalue\r\n--\(boundary)--\r\n".utf8),
                "MalformedPOSTRequest"
            ),
            (
                Array(
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--\(boundary)--\r\n".utf8
                ),
                "InvalidArgument"
            ),
            (form([("policy", String(repeating: "p", count: FormHead.limit))]), "MaxPostPreDataLengthExceeded"),
            (form([("key", "uploads/a"), ("Key", "private/a")]), "InvalidArgument"),
        ]
        for (bytes, code) in cases {
            var parser = FormHeadParser(boundary: boundary)
            #expect {
                _ = try parser.feed(ByteBuffer(bytes: bytes))
            } throws: { error in
                (error as? CloudError)?.code == code
            }
        }
    }

    @Test func policiesCheckEveryFieldTheirConditionsAndTheSize() throws {
        let document = #"""
            {"expiration": "2030-01-01T00:00:00.000Z", "conditions": [{"bucket": "b"}, ["starts-with", "$key", "up/"],
            {"x-amz-meta-a": "1"}, ["content-length-range", 1, 10]]}
            """#
        let policy = try PostPolicy(base64: Data(document.utf8).base64EncodedString())
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let fields = [("key", "up/x"), ("x-amz-meta-a", "1"), ("policy", "…"), ("x-ignore-note", "n")]
        try policy.check(fields: fields, bucket: "b", size: 10, now: now)
        for (fields, bucket, size, date, code) in [
            ([("key", "down/x"), ("x-amz-meta-a", "1")], "b", 5, now, "AccessDenied"),
            ([("key", "up/x"), ("x-amz-meta-a", "1")], "other", 5, now, "AccessDenied"),
            // A field cannot name another bucket than the one the form was posted to.
            ([("key", "up/x"), ("x-amz-meta-a", "1"), ("bucket", "b")], "other", 5, now, "AccessDenied"),
            ([("key", "up/x"), ("x-amz-meta-a", "1"), ("acl", "public-read")], "b", 5, now, "AccessDenied"),
            ([("key", "up/x"), ("x-amz-meta-a", "1")], "b", 11, now, "EntityTooLarge"),
            ([("key", "up/x"), ("x-amz-meta-a", "1")], "b", 0, now, "EntityTooSmall"),
            (
                [("key", "up/x"), ("x-amz-meta-a", "1")], "b", 5, Date(timeIntervalSince1970: 1_900_000_000),
                "AccessDenied"
            ),
        ] {
            #expect {
                try policy.check(fields: fields, bucket: bucket, size: size, now: date)
            } throws: { error in
                (error as? CloudError)?.code == code
            }
        }
        #expect(throws: CloudError.self) { try PostPolicy(base64: "not base64!") }
        #expect(throws: CloudError.self) {
            try PostPolicy(base64: Data(#"{"conditions": []}"#.utf8).base64EncodedString())
        }
    }
}
