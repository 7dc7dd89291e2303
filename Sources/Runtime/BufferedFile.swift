import Foundation

/// An output file written through a memory buffer, flushed when the buffer fills and on
/// ``flush()``, so a long run streams to disk and an interrupted one keeps what it wrote.
final class BufferedFile {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let capacity = 1 << 18

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw RunError("cannot create '\(path)'")
        }
        guard let h = FileHandle(forWritingAtPath: path) else { throw RunError("cannot open '\(path)' for writing") }
        handle = h
        buffer.reserveCapacity(capacity)
    }

    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= capacity { try flush() }
    }

    /// Writes `prefix`, the decimal digits of `value` (≥ 0), then `suffix`: a CSV row built
    /// without a String.
    func write(_ prefix: [UInt8], _ value: Int, _ suffix: [UInt8]) throws {
        buffer.append(contentsOf: prefix)
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { d in
            var v = value, n = 0
            repeat {
                d[19 - n] = UInt8(truncatingIfNeeded: 48 + v % 10)
                v /= 10
                n += 1
            } while v > 0
            buffer.append(contentsOf: d[(20 - n)...])
        }
        buffer.append(contentsOf: suffix)
        if buffer.count >= capacity { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        try handle.close()
    }
}
