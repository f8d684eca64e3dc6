import API
import Foundation
import IaasTesting
import Store
import Testing

@testable import Services

@Suite("SQS message digests")
struct MessageDigestTests {
    private func string(_ value: String) -> MessageAttributeValue {
        MessageAttributeValue(dataType: "String", stringValue: value)
    }

    @Test("MD5OfMessageBody is the MD5 of the UTF-8 body")
    func body() {
        #expect(MessageDigest.body("test") == "098f6bcd4621d373cade4e832627b4f6")
    }

    /// Vectors recorded from real AWS (LocalStack's snapshots) and the SDKs' tests.
    @Test("MD5OfMessageAttributes matches AWS on recorded vectors")
    func attributes() {
        #expect(MessageDigest.attributes(["Hello": string("There")]) == "a311262e065454b75da111d535b8dacd")
        #expect(
            MessageDigest.attributes(["General": string("Kenobi"), "Hello": string("There"), "Help.Me": string("Me")])
                == "4c360f3fdafd970e05fae2f149d997f5")
        #expect(
            MessageDigest.attributes([
                "timestamp": MessageAttributeValue(dataType: "Number", stringValue: "1493147359900")
            ]) == "235c5c510d26fb653d073faed50ae77c")
        #expect(
            MessageDigest.attributes([
                "test_attribute_name_2": string("test_attribute_value_2"),
                "test_attribute_name_1": string("test_attribute_value_1"),
            ]) == "d53f3b558fe951154770f25cb63dbba9")
        let binary = Data("test_attribute_value".utf8).base64EncodedString()
        #expect(
            MessageDigest.attributes([
                "test_attribute_name": MessageAttributeValue(dataType: "Binary", binaryValue: binary)
            ]) == "23f6bd27ea87aab7dfeadcc9aebee495")
        #expect(MessageDigest.attributes([:]) == nil)
    }
}
