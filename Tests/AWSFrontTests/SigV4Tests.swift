import Foundation
import Testing

@testable import AWSFront

/// SigV4 as AWS's signing test suite defines it (`get-vanilla`, `get-vanilla-query-order-key-case`: the
/// example key of the AWS documentation), and the verifier's refusals.
@Suite("SigV4")
struct SigV4Tests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let amzDate = "20150830T123600Z"

    private func request(query: String? = nil) -> SignableRequest {
        SignableRequest(
            method: "GET", rawPath: "/", rawQuery: query,
            header: { ["host": "example.amazonaws.com", "x-amz-date": Self.amzDate][$0] },
            payloadHash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", isS3: false)
    }

    private func authorization(signature: String, key: String = "AKIDEXAMPLE", region: String = "us-east-1")
        -> String
    {
        "AWS4-HMAC-SHA256 Credential=\(key)/20150830/\(region)/service/aws4_request, "
            + "SignedHeaders=host;x-amz-date, Signature=\(signature)"
    }

    private func verifier(credentials: Bool = true, now: Date? = nil) -> SigV4Verifier {
        let instant = now ?? SigV4Verifier.parse(amzDate: Self.amzDate)!
        return SigV4Verifier(
            credentials: credentials ? Credentials(secrets: ["AKIDEXAMPLE": Self.secret]) : nil,
            regions: ["us-east-1", "eu-west-1"], now: { instant })
    }

    @Test func theSigningSuitesVanillaRequestsGiveTheirSignatures() throws {
        let scope = try CredentialScope("AKIDEXAMPLE/20150830/us-east-1/service/aws4_request")
        let key = CanonicalRequest.signingKey(secret: Self.secret, scope: scope)
        for (query, expected) in [
            (nil, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
            ("Param2=value2&Param1=value1", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        ] {
            let canonical = CanonicalRequest.text(request(query: query), signedHeaders: ["host", "x-amz-date"])
            let toSign = CanonicalRequest.stringToSign(canonicalRequest: canonical, amzDate: Self.amzDate, scope: scope)
            #expect(CanonicalRequest.signature(stringToSign: toSign, key: key) == expected)
        }
    }

    @Test func aGoodSignatureIsAcceptedWithItsScope() throws {
        let scope = try verifier().verify(
            request(query: "Param2=value2&Param1=value1"),
            authorization: authorization(signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
            amzDate: Self.amzDate)
        #expect(scope?.region == "us-east-1")
        #expect(scope?.service == "service")
    }

    @Test func eachKindOfBadSignatureHasItsOwnRefusal() {
        let good = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        func failure(_ body: () throws -> Void) -> AuthFailure? {
            do {
                try body()
                return nil
            } catch {
                return error as? AuthFailure
            }
        }
        let verifier = verifier()
        #expect(failure { _ = try verifier.verify(request(), authorization: nil, amzDate: nil) } == .missing)
        #expect(
            failure {
                _ = try verifier.verify(
                    request(), authorization: authorization(signature: String(good.reversed())), amzDate: Self.amzDate)
            } == .mismatch)
        #expect(
            failure {
                _ = try verifier.verify(
                    request(), authorization: authorization(signature: good, key: "AKIDOTHER"), amzDate: Self.amzDate)
            } == .unknownKey("AKIDOTHER"))
        #expect(
            failure {
                _ = try verifier.verify(
                    request(), authorization: authorization(signature: good, region: "mars-1"), amzDate: Self.amzDate)
            } == .unknownRegion("mars-1", known: ["us-east-1", "eu-west-1"]))
        let later = SigV4Verifier.parse(amzDate: "20150830T125700Z")!
        guard
            case .skewed? = failure({
                _ = try self.verifier(now: later).verify(
                    request(), authorization: authorization(signature: good), amzDate: Self.amzDate)
            })
        else {
            Issue.record("a request 21 minutes old was not refused as skewed")
            return
        }
        for malformed in [
            "AWS4-HMAC-SHA1 Credential=x", "AWS4-HMAC-SHA256 Credential=AKID/2015/us-east-1/s/aws4_request",
            "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00",
        ] {
            guard
                case .malformed? = failure({
                    _ = try verifier.verify(request(), authorization: malformed, amzDate: Self.amzDate)
                })
            else {
                Issue.record("'\(malformed)' was not refused as malformed")
                continue
            }
        }
        guard
            case .malformed? = failure({
                _ = try verifier.verify(request(), authorization: authorization(signature: good), amzDate: "yesterday")
            })
        else {
            Issue.record("a request without a valid X-Amz-Date was not refused")
            return
        }
    }

    @Test func withoutCredentialsAnyKeyAndNoSignatureAreAcceptedButTheRegionIsChecked() throws {
        let open = verifier(credentials: false)
        #expect(try open.verify(request(), authorization: nil, amzDate: nil) == nil)
        let scope = try open.verify(
            request(), authorization: authorization(signature: "00", key: "ANYKEY", region: "eu-west-1"),
            amzDate: Self.amzDate)
        #expect(scope?.accessKeyID == "ANYKEY")
        #expect(throws: AuthFailure.unknownRegion("mars-1", known: ["us-east-1", "eu-west-1"])) {
            try open.verify(
                request(), authorization: authorization(signature: "00", region: "mars-1"), amzDate: Self.amzDate)
        }
    }

    @Test func queriesAreCanonicalizedBySortedEncodedPairs() {
        #expect(CanonicalRequest.query("b=2&a=%7E1&a=0&c") == "a=0&a=~1&b=2&c=")
        #expect(CanonicalRequest.query("x=a%2Fb%20c&y=%E2%9C%93") == "x=a%2Fb%20c&y=%E2%9C%93")
        #expect(CanonicalRequest.query("X-Amz-Signature=ab&k=v", excluding: "X-Amz-Signature") == "k=v")
        #expect(URIEncoding.decode("a+b%2", plusIsSpace: true) == nil)
        #expect(URIEncoding.decode("a+b%21", plusIsSpace: true) == "a b!")
    }

    @Test func listenerAddressesAreParsedAndLoopbackIsKnown() {
        #expect(FrontConfiguration.parse(address: "127.0.0.1:4566")! == ("127.0.0.1", 4566))
        #expect(FrontConfiguration.parse(address: "[::1]:0")! == ("::1", 0))
        #expect(FrontConfiguration.parse(address: "4566") == nil)
        #expect(FrontConfiguration.parse(address: "host:70000") == nil)
        #expect(FrontConfiguration.isLoopback("127.0.0.1"))
        #expect(FrontConfiguration.isLoopback("localhost"))
        #expect(!FrontConfiguration.isLoopback("0.0.0.0"))
        #expect(!FrontConfiguration.isLoopback("192.168.1.4"))
    }
}
