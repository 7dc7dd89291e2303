import CZeroMQ
#if canImport(Glibc)
import Glibc
#endif

/// A libzmq context. Thread-safe (zmq(7)); every ``ZMQSocket`` keeps its context alive, so the
/// context is terminated only after its last socket is closed (otherwise `zmq_ctx_term` would
/// wait for them forever).
final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    init() throws {
        guard let handle = zmq_ctx_new() else { throw ZMQError.last("zmq_ctx_new") }
        self.handle = handle
    }

    deinit {
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }
}
