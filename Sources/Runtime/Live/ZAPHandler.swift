import CZeroMQ

/// The ZeroMQ authentication handler (ZAP, RFC 27) of one context: CURVE handshakes are accepted
/// only for client public keys in the allowed list. Its REP socket is owned by the thread that
/// polls it; a handshake waits until that thread calls ``handleRequest()``.
final class ZAPHandler {
    static let domain = "neurite"
    private let socket: ZMQSocket
    private let allowed: Set<String>
    /// Handshakes refused so far.
    private(set) var refused = 0

    /// Binds the context's ZAP endpoint; must come before any CURVE server socket binds.
    init(_ context: ZMQContext, allowedClientKeys: [String]) throws {
        socket = try ZMQSocket(context, .rep)
        try socket.bind("inproc://zeromq.zap.01")
        allowed = Set(allowedClientKeys)
    }

    func add(to poller: inout ZMQPoller) -> Int { poller.add(socket) }

    /// Answers every waiting request.
    func handleRequests() throws {
        while let request = try socket.receive(wait: false) {
            try socket.send(reply(to: request))
        }
    }

    private func reply(to request: [[UInt8]]) -> [[UInt8]] {
        let id = request.count > 1 ? request[1] : []
        guard request.count >= 7, request[0] == Array("1.0".utf8), request[5] == Array("CURVE".utf8), request[6].count == 32 else {
            refused += 1
            return Self.answer(id, "400", "only CURVE is accepted")
        }
        var text = [CChar](repeating: 0, count: 41)
        _ = request[6].withUnsafeBufferPointer { zmq_z85_encode(&text, $0.baseAddress, 32) }
        let key = String(cString: text)
        guard allowed.contains(key) else {
            refused += 1
            return Self.answer(id, "400", "client key not allowed")
        }
        return Self.answer(id, "200", "OK", user: key)
    }

    private static func answer(_ id: [UInt8], _ status: String, _ text: String, user: String = "") -> [[UInt8]] {
        [Array("1.0".utf8), id, Array(status.utf8), Array(text.utf8), Array(user.utf8), []]
    }

    func close() { socket.close() }
}
