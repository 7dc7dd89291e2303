import CZeroMQ
#if canImport(Glibc)
import Glibc
#endif

/// One libzmq socket. Not thread-safe: one thread creates, uses and closes it (zmq(7)). Its linger
/// is set when it is made, so closing it never waits longer than that for unsent messages.
final class ZMQSocket {
    /// The socket types live I/O and the boundary exchange use.
    enum Kind: CustomStringConvertible {
        case router, dealer, push, pull, xpub, sub, pair, req, rep

        var raw: Int32 {
            switch self {
            case .router: ZMQ_ROUTER
            case .dealer: ZMQ_DEALER
            case .push: ZMQ_PUSH
            case .pull: ZMQ_PULL
            case .xpub: ZMQ_XPUB
            case .sub: ZMQ_SUB
            case .pair: ZMQ_PAIR
            case .req: ZMQ_REQ
            case .rep: ZMQ_REP
            }
        }

        var description: String {
            switch self {
            case .router: "ROUTER"
            case .dealer: "DEALER"
            case .push: "PUSH"
            case .pull: "PULL"
            case .xpub: "XPUB"
            case .sub: "SUB"
            case .pair: "PAIR"
            case .req: "REQ"
            case .rep: "REP"
            }
        }
    }

    let kind: Kind
    private let context: ZMQContext
    private var socket: UnsafeMutableRawPointer?
    /// Reused by every receive: a `zmq_msg_t` needs a stable address (small messages live inside it).
    private let message: UnsafeMutablePointer<zmq_msg_t>

    /// A socket of `kind` on `context` whose close waits at most `lingerMs` (default 0) for
    /// unsent messages.
    init(_ context: ZMQContext, _ kind: Kind, lingerMs: Int32 = 0) throws {
        guard let socket = zmq_socket(context.handle, kind.raw) else { throw ZMQError.last("zmq_socket \(kind)") }
        self.kind = kind
        self.context = context
        self.socket = socket
        message = .allocate(capacity: 1)
        zmq_msg_init(message)
        try set(ZMQ_LINGER, lingerMs)
    }

    deinit {
        close()
        zmq_msg_close(message)
        message.deallocate()
    }

    /// The libzmq handle, for `zmq_poll`.
    var handle: UnsafeMutableRawPointer {
        guard let socket else { preconditionFailure("\(kind) socket used after close") }
        return socket
    }

    func set(_ option: Int32, _ value: Int32) throws {
        var v = value
        guard zmq_setsockopt(handle, option, &v, MemoryLayout<Int32>.size) == 0 else {
            throw ZMQError.last("\(kind) option \(option) = \(value)")
        }
    }

    /// An option whose value is 64 bits wide (`ZMQ_MAXMSGSIZE`).
    func set(_ option: Int32, int64 value: Int64) throws {
        var v = value
        guard zmq_setsockopt(handle, option, &v, MemoryLayout<Int64>.size) == 0 else {
            throw ZMQError.last("\(kind) option \(option) = \(value)")
        }
    }

    func set(_ option: Int32, bytes: [UInt8]) throws {
        let rc = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        guard rc == 0 else { throw ZMQError.last("\(kind) option \(option)") }
    }

    func set(_ option: Int32, _ text: String) throws { try set(option, bytes: Array(text.utf8)) }

    /// The endpoint the socket last bound or connected to, with a wildcard port resolved.
    var lastEndpoint: String {
        var buffer = [CChar](repeating: 0, count: 1024)
        var size = buffer.count
        guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else { return "" }
        return String(cString: buffer)
    }

    /// Binds and returns the bound endpoint (`tcp://127.0.0.1:*` comes back with its port).
    @discardableResult
    func bind(_ endpoint: String) throws -> String {
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError.last("bind \(kind) \(endpoint)") }
        return lastEndpoint
    }

    func connect(_ endpoint: String) throws {
        guard zmq_connect(handle, endpoint) == 0 else { throw ZMQError.last("connect \(kind) \(endpoint)") }
    }

    /// Sends `frames` as one multipart message (all parts or none arrive). With `wait` false it
    /// returns false instead of blocking when the socket cannot take the message now.
    @discardableResult
    func send(_ frames: [[UInt8]], wait: Bool = true) throws -> Bool {
        precondition(!frames.isEmpty, "a message has at least one frame")
        for (i, frame) in frames.enumerated() {
            var flags: Int32 = i + 1 < frames.count ? ZMQ_SNDMORE : 0
            // Only the first part can find the socket full: once it is queued, the rest follow it.
            if !wait && i == 0 { flags |= ZMQ_DONTWAIT }
            while true {
                let rc = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
                if rc >= 0 { break }
                let code = zmq_errno()
                if code == EINTR { continue }
                if code == EAGAIN && i == 0 && !wait { return false }
                throw ZMQError(code: code, operation: "send on \(kind)")
            }
        }
        return true
    }

    /// Receives one multipart message, or nil if none is waiting and `wait` is false. At most
    /// `maxFrames` frames are kept (the rest are read and dropped), so a peer cannot make it hold
    /// an unbounded number of parts.
    func receive(wait: Bool = true, maxFrames: Int = 8) throws -> [[UInt8]]? {
        var frames: [[UInt8]] = []
        while true {
            let flags: Int32 = frames.isEmpty && !wait ? ZMQ_DONTWAIT : 0
            let rc = zmq_msg_recv(message, handle, flags)
            if rc < 0 {
                let code = zmq_errno()
                if code == EINTR { continue }
                if code == EAGAIN && frames.isEmpty && !wait { return nil }
                throw ZMQError(code: code, operation: "receive on \(kind)")
            }
            if frames.count < maxFrames {
                let size = zmq_msg_size(message)
                if size == 0 {
                    frames.append([])
                } else {
                    let data = zmq_msg_data(message)!.assumingMemoryBound(to: UInt8.self)
                    frames.append(Array(UnsafeBufferPointer(start: data, count: size)))
                }
            }
            if zmq_msg_more(message) == 0 { return frames }
        }
    }

    /// Starts libzmq's monitor of this socket for `events` (`ZMQ_EVENT_*` bits) and returns the
    /// PAIR socket the events arrive on (frame 0: u16 event, u32 value; frame 1: endpoint).
    func monitor(events: Int32) throws -> ZMQSocket {
        let endpoint = "inproc://monitor-\(UInt(bitPattern: handle))"
        guard zmq_socket_monitor(handle, endpoint, events) == 0 else { throw ZMQError.last("monitor \(kind)") }
        let pair = try ZMQSocket(context, .pair)
        try pair.connect(endpoint)
        return pair
    }

    /// Closes the socket; idempotent. Unsent messages wait at most the linger time.
    func close() {
        if let socket {
            zmq_close(socket)
            self.socket = nil
        }
    }
}
