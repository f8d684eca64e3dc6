import API
import GRDB
import Logging
import Store
import SystemPackage
import Testing

@testable import Services

@Suite("Wildcard")
struct WildcardTests {
    @Test("without wildcards a value must match exactly")
    func exact() {
        #expect(Wildcard.matches("gp3", pattern: "gp3"))
        #expect(!Wildcard.matches("gp3", pattern: "gp2"))
        #expect(!Wildcard.matches("gp3", pattern: "gp"))
        #expect(!Wildcard.matches("gp", pattern: "gp3"))
        #expect(!Wildcard.matches("GP3", pattern: "gp3"))
    }

    @Test("* matches any run of characters, including none")
    func star() {
        #expect(Wildcard.matches("us-east-1a", pattern: "us-east-1*"))
        #expect(Wildcard.matches("us-east-1", pattern: "us-east-1*"))
        #expect(Wildcard.matches("", pattern: "*"))
        #expect(Wildcard.matches("anything", pattern: "*"))
        #expect(Wildcard.matches("web-prod-1", pattern: "*prod*"))
        #expect(!Wildcard.matches("web-dev-1", pattern: "*prod*"))
        #expect(Wildcard.matches("aXXbYYc", pattern: "a*b*c"))
        #expect(!Wildcard.matches("aXXbYY", pattern: "a*b*c"))
        #expect(Wildcard.matches("aab", pattern: "*ab"))
        #expect(Wildcard.matches("abab", pattern: "*ab"))
        #expect(!Wildcard.matches("abba", pattern: "*ab"))
        #expect(Wildcard.matches("x", pattern: "***"))
    }

    @Test("? matches exactly one character")
    func question() {
        #expect(Wildcard.matches("us-east-1a", pattern: "us-east-1?"))
        #expect(!Wildcard.matches("us-east-1", pattern: "us-east-1?"))
        #expect(!Wildcard.matches("us-east-1ab", pattern: "us-east-1?"))
        #expect(!Wildcard.matches("", pattern: "?"))
        #expect(Wildcard.matches("us-west-2c", pattern: "us-*-?c"))
        #expect(Wildcard.matches("é", pattern: "?"))
    }

    @Test("a backslash escapes * and ?")
    func escapes() {
        #expect(Wildcard.matches("a*b", pattern: #"a\*b"#))
        #expect(!Wildcard.matches("axb", pattern: #"a\*b"#))
        #expect(Wildcard.matches("what?", pattern: #"what\?"#))
        #expect(!Wildcard.matches("whats", pattern: #"what\?"#))
        #expect(Wildcard.matches(#"a\b"#, pattern: #"a\\b"#))
        #expect(Wildcard.matches("x?", pattern: #"*\?"#))
    }
}

@Suite("FilterSet")
struct FilterSetTests {
    private let supported: Set<String> = ["availability-zone", "volume-type"]

    private func attributes(zone: String, type: String, tags: [String: String] = [:]) -> (String) -> [String]? {
        { name in
            switch name {
            case "availability-zone": [zone]
            case "volume-type": [type]
            case "tag-key": Array(tags.keys)
            default: name.hasPrefix("tag:") ? tags[String(name.dropFirst(4))].map { [$0] } : nil
            }
        }
    }

    @Test("no filters match everything")
    func noFilters() throws {
        #expect(try FilterSet(nil, supported: supported).matches(attributes(zone: "a", type: "b")))
        #expect(try FilterSet([], supported: supported).matches(attributes(zone: "a", type: "b")))
    }

    @Test("an unknown filter name is InvalidParameterValue listing the supported ones")
    func unknownName() {
        let error = thrown { () throws(CloudError) in
            try FilterSet([Filter(name: "color", values: ["red"])], supported: supported)
        }
        #expect(error?.code == "InvalidParameterValue")
        #expect(error?.message.contains("color") == true)
        #expect(error?.message.contains("availability-zone") == true)
    }

    @Test("a filter with no values is InvalidParameterValue")
    func emptyValues() {
        let error = thrown { () throws(CloudError) in
            try FilterSet([Filter(name: "volume-type", values: [])], supported: self.supported)
        }
        #expect(error?.code == "InvalidParameterValue")
        #expect(error?.message.contains("volume-type") == true)
    }

