/// The synapse words of a synaptic matrix (``SynapticMatrix/words``), read where the image file
/// holds them when the matrix was decoded from a mapped image (``ChipImageCodec/decode(_:workers:)-(MappedFile,Int)``),
/// or held in memory of their own (a matrix the compiler built, or decoded from bytes).
///
/// A value type: setting a word first copies the words when another value, or the image file,
/// holds them.
public struct SynapseWords: RandomAccessCollection, MutableCollection, Equatable, Sendable, ExpressibleByArrayLiteral {
    /// The words' bytes, little-endian.
    private var storage: StoredBytes

    public var startIndex: Int { 0 }
    public let endIndex: Int

    /// The words of `bytes` (a multiple of 4 bytes, little-endian).
    init(_ bytes: StoredBytes) {
        precondition(bytes.count % 4 == 0, "synapse words of \(bytes.count) bytes")
        storage = bytes
        endIndex = bytes.count / 4
    }

    /// A copy of `words`.
    public init(_ words: [UInt32]) {
        self.init(StoredBytes(count: words.count * 4) { out in
            for (k, w) in words.enumerated() { out.storeBytes(of: w.littleEndian, toByteOffset: 4 * k, as: UInt32.self) }
        })
    }

    public init(arrayLiteral words: UInt32...) {
        self.init(words)
    }

    public subscript(k: Int) -> UInt32 {
        get {
            precondition(k >= 0 && k < endIndex, "synapse word \(k) of \(endIndex)")
            return withUnsafeWords { $0[k] }
        }
        set {
            precondition(k >= 0 && k < endIndex, "synapse word \(k) of \(endIndex)")
            if !(isKnownUniquelyReferenced(&storage) && storage.ownsMemory) { storage = StoredBytes(copying: storage.buffer) }
            UnsafeMutableRawPointer(mutating: storage.base!).storeBytes(of: newValue.littleEndian, toByteOffset: 4 * k, as: UInt32.self)
        }
    }

    public static func == (a: SynapseWords, b: SynapseWords) -> Bool {
        a.storage.holdsSameBytes(as: b.storage)
    }

    /// Hands `body` the words without a bounds check or reference count per word, for the loops
    /// over every word of a matrix: valid inside `body` only.
    @inline(__always)
    public func withUnsafeWords<R>(_ body: (UnsafeSynapseWords) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) { try body(UnsafeSynapseWords(base: storage.base, count: endIndex)) }
    }

    /// The words' little-endian bytes, as the image file keeps them: valid inside `body` only.
    func withLittleEndianBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) { try body(storage.buffer) }
    }

    /// Where the words lie, for prefetch hints only (a prefetch reads nothing and cannot fault):
    /// never to be read through, since the memory may go once this value is gone.
    var prefetchAddress: UnsafeRawPointer? { storage.base }
}

/// The words of a ``SynapseWords`` in place (``SynapseWords/withUnsafeWords(_:)``), unchecked.
public struct UnsafeSynapseWords {
    let base: UnsafeRawPointer?
    /// Words.
    public let count: Int

    /// Word `k`, which must be in `0 ..< count`.
    @inline(__always)
    public subscript(k: Int) -> UInt32 {
        UInt32(littleEndian: base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self))
    }
}
