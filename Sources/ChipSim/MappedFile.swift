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
/// file while it is mapped makes reads past the new end fault; images are written beside their
/// path and renamed into place (``FileAccess/writeReplacing(_:_:)``), which leaves a mapped file
/// whole.
public final class MappedFile {
    private let base: UnsafeRawPointer?
    private let mappedBytes: Int
    /// The bytes of a file read instead of mapped.
    private let read: [UInt8]?

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
            mappedBytes = Int(info.st_size)
            read = nil
        } else {
            base = nil
            mappedBytes = 0
            read = try FileAccess.read(path)
        }
    }

    #if os(Linux)
    private static let populate = MAP_POPULATE
    #else
    private static let populate: Int32 = 0
    #endif

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), mappedBytes) }
    }

    /// The file's length in bytes.
    public var count: Int { read?.count ?? mappedBytes }

    /// Hands `body` the bytes, valid while it runs.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if let read { return try read.withUnsafeBytes(body) }
        return try body(UnsafeRawBufferPointer(start: base, count: mappedBytes))
    }
}
