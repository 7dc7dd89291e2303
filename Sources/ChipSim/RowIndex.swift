/// Where each row of a synaptic matrix lies among the matrix's words: the rows' lengths, in the
/// fewest bytes that hold the longest (1, 2 or 4, as the image file keeps them), with the start of
/// every ``checkpointRows``-th row.
///
/// A row's start is a checkpoint plus the lengths of at most 15 rows before it; walking rows in
/// order needs no checkpoint at all. A core's matrix has one row per source neuron of every block
/// in its master population table, most of them empty where neurons have a few synapses on each
/// of many cores: CUBA at 80k neurons has 25 million rows and 6.4 million synapses, whose u32
/// starts took 100 MB to write, fault in and read back while loading the image, and take 25 MB
/// of one-byte lengths and 6 MB of checkpoints here.
public struct RowIndex: Sendable {
    /// The rows.
    public let count: Int
    /// Bytes of each row length: 1, 2 or 4, the fewest that hold the longest row.
    public let lengthBytes: Int
    /// Synapse words in all rows: one past the last row's end.
    public let words: Int
    /// `count × lengthBytes` bytes, little-endian (in place in a mapped image file).
    private let lengths: StoredBytes
    /// The start of row `i · checkpointRows` for every i, and `words` after the last.
    private let checkpoints: [UInt32]

    /// Rows between two checkpoints.
    public static let checkpointRows = 16

    /// An index with no rows.
    public static let empty = RowIndex(lengths: [])

    /// The rows of `lengths` (words each, 0 or more), which must add up to at most 2^32 − 1.
    public init(lengths: [Int]) {
        precondition(lengths.allSatisfy { $0 >= 0 } && lengths.reduce(0, +) <= Int(UInt32.max),
                     "row lengths of 0 or more words, 2^32 − 1 in all at most")
        self.init(count: lengths.count, longest: lengths.max() ?? 0) { lengths[$0] }
    }

    /// The rows between consecutive `starts` (one more start than rows, the first 0), or nil
    /// where the first is not 0 or a start falls below the one before it.
    public init?(starts: UnsafeBufferPointer<UInt32>) {
        guard starts.first == 0 else { return nil }
        var longest: UInt32 = 0, descends = false
        for r in starts.indices.dropFirst() {
            descends = descends || starts[r] < starts[r - 1]
            longest = max(longest, starts[r] &- starts[r - 1])
        }
        guard !descends else { return nil }
        self.init(count: starts.count - 1, longest: Int(longest)) { Int(starts[$0 + 1] - starts[$0]) }
    }

    /// The rows between consecutive `starts`; see ``init(starts:)-(UnsafeBufferPointer<UInt32>)``.
    public init?(starts: [UInt32]) {
        guard let index = starts.withUnsafeBufferPointer({ RowIndex(starts: $0) }) else { return nil }
        self = index
    }

    /// `count` rows, row r `length(r)` words long, none longer than `longest`.
    private init(count: Int, longest: Int, length: (Int) -> Int) {
        let bytes = Self.lengthBytes(holding: longest)
        let raw = StoredBytes(count: count * bytes) { raw in
            let out = raw.baseAddress
            for r in 0..<count {
                let n = length(r)
                switch bytes {
                case 1: out!.storeBytes(of: UInt8(n), toByteOffset: r, as: UInt8.self)
                case 2: out!.storeBytes(of: UInt16(n).littleEndian, toByteOffset: 2 * r, as: UInt16.self)
                default: out!.storeBytes(of: UInt32(n).littleEndian, toByteOffset: 4 * r, as: UInt32.self)
                }
            }
        }
        self.init(lengthBytes: bytes, count: count, lengths: raw)!
    }

    /// `count` row lengths of `lengthBytes` (1, 2 or 4) bytes each, little-endian, as the image
    /// file keeps them, or nil when they add up to more than 2^32 − 1 words.
    public init?(lengthBytes: Int, count: Int, littleEndian raw: [UInt8]) {
        self.init(lengthBytes: lengthBytes, count: count, lengths: raw.withUnsafeBytes { StoredBytes(copying: $0) })
    }

