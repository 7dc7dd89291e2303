#if canImport(Glibc)
import Glibc
#endif

/// Memory for the engine's largest arrays (the delivery lists, the ring buffer), on 2 MB
/// boundaries and advised as transparent huge pages (`madvise(MADV_HUGEPAGE)`, which hosts whose
/// THP mode is `madvise` need) before it is touched. A tick's spikes each read their synapse
/// lists from pages of their own, and the ring's slots of a tick are spread over every core's
/// region: with 4 KB pages most of those reads miss the TLB (CUBA at 20k and 80k: 2–4 %;
/// `float64` CUBA at 80k and 0.1 ms, a 20 MB ring: 8 %).
enum HugePageMemory {
    /// Bytes of a huge page (x86-64's 2 MB).
    static let pageBytes = 2 << 20

    /// `count` values of `T`, initialized to `value`: whole huge pages, advised, when they fill
    /// at least one; else ordinary memory. Free with ``deallocate(_:)``.
    static func allocate<T>(repeating value: T, count: Int) -> UnsafeMutableBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer(start: pages(T.self, count).bindMemory(to: T.self, capacity: count), count: count)
        buffer.initialize(repeating: value)
        return buffer
    }

    /// ``allocate(repeating:count:)`` without the initialization, for values that every element
    /// is written before it is read (and that need no deinitialization): a pass that writes the
    /// whole buffer then first touches each page itself, rather than after a pass that zeroed it
    /// (38 MB of delivery lists for CUBA at 80k neurons).
    static func allocate<T: BitwiseCopyable>(uninitializedCount count: Int) -> UnsafeMutableBufferPointer<T> {
        UnsafeMutableBufferPointer(start: pages(T.self, count).bindMemory(to: T.self, capacity: count), count: count)
    }

    /// Memory for `count` values of `T`, advised as huge pages where it fills one.
    private static func pages<T>(_: T.Type, _ count: Int) -> UnsafeMutableRawPointer {
        let bytes = max(count, 1) * MemoryLayout<T>.stride
        let huge = bytes >= pageBytes
        let length = huge ? (bytes + pageBytes - 1) / pageBytes * pageBytes : bytes
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, huge ? pageBytes : max(MemoryLayout<T>.alignment, 64), length) == 0, let raw else {
            fatalError("out of memory: \(length) bytes for the engine's buffers")
        }
        #if canImport(Glibc)
        // Advice only: where the kernel declines it, the pages are 4 KB as before.
        if huge { _ = madvise(raw, length, MADV_HUGEPAGE) }
        #endif
        return raw
    }

    static func deallocate<T>(_ buffer: UnsafeMutableBufferPointer<T>) {
        free(buffer.baseAddress)
    }
}
