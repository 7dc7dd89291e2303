import CZeroMQ
import Foundation

/// The one thread that owns a live server's ZeroMQ context and sockets: it binds them, answers
/// the control channel, checks and queues incoming spikes, publishes what the simulation hands it,
/// watches the control connections, and on finish sends the last messages and closes everything.
/// It talks to the simulation only through ``LiveSession`` (and is woken by a ``WakeSignal``).
final class LiveIOThread: @unchecked Sendable {
    private let session: LiveSession
    private let wake: WakeSignal
    private let configuration: LiveIOConfiguration
    /// How long closing waits for the last messages (STOP, end of stream) to leave, ms.
    static let lingerMs: Int32 = 500
    /// How long finishing waits for held-back output to drain, s.
    static let drainSeconds = 2.0

    init(session: LiveSession, wake: WakeSignal) {
        self.session = session
        self.wake = wake
        configuration = session.configuration
    }

    /// The sockets, created and used on this thread only.
    private struct Sockets {
        let context: ZMQContext
        let zap: ZAPHandler?
        let control: ZMQSocket
        let monitor: ZMQSocket
        let spikesIn: ZMQSocket
        let spikesOut: ZMQSocket

        func close() {
            zap?.close()
            control.close()
            monitor.close()
            spikesIn.close()
            spikesOut.close()
        }
    }

    /// Binds, serves until finished, closes. Errors end up in the session, never in a trap.
    func run() {
        let sockets: Sockets
        do { sockets = try bind() } catch {
            session.locked {
                session.phase = .failed(error)
                session.broadcast()
            }
            return
        }
        do { try serve(sockets) } catch { session.locked { session.stop(.transportFailed("\(error)")) } }
        sockets.close()
        session.locked {
            session.phase = .closed
            session.broadcast()
        }
    }

    private func bind() throws -> Sockets {
        let c = configuration, hwm = c.highWaterMark
        let context = try ZMQContext()
        let zap = try c.curve.map { try ZAPHandler(context, allowedClientKeys: $0.allowedClientKeys) }
        let control = try ZMQSocket(context, .router, lingerMs: Self.lingerMs)
        let heartbeatMs = Int32(max(1, (c.heartbeatInterval * 1000).rounded()))
        try control.set(ZMQ_HEARTBEAT_IVL, heartbeatMs)
        try control.set(ZMQ_HEARTBEAT_TIMEOUT, 3 * heartbeatMs)
        try control.set(ZMQ_MAXMSGSIZE, int64: 1 << 16)
        try control.set(ZMQ_SNDHWM, hwm)
        try control.set(ZMQ_RCVHWM, hwm)
        let spikesIn = try ZMQSocket(context, .pull)
        try spikesIn.set(ZMQ_RCVHWM, hwm)
        try spikesIn.set(ZMQ_MAXMSGSIZE, int64: Int64(c.inputMessageLimit))
        let spikesOut = try ZMQSocket(context, .xpub, lingerMs: Self.lingerMs)
        try spikesOut.set(ZMQ_SNDHWM, hwm)
        try spikesOut.set(ZMQ_XPUB_VERBOSE, 1)
        try spikesOut.set(ZMQ_XPUB_NODROP, 1)
        for socket in [control, spikesIn, spikesOut] { try c.curve?.apply(to: socket) }
        let monitor = try control.monitor(events: ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED)
        let endpoints = LiveEndpoints(control: try control.bind(c.controlEndpoint), spikesIn: try spikesIn.bind(c.spikesInEndpoint),
                                      spikesOut: try spikesOut.bind(c.spikesOutEndpoint))
        session.locked {
            session.phase = .running(endpoints)
            session.broadcast()
        }
        return Sockets(context: context, zap: zap, control: control, monitor: monitor, spikesIn: spikesIn, spikesOut: spikesOut)
    }

    /// Output messages held back while a subscriber's queue is full, oldest first.
    private struct Backlog {
        var items: [(stream: Int, frames: [[UInt8]], spikes: Int)] = []
        var head = 0
        var isEmpty: Bool { head == items.count }
        var count: Int { items.count - head }

        mutating func compact() {
            if head > 256 && head * 2 > items.count {
                items.removeFirst(head)
                head = 0
            }
        }
    }

