import ChipSim
import Dispatch
import Foundation
import Synchronization

/// Runs a chip image in `ideal` timing (``IdealTimingEngine``) on worker threads that live for
/// the whole run and meet at a barrier between a tick's phases. Worker w owns a contiguous range
/// of cores, balanced by their synapse counts, in both phases (so a core's state and ring-buffer
/// region stay in one CPU's cache); worker 0 records between ticks. The spikes are the same for
/// any thread count.
public final class Simulator {
    public let image: ChipImage
    public let options: RunOptions
    private let engine: IdealTimingEngine
    private var cores: [NeuronCore] { engine.cores }
    /// Workers: one per part of the engine's partition, each owning that range of cores in both
    /// phases of a tick.
    private var threads: Int { engine.partition.count }

    /// Allocates the engine; ``check(_:options:)`` first, and the memory budget
    /// (``RunBudget``), say whether it should be.
    public init(image: ChipImage, options: RunOptions) throws {
        try Self.check(image, options: options)
        self.image = image
        self.options = options
        engine = IdealTimingEngine(image: image, settings: options.coreSettings(for: image), parts: options.threads)
    }

    /// Refuses options the image cannot be run with, before anything is allocated.
    public static func check(_ image: ChipImage, options: RunOptions) throws {
        guard options.timing == .ideal else {
            throw RunError("timing 'cycle' is not available yet; use --timing ideal")
        }
        guard options.threads >= 1 else { throw RunError("--threads must be at least 1, found \(options.threads)") }
        if let duration = options.durationMs {
            let dt = image.network.timestepMs
            guard duration >= 0, (duration / dt).rounded() <= Double(TimeSteps.maxTicks) else {
                throw RunError("--duration \(duration) ms is outside 0 ... \(TimeSteps.maxTicks) time steps of \(dt) ms")
            }
            guard duration == 0 || (duration / dt).rounded() >= 1 else {
                throw RunError("--duration \(duration) ms is shorter than half a time step (\(dt) ms): nothing would run")
            }
        }
        if let factor = options.timeScaleFactor, !(factor > 0 && factor <= NetworkInfo.maxTimeScaleFactor) {
            throw RunError("a time scale factor of \(factor); expected > 0 and ≤ \(NetworkInfo.maxTimeScaleFactor)")
        }
        guard options.kernels.isSupported else { throw RunError("this CPU cannot run the \(options.kernels) kernels; use --kernels scalar") }
        if options.arithmetic == .float64, let problem = image.float64Problem { throw RunError(problem) }
    }

    /// Ticks in `durationMs` (the network's duration unless the options say otherwise).
    public var ticks: Int { Self.ticks(image, options: options) }

    static func ticks(_ image: ChipImage, options: RunOptions) -> Int {
        TimeSteps.ticks(options.durationMs ?? image.network.durationMs, dt: image.network.timestepMs)
    }

    /// Runs every tick, streaming what is recorded to `recorder`, and returns the totals. A stop
    /// request (``RunOptions/stop``) or a recording failure (a full disk) ends the run at a tick
    /// boundary; the totals then say how it ended and how many ticks ran.
    public func run(recorder: Recorder) -> RunTotals {
        let start = DispatchTime.now()
        var tally = TrafficTally(cores: cores.count)
        let ended: (ticks: Int, ending: RunEnding)
        if threads == 1 {
            ended = runOnOneThread(recorder: recorder, tally: &tally)
        } else {
            ended = runOnWorkers(recorder: recorder, tally: &tally)
        }
        var ending = ended.ending
        if case .complete = ending {
            do { try recorder.finish() } catch { ending = .failed("\(error)") }
        } else {
            try? recorder.finish()
        }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return RunTotals(ticks: ended.ticks, ticksRequested: ticks, ending: ending, wallSeconds: wall,
                         coreCounters: cores.map(\.counters), packetsSent: tally.packetsSent,
                         routerCrossings: tally.routerCrossings, droppedPackets: tally.dropped,
                         chipTraffic: tally.chipTraffic(engine.routes))
    }

    /// How the run ends if a stop was requested before `tick`, else nil.
    private func stopBefore(_ tick: Int) -> RunEnding? {
        guard let stop = options.stop, stop.isRequested else { return nil }
        return .stopped(stop.reason?.description ?? "stopped")
    }

    private func runOnOneThread(recorder: Recorder, tally: inout TrafficTally) -> (ticks: Int, ending: RunEnding) {
        for tick in 0..<ticks {
            if let ending = stopBefore(tick) { return (tick, ending) }
            do {
                try recorder.sampleTraces(tick: tick, cores: cores)
                for c in cores.indices { engine.update(core: c, tick: tick) }
                engine.deliver(part: 0, tick: tick)
                tally.count(engine.tickSpikes, engine.routes)
                try recorder.recordSpikes(tick: tick, spikes: engine.tickSpikes)
            } catch {
                return (tick, .failed("\(error)"))
            }
        }
        return (ticks, .complete)
    }

