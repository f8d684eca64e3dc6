import API
import Foundation
import IaasTesting
import Testing

/// What the clients were told: volumes whose create was acknowledged, deletes acknowledged, deletes
/// that were sent but not answered (their volume may or may not survive), and the size each acknowledged
/// grow promised.
private actor Ledger {
    var live: Set<String> = []
    var deleted: Set<String> = []
    var uncertain: Set<String> = []
    var grownTo: [String: Int] = [:]
    var acknowledgedRequests = 0

    func grew(_ id: String, to size: Int) {
        grownTo[id] = max(grownTo[id] ?? 0, size)
        acknowledgedRequests += 1
    }

    func anyLive() -> String? { live.randomElement() }

    func created(_ id: String) {
        live.insert(id)
        acknowledgedRequests += 1
    }

    /// Picks a live volume to delete, moving it to `uncertain` until the answer comes.
    func takeForDeletion() -> String? {
        guard let id = live.randomElement() else { return nil }
        live.remove(id)
        uncertain.insert(id)
        return id
    }

    func deleteAcknowledged(_ id: String) {
        uncertain.remove(id)
        deleted.insert(id)
        acknowledgedRequests += 1
    }

    /// After a restart, the uncertain volumes are whatever the daemon says they are now.
    func settle(present: Set<String>) {
        for id in uncertain where present.contains(id) { live.insert(id) }
        uncertain.removeAll()
    }
}

@Suite("kill -9 at random moments", .serialized)
struct RandomKillTests {
    static let cycles = Int(ProcessInfo.processInfo.environment["IAAS_KILL_CYCLES"] ?? "") ?? 50
    static let clients = 4

    @Test func concurrentCreatesGrowsAndDeletesSurviveKills() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        let ledger = Ledger()
        var generator = SystemRandomNumberGenerator()

        for cycle in 0...Self.cycles {
            let daemon = try await DaemonProcess(dataDirectory: data)
            let checker = try await daemon.client()
            let volumes = try await checker.call(Methods.describeVolumes, DescribeVolumesRequest()).volumes
            let present = Set(volumes.map(\.volumeId))
            for volume in volumes {
                let promised = await ledger.grownTo[volume.volumeId] ?? 0
                #expect(volume.size >= promised, "cycle \(cycle): \(volume.volumeId) shrank below an acknowledged grow")
            }
            let live = await ledger.live
            let deleted = await ledger.deleted
            #expect(
                live.isSubset(of: present), "cycle \(cycle): acknowledged volumes lost: \(live.subtracting(present))")
            #expect(
                deleted.isDisjoint(with: present),
                "cycle \(cycle): deleted volumes back: \(deleted.intersection(present))")
            let violations = try DataDirectoryInspector(root: data).violations()
            #expect(violations == [], "cycle \(cycle)")
            await ledger.settle(present: present)
            await checker.close()
            if cycle == Self.cycles {
                #expect(await daemon.terminate() == 0)
                break
            }

            let workers = (0..<Self.clients).map { worker in
                Task {
                    guard let client = try? await daemon.client() else { return }
                    var random = SystemRandomNumberGenerator()
                    while !Task.isCancelled {
                        do {
                            switch Int.random(in: 0..<10, using: &random) {
                            case 0..<4:
                                guard let victim = await ledger.takeForDeletion() else { continue }
                                _ = try await client.call(Methods.deleteVolume, DeleteVolumeRequest(volumeId: victim))
                                await ledger.deleteAcknowledged(victim)
                            case 4..<6:
                                guard let target = await ledger.anyLive() else { continue }
                                let current = try await client.call(
                                    Methods.describeVolumes, DescribeVolumesRequest(volumeIds: [target]))
                                guard let size = current.volumes.first?.size else { continue }
                                do {
                                    _ = try await client.call(
                                        Methods.modifyVolume, ModifyVolumeRequest(volumeId: target, size: size + 1))
                                    await ledger.grew(target, to: size + 1)
                                } catch let error as RPCErrorObject where error.awsCode == "InvalidParameterValue" {
                                    // Another worker grew it first: N+1 is now no change, or a shrink.
                                    #expect(
                                        error.message.contains("does not change") || error.message.contains("smaller"))
                                }
                            default:
                                let zone = ["us-east-1a", "us-east-1b", "us-east-1c"][worker % 3]
                                let volume = try await client.createVolume(
                                    size: Int.random(in: 1...4, using: &random), zone: zone)
                                await ledger.created(volume.volumeId)
                            }
                        } catch let error as RPCErrorObject {
                            // Workers race on one volume (a grow against a delete): those refusals are
                            // expected and the worker goes on; any other is a fault.
                            let expected = ["InvalidVolume.NotFound", "IncorrectState", "IncorrectModificationState"]
                            if !expected.contains(error.awsCode ?? "") { Issue.record("unexpected refusal: \(error)") }
                            continue
                        } catch {
                            return
                        }
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 5...150, using: &generator)))
            daemon.kill()
            for worker in workers {
                worker.cancel()
                await worker.value
            }
        }
        let acknowledged = await ledger.acknowledgedRequests
        #expect(acknowledged > Self.cycles, "the workload should have had requests acknowledged between kills")
        #expect(await !ledger.grownTo.isEmpty, "the workload should have had grows acknowledged")
    }
}
