/// Appends little-endian values to a byte buffer.
struct BinaryWriter {
    var bytes: [UInt8] = []

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
    mutating func u32s(_ values: [UInt32]) {
        count(values.count)
        bytes.reserveCapacity(bytes.count + values.count * 4)
        for v in values { u32(v) }
    }
    mutating func f64s(_ values: [Double]) {
        count(values.count)
        bytes.reserveCapacity(bytes.count + values.count * 8)
        for v in values { f64(v) }
    }
}

/// Reads little-endian values from a byte buffer, refusing to read past its end.
struct BinaryReader {
    struct OutOfData: Error {
        var detail: String
    }

    let bytes: [UInt8]
    private(set) var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var atEnd: Bool { offset == bytes.count }

    private mutating func take(_ n: Int, _ what: String) throws -> Int {
        guard n >= 0, offset <= bytes.count - n else {
            throw OutOfData(detail: "needs \(n) more bytes for \(what) at offset \(offset), has \(bytes.count - offset)")
        }
        defer { offset += n }
        return offset
    }

    private mutating func fixed<T: FixedWidthInteger>(_ type: T.Type, _ what: String) throws -> T {
        let at = try take(MemoryLayout<T>.size, what)
        var v: T = 0
        for i in 0..<MemoryLayout<T>.size { v |= T(bytes[at + i]) << (8 * i) }
        return v
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
        guard n <= (bytes.count - offset) / max(itemSize, 1) else {
            throw OutOfData(detail: "count of \(what) is \(n), more than the \(bytes.count - offset) bytes left can hold")
        }
        return n
    }

    mutating func string(_ what: String) throws -> String {
        let n = try count(what)
        let at = try take(n, what)
        return String(decoding: bytes[at..<at + n], as: UTF8.self)
    }

    mutating func raw(_ n: Int, _ what: String) throws -> ArraySlice<UInt8> {
        let at = try take(n, what)
        return bytes[at..<at + n]
    }

    mutating func u32s(_ what: String) throws -> [UInt32] {
        let n = try count(what, itemSize: 4)
        var out = [UInt32](repeating: 0, count: n)
        for i in 0..<n { out[i] = try u32(what) }
        return out
    }

    mutating func f64s(_ what: String) throws -> [Double] {
        let n = try count(what, itemSize: 8)
        var out = [Double](repeating: 0, count: n)
        for i in 0..<n { out[i] = try f64(what) }
        return out
    }
}
