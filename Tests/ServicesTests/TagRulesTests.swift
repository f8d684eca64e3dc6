import API
import Testing

@testable import Services

@Suite("TagRules")
struct TagRulesTests {
    private func tags(_ count: Int) -> [Tag] {
        (0..<count).map { Tag(key: "key-\($0)", value: "value-\($0)") }
    }

    private func error(_ tags: [Tag]) -> CloudError? {
        thrown { () throws(CloudError) in try TagRules.validate(tags) }
    }

    @Test("50 tags are accepted; 51 are TagLimitExceeded")
    func count() {
        #expect(error(tags(0)) == nil)
        #expect(error(tags(50)) == nil)
        #expect(error(tags(51))?.code == "TagLimitExceeded")
    }

    @Test("keys of 1 to 128 characters are accepted; empty and 129 are InvalidParameterValue")
    func keyLength() {
        #expect(error([Tag(key: String(repeating: "k", count: 128), value: "v")]) == nil)
        #expect(error([Tag(key: String(repeating: "k", count: 129), value: "v")])?.code == "InvalidParameterValue")
        #expect(error([Tag(key: "", value: "v")])?.code == "InvalidParameterValue")
        #expect(error([Tag(key: String(repeating: "é", count: 128), value: "v")]) == nil)
    }

    @Test("values of up to 256 characters are accepted, empty included")
    func valueLength() {
        #expect(error([Tag(key: "k", value: "")]) == nil)
        #expect(error([Tag(key: "k", value: String(repeating: "v", count: 256))]) == nil)
        #expect(error([Tag(key: "k", value: String(repeating: "v", count: 257))])?.code == "InvalidParameterValue")
    }

    @Test(
        "keys starting with aws: are reserved, in any case", arguments: ["aws:x", "AWS:x", "Aws:cloudformation:stack"])
    func reservedPrefix(key: String) {
        let error = error([Tag(key: key, value: "v")])
        #expect(error?.code == "InvalidParameterValue")
        #expect(error?.message.contains("aws:") == true)
    }

    @Test("keys merely containing aws are fine")
    func notReserved() {
        #expect(
            error([Tag(key: "aws", value: "v"), Tag(key: "my:aws:x", value: "v"), Tag(key: "awsx", value: "v")]) == nil)
    }

    @Test("duplicate keys in one request are InvalidParameterValue")
    func duplicates() {
        let error = error([Tag(key: "Name", value: "a"), Tag(key: "Name", value: "b")])
        #expect(error?.code == "InvalidParameterValue")
        #expect(error?.message.contains("Name") == true)
        #expect(self.error([Tag(key: "Name", value: "a"), Tag(key: "name", value: "b")]) == nil)
    }
}
