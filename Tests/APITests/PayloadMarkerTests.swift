import Testing

@testable import API

@Suite("PayloadMarker")
struct PayloadMarkerTests {
    @Test("marker(count:) round-trips through find(in:)")
    func roundTrip() throws {
        #expect(PayloadMarker.marker(count: 42) == ["$bytes": 42])
        #expect(try PayloadMarker.find(in: ["Body": PayloadMarker.marker(count: 42)]) == 42)
        #expect(try PayloadMarker.find(in: [["x": [PayloadMarker.marker(count: 7)]]]) == 7)
        #expect(try PayloadMarker.find(in: ["a": 1, "b": [1, 2]]) == nil)
    }

    @Test("two markers are refused")
    func twoMarkers() {
        #expect(throws: RPCErrorObject.self) {
            try PayloadMarker.find(in: [PayloadMarker.marker(count: 1), PayloadMarker.marker(count: 2)])
        }
    }
}
