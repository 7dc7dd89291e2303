import CZeroMQ
import Foundation

/// CURVE between the processes of a split run: this process's key pair and every rank's public
/// key (this process lets in exactly those).
public struct BoundarySecurity: Equatable, Sendable {
    public var keys: CurveKeyPair
    /// Z85 public key of each rank, this one's included.
    public var peerPublicKeys: [String]

    public init(keys: CurveKeyPair, peerPublicKeys: [String]) {
        self.keys = keys
        self.peerPublicKeys = peerPublicKeys
    }
}

/// The per-tick exchange of boundary packets between the processes of a run split across
/// processes or hosts (DESIGN §5.5). Each of N ranks binds a PULL and connects a PUSH to every
/// other rank; at each tick every rank sends one batch of keys (possibly none) to every other
/// rank and waits for every other rank's batch of that tick, so ``exchange(tick:outgoing:)`` is
/// also a barrier: it returns only once all ranks have finished sending the tick. A batch is a
/// spike message (`docs/live-io.md`) with topic `boundary/<rank>`, stream id = sending rank, and a
/// sequence number per pair of ranks that is checked.
///
/// Not thread-safe: one thread calls it (its sockets live on that thread, and the waiting happens
/// there: it is the barrier). ``interrupt()`` is safe from any thread.
public final class BoundaryExchange {
    public let rank: Int
    /// The endpoint this rank listens on, port resolved.
    public let endpoint: String
    private let context: ZMQContext
    private let pull: ZMQSocket
    private let zap: ZAPHandler?
    private let security: BoundarySecurity?
    private let wake: WakeSignal
    private let interrupted = Interrupted()
    private var push: [ZMQSocket?] = []
    private var sentSequence: [UInt64] = []
    private var receivedSequence: [UInt64] = []
    /// Batches that arrived for later ticks, by tick, by rank, with their flags.
    private var early: [Int: [Int: Batch]] = [:]

    /// One rank's batch of a tick.
    private struct Batch {
        var keys: [UInt32]
        var flags: UInt8
    }

    /// A batch flag: the sending rank ends the run after this tick (a stop request).
    public static let endAfterTick: UInt8 = 1
    private var lastTick = -1
    /// How long a tick waits for the other ranks, s, and (as it is when ``connect(peers:)`` is
    /// called) for a rank's full queue to take a batch. Default 30.
    public var timeout = 30.0

    /// Binds `listen` (loopback or `ipc://` unless `security` is given). `highWaterMark` is in
    /// messages per peer (default 1000: a rank is at most one tick ahead of another).
    public init(rank: Int, listen: String, security: BoundarySecurity? = nil, highWaterMark: Int32 = 1000) throws {
        try EndpointPolicy.checkBind(listen, secured: security != nil, role: "boundary")
        self.rank = rank
        self.security = security
        let context = try ZMQContext()
        self.context = context
        zap = try security.map { try ZAPHandler(context, allowedClientKeys: $0.peerPublicKeys) }
        pull = try ZMQSocket(context, .pull)
        try pull.set(ZMQ_RCVHWM, highWaterMark)
        if let security { try CurveServerSecurity(keys: security.keys, allowedClientKeys: security.peerPublicKeys).apply(to: pull) }
        endpoint = try pull.bind(listen)
        wake = try WakeSignal()
    }

    /// Connects to every other rank; `peers[r]` is rank r's endpoint (this rank's entry is ignored).
    public func connect(peers: [String]) throws {
        precondition(push.isEmpty, "connect(peers:) is called once")
        precondition(peers.indices.contains(rank), "rank \(rank) is not among \(peers.count) peers")
        if let security, security.peerPublicKeys.count != peers.count {
            throw LiveIOError("\(security.peerPublicKeys.count) peer public keys for \(peers.count) ranks")
        }
        push = try peers.enumerated().map { r, endpoint in
            guard r != rank else { return nil }
            let socket = try ZMQSocket(context, .push, lingerMs: 1000)
            try socket.set(ZMQ_SNDTIMEO, Int32((timeout * 1000).rounded()))
            if let security {
                try CurveClientSecurity(keys: security.keys, serverPublicKey: security.peerPublicKeys[r]).apply(to: socket)
            }
            try socket.connect(endpoint)
            return socket
        }
        sentSequence = Array(repeating: 0, count: peers.count)
        receivedSequence = Array(repeating: 0, count: peers.count)
    }

