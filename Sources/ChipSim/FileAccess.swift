#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading a whole file, with the operating system's reason when it cannot be read ("No such
/// file or directory", "Is a directory", "Permission denied"), for the messages of every tool
/// that reads user files: networks, spike-time and connection lists, targets, images.
public enum FileAccess {
    /// Why a file could not be read.
    public struct ReadError: Error, CustomStringConvertible, Equatable {
        public var path: String
        /// The system's reason, e.g. "No such file or directory".
        public var reason: String

        public var description: String { "cannot read '\(path)': \(reason)" }
    }

    /// The bytes of the file at `path`.
    public static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ReadError(path: path, reason: reason(errno)) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ReadError(path: path, reason: reason(errno)) }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw ReadError(path: path, reason: reason(EISDIR)) }
        /// Reads into `buffer` until it is full or the file ends; the bytes read.
        func fill(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            var done = 0
            while done < buffer.count {
                let n = Glibc.read(fd, buffer.baseAddress! + done, buffer.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ReadError(path: path, reason: reason(errno))
                }
                if n == 0 { break }
                done += n
            }
            return done
        }
        // A regular file straight into the array (its size known; an image of 50 MB was copied
        // twice, through a chunk); what it grew by since, and any other file, chunk by chunk.
        let size = (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : 0
        var bytes = try [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            initialized = size == 0 ? 0 : try fill(UnsafeMutableRawBufferPointer(buffer))
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try fill($0) }
            bytes.append(contentsOf: chunk[0..<n])
            if n < chunk.count { break }
        }
        return bytes
    }

    /// Why a file could not be written.
    public struct WriteError: Error, CustomStringConvertible, Equatable {
        public var path: String
        public var reason: String

        public var description: String { "cannot write '\(path)': \(reason)" }
    }

    /// Writes `bytes` to a new file beside `path` and renames it into place, so that readers see
    /// the old file or the whole new one, never a part. An existing `path` that is not a regular
    /// file (a device, a FIFO, a directory) is refused rather than replaced.
    public static func writeReplacing(_ path: String, _ bytes: [UInt8]) throws {
        try writeReplacing(path) { out in try bytes.withUnsafeBytes { try out.write($0) } }
    }

    /// Like ``writeReplacing(_:_:)-(_,[UInt8])``, with the content written by `body` piece by
    /// piece, so that a large file need not be held in memory. If `body` throws, nothing is
    /// left behind and its error is rethrown.
    public static func writeReplacing(_ path: String, _ body: (FileOutput) throws -> Void) throws {
        var info = stat()
        if lstat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            throw WriteError(path: path, reason: "it exists and is not a regular file")
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(directory).\(name).XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw WriteError(path: path, reason: reason(errno)) }
        let temporary = String(cString: template)
        do {
            try body(FileOutput(fd: fd, path: path))
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        let synced = fsync(fd) == 0
        let why = synced ? "" : reason(errno)
        fchmod(fd, 0o644)
        close(fd)
        guard synced else {
            unlink(temporary)
            throw WriteError(path: path, reason: why)
        }
        guard rename(temporary, path) == 0 else {
            let why = reason(errno)
            unlink(temporary)
            throw WriteError(path: path, reason: why)
        }
    }

    /// A file being written by ``writeReplacing(_:_:)-(_,(FileOutput))``.
    public struct FileOutput {
        let fd: Int32
        /// The path the file will have, for messages.
        let path: String

        /// Appends `bytes` at the end of what was written.
        public func write(_ bytes: UnsafeRawBufferPointer) throws {
            var done = 0
            while done < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw WriteError(path: path, reason: reason(errno)) }
                done += n
            }
        }

        /// Writes `bytes` over the file's bytes from `offset` on (which must have been written).
        public func write(_ bytes: [UInt8], at offset: Int) throws {
            try bytes.withUnsafeBytes { b in
                var done = 0
                while done < b.count {
                    let n = pwrite(fd, b.baseAddress! + done, b.count - done, off_t(offset + done))
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { throw WriteError(path: path, reason: reason(errno)) }
                    done += n
                }
            }
        }
    }

    /// The system's text for an errno value.
    public static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
