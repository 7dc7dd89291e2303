#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file's bytes, mapped read-only into memory where the file is a regular one, rather than
/// copied: a chip image is decoded straight from the page cache (the bytes of a 1.25 GB
/// microcircuit image were copied into fresh memory, and held beside the decoded image until
/// decoding ended). A file that cannot be mapped (a pipe, an empty file) is read instead
/// (``FileAccess/read(_:)``).
///
/// The mapping is private and populated at once (`MAP_POPULATE`): decoding reads every byte, and
/// one call maps them all rather than a page fault per 4 KB. Another process that truncates the
/// file while it is mapped (for as long as an image decoded from it lives) makes reads past the
/// new end fault; images are written beside their path and renamed into place
/// (``FileAccess/writeReplacing(_:_:)``), which leaves a mapped file whole.
///
/// A decoded image reads its synapse words and row lengths here for as long as it lives
/// (``StoredBytes``), so the bytes stay where they are until the last reader lets go: a file read
/// instead of mapped is held in memory this object allocates.
public final class MappedFile: @unchecked Sendable {
    private let base: UnsafeRawPointer?
    /// The file's length in bytes.
    public let count: Int
    /// The bytes of a file read instead of mapped (nil where `base` is a mapping).
    private let read: StoredBytes?

    /// The bytes of the file at `path`; a ``FileAccess/ReadError`` with the system's reason when
    /// it cannot be opened or read.
    public init(_ path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FileAccess.ReadError(path: path, reason: FileAccess.reason(errno)) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileAccess.ReadError(path: path, reason: FileAccess.reason(errno)) }
        if (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0,
           let p = mmap(nil, Int(info.st_size), PROT_READ, MAP_PRIVATE | Self.populate, fd, 0), p != MAP_FAILED {
            base = UnsafeRawPointer(p)
            count = Int(info.st_size)
            read = nil
        } else {
            let bytes = try FileAccess.read(path).withUnsafeBytes { StoredBytes(copying: $0) }
            base = bytes.base
            count = bytes.count
            read = bytes
        }
    }

    #if os(Linux)
    private static let populate = MAP_POPULATE
    #else
    private static let populate: Int32 = 0
    #endif

    deinit {
        if read == nil, let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }

    /// Hands `body` the bytes, which stay where they are while this object lives.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(UnsafeRawBufferPointer(start: base, count: count)) }
    }
}
