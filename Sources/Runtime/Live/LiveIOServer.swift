import Foundation

/// What a tick gets from the live inputs.
public enum LiveTickInput: Equatable, Sendable {
    /// The spikes to inject at this tick, one batch per input stream that has any (none: an
    /// empty list).
    case spikes([LiveInputBatch])
    /// The run should end now (``LiveStopReason``); call ``LiveIOServer/finish(complete:ticks:)``.
    case stop(LiveStopReason)
}

/// The simulator's end of live I/O (DESIGN §5.4, `docs/live-io.md`). It binds the control
/// (ROUTER), spikes-in (PULL) and spikes-out (PUB) endpoints on its own I/O thread, which owns
/// every socket; the simulation drives it per tick from one thread:
///
/// ```swift
/// let server = try LiveIOServer(configuration)    // binds; clients may connect from now on
/// try server.start()                              // waits for the clients' READY, sends START
/// for tick in 0..<ticks {
///     guard case .spikes(let batches) = server.inputs(forTick: tick) else { break }
///     …inject batches, run the tick…
///     for s in outputs.indices { server.publish(tick: tick, stream: s, neurons: spiked[s]) }
/// }
/// let counters = server.finish(complete: …, ticks: ticksRun)
/// ```
///
/// Only ``inputs(forTick:)`` in lock-step mode waits on the network (for the input watermarks,
/// at most ``LiveIOConfiguration/inputTimeout``, woken early by ``interrupt()``); publishing
/// never blocks.
public final class LiveIOServer {
    public let configuration: LiveIOConfiguration
    /// What was bound, ports resolved.
    public let endpoints: LiveEndpoints
    private let session: LiveSession
    private let wake: WakeSignal
    private let exited: DispatchSemaphore
    private var lastPublished: [Int]
    private var started = false
    private var finished = false

    /// Checks the configuration (streams, loopback-only endpoints without CURVE), starts the I/O
    /// thread and returns once every endpoint is bound, or throws why it could not be.
    public init(_ configuration: LiveIOConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
        let session = LiveSession(configuration)
        self.session = session
        wake = try WakeSignal()
        lastPublished = Array(repeating: -1, count: configuration.outputs.count)
        let io = LiveIOThread(session: session, wake: wake), exited = DispatchSemaphore(value: 0)
        self.exited = exited
        let thread = Thread {
            io.run()
            exited.signal()
        }
        thread.name = "neurite-live-io"
        thread.start()
        let phase = session.locked { () -> LiveSession.Phase in
            while case .binding = session.phase { _ = session.wait(until: nil) }
            return session.phase
        }
        switch phase {
        case .running(let endpoints): self.endpoints = endpoints
        case .failed(let error):
            exited.wait()
            throw error
        case .binding, .closed: preconditionFailure("the live I/O thread left binding without an outcome")
        }
    }

    deinit {
        if !finished { finish(complete: false, ticks: 0) }
    }

    /// Waits until ``LiveIOConfiguration/clients`` clients have said READY (and their listed
    /// subscriptions have arrived), then sends them START. Throws if that takes longer than
    /// ``LiveIOConfiguration/startTimeout`` or the run is stopped meanwhile.
    public func start() throws {
        precondition(!started && !finished, "start() is called once, before finish()")
        let deadline = Date(timeIntervalSinceNow: configuration.startTimeout)
        try session.locked {
            while !session.control.isReady(expected: configuration.clients) {
                if let reason = session.stopReason { throw LiveIOError("live run stopped before it started: \(reason)") }
                if !session.wait(until: deadline) && Date() >= deadline {
                    throw LiveIOError("\(session.control.counters.clientsReady) of \(configuration.clients) live clients were READY after "
                        + "\(configuration.startTimeout) s (control endpoint \(endpoints.control))")
                }
            }
            session.outbox.append(.start)
        }
        wake.signal()
        started = true
    }

    /// The input spikes of `tick`. Lock-step: waits until every open input stream's watermark has
    /// reached `tick` (or the run must stop: a client vanished or sent STOP, ``interrupt()``, or no
    /// progress for ``LiveIOConfiguration/inputTimeout``). Free-run: never waits; spikes of
    /// earlier ticks that arrived since the last call come too, counted late. Call with
    /// increasing ticks.
    public func inputs(forTick tick: Int) -> LiveTickInput {
        precondition(started && !finished, "inputs(forTick:) is called between start() and finish()")
        return session.locked {
            if configuration.mode == .lockStep {
                let deadline = Date(timeIntervalSinceNow: configuration.inputTimeout)
                while session.stopReason == nil, let s = session.inputs.firstIncomplete(at: tick) {
                    if !session.wait(until: deadline) && Date() >= deadline {
                        session.stop(.inputTimeout(stream: configuration.inputs[s].label, tick: tick))
                    }
                }
            }
            if let reason = session.stopReason { return .stop(reason) }
            return .spikes(session.inputs.handOver(tick: tick))
        }
    }

    /// Publishes the spikes of output stream `stream` (index in ``LiveIOConfiguration/outputs``)
    /// at `tick`: one message, sent by the I/O thread. Call it for every output stream at every
    /// tick, with an empty list when nothing spiked (that is the stream's watermark). Never blocks.
    public func publish(tick: Int, stream: Int, neurons: [Int]) {
        precondition(configuration.outputs.indices.contains(stream), "no output stream \(stream)")
        precondition(tick > lastPublished[stream], "output stream \(stream): tick \(tick) after tick \(lastPublished[stream])")
        let size = configuration.outputs[stream].size
        precondition(neurons.allSatisfy { $0 >= 0 && $0 < size }, "output stream \(stream): a neuron outside 0..<\(size)")
        lastPublished[stream] = tick
        let wasIdle = session.locked {
            session.outbox.append(.spikes(stream: stream, tick: tick, neurons: neurons))
            return session.outbox.count == 1
        }
        if wasIdle { wake.signal() }
    }

    /// Why the run should stop, if it should (a vanished client, a client's STOP, a timeout, an
    /// interrupt); the caller may poll it in free-run mode.
    public var stopReason: LiveStopReason? { session.locked { session.stopReason } }

    /// Makes the run stop: a waiting ``inputs(forTick:)`` returns ``LiveTickInput/stop(_:)`` at
    /// once. Safe from any thread.
    public func interrupt() {
        session.locked { session.stop(.interrupted) }
    }

    /// A snapshot of the counters.
    public func counters() -> LiveCounters { session.locked { session.counters() } }

    /// Ends live I/O: sends end of stream on every output stream (tick = the last tick run) and
    /// STOP to every client, waits (at most about 2.5 s) for them to leave, closes every socket
    /// and the context, joins the I/O thread, and returns the final counters (input that reached
    /// the process is counted; spikes for ticks never reached are rejected as `after_run_end`).
    /// Idempotent.
    @discardableResult
    public func finish(complete: Bool, ticks: Int) -> LiveCounters {
        if !finished {
            finished = true
            session.locked {
                for s in configuration.outputs.indices { session.outbox.append(.endOfStream(stream: s, tick: max(0, ticks - 1))) }
                session.outbox.append(.stop(complete: complete, ticks: ticks))
                session.finishing = true
            }
            wake.signal()
            exited.wait()
            session.locked { session.inputs.rejectPending() }
        }
        return counters()
    }
}
