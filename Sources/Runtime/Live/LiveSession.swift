import Foundation

/// Why a live run was told to stop before its end.
public enum LiveStopReason: Equatable, Sendable, CustomStringConvertible {
    /// Welcomed clients' connections closed or fell silent (ZMTP heartbeats).
    case clientVanished(count: Int)
    /// A client sent STOP.
    case clientStopped
    /// Lock-step: the stream sent nothing that reached `tick` within the input timeout.
    case inputTimeout(stream: String, tick: Int)
    /// ``LiveIOServer/interrupt()`` was called (a signal, say).
    case interrupted
    /// The I/O thread hit a libzmq error it cannot go on from.
    case transportFailed(String)

    public var description: String {
        switch self {
        case .clientVanished(let n): "\(n) live client\(n == 1 ? "" : "s") vanished"
        case .clientStopped: "a live client sent STOP"
        case .inputTimeout(let stream, let tick): "input stream '\(stream)' sent nothing reaching tick \(tick) in time"
        case .interrupted: "interrupted"
        case .transportFailed(let why): "live I/O failed: \(why)"
        }
    }
}

/// The resolved endpoints a ``LiveIOServer`` bound (a `*` port comes back as the port it got).
public struct LiveEndpoints: Equatable, Sendable {
    public var control: String
    public var spikesIn: String
    public var spikesOut: String

    public init(control: String, spikesIn: String, spikesOut: String) {
        self.control = control
        self.spikesIn = spikesIn
        self.spikesOut = spikesOut
    }
}

/// What the simulation asks the I/O thread to send.
enum LiveOutgoing {
    case spikes(stream: Int, tick: Int, neurons: [Int])
    case endOfStream(stream: Int, tick: Int)
    case start
    case stop(complete: Bool, ticks: Int)
}

/// The state the simulation side (``LiveIOServer``) and its I/O thread share, behind one lock:
/// every field is read and written only inside ``locked(_:)``. The I/O thread broadcasts the
/// condition whenever something a waiting caller may want has changed.
final class LiveSession: @unchecked Sendable {
    enum Phase {
        case binding
        case running(LiveEndpoints)
        case failed(Error)
        case closed
    }

    let configuration: LiveIOConfiguration
    private let condition = NSCondition()
    var phase = Phase.binding
    var inputs: LiveInputStreams
    var control: LiveControlState
    var outputs: [LiveCounters.Output]
    var outbox: [LiveOutgoing] = []
    /// Set by ``LiveIOServer/finish(complete:ticks:)``: send what is queued, then close.
    var finishing = false
    var stopReason: LiveStopReason?

    init(_ configuration: LiveIOConfiguration) {
        self.configuration = configuration
        inputs = LiveInputStreams(configuration.inputs)
        let streams = configuration.inputs.map { LiveStreamInfo($0, .input) } + configuration.outputs.map { LiveStreamInfo($0, .output) }
        control = LiveControlState(welcome: LiveWelcome(dtNs: configuration.dtNs, mode: configuration.mode, ticks: configuration.ticks,
                                                        streams: streams))
        outputs = configuration.outputs.map { LiveCounters.Output(label: $0.label, streamId: $0.streamID) }
    }

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        condition.lock()
        defer { condition.unlock() }
        return try body()
    }

    /// Inside ``locked(_:)``: waits for a broadcast until `deadline` (nil: however long it takes);
    /// false if the deadline passed.
    func wait(until deadline: Date?) -> Bool {
        guard let deadline else {
            condition.wait()
            return true
        }
        return condition.wait(until: deadline)
    }

    /// Inside ``locked(_:)``: wakes every waiting caller.
    func broadcast() { condition.broadcast() }

    /// Inside ``locked(_:)``: records the first reason to stop and wakes waiting callers.
    func stop(_ reason: LiveStopReason) {
        if stopReason == nil { stopReason = reason }
        condition.broadcast()
    }

    /// Inside ``locked(_:)``: a snapshot of every counter.
    func counters() -> LiveCounters {
        var rejections: [String: Int] = [:]
        for r in SpikeRejection.allCases { rejections[r.rawValue] = inputs.rejections[r, default: 0] }
        var c = LiveCounters(mode: configuration.mode, inputs: inputs.counters, outputs: outputs, rejections: rejections,
                             unattributedMessages: inputs.unattributedMessages, unattributedSpikes: inputs.unattributedSpikes,
                             control: control.counters, stopReason: stopReason?.description)
        c.tally()
        return c
    }
}
