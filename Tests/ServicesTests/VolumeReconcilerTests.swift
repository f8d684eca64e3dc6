import API
import Foundation
import GRDB
import IaasTesting
import Store
import SystemPackage
import Testing

@testable import Services

@Suite("VolumeReconciler")
final class VolumeReconcilerTests {
    let cloud: CloudFixture

    init() throws {
        cloud = try CloudFixture()
    }

    private var reconciler: VolumeReconciler { VolumeReconciler(volumes: cloud.volumes) }

    private func insert(_ state: VolumeState, size: Int = 2, zone: String = "us-east-1a") async throws -> VolumeRecord {
        let record = VolumeRecord(
            id: ResourceID.make("vol"), zone: zone, sizeGiB: size, volumeType: "gp3", iops: 3000, throughput: 125,
            state: state, createTime: Date(), encrypted: false, multiAttachEnabled: false, snapshotId: nil,
            clientToken: nil
        )
        try await cloud.database.write { db in try record.insert(db) }
        return record
    }

    private func report(
        creates: Int = 0, deletes: Int = 0, modifications: Int = 0, temporary: Int = 0, kept: Int = 0,
        lostAndFound: Int = 0
    ) -> VolumeReconciler.Report {
        var report = VolumeReconciler.Report()
        report.createsFinished = creates
        report.deletesFinished = deletes
        report.modificationsFinished = modifications
        report.temporaryFilesRemoved = temporary
        report.orphanFilesKept = kept
        report.lostAndFoundFiles = lostAndFound
        return report
    }

    @Test("a clean store needs nothing")
    func nothingToDo() async throws {
        let volume = try await cloud.create()
        #expect(try await reconciler.run() == report())
        let record = try #require(try await cloud.record(volume.volumeId))
        #expect(record.state == .available)
        #expect(try cloud.files.health(cloud.volumes.replicaFiles(record)) == [.ok, .ok])
    }

    @Test("a creating row without files becomes available with both replicas")
    func finishCreate() async throws {
        let record = try await insert(.creating, size: 2)
        #expect(try await reconciler.run() == report(creates: 1))
        #expect(try await cloud.record(record.id)?.state == .available)
        for replica in 0..<2 {
            let sizes = try #require(try DurableFiles.sizes(of: cloud.segment(record.id, replica: replica)))
            #expect(sizes.size == 2 * GiB)
            #expect(sizes.allocated == 0)
        }
        #expect(try await cloud.describe().map(\.state) == ["available"])
    }

    @Test("a creating row with one replica already made is finished too")
    func finishHalfCreate() async throws {
        let record = try await insert(.creating, size: 1)
        try DurableFiles.ensureSparseFile(at: cloud.segment(record.id, replica: 0), size: GiB)
        #expect(try await reconciler.run() == report(creates: 1))
        #expect(try cloud.files.health(cloud.volumes.replicaFiles(record)) == [.ok, .ok])
    }

    @Test("a deleting row loses its files, its tags and itself")
    func finishDelete() async throws {
        let record = try await insert(.deleting)
        try cloud.files.ensure(cloud.volumes.replicaFiles(record))
        try await cloud.database.write { db in
            try TagRecord(resourceId: record.id, resourceType: "volume", key: "k", value: "v").insert(db)
        }
        #expect(try await reconciler.run() == report(deletes: 1))
        #expect(try await cloud.record(record.id) == nil)
        #expect(!RawFile.exists(cloud.segment(record.id, replica: 0)))
        #expect(!RawFile.exists(cloud.segment(record.id, replica: 1)))
        #expect(try await cloud.database.read { db in try TagRecord.fetchCount(db) } == 0)
    }

    @Test("a modifying modification is applied: files grown, attributes committed, state completed")
    func finishModification() async throws {
        let volume = try await cloud.create(size: 8)
        let record = try #require(try await cloud.record(volume.volumeId))
        let data = pattern(count: 4096, seed: 7)
        try RawFile.write(data, to: cloud.segment(volume.volumeId, replica: 0), at: 0)
        try await cloud.database.write { db in
            var modification = VolumeModificationRecord(
                volumeId: record.id, state: .modifying, targetSizeGiB: 12, targetVolumeType: "gp3", targetIops: 4000,
                targetThroughput: 200, targetMultiAttachEnabled: false, original: record, startTime: Date()
            )
            try modification.insert(db)
        }

        #expect(try await reconciler.run() == report(modifications: 1))

        let modified = try #require(try await cloud.record(volume.volumeId))
        #expect(modified.sizeGiB == 12)
        #expect(modified.iops == 4000)
        #expect(modified.throughput == 200)
        let modifications = try await cloud.database.read { db in try VolumeModificationRecord.fetchAll(db) }
        #expect(modifications.map(\.state) == [.completed])
        #expect(modifications.first?.endTime != nil)
        for replica in 0..<2 {
            #expect(try DurableFiles.sizes(of: cloud.segment(volume.volumeId, replica: replica))?.size == 12 * GiB)
        }
        #expect(try RawFile.read(cloud.segment(volume.volumeId, replica: 0), at: 0, count: data.count) == data)
    }

