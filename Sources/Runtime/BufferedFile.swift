#if canImport(Glibc)
import Glibc
#endif
import ChipSim
import Foundation

/// An output file of whole rows, written through a memory buffer and flushed when the buffer
/// fills and on ``flush()``, so a long run streams to disk and an interrupted one keeps what it
/// wrote. Every flush writes whole rows only; if the disk fills during one, the file is cut back
/// to the last whole row before the error is reported, so a file never ends inside a row.
final class BufferedFile {
    let path: String
    private let fd: Int32
    /// Bytes not yet written, `buffer[0 ..< count]`: whole rows.
    private var buffer: UnsafeMutableBufferPointer<UInt8>
    private var count = 0
    /// Bytes on disk, all whole rows.
    private var committed: off_t = 0
    private static let capacity = 1 << 18

    /// Creates (or empties) the file at `path`, which must be a regular file if it exists.
    init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RunError("cannot create '\(path)': \(FileAccess.reason(errno))") }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            Glibc.close(fd)
            throw RunError("'\(path)' is not a regular file")
        }
        buffer = .allocate(capacity: Self.capacity)
    }

    deinit {
        buffer.deallocate()
        Glibc.close(fd)
    }

    /// Appends one or more whole rows.
    func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { bytes in
            try reserve(bytes.count)
            if let base = bytes.baseAddress { (buffer.baseAddress! + count).update(from: base, count: bytes.count) }
            count += bytes.count
        }
    }

    /// Appends the row `prefix`, the decimal digits of `value` (≥ 0), `suffix`, built without a
    /// String. (Byte by byte: the parts are a few bytes, and a `memmove` call each cost more.)
    func write(_ prefix: [UInt8], _ value: Int, _ suffix: [UInt8]) throws {
        var v = value, digits = 0
        repeat { digits += 1; v /= 10 } while v > 0
        try reserve(prefix.count + digits + suffix.count)
        let out = buffer.baseAddress!
        var at = count
        prefix.withUnsafeBufferPointer { for b in $0 { out[at] = b; at += 1 } }
        v = value
        at += digits
        for k in 1...digits {
            out[at - k] = UInt8(truncatingIfNeeded: 48 + v % 10)
            v /= 10
        }
        suffix.withUnsafeBufferPointer { for b in $0 { out[at] = b; at += 1 } }
        count = at
    }

    /// Makes room for a row of `n` bytes: flushes the whole rows before it, and grows the buffer
    /// for a row longer than it.
    private func reserve(_ n: Int) throws {
        guard count + n > buffer.count else { return }
        try flush()
        if n > buffer.count {
            buffer.deallocate()
            buffer = .allocate(capacity: n)
        }
    }

    /// Writes the buffered rows. On a failure (a full disk) the file is cut back to its last
    /// whole row and the error names the file and the reason.
    func flush() throws {
        var done = 0
        while done < count {
            let n = Glibc.write(fd, buffer.baseAddress! + done, count - done)
            if n < 0 {
                if errno == EINTR { continue }
                let reason = FileAccess.reason(errno)
                _ = ftruncate(fd, committed)
                _ = lseek(fd, committed, SEEK_SET)
                count = 0
                throw RunError("cannot write '\(path)': \(reason)")
            }
            done += n
        }
        committed += off_t(count)
        count = 0
    }

    func close() throws {
        try flush()
        guard fsyncIfRegular() else { throw RunError("cannot write '\(path)': \(FileAccess.reason(errno))") }
    }

    /// Pushes the file to the disk so that a full disk shows up now rather than on unmount.
    private func fsyncIfRegular() -> Bool {
        fsync(fd) == 0 || errno == EINVAL
    }
}
