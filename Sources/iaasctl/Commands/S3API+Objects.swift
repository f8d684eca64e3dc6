import API
import ArgumentParser
import Foundation

extension Iaasctl.S3API {
    struct PutObject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put an object from a file (or an empty one).")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var object: ObjectOptions
        @Option(help: "The file whose bytes the object holds (none: an empty object).") var body: String?
        @Option(help: "The object's Content-Type.") var contentType: String?
        @Option(help: "Tags as the x-amz-tagging header holds them: k1=v1&k2=v2.") var tagging: String?
        @Option(help: "User metadata: k1=v1,k2=v2.") var metadata: String?

        func run() async throws {
            var source = PayloadSource(bytes: [])
            var close: () -> Void = {}
            if let body { (source, close) = try LocalFile.source(body, progress: nil) }
            defer { close() }
            let metadata = try metadata.map { text in
                try Dictionary(
                    text.split(separator: ",").map { field in
                        guard let equals = field.firstIndex(of: "=") else {
                            throw ValidationError("Metadata is written k1=v1,k2=v2 (got '\(text)').")
                        }
                        return (String(field[..<equals]), String(field[field.index(after: equals)...]))
                    }, uniquingKeysWith: { $1 })
            }
            let request = PutObjectRequest(
                bucket: object.bucket, key: object.key, body: PayloadField(length: source.length),
                contentType: contentType, metadata: metadata.map(WireMap.init), tagging: tagging)
            let result = await Invocation(options: global).perform(Methods.putObject.name) { client in
                try await client.call(Methods.putObject, request, payload: source)
            }
            try Invocation.printJSON(result)
        }
    }

    struct GetObject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write an object's bytes (or a version's, or a range) to a file (- for stdout).")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: VersionOptions
        @Option(help: "bytes=FIRST-LAST, bytes=FIRST- or bytes=-SUFFIX.") var range: String?
        @Argument(help: "Where the bytes go (- for stdout, and then no result is printed).") var outfile: String

        func run() async throws {
            let request = GetObjectRequest(
                bucket: target.object.bucket, key: target.object.key, range: range, versionId: target.versionId)
            let result = await Invocation(options: global).perform(Methods.getObject.name) { client in
                let (result, payload) = try await client.callReceivingPayload(Methods.getObject, request)
                try await LocalFile.write(payload, to: outfile, progress: nil)
                return result
            }
            if outfile != "-" { try Invocation.printJSON(result) }
        }
    }

    struct HeadObject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An object's metadata, without its bytes.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: VersionOptions

        func run() async throws {
            try await Iaasctl.S3API.run(
                global, Methods.headObject,
                GetObjectRequest(bucket: target.object.bucket, key: target.object.key, versionId: target.versionId))
        }
    }

    struct DeleteObject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete an object (a delete marker in a versioned bucket), or one version for good.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var object: ObjectOptions
        @Option(help: "The version to remove for good.") var versionId: String?

        func run() async throws {
            try await Iaasctl.S3API.run(
                global, Methods.deleteObject,
                ObjectRequest(bucket: object.bucket, key: object.key, versionId: versionId))
        }
    }

    struct DeleteObjects: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete up to 1,000 objects or versions at once.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "The bucket.") var bucket: String
        @Option(help: "Objects=[{Key=K},{Key=K,VersionId=V}],Quiet=true (or the same as JSON).") var delete: String

        func run() async throws {
            try await Iaasctl.S3API.run(
                global, Methods.deleteObjects,
                DeleteObjectsRequest(bucket: bucket, delete: try Shorthand.delete(delete)))
        }
    }

    struct CopyObject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy an object (or a version: SOURCE?versionId=V) to a key; no byte is copied in a region.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var object: ObjectOptions
        @Option(help: "bucket/key, or bucket/key?versionId=V.") var copySource: String
        @Option(help: "COPY (default) or REPLACE the metadata.") var metadataDirective: String?
        @Option(help: "COPY (default) or REPLACE the tags.") var taggingDirective: String?
        @Option(help: "The tags with --tagging-directive REPLACE: k1=v1&k2=v2.") var tagging: String?
        @Option(help: "The Content-Type with --metadata-directive REPLACE.") var contentType: String?

        func run() async throws {
            try await Iaasctl.S3API.run(
                global, Methods.copyObject,
                CopyObjectRequest(
                    bucket: object.bucket, key: object.key, copySource: copySource,
                    metadataDirective: metadataDirective, contentType: contentType, taggingDirective: taggingDirective,
                    tagging: tagging))
        }
    }

    struct PutObjectTagging: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace an object's (or a version's) tags.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: VersionOptions
        @Option(help: "TagSet=[{Key=K,Value=V},...] (or the same as JSON).") var tagging: String

        func run() async throws {
            try await Iaasctl.S3API.run(
                global, Methods.putObjectTagging,
                PutObjectTaggingRequest(
                    bucket: target.object.bucket, key: target.object.key, tagging: try Shorthand.tagging(tagging),
                    versionId: target.versionId))
        }
    }

    struct GetObjectTagging: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An object's (or a version's) tags.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: VersionOptions

        func run() async throws {
            try await Iaasctl.S3API.run(
                global, Methods.getObjectTagging, target.request)
        }
    }

    struct DeleteObjectTagging: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove every tag of an object (or a version).")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: VersionOptions

        func run() async throws {
            try await Iaasctl.S3API.run(
                global, Methods.deleteObjectTagging, target.request)
        }
    }
}
