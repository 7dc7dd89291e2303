import CZeroMQ
import Foundation

/// A live I/O client in Swift, the counterpart of ``LiveIOServer`` (DEALER for control, PUSH for
/// spikes in, SUB for spikes out), for tests, benchmarks and Swift programs. Not thread-safe: one
/// thread makes and uses it. Times are in seconds.
public final class LiveIOClient {
    private let context: ZMQContext
    private let control: ZMQSocket
    private let spikesIn: ZMQSocket
    private let spikesOut: ZMQSocket
    private let endpoints: LiveEndpoints
    /// The streams WELCOME listed, by label.
    private var inputs: [String: LiveStream] = [:]
    private var sequences: [String: UInt64] = [:]

    /// Connects the three sockets (nothing is sent yet). `highWaterMark` is per socket, messages.
    public init(endpoints: LiveEndpoints, curve: CurveClientSecurity? = nil, highWaterMark: Int32 = 10_000) throws {
        context = try ZMQContext()
        control = try ZMQSocket(context, .dealer, lingerMs: 500)
        spikesIn = try ZMQSocket(context, .push, lingerMs: 2000)
        spikesOut = try ZMQSocket(context, .sub)
        try spikesIn.set(ZMQ_SNDHWM, highWaterMark)
        try spikesOut.set(ZMQ_RCVHWM, highWaterMark)
        for socket in [control, spikesIn, spikesOut] { try curve?.apply(to: socket) }
        self.endpoints = endpoints
        try control.connect(endpoints.control)
        try spikesIn.connect(endpoints.spikesIn)
        try spikesOut.connect(endpoints.spikesOut)
    }

    /// HELLO, then WELCOME; subscribes to `out/<label>` for each of `subscribe` (nil: every
    /// output stream); READY. Returns the WELCOME.
    public func handshake(subscribe: [String]? = nil, timeout: Double = 10) throws -> LiveWelcome {
        try sendControl(.hello(protocolName: SpikeWire.controlProtocol))
        guard case .welcome(let welcome)? = try receiveControl(timeout: timeout) else {
            throw LiveIOError("no WELCOME from \(endpoints.control) within \(timeout) s")
        }
        for info in welcome.streams where info.direction == .input { inputs[info.stream.label] = info.stream }
        let outputs = welcome.streams.filter { $0.direction == .output }.map(\.stream.label)
        let topics = (subscribe ?? outputs).map { "out/" + $0 }
        for topic in topics { try spikesOut.set(ZMQ_SUBSCRIBE, topic) }
        try sendControl(.ready(subscriptions: topics))
        return welcome
    }

    /// Waits for START and returns its tick.
    public func awaitStart(timeout: Double = 10) throws -> Int {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while true {
            switch try receiveControl(timeout: max(0, deadline.timeIntervalSinceNow)) {
            case .start(let tick)?: return tick
            case nil: throw LiveIOError("no START within \(timeout) s")
            case .error(let message)?: throw LiveIOError("the simulator said: \(message)")
            default: continue
            }
        }
    }

    /// Sends the spikes of input stream `label` at `tick` (neuron indices, any order, no repeats);
    /// an empty list is a watermark. Blocks while the simulator's queue is full (back-pressure).
    public func send(_ label: String, tick: Int, neurons: [Int], sentNs: UInt64 = 0) throws {
        let keys = try keys(label, neurons)
        try sendMessage(label, kind: .spikes, tick: tick, keys: keys, sentNs: sentNs)
    }

    /// Closes input stream `label` after `tick`.
    public func endStream(_ label: String, tick: Int) throws {
        try sendMessage(label, kind: .endOfStream, tick: tick, keys: [], sentNs: 0)
    }

    /// Sends raw frames on the spikes-in socket (for tests of malformed input).
    public func sendFrames(_ frames: [[UInt8]]) throws { try spikesIn.send(frames) }

    public func sendControl(_ message: ControlMessage) throws { try sendControl(bytes: message.encoded()) }

    /// Sends raw bytes as one control message.
    public func sendControl(bytes: [UInt8]) throws { try control.send([bytes]) }

    /// The next control message, or nil if none came within `timeout`.
    public func receiveControl(timeout: Double) throws -> ControlMessage? {
        guard let frames = try receive(control, timeout: timeout) else { return nil }
        switch ControlMessage.decode(frames.last ?? []) {
        case .success(let message): return message
        case .failure(let error): throw LiveIOError("a malformed control message from the simulator: \(error)")
        }
    }

    /// The next output message, or nil if none came within `timeout`.
    public func receiveSpikes(timeout: Double) throws -> SpikeMessage? {
        guard let frames = try receive(spikesOut, timeout: timeout) else { return nil }
        guard case .message(let message) = SpikeMessage.parse(frames) else {
            throw LiveIOError("a malformed spike message from the simulator")
        }
        return message
    }

    /// Closes the sockets (queued spikes get up to 2 s to leave); the context goes with the client.
    public func close() {
        for socket in [control, spikesIn, spikesOut] { socket.close() }
    }

    private func keys(_ label: String, _ neurons: [Int]) throws -> [UInt32] {
        guard let stream = inputs[label] else { throw LiveIOError("no input stream '\(label)' in the WELCOME") }
        guard neurons.allSatisfy({ $0 >= 0 && $0 < stream.size }) else {
            throw LiveIOError("input stream '\(label)' has neurons 0..<\(stream.size)")
        }
        return neurons.sorted().map { stream.keyBase + UInt32($0) }
    }

    private func sendMessage(_ label: String, kind: SpikeMessageKind, tick: Int, keys: [UInt32], sentNs: UInt64) throws {
        guard let stream = inputs[label] else { throw LiveIOError("no input stream '\(label)' in the WELCOME") }
        let sequence = sequences[label, default: 0]
        let header = SpikeHeader(kind: kind, streamID: stream.streamID, sequence: sequence, tick: UInt64(tick),
                                 count: UInt32(keys.count), sentNs: sentNs)
        try spikesIn.send(SpikeMessage(topic: "in/" + label, header: header, keys: keys).frames())
        sequences[label] = sequence + 1
    }

    private func receive(_ socket: ZMQSocket, timeout: Double) throws -> [[UInt8]]? {
        var poller = ZMQPoller()
        poller.add(socket)
        guard try poller.poll(timeoutMs: Int((timeout * 1000).rounded(.up)))[0] else { return nil }
        return try socket.receive(wait: false)
    }
}