    /// The rows of `lengths`: `count` row lengths of `lengthBytes` (1, 2 or 4) bytes each,
    /// little-endian (in place in an image file, say); nil when they add up to more than
    /// 2^32 − 1 words.
    init?(lengthBytes: Int, count: Int, lengths: StoredBytes) {
        precondition([1, 2, 4].contains(lengthBytes) && lengths.count == count * lengthBytes)
        let stride = Self.checkpointRows
        var checkpoints = [UInt32](repeating: 0, count: (count + stride - 1) / stride + 1)
        let words = withExtendedLifetime(lengths) {
            let view = RowLengths(raw: lengths.base, lengthBytes: lengthBytes)
            var start = 0
            for i in 0..<checkpoints.count - 1 {
                checkpoints[i] = UInt32(truncatingIfNeeded: start)
                start += (i + 1) * stride <= count ? view.sum16(from: i * stride) : view.sum(i * stride..<count)
            }
            return start
        }
        guard words <= Int(UInt32.max) else { return nil }
        checkpoints[checkpoints.count - 1] = UInt32(words)
        self.count = count
        self.lengthBytes = lengthBytes
        self.lengths = lengths
        self.checkpoints = checkpoints
        self.words = words
    }

    /// The fewest bytes (1, 2 or 4) that hold a row length of `n` words.
    static func lengthBytes(holding n: Int) -> Int {
        n < 0x100 ? 1 : n < 0x10000 ? 2 : 4
    }

    /// Hands `body` the lengths, to read many rows without a bounds check or reference count per
    /// row: valid inside `body` only, and only for rows `0 ..< count`.
    @inline(__always)
    func withLengths<R>(_ body: (RowLengths) throws -> R) rethrows -> R {
        try withExtendedLifetime(lengths) { try body(RowLengths(raw: lengths.base, lengthBytes: lengthBytes)) }
    }

    /// Where the lengths and the checkpoints lie, for prefetch hints only (a prefetch reads
    /// nothing and cannot fault): never to be read through, since the arrays may move once this
    /// index is gone.
    var prefetchAddresses: (lengths: UnsafeRawPointer?, checkpoints: UnsafeRawPointer?) {
        (lengths.base, checkpoints.withUnsafeBytes { $0.baseAddress })
    }

    /// The words of row `r`.
    public func length(_ r: Int) -> Int {
        precondition(r >= 0 && r < count, "row \(r) of \(count)")
        return withLengths { $0.length(r) }
    }

    /// The word where row `r` starts (`words` for `r == count`).
    public func start(_ r: Int) -> Int {
        precondition(r >= 0 && r <= count, "row \(r) of \(count)")
        let stride = Self.checkpointRows
        return Int(checkpoints[r / stride]) + withLengths { $0.sum(r / stride * stride..<r) }
    }

    /// The word indices of row `r`.
    public subscript(r: Int) -> Range<Int> {
        let s = start(r)
        return s..<s + length(r)
    }

    /// The words of `rows` together.
    public func words(in rows: Range<Int>) -> Int {
        start(rows.upperBound) - start(rows.lowerBound)
    }

    /// The longest of `rows`, in words (0 for none).
    public func longest(in rows: Range<Int>) -> Int {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= count, "rows \(rows) of \(count)")
        return withLengths { $0.longest(rows) }
    }

    /// Hands `body` the lengths as the image file keeps them: `count × lengthBytes` bytes,
    /// little-endian, valid inside `body` only.
    func withLittleEndianLengths<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(lengths) { try body(lengths.buffer) }
    }
}

extension RowIndex: Equatable {
    /// The same rows of the same lengths, whatever bytes each length takes.
    public static func == (a: RowIndex, b: RowIndex) -> Bool {
        guard a.count == b.count, a.words == b.words else { return false }
        if a.lengthBytes == b.lengthBytes { return a.lengths.holdsSameBytes(as: b.lengths) }
        return (0..<a.count).allSatisfy { a.length($0) == b.length($0) }
    }
}

/// The row lengths of a ``RowIndex`` in place (``RowIndex/withLengths(_:)``), unchecked: the
/// loops over every row of a matrix read them through this.
struct RowLengths {
    let raw: UnsafeRawPointer?
    /// 1, 2 or 4.
    let lengthBytes: Int

    /// Row `r`'s length read as a `T` (the width's own type).
    @inline(__always)
    private func value<T: FixedWidthInteger>(_ raw: UnsafeRawPointer, _ r: Int, _: T.Type) -> T {
        T(littleEndian: raw.loadUnaligned(fromByteOffset: r * MemoryLayout<T>.size, as: T.self))
    }

    /// The words of row `r`.
    @inline(__always)
    func length(_ r: Int) -> Int {
        guard let raw else { return 0 }
        switch lengthBytes {
        case 1: return Int(value(raw, r, UInt8.self))
        case 2: return Int(value(raw, r, UInt16.self))
        default: return Int(value(raw, r, UInt32.self))
        }
    }

