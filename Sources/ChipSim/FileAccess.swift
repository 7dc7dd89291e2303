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
        var bytes: [UInt8] = []
        if (info.st_mode & S_IFMT) == S_IFREG { bytes.reserveCapacity(Int(info.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ReadError(path: path, reason: reason(errno))
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    /// The system's text for an errno value.
    public static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
