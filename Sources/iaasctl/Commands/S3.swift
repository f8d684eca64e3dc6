import API
import ArgumentParser
import Foundation

extension Iaasctl {
    /// `iaasctl s3 …`: the AWS CLI's high-level S3 commands, on `s3://bucket/key` paths.
    struct S3: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "S3 as the AWS CLI's s3 commands: mb, rb, ls, cp, rm, sync.",
            subcommands: [MakeBucket.self, RemoveBucket.self, List.self, Copy.self, Remove.self, Sync.self])
    }
}

/// `s3://bucket/key`.
struct S3Path {
    var bucket: String
    var key: String

    init(bucket: String, key: String) {
        self.bucket = bucket
        self.key = key
    }

    init?(_ text: String) {
        guard text.hasPrefix("s3://") else { return nil }
        let rest = text.dropFirst(5)
        guard let slash = rest.firstIndex(of: "/") else {
            bucket = String(rest)
            key = ""
            return
        }
        bucket = String(rest[..<slash])
        key = String(rest[rest.index(after: slash)...])
    }

    static func parse(_ text: String) throws -> S3Path {
        guard let path = S3Path(text), !path.bucket.isEmpty else {
            throw ValidationError("Expected s3://bucket[/key] (got '\(text)').")
        }
        return path
    }
}

extension Iaasctl.S3 {
    struct MakeBucket: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "mb", abstract: "Make a bucket: s3://name.")

        @OptionGroup var global: GlobalOptions
        @Argument var path: String
        @Option(help: "The bucket's region (default: the daemon's first).") var region: String?

        func run() async throws {
            let target = try S3Path.parse(path)
            _ = try await Invocation(options: global).call(
                Methods.createBucket,
                CreateBucketRequest(
                    bucket: target.bucket,
                    createBucketConfiguration: region.map { CreateBucketConfiguration(locationConstraint: $0) }))
            print("make_bucket: \(target.bucket)")
        }
    }

    struct RemoveBucket: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rb", abstract: "Remove a bucket: s3://name (--force deletes its objects first).")

        @OptionGroup var global: GlobalOptions
        @Argument var path: String
        @Flag(help: "Delete every object of the bucket first.") var force = false

        func run() async throws {
            let target = try S3Path.parse(path)
            let invocation = Invocation(options: global)
            if force {
                await invocation.perform(Methods.deleteObject.name) { client in
                    var token: String?
                    repeat {
                        let page = try await client.call(
                            Methods.listObjectsV2, ListObjectsV2Request(bucket: target.bucket, continuationToken: token)
                        )
                        for object in page.contents {
                            _ = try await client.call(
                                Methods.deleteObject, ObjectRequest(bucket: target.bucket, key: object.key))
                            print("delete: s3://\(target.bucket)/\(object.key)")
                        }
                        token = page.nextContinuationToken
                    } while token != nil
                }
            }
            _ = try await invocation.call(Methods.deleteBucket, BucketRequest(bucket: target.bucket))
            print("remove_bucket: \(target.bucket)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ls", abstract: "List buckets, or the objects and prefixes under s3://bucket/prefix.")

        @OptionGroup var global: GlobalOptions
        @Argument var path: String?
        @Flag(help: "Every object under the prefix, not only the first level.") var recursive = false

        func run() async throws {
            let invocation = Invocation(options: global)
            guard let path else {
                for bucket in try await invocation.call(Methods.listBuckets, NoParams()).buckets {
                    print("\(Self.date(bucket.creationDate)) \(bucket.name)")
                }
                return
            }
            let target = try S3Path.parse(path)
            await invocation.perform(Methods.listObjectsV2.name) { client in
                var token: String?
                repeat {
                    let page = try await client.call(
                        Methods.listObjectsV2,
                        ListObjectsV2Request(
                            bucket: target.bucket, prefix: target.key.isEmpty ? nil : target.key,
                            delimiter: recursive ? nil : "/", continuationToken: token))
                    for prefix in page.commonPrefixes {
                        print("                           PRE \(prefix.prefix.dropFirst(target.key.count))")
                    }
                    for object in page.contents {
                        let size = String(object.size)
                        let name = recursive ? object.key : String(object.key.dropFirst(target.key.count))
                        print(
                            "\(Self.date(object.lastModified)) \(String(repeating: " ", count: max(0, 10 - size.count)))\(size) \(name)"
                        )
                    }
                    token = page.nextContinuationToken
                } while token != nil
            }
        }

        static func date(_ date: Date) -> String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
            return formatter.string(from: date)
        }
    }

    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cp",
            abstract: "Copy a local file to s3://bucket/key or an object to a local file (- for stdout).")

        @OptionGroup var global: GlobalOptions
        @Argument var source: String
        @Argument var destination: String
        @Option(help: "The object's Content-Type (uploads).") var contentType: String?

        func run() async throws {
            let invocation = Invocation(options: global)
            switch (S3Path(source), S3Path(destination)) {
            case (nil, let target?):
                var target = target
                if target.key.isEmpty || target.key.hasSuffix("/") {
                    target.key += URL(fileURLWithPath: source).lastPathComponent
                }
                await invocation.perform(Methods.putObject.name) { client in
                    try await Self.upload(
                        source, to: target, contentType: contentType, client: client, socket: global.socketPath)
                }
                print("upload: \(source) to s3://\(target.bucket)/\(target.key)")
            case (let origin?, nil):
                var path = destination
                if path != "-",
                    (try? URL(fileURLWithPath: path).resourceValues(forKeys: [.isDirectoryKey]))?.isDirectory == true
                {
                    path += "/" + (origin.key.split(separator: "/").last.map(String.init) ?? origin.key)
                }
                await invocation.perform(Methods.getObject.name) { client in
                    _ = try await Self.download(origin, to: path, client: client)
                }
                if path != "-" { print("download: s3://\(origin.bucket)/\(origin.key) to \(path)") }
            default:
                throw ValidationError("cp copies between a local file and s3://bucket/key; one side must be each.")
            }
        }
    }

}

