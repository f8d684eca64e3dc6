import API
import Foundation
import IaasTesting
import Testing

/// `iaasctl s3 sync` both ways, as the AWS CLI's: new and changed files only, `--delete`, and keys that
/// would leave the destination directory skipped.
@Suite("iaasctl s3 sync")
struct SyncTests {
    @Test func syncCopiesOnlyNewAndChangedFilesBothWays() async throws {
        let fixture = try await DaemonFixture.start()
        let socket = fixture.daemon.socketPath
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let local = scratch.path + "/site"
        try FileManager.default.createDirectory(atPath: local + "/css/deep", withIntermediateDirectories: true)
        let files = [
            "index.html": Array("<h1>hello</h1>".utf8), "css/site.css": Array("body{}".utf8),
            "css/deep/big.bin": TestBytes.pattern(3 << 20),
        ]
        for (name, bytes) in files { try Data(bytes).write(to: URL(fileURLWithPath: local + "/" + name)) }
        try await fixture.client.createBucket("site")

        let first = try await iaasctl(["s3", "sync", local, "s3://site/www"], socket: socket)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.split(separator: "\n").filter { $0.hasPrefix("upload: ") }.count == 3)
        for (name, bytes) in files { #expect(try await fixture.client.getObject("site", "www/" + name).1 == bytes) }

        // Nothing changed: nothing is sent.
        let again = try await iaasctl(["s3", "sync", local, "s3://site/www/"], socket: socket)
        #expect(again.status == 0 && again.stdout.isEmpty, "\(again.stdout)")

        // One file changed in size, one removed, --delete: one upload, one delete.
        try Data("<h1>hello, again</h1>".utf8).write(to: URL(fileURLWithPath: local + "/index.html"))
        try FileManager.default.removeItem(atPath: local + "/css/site.css")
        let changed = try await iaasctl(["s3", "sync", local, "s3://site/www", "--delete"], socket: socket)
        #expect(changed.status == 0)
        #expect(
            changed.stdout.split(separator: "\n").map(String.init) == [
                "upload: \(local)/index.html to s3://site/www/index.html", "delete: s3://site/www/css/site.css",
            ])

        // Down to an empty directory, then again: the second finds nothing to do.
        let copy = scratch.path + "/copy"
        let down = try await iaasctl(["s3", "sync", "s3://site/www", copy], socket: socket)
        #expect(down.status == 0 && down.stdout.split(separator: "\n").count == 2, "\(down.stdout)\(down.stderr)")
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: copy + "/css/deep/big.bin")) == Data(files["css/deep/big.bin"]!))
        let downAgain = try await iaasctl(["s3", "sync", "s3://site/www", copy], socket: socket)
        #expect(downAgain.status == 0 && downAgain.stdout.isEmpty, "\(downAgain.stdout)")

        // A stray local file goes with --delete.
        try Data("stray".utf8).write(to: URL(fileURLWithPath: copy + "/stray.txt"))
        let pruned = try await iaasctl(["s3", "sync", "s3://site/www", copy, "--delete"], socket: socket)
        #expect(pruned.stdout == "delete: \(copy)/stray.txt\n")
        #expect(!FileManager.default.fileExists(atPath: copy + "/stray.txt"))
        await fixture.stop()
    }

    @Test func keysThatWouldLeaveTheDirectoryAreSkippedAndBadPathsAreErrors() async throws {
        let fixture = try await DaemonFixture.start()
        let socket = fixture.daemon.socketPath
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        try await fixture.client.createBucket("tricky")
        for key in ["in/ok.txt", "in/../escape.txt", "in/a//b.txt", "in/./dot.txt"] {
            try await fixture.client.putObject("tricky", key, Array(key.utf8))
        }
        let target = scratch.path + "/inside/dir"
        let run = try await iaasctl(["s3", "sync", "s3://tricky/in", target], socket: socket)
        #expect(run.status == 0)
        #expect(run.stdout == "download: s3://tricky/in/ok.txt to \(target)/ok.txt\n")
        #expect(run.stderr.components(separatedBy: "warning: skipping").count == 4, "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/inside/escape.txt"))

        let notADirectory = try await iaasctl(["s3", "sync", scratch.path + "/nope", "s3://tricky/x"], socket: socket)
        #expect(notADirectory.status != 0 && notADirectory.stderr.contains("is not a directory"))
        let noBucket = try await iaasctl(["s3", "sync", "s3://missing-bucket/x", scratch.path + "/m"], socket: socket)
        #expect(noBucket.status != 0 && noBucket.stderr.contains("NoSuchBucket"))
        let bothLocal = try await iaasctl(["s3", "sync", scratch.path, scratch.path], socket: socket)
        #expect(bothLocal.status != 0)
        await fixture.stop()
    }
}
