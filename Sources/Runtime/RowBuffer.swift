/// CSV rows formatted in memory, `bytes[0 ..< count]`: a worker's share of a tick's
/// `spikes.csv` rows (``Recorder/spikeRows(tick:cores:spikes:into:)``), and the write buffer of a
/// ``BufferedFile``. Grows as rows need; never shrinks.
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

    /// Appends the row `prefix`, the decimal digits of `value` (≥ 0), `suffix`; the caller has
    /// made room (``rowLength(_:_:_:)`` bytes). Byte by byte: the parts are a few bytes, and a
    /// `memmove` call each cost more.
    func appendRow(_ prefix: [UInt8], _ value: Int, _ suffix: [UInt8]) {
        let out = bytes.baseAddress!
        var at = count
        prefix.withUnsafeBufferPointer { for b in $0 { out[at] = b; at += 1 } }
        var v = value
        at += Self.digits(value)
        var k = at
        repeat {
            k -= 1
            out[k] = UInt8(truncatingIfNeeded: 48 + v % 10)
            v /= 10
        } while v > 0
        suffix.withUnsafeBufferPointer { for b in $0 { out[at] = b; at += 1 } }
        count = at
    }

    /// Appends `n` bytes from `p`; the caller has made room.
    func append(_ p: UnsafePointer<UInt8>, count n: Int) {
        (bytes.baseAddress! + count).update(from: p, count: n)
        count += n
    }

    /// The length of the row ``appendRow(_:_:_:)`` writes.
    static func rowLength(_ prefix: [UInt8], _ value: Int, _ suffix: [UInt8]) -> Int {
        prefix.count + digits(value) + suffix.count
    }

    /// Decimal digits of `value` ≥ 0.
    static func digits(_ value: Int) -> Int {
        var v = value, digits = 0
        repeat { digits += 1; v /= 10 } while v > 0
        return digits
    }
}
