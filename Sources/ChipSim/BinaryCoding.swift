/// Appends little-endian values to a byte buffer. With a ``sink``, ``drainIfLarge()`` hands the
/// buffered bytes on (to a file, say) once they pass a few megabytes, so that a large section
/// never sits whole in memory.
struct BinaryWriter {
    var bytes: [UInt8] = []
    /// Takes the buffered bytes when ``drainIfLarge()`` or ``drain()`` runs; nil keeps them all.
    var sink: (([UInt8]) -> Void)?

    /// Bytes buffered before ``drainIfLarge()`` hands them on.
    static let drainBytes = 1 << 22

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func i8(_ v: Int8) { u8(UInt8(bitPattern: v)) }
    mutating func f64(_ v: Double) { u64(v.bitPattern) }
    mutating func count(_ n: Int) { u32(UInt32(n)) }
    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        count(utf8.count)
        bytes.append(contentsOf: utf8)
    }

    /// A count, then the values.
    mutating func u32s(_ values: [UInt32]) {
        count(values.count)
        raw(values)
    }

    /// A count, then the values.
    mutating func f64s(_ values: [Double]) {
        count(values.count)
        raw(values)
    }

    /// The values, little-endian, without a count, in pieces of at most ``drainBytes``.
    mutating func raw<T: FixedWidthInteger>(_ values: [T]) {
        #if _endian(little)
        appendMemory(values)
        #else
        for v in values {
            withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
            drainIfLarge()
        }
        #endif
    }

    mutating func raw(_ values: [Double]) {
        #if _endian(little)
        appendMemory(values)
        #else
        raw(values.map(\.bitPattern))
        #endif
    }

    /// The values' memory (their little-endian encoding on a little-endian host), draining as
    /// it goes.
    private mutating func appendMemory<T>(_ values: [T]) {
        values.withUnsafeBytes { raw($0) }
    }

    /// The bytes as they are, draining as it goes.
    mutating func raw(_ all: UnsafeRawBufferPointer) {
        var start = 0
        while start < all.count {
            let end = min(all.count, start + Self.drainBytes)
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: all[start..<end]))
            start = end
            drainIfLarge()
        }
    }

    /// Hands the buffer to the sink once it holds ``drainBytes`` or more.
    mutating func drainIfLarge() {
        if bytes.count >= Self.drainBytes { drain() }
    }

    /// Hands whatever is buffered to the sink (nothing without one).
    mutating func drain() {
        guard let sink, !bytes.isEmpty else { return }
        sink(bytes)
        bytes.removeAll(keepingCapacity: true)
    }
}

/// Reads little-endian values from a range of a byte buffer, refusing to read past its end.
struct BinaryReader {
    struct OutOfData: Error {
        var detail: String
    }

    /// The bytes, which must stay valid while the reader is used (in place, not copied: an image
    /// is read straight from its mapped file).
    let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int
    /// One past the last byte this reader may read.
    let end: Int

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.init(bytes, range: offset..<bytes.count)
    }

    /// Reads `bytes[range]`; offsets in messages count from the range's start.
    init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>) {
        self.bytes = bytes
        offset = range.lowerBound
        end = range.upperBound
        start = range.lowerBound
    }

    private let start: Int

    var atEnd: Bool { offset == end }
    /// Bytes read so far.
    var position: Int { offset - start }
    /// Bytes not yet read.
    var remaining: Int { end - offset }

    private mutating func take(_ n: Int, _ what: String) throws -> Int {
        guard n >= 0, offset <= end - n else {
            throw OutOfData(detail: "needs \(n) more bytes for \(what) at offset \(position), has \(remaining)")
        }
        defer { offset += n }
        return offset
    }

    private mutating func fixed<T: FixedWidthInteger>(_ type: T.Type, _ what: String) throws -> T {
        T(littleEndian: bytes.loadUnaligned(fromByteOffset: try take(MemoryLayout<T>.size, what), as: T.self))
    }

    mutating func u8(_ what: String = "a byte") throws -> UInt8 { try fixed(UInt8.self, what) }
    mutating func u16(_ what: String = "a u16") throws -> UInt16 { try fixed(UInt16.self, what) }
    mutating func u32(_ what: String = "a u32") throws -> UInt32 { try fixed(UInt32.self, what) }
    mutating func u64(_ what: String = "a u64") throws -> UInt64 { try fixed(UInt64.self, what) }
    mutating func i8(_ what: String = "an i8") throws -> Int8 { Int8(bitPattern: try u8(what)) }
    mutating func f64(_ what: String = "an f64") throws -> Double { Double(bitPattern: try u64(what)) }

    /// A count, refused when the remaining bytes cannot hold that many items of `itemSize` bytes.
    mutating func count(_ what: String, itemSize: Int = 1) throws -> Int {
        let n = Int(try u32("the count of \(what)"))
        guard n <= remaining / max(itemSize, 1) else {
            throw OutOfData(detail: "count of \(what) is \(n), more than the \(remaining) bytes left can hold")
        }
        return n
    }

    mutating func string(_ what: String) throws -> String {
        let n = try count(what)
        let at = try take(n, what)
        return String(decoding: bytes[at..<at + n], as: UTF8.self)
    }

    /// The next `n` bytes, in place.
    mutating func raw(_ n: Int, _ what: String) throws -> UnsafeRawBufferPointer {
        let at = try take(n, what)
        return UnsafeRawBufferPointer(rebasing: bytes[at..<at + n])
    }

    /// A count, then that many values.
    mutating func u32s(_ what: String) throws -> [UInt32] {
        try values(UInt32.self, count: try count(what, itemSize: 4), what)
    }

    /// A count, then that many values.
    mutating func f64s(_ what: String) throws -> [Double] {
        try values(UInt64.self, count: try count(what, itemSize: 8), what).map { Double(bitPattern: $0) }
    }

    /// Where `n` values of `T` start, once they are known to be there.
    private mutating func take<T: FixedWidthInteger>(values n: Int, of _: T.Type, _ what: String) throws -> Int {
        let size = MemoryLayout<T>.size
        guard n >= 0, n <= remaining / size else { throw OutOfData(detail: "needs \(n) \(what) at offset \(position), has \(remaining) bytes") }
        return try take(n * size, what)
    }

    /// `n` little-endian values without a count.
    mutating func values<T: FixedWidthInteger>(_ type: T.Type, count n: Int, _ what: String) throws -> [T] {
        let size = MemoryLayout<T>.size
        let at = try take(values: n, of: T.self, what)
        return [T](unsafeUninitializedCapacity: n) { out, initialized in
            #if _endian(little)
            UnsafeMutableRawBufferPointer(out).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[at..<at + n * size]))
            #else
            for i in 0..<n { out[i] = T(littleEndian: bytes.loadUnaligned(fromByteOffset: at + i * size, as: T.self)) }
            #endif
            initialized = n
        }
    }
}
