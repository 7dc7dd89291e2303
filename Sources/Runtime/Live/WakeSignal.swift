#if canImport(Glibc)
import Glibc
#endif

/// Wakes a thread that waits in `zmq_poll` (on the read end of a pipe it polls), from any thread
/// and without touching its sockets. Signalling costs one `write` system call.
final class WakeSignal: @unchecked Sendable {
    /// The end to poll.
    let fd: Int32
    private let writeEnd: Int32

    init() throws {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw LiveIOError("cannot make a pipe: \(String(cString: strerror(errno)))") }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        fd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        Glibc.close(fd)
        Glibc.close(writeEnd)
    }

    /// A full pipe already holds a signal, so a failed write loses nothing.
    func signal() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Clears every signal (after the poll saw one).
    func clear() {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(fd, &buffer, buffer.count) > 0 {}
    }
}
