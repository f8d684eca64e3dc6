import API
import ArgumentParser
import Foundation

extension Iaasctl {
    /// `iaasctl s3api …`: S3's actions one to one, as the AWS CLI's `s3api` commands; results as JSON.
    struct S3API: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "s3api",
            abstract: "S3's actions one to one, as the AWS CLI's s3api commands (results as JSON).",
            subcommands: [
                PutObject.self, GetObject.self, HeadObject.self, DeleteObject.self, DeleteObjects.self,
                CopyObject.self, ListObjectsV2.self, ListObjectVersions.self, PutBucketVersioning.self,
                GetBucketVersioning.self, PutObjectTagging.self, GetObjectTagging.self, DeleteObjectTagging.self,
            ])
    }
}

/// The bucket and key every object command names.
struct ObjectOptions: ParsableArguments {
    @Option(help: "The bucket.") var bucket: String
    @Option(help: "The object's key.") var key: String
}

/// An object, or one of its versions: what the read and tagging commands name.
struct VersionOptions: ParsableArguments {
    @OptionGroup var object: ObjectOptions
    @Option(help: "A version other than the current one.") var versionId: String?

    var request: ObjectRequest { ObjectRequest(bucket: object.bucket, key: object.key, versionId: versionId) }
}

extension Iaasctl.S3API {
    /// Runs one call and prints its result as JSON, whatever `--output` says: s3api's results are documents.
    static func run<P, R: Encodable>(_ global: GlobalOptions, _ method: RPCMethod<P, R>, _ params: P) async throws {
        try Invocation.printJSON(try await Invocation(options: global).call(method, params))
    }

    struct PutBucketVersioning: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn a bucket's versioning on (Enabled) or pause it (Suspended).")

        @OptionGroup var global: GlobalOptions
        @Option(help: "The bucket.") var bucket: String
        @Option(help: "Status=Enabled|Suspended (or the same as JSON).") var versioningConfiguration: String

        func run() async throws {
            let request = PutBucketVersioningRequest(
                bucket: bucket, versioningConfiguration: try Shorthand.versioningConfiguration(versioningConfiguration))
            _ = try await Invocation(options: global).call(Methods.putBucketVersioning, request)
        }
    }

    struct GetBucketVersioning: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A bucket's versioning status (none while it was never turned on).")

        @OptionGroup var global: GlobalOptions
        @Option(help: "The bucket.") var bucket: String

        func run() async throws {
            try await Iaasctl.S3API.run(global, Methods.getBucketVersioning, BucketRequest(bucket: bucket))
        }
    }

    struct ListObjectsV2: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list-objects-v2", abstract: "One page of a bucket's current objects, by key.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "The bucket.") var bucket: String
        @Option(help: "Only keys that start with this.") var prefix: String?
        @Option(help: "Roll keys up to this into common prefixes.") var delimiter: String?
        @Option(help: "Start after this key.") var startAfter: String?
        @Option(help: "The NextContinuationToken of the previous page.") var continuationToken: String?
        @Option(help: "Entries a page (0 to 1000).") var maxKeys: Int?

        func run() async throws {
            try await Iaasctl.S3API.run(
                global, Methods.listObjectsV2,
                ListObjectsV2Request(
                    bucket: bucket, prefix: prefix, delimiter: delimiter, startAfter: startAfter,
                    continuationToken: continuationToken, maxKeys: maxKeys))
        }
    }

    struct ListObjectVersions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One page of a bucket's versions and delete markers, by key and newest first.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "The bucket.") var bucket: String
        @Option(help: "Only keys that start with this.") var prefix: String?
        @Option(help: "Roll keys up to this into common prefixes.") var delimiter: String?
        @Option(help: "The NextKeyMarker of the previous page.") var keyMarker: String?
        @Option(help: "The NextVersionIdMarker of the previous page.") var versionIdMarker: String?
        @Option(help: "Entries a page (0 to 1000).") var maxKeys: Int?

        func run() async throws {
            try await Iaasctl.S3API.run(
                global, Methods.listObjectVersions,
                ListObjectVersionsRequest(
                    bucket: bucket, prefix: prefix, delimiter: delimiter, keyMarker: keyMarker,
                    versionIdMarker: versionIdMarker, maxKeys: maxKeys))
        }
    }
}
