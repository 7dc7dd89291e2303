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

    public init(image: ChipImage, options: RunOptions) throws {
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
        guard options.kernels.isSupported else { throw RunError("this CPU cannot run the \(options.kernels) kernels; use --kernels scalar") }
        self.image = image
        self.options = options
        engine = IdealTimingEngine(image: image, settings: options.coreSettings(for: image), parts: options.threads)
    }

    /// Ticks in `durationMs` (the network's duration unless the options say otherwise).
    public var ticks: Int {
        let duration = options.durationMs ?? image.network.durationMs
        return TimeSteps.ticks(duration, dt: image.network.timestepMs)
    }

    /// Runs every tick, streaming what is recorded to `recorder`, and returns the totals.
    public func run(recorder: Recorder) throws -> RunTotals {
        let start = DispatchTime.now()
        var tally = TrafficTally(cores: cores.count)
        if threads == 1 {
            for tick in 0..<ticks {
                try recorder.sampleTraces(tick: tick, cores: cores)
                for c in cores.indices { engine.update(core: c, tick: tick) }
                engine.deliver(part: 0, tick: tick)
                tally.count(engine.tickSpikes, engine.routes)
                try recorder.recordSpikes(tick: tick, spikes: engine.tickSpikes)
            }
        } else {
            try runOnWorkers(recorder: recorder, tally: &tally)
        }
        try recorder.finish()
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return RunTotals(ticks: ticks, wallSeconds: wall, coreCounters: cores.map(\.counters), packetsSent: tally.packetsSent,
                         routerCrossings: tally.routerCrossings, droppedPackets: tally.dropped,
                         chipTraffic: tally.chipTraffic(engine.routes))
    }

    /// Runs the ticks on `threads` workers: the calling thread is worker 0, the others are
    /// dedicated threads (not a Dispatch pool, which may run fewer of them at once than asked and
    /// would deadlock at the barrier). A tick is three phases: every worker updates its cores;
    /// every worker delivers the tick's spikes into its cores; worker 0 counts and records the
    /// tick and samples the traces of the next one.
    private func runOnWorkers(recorder: Recorder, tally: inout TrafficTally) throws {
        let barrier = SpinBarrier(parties: threads)
        let threads = self.threads, ticks = self.ticks
        let engine = self.engine, cores = self.cores, ranges = engine.partition
        let failure = FailureLatch()
        var localTally = tally
        if ticks > 0 { failure.capture { try recorder.sampleTraces(tick: 0, cores: cores) } }
        func work(_ w: Int) {
            for tick in 0..<ticks {
                if failure.isSet { return }
                for c in ranges[w] { engine.update(core: c, tick: tick) }
                barrier.wait()
                engine.deliver(part: w, tick: tick)
                barrier.wait()
                if w == 0 {
                    localTally.count(engine.tickSpikes, engine.routes)
                    failure.capture {
                        try recorder.recordSpikes(tick: tick, spikes: engine.tickSpikes)
                        if tick + 1 < ticks { try recorder.sampleTraces(tick: tick + 1, cores: cores) }
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
        if let error = failure.error { throw error }
    }
}

/// A worker's loop, handed to the threads: what they share, they touch only between barriers
/// (each core by one worker per phase, the recorder and the tally by worker 0 alone).
private struct WorkerBody: @unchecked Sendable {
    let run: (Int) -> Void
}

/// The first error a worker hit; the workers check it after each barrier and stop together.
private final class FailureLatch: @unchecked Sendable {
    private(set) var error: Error?
    private let flag = Atomic<Bool>(false)

    var isSet: Bool { flag.load(ordering: .acquiring) }

    func capture(_ body: () throws -> Void) {
        do { try body() } catch {
            self.error = error
            flag.store(true, ordering: .releasing)
        }
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

/// What a run counted, before it is summarised.
public struct RunTotals: Sendable {
    public var ticks: Int
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
