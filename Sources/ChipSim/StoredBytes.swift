#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes that a decoded chip image reads where they lie: in place in the image's mapped file
/// (``MappedFile``), which stays mapped while any ``StoredBytes`` holds it, or in memory this
/// object allocated (a copy, for an image decoded from bytes it does not own or a matrix built in
/// memory). The synaptic words and row lengths of a decoded image are the bulk of it: 50 MB for
/// CUBA at 80k neurons, 1.2 GB for the full-scale microcircuit, which a copy out of the file had
/// to write into freshly zeroed pages before the run could read them.
///
/// The bytes are fixed once made; a value that changes them (``SynapseWords``' setter) first
/// takes a copy it alone holds. They are read unaligned (a section of an image lies at any byte
/// offset), little-endian whatever the host.
final class StoredBytes: @unchecked Sendable {
    /// The first byte; nil when there are none.
    let base: UnsafeRawPointer?
    /// Bytes.
    let count: Int
    /// What keeps `base` valid (the mapped file); nil where this object allocated `base` itself.
    private let keeper: AnyObject?

    /// Alignment of the memory this object allocates: a cache line.
    private static let alignment = 64

    /// `bytes` in place, valid while `keeper` lives (the ``MappedFile`` they lie in).
    init(inPlace bytes: UnsafeRawBufferPointer, keptBy keeper: AnyObject) {
        base = bytes.count == 0 ? nil : bytes.baseAddress
        count = bytes.count
        self.keeper = keeper
    }

    /// `count` bytes of its own memory, which `initialize` writes (every byte).
    init(count: Int, initializingWith initialize: (UnsafeMutableRawBufferPointer) -> Void) {
        precondition(count >= 0)
        let memory = count == 0 ? nil : UnsafeMutableRawPointer.allocate(byteCount: count, alignment: Self.alignment)
        initialize(UnsafeMutableRawBufferPointer(start: memory, count: count))
        base = UnsafeRawPointer(memory)
        self.count = count
        keeper = nil
    }

    /// A copy of `bytes`, in memory of its own.
    convenience init(copying bytes: UnsafeRawBufferPointer) {
        self.init(count: bytes.count) { $0.copyMemory(from: bytes) }
    }

    deinit {
        if keeper == nil { base?.deallocate() }
    }

    /// True where this object allocated the bytes (and may change them while no one else holds it).
    var ownsMemory: Bool { keeper == nil }

    /// The bytes, valid while this object lives.
    var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// True where `other` holds the same bytes (the same object, or equal contents).
    func holdsSameBytes(as other: StoredBytes) -> Bool {
        guard self !== other else { return true }
        guard count == other.count else { return false }
        guard let a = base, let b = other.base else { return true }
        return memcmp(a, b, count) == 0
    }
}