    /// Sends `outgoing[r]` (keys, any order, a key as often as its neuron spiked) to each other
    /// rank r for `tick`, and returns what every rank sent this rank for `tick`, indexed by rank,
    /// keys ascending (this rank's entry is empty). Ticks must increase. Throws if a rank sends nothing for `timeout`, breaks the
    /// sequence, or ``interrupt()`` is called.
    public func exchange(tick: Int, outgoing: [[UInt32]]) throws -> [[UInt32]] {
        try exchange(tick: tick, outgoing: outgoing, flags: 0).keys
    }

    /// ``exchange(tick:outgoing:)`` with `flags` on this rank's batches; also returns the flags
    /// of every rank's batch OR-ed together (so that every rank learns at the same tick that one
    /// of them ends the run).
    public func exchange(tick: Int, outgoing: [[UInt32]], flags: UInt8) throws -> (keys: [[UInt32]], flags: UInt8) {
        precondition(!push.isEmpty, "connect(peers:) comes first")
        precondition(outgoing.count == push.count, "one batch per rank (\(push.count)), found \(outgoing.count)")
        precondition(tick > lastTick, "tick \(tick) after tick \(lastTick)")
        lastTick = tick
        for (r, socket) in push.enumerated() {
            guard let socket else { continue }
            let keys = outgoing[r].sorted()
            let header = SpikeHeader(kind: .spikes, flags: flags, streamID: UInt32(rank), sequence: sentSequence[r], tick: UInt64(tick),
                                     count: UInt32(keys.count))
            guard try socket.send(SpikeMessage(topic: "boundary/\(rank)", header: header, keys: keys).frames()) else {
                throw LiveIOError("boundary tick \(tick): rank \(r) took nothing for \(timeout) s")
            }
            sentSequence[r] += 1
        }
        var incoming = early.removeValue(forKey: tick) ?? [:]
        var poller = ZMQPoller()
        let iPull = poller.add(pull), iWake = poller.add(fd: wake.fd)
        let iZap = zap.map { $0.add(to: &poller) }
        let deadline = Date(timeIntervalSinceNow: timeout)
        while incoming.count < push.count - 1 {
            if interrupted.isSet { throw LiveIOError("boundary exchange interrupted at tick \(tick)") }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else {
                let missing = push.indices.filter { $0 != rank && incoming[$0] == nil }
                throw LiveIOError("boundary tick \(tick): nothing from rank\(missing.count == 1 ? "" : "s") "
                    + "\(missing.map(String.init).joined(separator: ", ")) within \(timeout) s")
            }
            let ready = try poller.poll(timeoutMs: Int((remaining * 1000).rounded(.up)))
            if ready[iWake] { wake.clear() }
            if let iZap, ready[iZap] { try zap?.handleRequests() }
            guard ready[iPull] else { continue }
            while let frames = try pull.receive(wait: false) { try file(frames, tick: tick, into: &incoming) }
        }
        return (push.indices.map { incoming[$0]?.keys ?? [] }, incoming.values.reduce(flags) { $0 | $1.flags })
    }

    /// Checks one received batch and files it under its tick.
    private func file(_ frames: [[UInt8]], tick: Int, into incoming: inout [Int: Batch]) throws {
        guard case .message(let m) = SpikeMessage.parse(frames, repeats: true) else {
            throw LiveIOError("boundary tick \(tick): a malformed batch (\(SpikeMessage.parse(frames, repeats: true)))")
        }
        let from = Int(m.header.streamID), at = Int(clamping: m.header.tick)
        guard push.indices.contains(from), from != rank, m.topic == "boundary/\(from)" else {
            throw LiveIOError("boundary tick \(tick): a batch from unknown rank \(m.header.streamID) ('\(m.topic)')")
        }
        guard m.header.sequence == receivedSequence[from] else {
            throw LiveIOError("boundary tick \(tick): rank \(from) sent sequence \(m.header.sequence), expected \(receivedSequence[from])")
        }
        receivedSequence[from] += 1
        if at == tick {
            guard incoming[from] == nil else { throw LiveIOError("boundary tick \(tick): rank \(from) sent the tick twice") }
            incoming[from] = Batch(keys: m.keys, flags: m.header.flags)
        } else if at > tick, early[at]?[from] == nil {
            early[at, default: [:]][from] = Batch(keys: m.keys, flags: m.header.flags)
        } else {
            throw LiveIOError("boundary tick \(tick): rank \(from) sent tick \(at) out of order")
        }
    }

    /// Makes a waiting (or the next) ``exchange(tick:outgoing:)`` throw. Safe from any thread.
    public func interrupt() {
        interrupted.set()
        wake.signal()
    }

    /// Closes every socket (unsent batches get up to 1 s) and the context; idempotent.
    public func close() {
        for socket in push { socket?.close() }
        zap?.close()
        pull.close()
    }

    deinit { close() }
}

/// A flag set from any thread and read by the exchanging one.
private final class Interrupted: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
