import API
import Testing

@testable import Services

@Suite("Page")
struct PageTests {
    private let range = 5...500

    @Test("MaxResults outside the action's range is InvalidParameterValue", arguments: [-1, 0, 4, 501, 100_000])
    func outOfRange(maxResults: Int) {
        let error = thrown { () throws(CloudError) in
            try Page(maxResults: maxResults, nextToken: nil, range: self.range)
        }
        #expect(error?.code == "InvalidParameterValue")
        #expect(error?.message.contains("MaxResults") == true)
    }

    @Test("MaxResults at the edges of the range is accepted", arguments: [5, 500])
    func inRange(maxResults: Int) throws {
        #expect(try Page(maxResults: maxResults, nextToken: nil, range: range).limit == maxResults)
    }

    @Test("MaxResults together with explicit ids is InvalidParameterCombination")
    func withIds() throws {
        let error = thrown { () throws(CloudError) in
            try Page(maxResults: 10, nextToken: nil, range: self.range, withIds: true)
        }
        #expect(error?.code == "InvalidParameterCombination")
        _ = try Page(maxResults: nil, nextToken: nil, range: range, withIds: true)
    }

    @Test(
        "a token this cloud did not issue is InvalidNextToken",
        arguments: [
            "garbage", "", "p1.", "p2.vol-1", String(repeating: "x", count: 300),
            "p1." + String(repeating: "a", count: 197),
        ])
    func badToken(token: String) {
        let error = thrown { () throws(CloudError) in try Page(maxResults: nil, nextToken: token, range: self.range) }
        #expect(error?.code == "InvalidNextToken")
    }

    @Test("paging through 23 items 5 at a time yields every item exactly once, in order")
    func pageThrough() throws {
        let items = (0..<23).map { String(format: "item-%02d", $0) }
        var seen: [String] = []
        var pageSizes: [Int] = []
        var token: String?
        repeat {
            let page = try Page(maxResults: 5, nextToken: token, range: range)
            let (slice, next) = page.apply(items) { $0 }
            seen += slice
            pageSizes.append(slice.count)
            token = next
        } while token != nil && pageSizes.count < 10
        #expect(seen == items)
        #expect(pageSizes == [5, 5, 5, 5, 3])
    }

    @Test("exactly one page's worth has no next token")
    func exactPage() throws {
        let items = (0..<5).map { "id-\($0)" }
        let (slice, next) = try Page(maxResults: 5, nextToken: nil, range: range).apply(items) { $0 }
        #expect(slice == items)
        #expect(next == nil)
    }

    @Test("without MaxResults everything after the token comes back")
    func noLimit() throws {
        let items = ["a", "b", "c", "d"]
        let (all, none) = try Page(maxResults: nil, nextToken: nil, range: range).apply(items) { $0 }
        #expect(all == items)
        #expect(none == nil)
        let (rest, next) = try Page(maxResults: nil, nextToken: "p1.b", range: range).apply(items) { $0 }
        #expect(rest == ["c", "d"])
        #expect(next == nil)
    }

    @Test("a token still works when the item it names is gone")
    func tokenOfRemovedItem() throws {
        let (rest, _) = try Page(maxResults: nil, nextToken: "p1.b", range: range).apply(["a", "c", "d"]) { $0 }
        #expect(rest == ["c", "d"])
    }
}
