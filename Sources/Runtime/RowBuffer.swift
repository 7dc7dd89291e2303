/// CSV rows formatted in memory, `bytes[0 ..< count]`: a worker's share of a tick's
/// `spikes.csv` rows (``Recorder/spikeRows(tick:cores:spikes:into:)``), and the write buffer of a
/// ``BufferedFile``. Grows as rows need; never shrinks. Rows are built byte by byte, without a
/// String: their parts are a few bytes, and a `memmove` call each cost more.
final class RowBuffer {
    private(set) var bytes: UnsafeMutableBufferPointer<UInt8>
    var count = 0

    /// `capacity` bytes to start with (at least 1).
    init(capacity: Int = 1 << 12) {
        bytes = .allocate(capacity: max(capacity, 1))
    }

    deinit { bytes.deallocate() }

    /// Bytes free after the rows.
    var room: Int { bytes.count - count }

    /// Makes room for `n` more bytes, keeping the rows.
    func grow(toFit n: Int) {
        guard n > room else { return }
        let larger = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(2 * bytes.count, count + n))
        larger.baseAddress!.update(from: bytes.baseAddress!, count: count)
        bytes.deallocate()
        bytes = larger
    }

    /// Appends one row per value of `values` plus `offset` (each sum ≥ 0): `prefix`, the sum's
    /// decimal digits, `suffix`. Makes room once for them all and writes through a raw pointer:
    /// formatted one call a row, they took about 40 ns each (CUBA 20k on two workers, 2.4 ms a
    /// worker per 1,000 ticks). The prefix and suffix go out a chunk a store (the next row or
    /// the room's slack takes the padding), the digits two at a time from a table: byte by byte
    /// and digit by digit, a row took 18 ns. (A core's local indices come with their offset
    /// rather than mapped by a closure, whose context was allocated for every core and tick.)
    func appendRows<Values: Collection>(_ prefix: RowText, _ values: Values, plus offset: Int = 0, _ suffix: RowText)
        where Values.Element: BinaryInteger {
        grow(toFit: Self.length(rows: values.count, prefix, suffix))
        let start = bytes.baseAddress!
        var out = start + count
        // The table fetched once: its lazy global's check (`swift_once`) per row was 0.5 % of
        // a CUBA run.
        Self.digitPairs.withUnsafeBufferPointer { pairs in
            for element in values {
                let value = Int(element) + offset
                prefix.store(at: out)
                out += prefix.count
                let digits = Self.digits(value)
                Self.writeDigits(value, digits, to: out, pairs: pairs)
                out += digits
                suffix.store(at: out)
                out += suffix.count
            }
        }
        count = out - start
    }

    /// "00", "01", ..., "99".
    private static let digitPairs: [UInt8] = (0..<100).flatMap { (n: Int) -> [UInt8] in
        [UInt8(truncatingIfNeeded: 48 + n / 10), UInt8(truncatingIfNeeded: 48 + n % 10)]
    }

    /// Writes the `digits` decimal digits of `value` ≥ 0 at `out`, two at a time from `pairs`
    /// (``digitPairs``).
    @inline(__always)
    private static func writeDigits(_ value: Int, _ digits: Int, to out: UnsafeMutablePointer<UInt8>, pairs: UnsafeBufferPointer<UInt8>) {
        var v = value, k = out + digits
        while v >= 100 {
            let pair = 2 * (v % 100)
            v /= 100
            k -= 2
            k[0] = pairs[pair]
            k[1] = pairs[pair + 1]
        }
        if v >= 10 {
            k -= 2
            k[0] = pairs[2 * v]
            k[1] = pairs[2 * v + 1]
        } else {
            k[-1] = UInt8(truncatingIfNeeded: 48 + v)
        }
    }

    /// Appends `n` bytes from `p`; the caller has made room.
    func append(_ p: UnsafePointer<UInt8>, count n: Int) {
        (bytes.baseAddress! + count).update(from: p, count: n)
        count += n
    }

    /// The most bytes `rows` rows of ``appendRows(_:_:plus:_:)`` take (an Int has at most 19
    /// digits), and the padding the last one's stores may write past them.
    static func length(rows: Int, _ prefix: RowText, _ suffix: RowText) -> Int {
        rows * (prefix.count + 19 + suffix.count) + 16 * max(prefix.chunkCount, suffix.chunkCount)
    }

    /// Decimal digits of `value` ≥ 0.
    @inline(__always)
    static func digits(_ value: Int) -> Int {
        var digits = 1, bound = 10
        while value >= bound, digits < 19 {
            digits += 1
            bound &*= 10
        }
        return digits
    }
}

/// A fixed part of a CSV row (a population's name and comma, a tick's time and line end):
/// its bytes zero-padded to whole 16-byte chunks, so that a row takes it in a store or two. A
/// view of chunks that a ``RowTextStore`` or ``with(_:_:)`` holds, copied without reference
/// counting: workers format rows at once, and a count they shared, touched for every core,
/// cost them more than the formatting (CUBA 20k, two threads).
struct RowText {
    let chunks: UnsafePointer<SIMD16<UInt8>>
    let chunkCount: Int
    /// Its bytes without the padding.
    let count: Int

    /// Stores the chunks from `out`, which has room for them.
    @inline(__always)
    func store(at out: UnsafeMutablePointer<UInt8>) {
        for k in 0..<chunkCount { UnsafeMutableRawPointer(out + 16 * k).storeBytes(of: chunks[k], as: SIMD16<UInt8>.self) }
    }

    /// Chunks that hold `n` bytes.
    fileprivate static func chunks(holding n: Int) -> Int { (n + 15) / 16 }

    /// `bytes` zero-padded into `p`, which holds ``chunks(holding:)`` of them.
    fileprivate init(_ bytes: UnsafeBufferPointer<UInt8>, in p: UnsafeMutablePointer<SIMD16<UInt8>>) {
        let n = Self.chunks(holding: bytes.count)
        p.initialize(repeating: SIMD16(), count: n)
        if let base = bytes.baseAddress { UnsafeMutableRawPointer(p).copyMemory(from: base, byteCount: bytes.count) }
        self.init(chunks: p, chunkCount: n, count: bytes.count)
    }

    private init(chunks: UnsafePointer<SIMD16<UInt8>>, chunkCount: Int, count: Int) {
        self.chunks = chunks
        self.chunkCount = chunkCount
        self.count = count
    }

    /// Calls `body` with `bytes` as a row text valid inside it.
    static func with<R>(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (RowText) throws -> R) rethrows -> R {
        try withUnsafeTemporaryAllocation(of: SIMD16<UInt8>.self, capacity: max(chunks(holding: bytes.count), 1)) { p in
            try body(RowText(bytes, in: p.baseAddress!))
        }
    }
}

/// Row texts that stay valid as long as the store does.
final class RowTextStore {
    private var buffers: [UnsafeMutablePointer<SIMD16<UInt8>>] = []

    /// `text` as a row text.
    func text(_ text: String) -> RowText {
        let bytes = Array(text.utf8)
        let p = UnsafeMutablePointer<SIMD16<UInt8>>.allocate(capacity: max(RowText.chunks(holding: bytes.count), 1))
        buffers.append(p)
        return bytes.withUnsafeBufferPointer { RowText($0, in: p) }
    }

    deinit { for p in buffers { p.deallocate() } }
}