    private func serve(_ s: Sockets) throws {
        var poller = ZMQPoller()
        let iWake = poller.add(fd: wake.fd), iControl = poller.add(s.control), iIn = poller.add(s.spikesIn)
        let iOut = poller.add(s.spikesOut), iMonitor = poller.add(s.monitor)
        let iZap = s.zap.map { $0.add(to: &poller) }
        var backlog = Backlog()
        var sequences = [UInt64](repeating: 0, count: configuration.outputs.count)
        var drainDeadline: Date?
        while true {
            let ready = try poller.poll(timeoutMs: backlog.isEmpty ? 100 : 1)
            if ready[iWake] { wake.clear() }
            if let iZap, ready[iZap], let zap = s.zap {
                try zap.handleRequests()
                session.locked { session.control.setRefusedHandshakes(zap.refused) }
            }
            if ready[iControl] { try serveControl(s.control) }
            if ready[iIn] { try takeSpikes(s.spikesIn) }
            if ready[iOut] {
                var frames: [[UInt8]] = []
                while let f = try s.spikesOut.receive(wait: false, maxFrames: 1) { frames.append(f.first ?? []) }
                session.locked {
                    for f in frames { session.control.subscription(f) }
                    session.broadcast()
                }
            }
            if ready[iMonitor] { try watchConnections(s.monitor) }
            let (outgoing, finishing) = session.locked { () -> ([LiveOutgoing], Bool) in
                defer { session.outbox.removeAll(keepingCapacity: true) }
                return (session.outbox, session.finishing)
            }
            for item in outgoing {
                switch item {
                case .spikes(let stream, let tick, let neurons):
                    backlog.items.append((stream, outputFrames(stream, tick, neurons, .spikes, &sequences), neurons.count))
                case .endOfStream(let stream, let tick):
                    backlog.items.append((stream, outputFrames(stream, tick, [], .endOfStream, &sequences), 0))
                case .start:
                    let body = ControlMessage.start(tick: 0).encoded()
                    let ids = session.locked {
                        session.control.started = true
                        return session.control.readyClients
                    }
                    for id in ids { try s.control.send([id, body], wait: false) }
                case .stop(let complete, let ticks):
                    let body = ControlMessage.stop(complete: complete, ticks: ticks).encoded()
                    for id in session.locked({ session.control.order }) { try s.control.send([id, body], wait: false) }
                }
            }
            try publish(&backlog, on: s.spikesOut)
            if finishing {
                let deadline = drainDeadline ?? Date(timeIntervalSinceNow: Self.drainSeconds)
                drainDeadline = deadline
                if backlog.isEmpty || Date() >= deadline {
                    drop(&backlog, keeping: 0)
                    // What has reached this process is counted, not lost with the socket (a bounded
                    // number of rounds, should a client keep sending).
                    var rounds = 0
                    while rounds < 64, try takeSpikes(s.spikesIn) == Self.takeLimit { rounds += 1 }
                    return
                }
            }
        }
    }

    private func serveControl(_ socket: ZMQSocket) throws {
        while let frames = try socket.receive(wait: false, maxFrames: 4) {
            let (reply, stopRequested) = session.locked { (session.control.receive(frames), session.control.stopRequested) }
            if let reply, let id = frames.first { try socket.send([id, reply], wait: false) }
            session.locked {
                if stopRequested { session.stop(.clientStopped) }
                session.broadcast()
            }
        }
    }

    /// Messages ``takeSpikes(_:)`` takes at most per call, so that a flood cannot starve the other sockets.
    static let takeLimit = 4096

    /// Takes what is waiting on the PULL socket, at most ``takeLimit`` messages; returns how many.
    @discardableResult
    private func takeSpikes(_ socket: ZMQSocket) throws -> Int {
        var messages: [[[UInt8]]] = []
        while messages.count < Self.takeLimit, let frames = try socket.receive(wait: false, maxFrames: 8) { messages.append(frames) }
        session.locked {
            for m in messages { session.inputs.take(m) }
            session.broadcast()
        }
        return messages.count
    }

    private func watchConnections(_ monitor: ZMQSocket) throws {
        var opened = 0, closed = 0
        while let event = try monitor.receive(wait: false, maxFrames: 2) {
            guard let head = event.first, head.count >= 2 else { continue }
            let id = Int32(UInt16(head[0]) | UInt16(head[1]) << 8)
            if id == ZMQ_EVENT_ACCEPTED { opened += 1 } else if id == ZMQ_EVENT_DISCONNECTED { closed += 1 }
        }
        session.locked {
            guard !session.finishing else { return }
            let vanished = session.control.connections(opened: opened, closed: closed)
            if vanished > 0 { session.stop(.clientVanished(count: session.control.counters.clientsVanished)) }
        }
    }

    private func outputFrames(_ stream: Int, _ tick: Int, _ neurons: [Int], _ kind: SpikeMessageKind,
                              _ sequences: inout [UInt64]) -> [[UInt8]] {
        let s = configuration.outputs[stream]
        var keys = neurons.map { s.keyBase + UInt32($0) }
        if zip(keys, keys.dropFirst()).contains(where: { $0 >= $1 }) { keys = Array(Set(keys)).sorted() }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let header = SpikeHeader(kind: kind, streamID: s.streamID, sequence: sequences[stream], tick: UInt64(tick),
                                 count: UInt32(keys.count), sentNs: UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec))
        sequences[stream] += 1
        return SpikeMessage(topic: "out/" + s.label, header: header, keys: keys).frames()
    }

    /// Sends held-back output until a subscriber's queue is full; beyond the backlog limit the
    /// oldest messages are dropped and counted.
    private func publish(_ backlog: inout Backlog, on socket: ZMQSocket) throws {
        var sent: [(stream: Int, spikes: Int)] = []
        while !backlog.isEmpty {
            let item = backlog.items[backlog.head]
            guard try socket.send(item.frames, wait: false) else { break }
            sent.append((item.stream, item.spikes))
            backlog.head += 1
        }
        session.locked {
            for (stream, spikes) in sent {
                session.outputs[stream].messages += 1
                session.outputs[stream].spikes += spikes
            }
        }
        drop(&backlog, keeping: configuration.outputBacklog)
        backlog.compact()
    }

    private func drop(_ backlog: inout Backlog, keeping limit: Int) {
        guard backlog.count > limit else { return }
        session.locked {
            while backlog.count > limit {
                let item = backlog.items[backlog.head]
                session.outputs[item.stream].droppedMessages += 1
                session.outputs[item.stream].droppedSpikes += item.spikes
                backlog.head += 1
            }
        }
    }
}
