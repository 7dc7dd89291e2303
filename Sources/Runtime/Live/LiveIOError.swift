import CZeroMQ

/// A libzmq call failed: which call, and libzmq's error number as `zmq_strerror` describes it.
public struct ZMQError: Error, CustomStringConvertible, Sendable {
    /// libzmq's `errno` (`zmq_errno()`), e.g. `EADDRINUSE`.
    public let code: Int32
    /// The call that failed and what it was for, e.g. `bind tcp://127.0.0.1:5560`.
    public let operation: String

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// The error of the libzmq call that just failed on this thread.
    static func last(_ operation: String) -> ZMQError { ZMQError(code: zmq_errno(), operation: operation) }

    public var description: String { "\(operation): \(String(cString: zmq_strerror(code)))" }
}

/// Live I/O cannot go on: a configuration that is refused, a handshake that timed out, a peer that
/// broke the protocol. The message says what and what to change.
public struct LiveIOError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
