import Foundation
import Testing

@testable import API

@Suite("ISO 8601 timestamps")
struct ISO8601Tests {
    @Test func formatsUTCWholeSecondsLikeFoundation() {
        for seconds in [0.0, 1_795_000_000.75, 951_782_400, 4_102_444_799] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(ISO8601.format(date) == Date(timeIntervalSince1970: seconds.rounded(.down)).formatted(.iso8601))
        }
        #expect(ISO8601.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
    }

    @Test func parsesWhatItFormats() {
        let date = Date(timeIntervalSince1970: 1_795_000_123)
        #expect(ISO8601.parse(ISO8601.format(date)) == date)
    }

    @Test(arguments: [
        "2026-13-01T00:00:00Z", "2026-11-27T05:02:07", "2026-11-27 05:02:07Z", "yesterday", "2026-11-27T25:00:00Z",
    ])
    func refusesOtherForms(text: String) {
        #expect(ISO8601.parse(text) == nil)
    }

    @Test func theDecoderStillAcceptsFractionalSeconds() throws {
        struct Stamp: Codable { var at: Date }
        let stamp = try AWSCoding.decode(Stamp.self, from: ["At": "2026-11-27T05:02:07.250Z"])
        #expect(stamp.at.timeIntervalSince1970.truncatingRemainder(dividingBy: 1) == 0.25)
    }
}
