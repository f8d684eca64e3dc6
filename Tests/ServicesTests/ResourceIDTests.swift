import Testing

@testable import Services

@Suite("ResourceID")
struct ResourceIDTests {
    @Test("make gives a prefix, a dash and 17 lowercase hex digits", arguments: ["vol", "i", "snap"])
    func make(prefix: String) {
        let id = ResourceID.make(prefix)
        #expect(id.hasPrefix(prefix + "-"))
        #expect(id.count == prefix.count + 1 + 17)
        #expect(id.dropFirst(prefix.count + 1).allSatisfy { "0123456789abcdef".contains($0) })
        #expect(ResourceID.isWellFormed(id, prefix: prefix))
    }

    @Test("fresh identifiers do not repeat")
    func unique() {
        let ids = (0..<1000).map { _ in ResourceID.make("vol") }
        #expect(Set(ids).count == 1000)
    }

    @Test("well-formed identifiers")
    func wellFormed() {
        #expect(ResourceID.isWellFormed("vol-0123456789abcdef0", prefix: "vol"))
        #expect(ResourceID.isWellFormed("i-0123456789abcdef0", prefix: "i"))
    }

    @Test(
        "malformed identifiers",
        arguments: [
            "vol-0123456789ABCDEF0", "vol-0123456789abcdef", "vol-0123456789abcdef01", "vol0123456789abcdef01",
            "snap-0123456789abcdef0", "vol-0123456789abcdefg", "vol-", "", "vol-0123456789abcdef\u{e9}",
            " vol-0123456789abcdef0",
        ])
    func malformed(id: String) {
        #expect(!ResourceID.isWellFormed(id, prefix: "vol"))
    }

    @Test("the resource type of an identifier comes from its prefix")
    func resourceType() {
        #expect(ResourceID.resourceType(of: "vol-0123456789abcdef0") == "volume")
        #expect(ResourceID.resourceType(of: "i-0123456789abcdef0") == "instance")
        #expect(ResourceID.resourceType(of: "snap-0123456789abcdef0") == "snapshot")
        #expect(ResourceID.resourceType(of: "ami-0123456789abcdef0") == "image")
        #expect(ResourceID.resourceType(of: "foo-0123456789abcdef0") == nil)
        #expect(ResourceID.resourceType(of: "vol-123") == nil)
        #expect(ResourceID.resourceType(of: "vol0123456789abcdef0") == nil)
    }
}
