#if canImport(Glibc)
    import Glibc
#endif

/// glibc's allocator, set for a daemon that streams large bodies.
enum MallocTuning {
    /// Buffers of 128 KiB and more (staging buffers, blob chunks, payload pulls) are mapped for themselves
    /// and given back to the kernel when freed. By default glibc raises that threshold each time such a
    /// buffer is freed, after which they come from per-thread heaps that keep their pages: a long upload then
    /// leaves tens of MiB resident in every event loop's and blocking thread's heap.
    static func apply() {
        #if canImport(Glibc)
            // <malloc.h> is not part of the Glibc module: mallopt is looked up, M_MMAP_THRESHOLD is glibc's -3.
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
            _ = unsafeBitCast(symbol, to: Mallopt.self)(-3, 128 << 10)
        #endif
    }
}