    @Test("tag:KEY filters are accepted only where tags are allowed, and need a key")
    func tagFilters() throws {
        let tag = [Filter(name: "tag:Name", values: ["web"])]
        #expect(
            thrown { () throws(CloudError) in try FilterSet(tag, supported: self.supported) }?.code
                == "InvalidParameterValue")
        _ = try FilterSet(tag, supported: supported, allowsTags: true)
        let bare = [Filter(name: "tag:", values: ["web"])]
        #expect(
            thrown { () throws(CloudError) in try FilterSet(bare, supported: self.supported, allowsTags: true) }?.code
                == "InvalidParameterValue")
    }

    @Test("values of one filter are ORed; filters are ANDed")
    func semantics() throws {
        let filters = try FilterSet(
            [
                Filter(name: "availability-zone", values: ["us-east-1a", "us-east-1b"]),
                Filter(name: "volume-type", values: ["gp*"]),
            ],
            supported: supported
        )
        #expect(filters.matches(attributes(zone: "us-east-1a", type: "gp3")))
        #expect(filters.matches(attributes(zone: "us-east-1b", type: "gp2")))
        #expect(!filters.matches(attributes(zone: "us-east-1c", type: "gp3")))
        #expect(!filters.matches(attributes(zone: "us-east-1a", type: "io1")))
    }

    @Test("a resource without the attribute does not match")
    func missingAttribute() throws {
        let filters = try FilterSet([Filter(name: "tag:Name", values: ["*"])], supported: supported, allowsTags: true)
        #expect(filters.matches(attributes(zone: "a", type: "b", tags: ["Name": ""])))
        #expect(!filters.matches(attributes(zone: "a", type: "b", tags: ["Other": "x"])))
    }
}

@Suite("List limits")
struct ListLimitTests {
    @Test("a filter may have 200 values; 201 is FilterLimitExceeded")
    func filterValues() throws {
        let values = (0..<201).map(String.init)
        _ = try FilterSet([Filter(name: "a", values: Array(values.prefix(200)))], supported: ["a"])
        let error = thrown { () throws(CloudError) in
            _ = try FilterSet([Filter(name: "a", values: values)], supported: ["a"])
        }
        #expect(error?.code == "FilterLimitExceeded")
        #expect(error?.message.contains("200") == true)
    }

    @Test("an id list may have 200 ids; 201 is FilterLimitExceeded")
    func idList() throws {
        let ids = (0..<201).map { String(format: "vol-%017x", $0) }
        #expect(try VolumeErrors.explicitIds(Array(ids.prefix(200)))?.count == 200)
        #expect(
            thrown { () throws(CloudError) in _ = try VolumeErrors.explicitIds(ids) }?.code == "FilterLimitExceeded")
    }
}

@Suite("InternalFault")
struct InternalFaultTests {
    @Test("an internal fault names a request id and no detail")
    func internalError() {
        let cause = FileSystemError("open", path: "/var/lib/iaasd/zones/x", errno: .notDirectory)
        let error = InternalFault.cloudError(cause, while: "make the files", logger: Logger(label: "test"))
        #expect(error.code == "InternalError")
        #expect(error.status == 500)
        #expect(error.message.contains("request id "))
        #expect(!error.message.contains("/var/lib"))
    }

    @Test("a full disk is a capacity fault the client may retry", arguments: [Errno.noSpace, .diskQuotaExceeded])
    func diskFull(errno: Errno) {
        let cause = FileSystemError("write", path: "/x", errno: errno)
        let error = InternalFault.cloudError(
            cause, while: "make the files", logger: Logger(label: "test"), diskFullCode: "InsufficientVolumeCapacity")
        #expect(error.code == "InsufficientVolumeCapacity")
        #expect(error.status == 503)
        #expect(!error.message.contains("/x"))
    }

    @Test("SQLite's SQLITE_FULL is a full disk")
    func sqliteFull() {
        #expect(InternalFault.isDiskFull(DatabaseError(resultCode: .SQLITE_FULL)))
        #expect(!InternalFault.isDiskFull(DatabaseError(resultCode: .SQLITE_CORRUPT)))
    }
}
