import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The monitor's own paging of a guest's memory, below the guest's paging: at most `residentLimit` of
/// its pages are held in host memory; past that, the oldest goes to a swap file and its host page is
/// given back (`MADV_DONTNEED`). A page the guest (or the monitor on its behalf) touches again is read
/// back first. The guest never sees it: the monitor's shadow tables drop an evicted page, and the fault
/// on it is masked.
final class GuestPager {
    private let memory: GuestMemory
    private let guestBytes: UInt32
    let residentLimit: Int
    private let swap: FileHandle
    /// Guest pages (numbers from the start of its RAM) held, oldest first.
    private var resident: [UInt32] = []
    private var residentSet: Set<UInt32> = []
    private var swapped: Set<UInt32> = []
    private(set) var pagesOut = 0
    private(set) var pagesIn = 0

    /// A pager holding at most `residentLimit` pages (at least 8: one instruction and the tables and
    /// buffers it reaches), swapping to a new file at `swapPath`.
    init(memory: GuestMemory, guestBytes: UInt32, residentLimit: Int, swapPath: String) throws {
        self.memory = memory
        self.guestBytes = guestBytes
        self.residentLimit = max(residentLimit, 8)
        guard FileManager.default.createFile(atPath: swapPath, contents: nil, attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: swapPath]) }
        swap = try FileHandle(forUpdating: URL(fileURLWithPath: swapPath))
    }

    deinit { try? swap.close() }

    /// Makes the page holding `address` resident; true when another page had to go (the caller's shadow
    /// must drop it).
    func touch(_ address: UInt32) -> Bool {
        let page = (address &- memory.base) >> 12
        guard page < guestBytes >> 12, !residentSet.contains(page) else { return false }
        if swapped.remove(page) != nil {
            try? swap.seek(toOffset: UInt64(page) << 12)
            let data = (try? swap.read(upToCount: 4096)) ?? Data()
            memory.write([UInt8](data) + [UInt8](repeating: 0, count: 4096 - data.count), at: memory.base + page << 12)
            pagesIn += 1
        }
        resident.append(page)
        residentSet.insert(page)
        var evicted = false
        while resident.count > residentLimit {
            let victim = resident.removeFirst()
            residentSet.remove(victim)
            let address = memory.base + victim << 12
            do {
                try swap.seek(toOffset: UInt64(victim) << 12)
                try swap.write(contentsOf: Data(memory.read(address, count: 4096)))
            } catch {
                // The swap file refused it: the page stays in memory, untracked.
                continue
            }
            _ = madvise(memory.bytes + Int(address - memory.base), 4096, MADV_DONTNEED)
            swapped.insert(victim)
            pagesOut += 1
            evicted = true
        }
        return evicted
    }
}
