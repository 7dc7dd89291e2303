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
    /// Bytes not yet written: whole rows.
    private let pending: RowBuffer
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
        pending = RowBuffer(capacity: Self.capacity)
    }

    deinit {
        Glibc.close(fd)
    }

    /// Appends one or more whole rows.
    func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { bytes in
            try reserve(bytes.count)
            if let base = bytes.baseAddress { pending.append(base, count: bytes.count) }
        }
    }

    /// Appends one row per value of `values` plus `offset` (each sum ≥ 0): `prefix`, its digits,
    /// `suffix`.
    func write<Values: Collection>(_ prefix: RowText, _ values: Values, plus offset: Int = 0, _ suffix: RowText) throws
        where Values.Element: BinaryInteger {
        try reserve(RowBuffer.length(rows: values.count, prefix, suffix))
        pending.appendRows(prefix, values, plus: offset, suffix)
    }

    /// Appends the whole rows of `rows`.
    func write(_ rows: RowBuffer) throws {
        try reserve(rows.count)
        pending.append(rows.bytes.baseAddress!, count: rows.count)
    }

    /// Makes room for a row of `n` bytes: flushes the whole rows before it, and grows the buffer
    /// for a row longer than it.
    private func reserve(_ n: Int) throws {
        guard n > pending.room else { return }
        try flush()
        pending.grow(toFit: n)
    }

    /// Writes the buffered rows. On a failure (a full disk) the file is cut back to its last
    /// whole row and the error names the file and the reason.
    func flush() throws {
        var done = 0
        while done < pending.count {
            let n = Glibc.write(fd, pending.bytes.baseAddress! + done, pending.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                let reason = FileAccess.reason(errno)
                _ = ftruncate(fd, committed)
                _ = lseek(fd, committed, SEEK_SET)
                pending.count = 0
                throw RunError("cannot write '\(path)': \(reason)")
            }
            done += n
        }
        committed += off_t(pending.count)
        pending.count = 0
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