    @Test("orphan segment files go to lost+found, never away; temporary copies of known volumes are removed")
    func orphans() async throws {
        let volume = try await cloud.create(size: 1)
        let ebs0 = cloud.dataDirectory.zone("us-east-1a").ebs(replica: 0)
        let orphan = ebs0.appending("vol-0123456789abcdef0.0.raw")
        let temporaryCopy = FilePath(cloud.segment(volume.volumeId, replica: 0).string + ".tmp")
        let unrelated = ebs0.appending("README")
        let orphanElsewhere = cloud.dataDirectory.zone("us-east-1c").ebs(replica: 1).appending(
            "vol-0fedcba9876543210.0.raw")
        for path in [orphan, temporaryCopy, unrelated, orphanElsewhere] {
            try DurableFiles.ensureSparseFile(at: path, size: 4096)
        }

        // A file of the same name already in lost+found (an earlier orphan) is not overwritten.
        let earlier = cloud.dataDirectory.zone("us-east-1a").lostAndFound.appending("vol-0123456789abcdef0.0.raw")
        try DurableFiles.makeDirectories(earlier.removingLastComponent())
        try RawFile.write([7], to: earlier, at: 0, create: true)

        #expect(try await reconciler.run() == report(temporary: 1, kept: 2, lostAndFound: 3))

        #expect(!RawFile.exists(orphan))
        #expect(!RawFile.exists(temporaryCopy))
        #expect(!RawFile.exists(orphanElsewhere))
        #expect(try RawFile.read(earlier, at: 0, count: 1) == [7])
        #expect(RawFile.exists(FilePath(earlier.string + ".1")))
        #expect(
            RawFile.exists(
                cloud.dataDirectory.zone("us-east-1c").lostAndFound.appending("vol-0fedcba9876543210.0.raw")))
        #expect(RawFile.exists(unrelated))
        #expect(cloud.volumes.lostAndFoundFiles.value == 3)
        #expect(RawFile.exists(cloud.segment(volume.volumeId, replica: 0)))
        #expect(RawFile.exists(cloud.segment(volume.volumeId, replica: 1)))
    }

    @Test("everything at once is counted, and a second run finds nothing")
    func everything() async throws {
        let creating = try await insert(.creating, size: 1)
        let deleting = try await insert(.deleting, size: 1)
        try cloud.files.ensure(cloud.volumes.replicaFiles(deleting))
        let volume = try await cloud.create(size: 1)
        let record = try #require(try await cloud.record(volume.volumeId))
        try await cloud.database.write { db in
            var modification = VolumeModificationRecord(
                volumeId: record.id, state: .modifying, targetSizeGiB: 2, targetVolumeType: "gp3", targetIops: 3000,
                targetThroughput: 125, targetMultiAttachEnabled: false, original: record, startTime: Date()
            )
            try modification.insert(db)
        }
        let ebs0 = cloud.dataDirectory.zone("us-east-1a").ebs(replica: 0)
        try DurableFiles.ensureSparseFile(at: ebs0.appending("vol-0123456789abcdef0.0.raw"), size: 1)
        try DurableFiles.ensureSparseFile(at: ebs0.appending("\(volume.volumeId).0.raw.tmp"), size: 1)

        #expect(
            try await reconciler.run()
                == report(creates: 1, deletes: 1, modifications: 1, temporary: 1, kept: 1, lostAndFound: 1))

        #expect(try await cloud.record(creating.id)?.state == .available)
        #expect(try await cloud.record(deleting.id) == nil)
        #expect(try await cloud.record(volume.volumeId)?.sizeGiB == 2)
        #expect(Set(try cloud.files.filesOnDisk(zone: "us-east-1a").keys) == [creating.id, volume.volumeId])
        #expect(try await reconciler.run() == report(lostAndFound: 1))
    }

    @Test("a creating row whose zone is no longer configured is left alone and not counted as finished")
    func unconfiguredZone() async throws {
        let record = try await insert(.creating, zone: "eu-west-1a")
        let result = try await reconciler.run()
        #expect(try await cloud.record(record.id)?.state == .creating)
        #expect(result.createsFinished == 0)
    }
}
