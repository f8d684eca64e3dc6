import Foundation
import Services
import Testing

@testable import AWSFront

/// The instance metadata service's answers, without a network: categories, IMDSv1 and v2, and refusals.
@Suite("Instance metadata answers")
struct MetadataResponderTests {
    private let responder = MetadataResponder()

    private func instance(userData: Data? = nil, publicIp: String? = "198.18.0.7") -> InstanceMetadata {
        InstanceMetadata(
            instanceId: "i-0123456789abcdef0", imageId: "ami-0123456789abcdef0", instanceType: "t3.nano",
            reservationId: "r-0123456789abcdef0", launchIndex: 0, launchTime: Date(timeIntervalSince1970: 0),
            accountId: "000000000000", region: "us-east-1", availabilityZone: "us-east-1a",
            mac: "02:23:45:67:89:ab", privateIp: "172.31.0.4", privateHostname: "ip-172-31-0-4.ec2.internal",
            publicIp: publicIp, publicHostname: publicIp.map { _ in "ec2-198-18-0-7.compute-1.amazonaws.com" },
            subnetId: "subnet-00000000000010000", vpcId: "vpc-00000000000000001", vpcCIDR: "172.31.0.0/16",
            subnetCIDR: "172.31.0.0/20", securityGroups: ["default"], userData: userData)
    }

    private func get(
        _ path: String, _ headers: [String: String] = [:], method: String = "GET", caller: InstanceMetadata?
    )
        -> MetadataResponder.Response
    {
        responder.respond(.init(method: method, path: path, headers: headers), caller: caller)
    }

    private func text(_ response: MetadataResponder.Response) -> String {
        String(decoding: response.body, as: UTF8.self)
    }

    @Test func categoriesAnswerWithTheCallersOwnValues() {
        let me = instance()
        #expect(text(get("/latest/meta-data/instance-id", caller: me)) == "i-0123456789abcdef0")
        #expect(text(get("/latest/meta-data/local-ipv4", caller: me)) == "172.31.0.4")
        #expect(text(get("/latest/meta-data/public-ipv4", caller: me)) == "198.18.0.7")
        #expect(text(get("/latest/meta-data/placement/availability-zone", caller: me)) == "us-east-1a")
        #expect(
            text(get("/latest/meta-data/network/interfaces/macs/02:23:45:67:89:ab/subnet-id", caller: me))
                == "subnet-00000000000010000")
        let listing = text(get("/latest/meta-data/", caller: me)).split(separator: "\n")
        #expect(listing.contains("instance-id") && listing.contains("placement/") && listing.contains("network/"))
        #expect(listing == listing.sorted())
        #expect(text(get("/latest/meta-data/placement", caller: me)) == "availability-zone\nregion")
        #expect(text(get("/", caller: me)) == "latest")
        let document = get("/latest/dynamic/instance-identity/document", caller: me)
        #expect(document.headers.contains { $0 == ("Content-Type", "application/json") })
        #expect(text(document).contains(#""instanceId" : "i-0123456789abcdef0""#))
    }

    @Test func withoutAPublicAddressThereIsNoPublicCategory() {
        let me = instance(publicIp: nil)
        #expect(get("/latest/meta-data/public-ipv4", caller: me).status == 404)
        #expect(!text(get("/latest/meta-data/", caller: me)).contains("public"))
    }

    @Test func userDataIsTheBytesGivenAtLaunch() {
        let bytes = Data([0, 1, 2, 0xff]) + Data("#!/bin/sh\n".utf8)
        #expect(get("/latest/user-data", caller: instance(userData: bytes)).body == Array(bytes))
        #expect(text(get("/latest/", caller: instance(userData: bytes))).contains("user-data"))
        #expect(get("/latest/user-data", caller: instance()).status == 404)
        #expect(!text(get("/latest/", caller: instance())).contains("user-data"))
    }

    @Test func imdsV2TokensAreIssuedForAWhileAndOnlyToTheirInstance() {
        let me = instance()
        let issued = get("/latest/api/token", ["x-aws-ec2-metadata-token-ttl-seconds": "60"], method: "PUT", caller: me)
        #expect(issued.status == 200)
        let token = text(issued)
        #expect(get("/latest/meta-data/instance-id", ["x-aws-ec2-metadata-token": token], caller: me).status == 200)
        #expect(
            get("/latest/meta-data/instance-id", ["x-aws-ec2-metadata-token": token + "x"], caller: me).status == 401)
        var other = me
        other.instanceId = "i-0fedcba9876543210"
        #expect(get("/latest/meta-data/instance-id", ["x-aws-ec2-metadata-token": token], caller: other).status == 401)
        let later = responder.respond(
            .init(method: "GET", path: "/latest/meta-data/instance-id", headers: ["x-aws-ec2-metadata-token": token]),
            caller: me, now: Date().addingTimeInterval(61))
        #expect(later.status == 401, "an expired token is refused")
        // IMDSv1: no token at all is still served (HttpTokens=optional).
        #expect(get("/latest/meta-data/instance-id", caller: me).status == 200)
    }

    @Test func badTokenRequestsAreRefused() {
        let me = instance()
        for ttl in [nil, "0", "21601", "ten"] {
            let headers = ttl.map { ["x-aws-ec2-metadata-token-ttl-seconds": $0] } ?? [:]
            #expect(get("/latest/api/token", headers, method: "PUT", caller: me).status == 400, "ttl \(ttl ?? "none")")
        }
        let proxied = ["x-aws-ec2-metadata-token-ttl-seconds": "60", "x-forwarded-for": "10.0.0.1"]
        #expect(get("/latest/api/token", proxied, method: "PUT", caller: me).status == 403)
        #expect(get("/latest/api/token", caller: me).status == 405)
        #expect(get("/latest/meta-data/", method: "POST", caller: me).status == 405)
        #expect(get("/latest/meta-data/nothing-here", caller: me).status == 404)
        #expect(get("/latest/meta-data/instance-id", caller: nil).status == 404, "a source that is no instance")
        let head = get("/latest/meta-data/instance-id", method: "HEAD", caller: me)
        #expect(head.status == 200 && head.body.isEmpty)
    }
}
