import CZeroMQ
#if canImport(Glibc)
import Glibc
#endif

/// Waits for any of a fixed set of sockets and file descriptors to become readable (`zmq_poll`).
struct ZMQPoller {
    private var items: [zmq_pollitem_t] = []

    /// Adds a socket; returns its index in ``poll(timeoutMs:)``'s answer.
    @discardableResult
    mutating func add(_ socket: ZMQSocket) -> Int {
        items.append(zmq_pollitem_t(socket: socket.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0))
        return items.count - 1
    }

    /// Adds a file descriptor (a ``WakeSignal``); returns its index.
    @discardableResult
    mutating func add(fd: Int32) -> Int {
        items.append(zmq_pollitem_t(socket: nil, fd: fd, events: Int16(ZMQ_POLLIN), revents: 0))
        return items.count - 1
    }

    /// Waits up to `timeoutMs` (−1: forever) and returns which items are readable. An interrupted
    /// wait (EINTR) returns with none readable.
    mutating func poll(timeoutMs: Int) throws -> [Bool] {
        let n = items.withUnsafeMutableBufferPointer { zmq_poll($0.baseAddress, Int32($0.count), timeoutMs) }
        if n < 0 {
            let code = zmq_errno()
            if code != EINTR { throw ZMQError(code: code, operation: "zmq_poll") }
            return Array(repeating: false, count: items.count)
        }
        return items.map { $0.revents & Int16(ZMQ_POLLIN) != 0 }
    }
}
