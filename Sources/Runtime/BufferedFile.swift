import Foundation

/// An output file written through a memory buffer, flushed when the buffer fills and on
/// ``flush()``, so a long run streams to disk and an interrupted one keeps what it wrote.
final class BufferedFile {
    private let handle: FileHandle
    /// Bytes not yet written, `buffer[0 ..< count]`.
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private var count = 0
    private static let capacity = 1 << 18

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw RunError("cannot create '\(path)'")
        }
        guard let h = FileHandle(forWritingAtPath: path) else { throw RunError("cannot open '\(path)' for writing") }
        handle = h
        buffer = .allocate(capacity: Self.capacity)
    }

    deinit {
        buffer.deallocate()
    }

    func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try append($0) }
    }

    /// Writes `prefix`, the decimal digits of `value` (≥ 0), then `suffix`: a CSV row built
    /// without a String.
    func write(_ prefix: [UInt8], _ value: Int, _ suffix: [UInt8]) throws {
        var v = value, digits = 0
        repeat { digits += 1; v /= 10 } while v > 0
        guard prefix.count + digits + suffix.count <= buffer.count - count else {
            try flush()
            guard prefix.count + digits + suffix.count <= buffer.count else {
                return try write(String(decoding: prefix, as: UTF8.self) + "\(value)" + String(decoding: suffix, as: UTF8.self))
            }
            return try write(prefix, value, suffix)
        }
        try prefix.withUnsafeBufferPointer { try append($0) }
        v = value
        for k in stride(from: count + digits - 1, through: count, by: -1) {
            buffer[k] = UInt8(truncatingIfNeeded: 48 + v % 10)
            v /= 10
        }
        count += digits
        try suffix.withUnsafeBufferPointer { try append($0) }
    }

    /// Copies `bytes` into the buffer, flushing whenever it fills.
    private func append(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        guard var source = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            if count == buffer.count { try flush() }
            let n = min(left, buffer.count - count)
            (buffer.baseAddress! + count).update(from: source, count: n)
            count += n
            source += n
            left -= n
        }
    }

    func flush() throws {
        guard count > 0 else { return }
        try handle.write(contentsOf: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<count]))
        count = 0
    }

    func close() throws {
        try flush()
        try handle.close()
    }
}
