import API
import HTTPTypes
import Testing

@testable import AWSFront

/// How an S3 REST request is read: its bucket and key in either addressing style, the action its method and
/// subresource name, its XML documents, and the XML of its results.
@Suite("S3 requests")
struct S3RequestTests {
    @Test func pathStyleAndVirtualHostedStyleNameTheSameObject() throws {
        let path = try #require(S3Address(rawPath: "/photos/2026/a%20b%2Bc.jpg", rawQuery: nil, host: "127.0.0.1:4566"))
        #expect(path.bucket == "photos")
        #expect(path.key == "2026/a b+c.jpg")
        let virtual = try #require(
            S3Address(rawPath: "/2026/a%20b%2Bc.jpg", rawQuery: "versionId=v1&uploads", host: "photos.localhost:4566"))
        #expect(virtual.bucket == "photos")
        #expect(virtual.key == "2026/a b+c.jpg")
        #expect(virtual.query == ["versionId": "v1", "uploads": ""])
        #expect(S3Address.virtualHostedBucket("photos.s3.us-east-1.amazonaws.com") == "photos")
        #expect(S3Address.virtualHostedBucket("photos.s3.localhost:80") == "photos")
        #expect(S3Address.virtualHostedBucket("localhost:4566") == nil)
        #expect(S3Address.virtualHostedBucket("[::1]:4566") == nil)
        let bucketOnly = try #require(S3Address(rawPath: "/photos/", rawQuery: "list-type=2&prefix=a%2Fb", host: nil))
        #expect(bucketOnly.key == nil)
        #expect(bucketOnly.query["prefix"] == "a/b")
        #expect(S3Address(rawPath: "/photos/%zz", rawQuery: nil, host: nil) == nil)
        #expect(S3Address(rawPath: "/photos", rawQuery: "prefix=%", host: nil) == nil)
    }

    @Test func methodsAndSubresourcesNameActions() throws {
        func route(_ method: HTTPRequestMethod, _ path: String, _ query: String? = nil, copy: Bool = false) -> String {
            let address = S3Address(rawPath: path, rawQuery: query, host: nil)!
            switch S3Action.route(method.value, address, copySource: copy) {
            case .success(let action): return action.rawValue
            case .failure(let error): return error.code
            }
        }
        #expect(route(.get, "/") == "ListBuckets")
        #expect(route(.put, "/b") == "CreateBucket")
        #expect(route(.put, "/b", "versioning") == "PutBucketVersioning")
        #expect(route(.get, "/b", "list-type=2") == "ListObjectsV2")
        #expect(route(.get, "/b") == "ListObjects")
        #expect(route(.get, "/b", "versions") == "ListObjectVersions")
        #expect(route(.post, "/b", "delete") == "DeleteObjects")
        #expect(route(.put, "/b/k") == "PutObject")
        #expect(route(.put, "/b/k", copy: true) == "CopyObject")
        #expect(route(.put, "/b/k", "partNumber=1&uploadId=u") == "UploadPart")
        #expect(route(.put, "/b/k", "partNumber=1&uploadId=u", copy: true) == "UploadPartCopy")
        #expect(route(.post, "/b/k", "uploads") == "CreateMultipartUpload")
        #expect(route(.post, "/b/k", "uploadId=u") == "CompleteMultipartUpload")
        #expect(route(.delete, "/b/k", "uploadId=u") == "AbortMultipartUpload")
        #expect(route(.get, "/b/k", "tagging") == "GetObjectTagging")
        #expect(route(.get, "/b", "acl") == "NotImplemented")
        #expect(route(.put, "/b", "tagging") == "NotImplemented")
        #expect(route(.post, "/b/k") == "MethodNotAllowed")
        #expect(route(.delete, "/") == "MethodNotAllowed")
    }

    @Test func requestDocumentsBecomeMembersAndBadOnesAreMalformed() throws {
        let delete = try #require(
            XMLTree.parse(
                Array(
                    """
                    <?xml version="1.0"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\
                    <Object><Key>a &amp; b</Key></Object><Object><Key>c</Key><VersionId>v</VersionId></Object>\
                    <Quiet>true</Quiet></Delete>
                    """.utf8)))
        #expect(
            try S3Documents.delete(delete)
                == ["Delete": ["Objects": [["Key": "a & b"], ["Key": "c", "VersionId": "v"]], "Quiet": true]])
        let complete = try #require(
            XMLTree.parse(
                Array(
                    "<CompleteMultipartUpload><Part><ETag>\"e1\"</ETag><PartNumber>1</PartNumber><ChecksumCRC32>x</ChecksumCRC32></Part></CompleteMultipartUpload>"
                        .utf8)))
        #expect(
            try S3Documents.completeMultipartUpload(complete)
                == ["MultipartUpload": ["Parts": [["PartNumber": 1, "ETag": "\"e1\""]]]])
        #expect(XMLTree.parse(Array("<Delete><Object>".utf8)) == nil)
        #expect(XMLTree.parse(Array("not xml".utf8)) == nil)
        let deep = String(repeating: "<a>", count: 100) + String(repeating: "</a>", count: 100)
        #expect(XMLTree.parse(Array(deep.utf8)) == nil)
        let wrongRoot = try #require(XMLTree.parse(Array("<Tagging><Nope/></Tagging>".utf8)))
        #expect(throws: CloudError.self) { try S3Documents.tagging(wrongRoot) }
    }

    @Test func resultsBecomeS3sXML() {
        let listing: JSONValue = [
            "Buckets": [["Name": "a<b", "CreationDate": "2026-12-02T00:00:00Z"]],
            "Owner": ["Id": "000000000000", "DisplayName": "me"],
        ]
        let text = String(decoding: S3XML.document("ListAllMyBucketsResult", listing), as: UTF8.self)
        #expect(
            text.hasSuffix(
                "<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Buckets><Bucket>"
                    + "<CreationDate>2026-12-02T00:00:00Z</CreationDate><Name>a&lt;b</Name></Bucket></Buckets>"
                    + "<Owner><DisplayName>me</DisplayName><ID>000000000000</ID></Owner></ListAllMyBucketsResult>"),
            "\(text)")
        let versions: JSONValue = ["Versions": [["Key": "k"], ["Key": "k2"]], "IsTruncated": false]
        let flat = String(decoding: S3XML.document("ListVersionsResult", versions), as: UTF8.self)
        #expect(
            flat.contains(
                "<IsTruncated>false</IsTruncated><Version><Key>k</Key></Version><Version><Key>k2</Key></Version>"))
    }
}

/// The HTTP methods these tests name, without importing HTTPTypes into every expectation.
enum HTTPRequestMethod {
    case get, put, post, delete

    var value: HTTPRequest.Method {
        switch self {
        case .get: .get
        case .put: .put
        case .post: .post
        case .delete: .delete
        }
    }
}