    /// Runs the ticks on `threads` workers: the calling thread is worker 0, the others are
    /// dedicated threads (not a Dispatch pool, which may run fewer of them at once than asked and
    /// would deadlock at the barrier). A tick is three phases: every worker updates its cores;
    /// every worker delivers the tick's spikes into its cores; worker 0 counts and records the
    /// tick, samples the traces of the next one and decides whether the run goes on, which every
    /// worker reads after the tick's last barrier.
    private func runOnWorkers(recorder: Recorder, tally: inout TrafficTally) -> (ticks: Int, ending: RunEnding) {
        let barrier = SpinBarrier(parties: threads)
        let threads = self.threads, ticks = self.ticks
        let engine = self.engine, cores = self.cores, ranges = engine.partition
        let end = EndLatch()
        var localTally = tally
        if ticks > 0 {
            if let ending = stopBefore(0) { end.set(ending, after: 0) } else {
                do { try recorder.sampleTraces(tick: 0, cores: cores) } catch { end.set(.failed("\(error)"), after: 0) }
            }
        }
        func work(_ w: Int) {
            for tick in 0..<ticks {
                if end.isSet { return }
                for c in ranges[w] { engine.update(core: c, tick: tick) }
                barrier.wait()
                engine.deliver(part: w, tick: tick)
                barrier.wait()
                if w == 0 {
                    localTally.count(engine.tickSpikes, engine.routes)
                    do {
                        try recorder.recordSpikes(tick: tick, spikes: engine.tickSpikes)
                        if tick + 1 < ticks {
                            if let ending = stopBefore(tick + 1) { end.set(ending, after: tick + 1) } else {
                                try recorder.sampleTraces(tick: tick + 1, cores: cores)
                            }
                        }
                    } catch {
                        end.set(.failed("\(error)"), after: tick)
                    }
                }
                barrier.wait()
            }
        }
        let finished = DispatchGroup()
        let body = WorkerBody(run: work)
        for w in 1..<threads {
            finished.enter()
            let thread = Thread {
                body.run(w)
                finished.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        work(0)
        finished.wait()
        tally = localTally
        return end.ending.map { ($0.ticks, $0.ending) } ?? (ticks, .complete)
    }
}

/// A worker's loop, handed to the threads: what they share, they touch only between barriers
/// (each core by one worker per phase, the recorder and the tally by worker 0 alone).
private struct WorkerBody: @unchecked Sendable {
    let run: (Int) -> Void
}

/// How the run ended early and after how many ticks, set by worker 0 before a tick's last
/// barrier; every worker checks it after the barrier, so they all stop at the same tick.
private final class EndLatch: @unchecked Sendable {
    private(set) var ending: (ticks: Int, ending: RunEnding)?
    private let flag = Atomic<Bool>(false)

    var isSet: Bool { flag.load(ordering: .acquiring) }

    func set(_ ending: RunEnding, after ticks: Int) {
        self.ending = (ticks, ending)
        flag.store(true, ordering: .releasing)
    }
}

/// Packets and router crossings of a run, counted tick by tick from the cores' spikes.
struct TrafficTally {
    var packetsSent = 0, routerCrossings = 0, dropped = 0
    var spikesPerCore: [Int]

    init(cores: Int) { spikesPerCore = Array(repeating: 0, count: cores) }

    mutating func count(_ spikes: TickSpikes, _ routes: PacketRoutes) {
        for c in spikesPerCore.indices where spikes.count(core: c) > 0 {
            let n = spikes.count(core: c)
            spikesPerCore[c] += n
            if routes.routerCrossings[c] > 0 {
                packetsSent += n
                routerCrossings += n * routes.routerCrossings[c]
                dropped += n * routes.droppedPerPacket[c]
            }
        }
    }

    func chipTraffic(_ routes: PacketRoutes) -> [ChipCoordinate: Int] {
        var traffic: [ChipCoordinate: Int] = [:]
        for (c, chips) in routes.visitedChips.enumerated() where spikesPerCore[c] > 0 {
            for chip in chips { traffic[chip, default: 0] += spikesPerCore[c] }
        }
        return traffic
    }
}

/// How a run ended.
public enum RunEnding: Equatable, Sendable, CustomStringConvertible {
    /// Every tick ran and every file was written.
    case complete
    /// Stopped at a tick boundary on request (a signal, a vanished live client): the reason.
    case stopped(String)
    /// Recording failed (a full disk): the error.
    case failed(String)

    public var description: String {
        switch self {
        case .complete: return "complete"
        case .stopped("running"): return "running"
        case .stopped(let why): return "stopped: \(why)"
        case .failed(let why): return "failed: \(why)"
        }
    }
}

/// What a run counted, before it is summarised.
public struct RunTotals: Sendable {
    /// Ticks that ran, and ticks the run was asked for.
    public var ticks: Int
    public var ticksRequested: Int
    public var ending: RunEnding
    public var wallSeconds: Double
    public var coreCounters: [CoreCounters]
    /// Multicast packets sent by cores that have routes.
    public var packetsSent: Int
    /// Router crossings of all packets and their copies.
    public var routerCrossings: Int
    public var droppedPackets: Int
    /// Packets through each chip's router.
    public var chipTraffic: [ChipCoordinate: Int]
}
