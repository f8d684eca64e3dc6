import Foundation
import GRDB
import IaasTesting
import Testing

@testable import Store

/// v12 turns objects into versions: a database written before it keeps every object, chunk and tag, as the
/// `null` version of its key, and the version tables cascade as the old ones did.
@Suite("Migration to object versions")
struct ObjectVersionsMigrationTests {
    @Test func objectsOfAnEarlierSchemaBecomeTheirKeysNullVersions() throws {
        let temporary = try ScratchDirectory()
        let path = temporary.appending("iaas.sqlite")
        let pool = try DatabasePool(path: path.string)
        try Schema.migrator.migrate(pool, upTo: "v11-s3-object-tags")
        try pool.write { db in
            try db.execute(sql: "INSERT INTO bucket VALUES ('old', 'us-east-1', '2026-01-01 00:00:00.000')")
            for key in ["a", "b"] {
                try db.execute(
                    sql: """
                        INSERT INTO object VALUES ('old', ?, 3, '"etag-\(key)"', 'text/plain', '{}',
                        '2026-01-01 00:00:00.000')
                        """, arguments: [key])
                try db.execute(
                    sql: #"INSERT INTO objectChunk (bucket, key, "index", digest, size) VALUES ('old', ?, 0, ?, 3)"#,
                    arguments: [key, String(repeating: key, count: 64)])
                try db.execute(sql: "INSERT INTO objectTag VALUES ('old', ?, 'team', 'blue')", arguments: [key])
            }
        }
        try pool.close()

        let database = try StoreDatabase(path: path)
        defer { try? database.close() }
        try database.pool.read { db in
            let objects = try ObjectRecord.order(Column("key")).fetchAll(db)
            #expect(objects.map(\.key) == ["a", "b"])
            #expect(
                objects.allSatisfy { $0.versionId == "null" && $0.isLatest && !$0.isDeleteMarker && $0.sequence == 1 })
            #expect(objects.map(\.etag) == ["\"etag-a\"", "\"etag-b\""])
            let chunks = try ObjectChunkRecord.fetchAll(db)
            #expect(chunks.count == 2 && chunks.allSatisfy { $0.versionId == "null" })
            #expect(try ObjectTagRecord.fetchCount(db) == 2)
            #expect(try BucketRecord.fetchOne(db, key: "old")?.versioning == nil)
            #expect(try db.indexes(on: "objectChunk").contains { $0.columns == ["digest"] })
        }
        // Deleting a version takes its chunks and tags, as deleting an object did.
        try database.pool.write { db in
            try db.execute(sql: "DELETE FROM object WHERE key = 'a'")
            #expect(try ObjectChunkRecord.fetchCount(db) == 1)
            #expect(try ObjectTagRecord.fetchCount(db) == 1)
            #expect(try db.foreignKeyViolations().map { _ in 1 }.isEmpty)
        }
    }
}