extension Iaasctl.S3.Copy {
    /// Uploads a local file: one PutObject, or a multipart upload for a large one; a progress bar on a
    /// terminal.
    static func upload(
        _ path: String, to target: S3Path, contentType: String?, client: IaasClient, socket: String
    ) async throws {
        let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int ?? 0
        let progress = Progress(total: size)
        let file = try LocalFile.source(path, progress: progress)
        defer { file.close() }
        let payload = file.0
        if payload.length > multipartThreshold {
            try await uploadInParts(payload, to: target, contentType: contentType, client: client, socket: socket)
        } else {
            _ = try await client.call(
                Methods.putObject,
                PutObjectRequest(
                    bucket: target.bucket, key: target.key, body: PayloadField(length: payload.length),
                    contentType: contentType),
                payload: payload)
        }
        progress?.finish()
    }

    /// Downloads an object to a local path (`-`: stdout).
    static func download(_ origin: S3Path, to path: String, client: IaasClient) async throws -> GetObjectResult {
        let (result, payload) = try await client.callReceivingPayload(
            Methods.getObject, GetObjectRequest(bucket: origin.bucket, key: origin.key))
        let progress = path == "-" ? nil : Progress(total: Int(result.contentLength))
        try await LocalFile.write(payload, to: path, progress: progress)
        progress?.finish()
        return result
    }

    /// Files larger than this go up in parts, as the AWS CLI does.
    static let multipartThreshold = 64 << 20
    /// Parts of 16 MiB (more when a file would need over 10,000), four at a time, each on its own
    /// connection.
    static let partSize = 16 << 20
    static let parallelParts = 4

    /// A multipart upload of `payload`; aborted if any part fails.
    static func uploadInParts(
        _ payload: PayloadSource, to target: S3Path, contentType: String?, client: IaasClient, socket: String
    ) async throws {
        let upload = try await client.call(
            Methods.createMultipartUpload,
            CreateMultipartUploadRequest(bucket: target.bucket, key: target.key, contentType: contentType)
        ).uploadId
        let size = max(partSize, (payload.length + 9_999) / 10_000)
        let count = (payload.length + size - 1) / size
        do {
            let parts = try await withThrowingTaskGroup(of: CompletedPart.self) { group in
                var next = 0
                var done: [CompletedPart] = []
                func start(_ index: Int) {
                    group.addTask {
                        let offset = index * size
                        let length = min(size, payload.length - offset)
                        let part = PayloadSource(length: length) { at, maxCount in
                            try await payload.read(at: offset + at, maxCount: min(maxCount, length - at))
                        }
                        let connection = try await IaasClient.connect(socketPath: socket)
                        defer { Task { await connection.close() } }
                        let etag = try await connection.call(
                            Methods.uploadPart,
                            UploadPartRequest(
                                bucket: target.bucket, key: target.key, uploadId: upload, partNumber: index + 1,
                                body: PayloadField(length: length)),
                            payload: part
                        ).eTag
                        return CompletedPart(partNumber: index + 1, eTag: etag)
                    }
                }
                while next < min(parallelParts, count) {
                    start(next)
                    next += 1
                }
                for try await part in group {
                    done.append(part)
                    if next < count {
                        start(next)
                        next += 1
                    }
                }
                return done.sorted { $0.partNumber < $1.partNumber }
            }
            _ = try await client.call(
                Methods.completeMultipartUpload,
                CompleteMultipartUploadRequest(
                    bucket: target.bucket, key: target.key, uploadId: upload,
                    multipartUpload: CompletedMultipartUpload(parts: parts)))
        } catch {
            _ = try? await client.call(
                Methods.abortMultipartUpload, UploadRequest(bucket: target.bucket, key: target.key, uploadId: upload))
            throw error
        }
    }
}

extension Iaasctl.S3 {
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm", abstract: "Delete an object: s3://bucket/key.")

        @OptionGroup var global: GlobalOptions
        @Argument var path: String

        func run() async throws {
            let target = try S3Path.parse(path)
            guard !target.key.isEmpty else { throw ValidationError("rm needs s3://bucket/key.") }
            _ = try await Invocation(options: global).call(
                Methods.deleteObject, ObjectRequest(bucket: target.bucket, key: target.key))
            print("delete: s3://\(target.bucket)/\(target.key)")
        }
    }
}