    // The loops over many rows below take one loop per width, with the width's own type, which
    // the compiler vectorizes (a switch on the width per row it did not).

    /// The words of `rows` together.
    @inline(__always)
    func sum(_ rows: Range<Int>) -> Int {
        guard let raw else { return 0 }
        func sum<T: FixedWidthInteger>(_ type: T.Type) -> Int { rows.reduce(0) { $0 &+ Int(value(raw, $1, type)) } }
        switch lengthBytes {
        case 1: return sum(UInt8.self)
        case 2: return sum(UInt16.self)
        default: return sum(UInt32.self)
        }
    }

    /// The words of the sixteen rows from `first` together (rows `first ..< first + 16`, all in
    /// the index): one vector load and sum, where ``sum(_:)`` adds row by row.
    @inline(__always)
    func sum16(from first: Int) -> Int {
        #if _endian(little)
        guard let raw else { return 0 }
        switch lengthBytes {
        case 1: return Int(SIMD16<UInt16>(truncatingIfNeeded: raw.loadUnaligned(fromByteOffset: first, as: SIMD16<UInt8>.self)).wrappedSum())
        case 2: return Int(SIMD16<UInt32>(truncatingIfNeeded: raw.loadUnaligned(fromByteOffset: 2 * first, as: SIMD16<UInt16>.self)).wrappedSum())
        default: return Int(SIMD16<UInt64>(truncatingIfNeeded: raw.loadUnaligned(fromByteOffset: 4 * first, as: SIMD16<UInt32>.self)).wrappedSum())
        }
        #else
        return sum(first..<first + 16)
        #endif
    }

    /// The longest of `rows`, in words (0 for none).
    @inline(__always)
    func longest(_ rows: Range<Int>) -> Int {
        guard let raw else { return 0 }
        func longest<T: FixedWidthInteger>(_ type: T.Type) -> Int { Int(rows.reduce(T.zero) { max($0, value(raw, $1, type)) }) }
        switch lengthBytes {
        case 1: return longest(UInt8.self)
        case 2: return longest(UInt16.self)
        default: return longest(UInt32.self)
        }
    }

    /// Adds the length of row `rows.lowerBound + i` to `counts[i]` for each of `rows`; returns
    /// the words of `rows` together.
    @inline(__always)
    func add(_ rows: Range<Int>, to counts: UnsafeMutablePointer<Int>) -> Int {
        guard let raw else { return 0 }
        func add<T: FixedWidthInteger>(_ type: T.Type) -> Int {
            var total = 0
            for (i, r) in rows.enumerated() {
                let n = Int(value(raw, r, type))
                counts[i] &+= n
                total &+= n
            }
            return total
        }
        switch lengthBytes {
        case 1: return add(UInt8.self)
        case 2: return add(UInt16.self)
        default: return add(UInt32.self)
        }
    }

    /// Bit i set where row `first + i` (i < 16) is not empty. Each width compares in its own
    /// lanes, against a vector of zeros: widening the lanes first, or comparing with a scalar 0,
    /// made the compiler build the mask one lane at a time, through the stack (the delivery
    /// lists' fill took 60 % longer).
    @inline(__always)
    func nonEmptyMask(from first: Int) -> UInt32 {
        guard let raw else { return 0 }
        switch lengthBytes {
        case 1:
            let bits = SIMD16<UInt8>(1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128)
            let set = SIMD16<UInt8>().replacing(with: bits, where: raw.loadUnaligned(fromByteOffset: first, as: SIMD16<UInt8>.self) .!= SIMD16<UInt8>())
            return UInt32(set.lowHalf.wrappedSum()) | UInt32(set.highHalf.wrappedSum()) << 8
        case 2:
            let bits = SIMD16<UInt16>(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768)
            return UInt32(SIMD16<UInt16>().replacing(with: bits, where: raw.loadUnaligned(fromByteOffset: 2 * first, as: SIMD16<UInt16>.self) .!= SIMD16<UInt16>()).wrappedSum())
        default:
            let bits = SIMD16<UInt32>(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768)
            return SIMD16<UInt32>().replacing(with: bits, where: raw.loadUnaligned(fromByteOffset: 4 * first, as: SIMD16<UInt32>.self) .!= SIMD16<UInt32>()).wrappedSum()
        }
    }
}
