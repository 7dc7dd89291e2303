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
