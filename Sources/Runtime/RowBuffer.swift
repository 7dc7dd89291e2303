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
    /// worker per 1,000 ticks). (A core's local indices come with their offset rather than
    /// mapped by a closure, whose context was allocated for every core and tick.)
    func appendRows<Values: Collection>(_ prefix: [UInt8], _ values: Values, plus offset: Int = 0, _ suffix: [UInt8])
        where Values.Element: BinaryInteger {
        grow(toFit: Self.length(rows: values.count, prefix, suffix))
        prefix.withUnsafeBufferPointer { prefix in
        suffix.withUnsafeBufferPointer { suffix in
            let start = bytes.baseAddress!
            var out = start + count
            for element in values {
                let value = Int(element) + offset
                for b in prefix { out.pointee = b; out += 1 }
                var v = value, k = out + Self.digits(value)
                out = k
                repeat {
                    k -= 1
                    k.pointee = UInt8(truncatingIfNeeded: 48 + v % 10)
                    v /= 10
                } while v > 0
                for b in suffix { out.pointee = b; out += 1 }
            }
            count = out - start
        }}
    }

    /// Appends `n` bytes from `p`; the caller has made room.
    func append(_ p: UnsafePointer<UInt8>, count n: Int) {
        (bytes.baseAddress! + count).update(from: p, count: n)
        count += n
    }

    /// The most bytes `rows` rows of ``appendRows(_:_:_:)`` take (an Int has at most 19 digits).
    static func length(rows: Int, _ prefix: [UInt8], _ suffix: [UInt8]) -> Int {
        rows * (prefix.count + 19 + suffix.count)
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
