import API
import ArgumentParser
import Foundation

extension Iaasctl.S3 {
    /// `iaasctl s3 sync`, as the AWS CLI's: copies what the destination lacks, what differs in size, and
    /// what is newer at the source; `--delete` removes what the source does not have.
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync",
            abstract:
                "Copy new and changed files from a local directory to s3://bucket/prefix, or the other way.")

        @OptionGroup var global: GlobalOptions
        @Argument var source: String
        @Argument var destination: String
        @Flag(help: "Delete files at the destination that the source does not have.") var delete = false

        func run() async throws {
            let invocation = Invocation(options: global)
            switch (S3Path(source), S3Path(destination)) {
            case (nil, let target?):
                guard Self.isDirectory(source) else { throw ValidationError("\(source) is not a directory.") }
                let prefix = Self.directoryPrefix(target.key)
                await invocation.perform(Methods.putObject.name) { client in
                    try await upload(client, into: S3Path(bucket: target.bucket, key: prefix))
                }
            case (let origin?, nil):
                let prefix = Self.directoryPrefix(origin.key)
                await invocation.perform(Methods.getObject.name) { client in
                    try await download(client, from: S3Path(bucket: origin.bucket, key: prefix))
                }
            default:
                throw ValidationError(
                    "sync copies between a local directory and s3://bucket/prefix; one side must be each.")
            }
        }

        private func upload(_ client: IaasClient, into target: S3Path) async throws {
            let local = Self.localFiles(source)
            let remote = try await Self.objects(client, target)
            for (relative, file) in local.sorted(by: { $0.key < $1.key }) {
                let key = target.key + relative
                if let object = remote[key], object.size == file.size,
                    Self.seconds(object.lastModified) >= Self.seconds(file.modified)
                {
                    continue
                }
                try await Iaasctl.S3.Copy.upload(
                    file.path, to: S3Path(bucket: target.bucket, key: key), contentType: nil, client: client,
                    socket: global.socketPath)
                print("upload: \(file.path) to s3://\(target.bucket)/\(key)")
            }
            guard delete else { return }
            for key in remote.keys.sorted() where !local.keys.contains(String(key.dropFirst(target.key.count))) {
                _ = try await client.call(Methods.deleteObject, ObjectRequest(bucket: target.bucket, key: key))
                print("delete: s3://\(target.bucket)/\(key)")
            }
        }

        private func download(_ client: IaasClient, from origin: S3Path) async throws {
            let local = Self.localFiles(destination)
            let remote = try await Self.objects(client, origin)
            var wanted: Set<String> = []
            for (key, object) in remote.sorted(by: { $0.key < $1.key }) {
                let relative = String(key.dropFirst(origin.key.count))
                guard Self.isSafe(relative) else {
                    FileHandle.standardError.write(
                        Data(
                            "warning: skipping s3://\(origin.bucket)/\(key): its name would leave \(destination)\n"
                                .utf8))
                    continue
                }
                wanted.insert(relative)
                if let file = local[relative], file.size == object.size,
                    Self.seconds(file.modified) >= Self.seconds(object.lastModified)
                {
                    continue
                }
                let path = destination + "/" + relative
                try FileManager.default.createDirectory(
                    atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                let result = try await Iaasctl.S3.Copy.download(
                    S3Path(bucket: origin.bucket, key: key), to: path, client: client)
                // As the AWS CLI does: the file takes the object's time, so the next sync sees it unchanged.
                try FileManager.default.setAttributes([.modificationDate: result.lastModified], ofItemAtPath: path)
                print("download: s3://\(origin.bucket)/\(key) to \(path)")
            }
            guard delete else { return }
            for (relative, file) in local.sorted(by: { $0.key < $1.key }) where !wanted.contains(relative) {
                try FileManager.default.removeItem(atPath: file.path)
                print("delete: \(file.path)")
            }
        }

        /// Times compare to the second, as S3's LastModified has no finer precision on the wire.
        static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }

        /// A key prefix that names a "directory": empty, or ending in `/`.
        static func directoryPrefix(_ key: String) -> String {
            key.isEmpty || key.hasSuffix("/") ? key : key + "/"
        }

        /// Whether a key's part below the prefix stays below the destination directory once a path.
        static func isSafe(_ relative: String) -> Bool {
            let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
            return !relative.isEmpty && !relative.hasPrefix("/") && !relative.hasSuffix("/")
                && !parts.contains { $0 == ".." || $0 == "." || $0.isEmpty } && !relative.contains("\0")
        }

        static func isDirectory(_ path: String) -> Bool {
            (try? URL(fileURLWithPath: path).resourceValues(forKeys: [.isDirectoryKey]))?.isDirectory == true
        }

        /// The regular files under a directory, by their path relative to it (with `/`).
        static func localFiles(_ root: String) -> [String: (path: String, size: Int64, modified: Date)] {
            var files: [String: (String, Int64, Date)] = [:]
            guard let walker = FileManager.default.enumerator(atPath: root) else { return [:] }
            while let relative = walker.nextObject() as? String {
                let path = root + "/" + relative
                guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                    attributes[.type] as? FileAttributeType == .typeRegular
                else { continue }
                files[relative] = (
                    path, (attributes[.size] as? NSNumber)?.int64Value ?? 0,
                    attributes[.modificationDate] as? Date ?? .distantPast
                )
            }
            return files
        }

        /// Every object under the prefix, by key.
        static func objects(_ client: IaasClient, _ target: S3Path) async throws -> [String: S3Object] {
            var objects: [String: S3Object] = [:]
            var token: String?
            repeat {
                let page = try await client.call(
                    Methods.listObjectsV2,
                    ListObjectsV2Request(
                        bucket: target.bucket, prefix: target.key.isEmpty ? nil : target.key, continuationToken: token))
                for object in page.contents { objects[object.key] = object }
                token = page.nextContinuationToken
            } while token != nil
            return objects
        }
    }
}
