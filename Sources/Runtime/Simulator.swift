import ChipSim
import Dispatch
import Foundation
import Synchronization

/// Runs a chip image in `ideal` timing (``IdealTimingEngine``) on worker threads that live for
/// the whole run and meet at a barrier between a tick's phases, or in `cycle` timing
/// (``CycleTimingEngine``), whose event loop runs on one thread. In ideal timing worker w owns a
/// contiguous range of cores in both phases (so a core's state and ring-buffer region stay in
/// one CPU's cache), balanced first by their synapse counts and then, early in a long enough
/// run, by the work measured (``WorkBalancer``); worker 0 records between ticks. The spikes are
/// the same for any thread count.
public final class Simulator {
    public let image: ChipImage
    public let options: RunOptions
    private let engine: Engine
    /// Workers: in ideal timing one per part of the engine's partition, each owning that range
    /// of cores in both phases of a tick; one in cycle timing.
    public var threads: Int {
        switch engine {
        case .ideal(let e): return e.partition.count
        case .cycle, .partitioned: return 1
        }
    }

    /// Where the workers' cuts move at the end of a balancing round (``WorkBalancer``), given
    /// the current ranges and the cores' synaptic events per batch; nil keeps them. By default
    /// where the round's measurements balance; tests move them where they choose.
    var cutsAfterRound: (WorkBalancer, [Range<Int>], [Double]) -> [Range<Int>]? = { balancer, current, events in
        balancer.balancedRanges(current: current, events: events)
    }

    /// Ticks the workers run between their meetings (``IdealTimingEngine/batchTicks``; 1 in
    /// cycle timing and in a partitioned run).
    public var batchTicks: Int {
        if case .ideal(let e) = engine { return e.batchTicks }
        return 1
    }

    /// The loaded chip this process runs (its own share in a partitioned run).
    var chip: LoadedChip {
        switch engine {
        case .ideal(let engine): return engine.chip
        case .cycle(let engine): return engine.chip
        case .partitioned(let coordinator): return coordinator.rank.engine.chip
        }
    }

    private enum Engine {
        case ideal(IdealTimingEngine)
        case cycle(CycleTimingEngine)
        /// This process's share of a run split across processes.
        case partitioned(PartitionCoordinator)
    }

    /// Allocates the engine; ``check(_:options:)`` first, and the memory budget
    /// (``RunBudget``), say whether it should be.
    public init(image: ChipImage, options: RunOptions) throws {
        try Self.check(image, options: options)
        self.image = image
        self.options = options
        let settings = options.coreSettings(for: image)
        if let partitions = options.partitions {
            engine = .partitioned(try PartitionCoordinator(image: image, settings: settings, ticks: Self.ticks(image, options: options),
                                                           options: partitions))
            return
        }
        switch options.timing {
        case .ideal:
            // Tick by tick where something happens between ticks: live inputs, traces sampled.
            let tracing = image.populations.contains { $0.record.contains { $0 != "spikes" } }
            let batch = options.live == nil && !tracing ? Self.longestBatch : 1
            engine = .ideal(IdealTimingEngine(image: image, settings: settings, parts: options.threads, batch: batch))
        case .cycle: engine = .cycle(CycleTimingEngine(image: image, settings: settings, ticks: Self.ticks(image, options: options)))
        }
    }

    /// Refuses options the image cannot be run with, before anything is allocated.
    public static func check(_ image: ChipImage, options: RunOptions) throws {
        if options.timing == .cycle, let problem = image.machine.timing.problem {
            throw RunError("the target's \(problem)")
        }
        if let split = PacketRoutes.splitKeyBlock(in: image) { throw RunError(split) }
        if let partitions = options.partitions {
            guard partitions.ranks >= 2 else { throw RunError("--partitions must be at least 2, found \(partitions.ranks)") }
            guard options.timing == .ideal else { throw RunError("--partitions runs ideal timing; the cycle engine runs in one process") }
            guard options.live == nil else { throw RunError("--partitions and --live do not go together yet; run live in one process") }
            guard options.threads == 1 else { throw RunError("--partitions runs one thread per process; drop --threads") }
            if let traced = image.populations.first(where: { $0.record.contains { $0 != "spikes" } }) {
                throw RunError("--partitions records spikes only, and population '\(traced.name)' records \(traced.record.filter { $0 != "spikes" }.joined(separator: ", ")); record traces in a one-process run")
            }
            if let problem = PartitionRank.problem(image, ranks: partitions.ranks) { throw RunError(problem) }
            if let plastic = image.projections.first(where: { $0.plasticity != nil }) {
                throw RunError("--partitions runs static synapses only, and projection '\(plastic.label)' is plastic; run STDP in one process")
            }
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
        if let why = options.kernels.unsupportedReason { throw RunError(why) }
        if options.arithmetic == .float64, let problem = image.float64Problem { throw RunError(problem) }
    }

    /// The most ticks a worker updates its cores for before they are delivered
    /// (``IdealTimingEngine/batchTicks``): 16, 1.6 ms at 0.1 ms, longer than most networks'
    /// shortest delay.
    static let longestBatch = 16

    /// Ticks in `durationMs` (the network's duration unless the options say otherwise).
    public var ticks: Int { Self.ticks(image, options: options) }

    static func ticks(_ image: ChipImage, options: RunOptions) -> Int {
        TimeSteps.ticks(options.durationMs ?? image.network.durationMs, dt: image.network.timestepMs)
    }

    /// Runs every tick, streaming what is recorded to `recorder` (and, with `live`, exchanging
    /// spikes with live clients), and returns the totals. A stop request (``RunOptions/stop``),
    /// a live run told to stop, or a recording failure (a full disk) ends the run at a tick
    /// boundary; the totals then say how it ended and how many ticks ran.
    func run(recorder: Recorder, live: LiveLink? = nil, progress: ProgressLine? = nil) -> RunTotals {
        let start = DispatchTime.now()
        let ended: (ticks: Int, ending: RunEnding)
        var cycleReport: CycleReport?
        let boundary = TickBoundary(recorder: recorder, cores: image.cores.count, routes: chip.routes, live: live, stop: options.stop,
                                    progress: progress)
        switch engine {
        case .ideal(let engine):
            ended = threads == 1 ? runOnOneThread(engine, boundary) : runOnWorkers(engine, boundary)
        case .cycle(let engine):
            ended = runCycles(engine, boundary)
            cycleReport = engine.finish()
        case .partitioned(let coordinator):
            ended = runPartitioned(coordinator, boundary)
        }
        progress?.clear()
        var ending = ended.ending
        if case .complete = ending {
            do { try recorder.finish() } catch { ending = .failed("\(error)") }
        } else {
            try? recorder.finish()
        }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        switch engine {
        case .ideal(let engine): engine.finishCounters()
        case .partitioned(let coordinator): coordinator.rank.engine.finishCounters()
        case .cycle: break
        }
        let tally = boundary.tally
        var counters = chip.cores.map(\.counters)
        if case .partitioned(let coordinator) = engine {
            do {
                let (remote, endings) = try coordinator.collect()
                for (c, k) in remote { counters[c] = k }
                if case .complete = ending, let failed = endings.first(where: { $0.hasPrefix("failed") }) { ending = .failed("a worker \(failed)") }
            } catch {
                ending = .failed("\(error)")
            }
            coordinator.close()
        }
        var totals = RunTotals(ticks: ended.ticks, ticksRequested: ticks, ending: ending, wallSeconds: wall,
                               coreCounters: counters, packetsSent: tally.packetsSent,
                               routerCrossings: tally.routerCrossings, droppedPackets: tally.dropped,
                               chipTraffic: tally.chipTraffic(chip.routes))
        if let cycleReport {
            totals.cycle = cycleReport
            let chips = image.machine.chips
            totals.routerCrossings = cycleReport.routers.reduce(0) { $0 + $1.localPackets + $1.externalPackets }
            totals.droppedPackets = cycleReport.routers.reduce(0) { $0 + $1.droppedPackets + $1.localMisses + $1.loopedCopies }
            totals.chipTraffic = [:]
            for (r, router) in cycleReport.routers.enumerated() where router.localPackets + router.externalPackets > 0 {
                totals.chipTraffic[chips[r]] = router.localPackets + router.externalPackets
            }
        }
        return totals
    }

    /// The cycle engine's loop: the engine runs until every core has finished a tick, which is
    /// then recorded with each core's state sampled just before its update of that tick ran.
    /// A SpikeInjector core takes its live inputs just before its update, fetching (in lock-step
    /// mode, waiting for) the tick's inputs then if no core has yet.
    private func runCycles(_ engine: CycleTimingEngine, _ boundary: TickBoundary) -> (ticks: Int, ending: RunEnding) {
        var samples: [Int: [Int: [String: [Double]]]] = [:]
        let variables = image.cores.map { core in
            core.delayExtension != nil ? [] : image.populations[core.population].record.filter { $0 != "spikes" }
        }
        let injectors = image.cores.map { $0.delayExtension == nil && image.populations[$0.population].model == .spikeInjector }
        let traces = boundary.recorder.recordsTraces, live = boundary.live
        let cores = engine.cores
        /// The first tick whose live inputs could not be fetched (the run stops before it).
        var unfed = Int.max
        engine.onUpdate = { c, tick in
            if let live, injectors[c], !live.inject(core: c, tick: tick, into: cores[c]) { unfed = min(unfed, tick) }
            guard traces, !variables[c].isEmpty else { return }
            var values: [String: [Double]] = [:]
            for v in variables[c] { values[v] = cores[c].sample(v) }
            samples[tick, default: [:]][c] = values
        }
        for tick in 0..<ticks {
            if let ending = boundary.ending(before: tick) { return (tick, ending) }
            engine.advance(through: tick)
            if tick >= unfed, let reason = live?.stop { return (tick, .stopped(reason.description)) }
            do {
                let sampled = samples.removeValue(forKey: tick) ?? [:]
                try boundary.recorder.sampleTraces(tick: tick) { c, v in sampled[c]?[v] ?? [] }
                try boundary.finish(tick: tick, spikes: engine.tickSpikes)
            } catch {
                return (tick, .failed("\(error)"))
            }
        }
        return (ticks, .complete)
    }

    /// Rank 0's loop of a split run: each tick every rank runs its cores and exchanges spikes
    /// (``PartitionRank``); rank 0, which then holds every core's spikes, records them. A stop
    /// request goes out with the tick's batches, so every rank ends after the same tick.
    private func runPartitioned(_ coordinator: PartitionCoordinator, _ boundary: TickBoundary) -> (ticks: Int, ending: RunEnding) {
        let rank = coordinator.rank
        for tick in 0..<ticks {
            let stopping = options.stop?.isRequested == true
            do {
                let flags = try rank.run(tick: tick, flags: stopping ? BoundaryExchange.endAfterTick : 0)
                try boundary.finish(tick: tick, spikes: rank.engine.spikes(ofTick: tick))
                if flags & BoundaryExchange.endAfterTick != 0 {
                    return (tick + 1, boundary.ending(before: tick + 1) ?? .stopped("a worker stopped"))
                }
            } catch {
                return (tick, .failed("\(error)"))
            }
        }
        return (ticks, .complete)
    }

    /// Runs the ticks in batches (``IdealTimingEngine/batchTicks``): each core updates every tick
    /// of the batch in turn, then each tick is delivered and finished in order.
    private func runOnOneThread(_ engine: IdealTimingEngine, _ boundary: TickBoundary) -> (ticks: Int, ending: RunEnding) {
        let cores = engine.cores
        var tick = 0
        while tick < ticks {
            if let ending = boundary.start(tick: tick, cores: cores) { return (tick, ending) }
            let batch = tick..<min(tick + engine.batchTicks, ticks)
            engine.update(cores: cores.indices, ticks: batch)
            for t in batch { engine.deliver(part: 0, tick: t) }
            for t in batch {
                do { try boundary.finish(tick: t, spikes: engine.spikes(ofTick: t)) } catch { return (t, .failed("\(error)")) }
            }
            tick = batch.upperBound
        }
        return (ticks, .complete)
    }

    /// Runs the ticks on `threads` workers: the calling thread is worker 0, the others are
    /// dedicated threads (not a Dispatch pool, which may run fewer of them at once than asked and
    /// would deadlock at the barrier). The ticks go in batches (``IdealTimingEngine/batchTicks``)
    /// of two phases: every worker updates its cores through the batch's ticks (and formats
    /// their `spikes.csv` rows, where the recorder allows, rather than leave them all to worker
    /// 0); then, after a barrier, every worker delivers the ticks' spikes into its cores, tick by
    /// tick. Worker 0 decides at the boundary (``TickBoundary``) whether the run goes on, which
    /// every worker reads before its next batch.
    ///
    /// A worker delivers onto its own cores only, and updates them only, so nothing but the
    /// boundary orders one worker's delivery before another's next update: a plain run (no live
    /// clients, no traces) has one barrier per batch. Worker 0 decides on the next batch before
    /// that barrier, and finishes a batch's ticks (counts, records, progress) in the next batch's
    /// update phase, while the others update their cores: the engine holds two batches' spikes
    /// (``IdealTimingEngine/spikeSlots``) and the workers two batches' rows, and no worker can
    /// pass the next barrier, to overwrite them, before worker 0 has finished with them. With a
    /// second barrier after the delivery, where worker 0 decided and finished, the workers waited
    /// on each other twice per batch (CUBA at 20k neurons and dt 1 ms has batches of one tick).
    ///
    /// A run with live clients, or recording traces, keeps that second barrier and finishes each
    /// batch before the next starts: a client in lock-step may wait for a tick's spikes before it
    /// sends the next tick's input, which the start waits for, and traces sample the cores
    /// between ticks.
    ///
    /// At the end of each of the ``WorkBalancer``'s rounds, after the batch's delivery, the
    /// workers meet twice more: worker 0 moves the cuts between them (``cutsAfterRound``) while
    /// the others wait, since a core that changes hands must not be updated by its new worker
    /// before its old one has delivered into it.
    private func runOnWorkers(_ engine: IdealTimingEngine, _ boundary: TickBoundary) -> (ticks: Int, ending: RunEnding) {
        let barrier = SpinBarrier(parties: threads)
        let threads = self.threads, ticks = self.ticks, batchTicks = engine.batchTicks, slots = engine.spikeSlots
        let cores = engine.cores, ranges = engine.partition
        let end = EndLatch()
        let recorder = boundary.recorder
        let pipelined = boundary.live == nil && !recorder.recordsTraces
        /// Per tick of two batches, per worker: the rows the worker formatted.
        let rows = recorder.rowsFollowCores ? (0..<slots).map { _ in (0..<threads).map { _ in RowBuffer() } } : nil
        /// Worker 0's: finishes `batch`, or ends the run at the tick that fails, so that no batch
        /// from `next` on runs.
        func finish(_ batch: Range<Int>, next: Int) {
            for t in batch {
                do {
                    try boundary.finish(tick: t, spikes: engine.spikes(ofTick: t), rows: rows?[t % slots])
                } catch {
                    end.set(.failed("\(error)"), after: t, from: next)
                    return
                }
            }
        }
        /// Worker 0's: starts the batch from `tick` on, or ends the run before it.
        func start(_ tick: Int) {
            if end.ending == nil, tick < ticks, let ending = boundary.start(tick: tick, cores: cores) { end.set(ending, after: tick, from: tick) }
        }
        if ticks > 0 { start(0) }
        let balancer = WorkBalancer(workers: threads, cores: cores.count, batches: (ticks + batchTicks - 1) / batchTicks)
        /// Worker 0's, between two barriers at which the others wait: moves the cuts between the
        /// workers' cores where the measured work says so.
        func rebalance(_ balancer: WorkBalancer, batches: Int) {
            let events = cores.map { Double($0.counters.synapticEvents) / Double(batches) }
            if let ranges = cutsAfterRound(balancer, engine.partition, events) { engine.repartition(ranges) }
        }
        @inline(__always) func now() -> Int { Int(truncatingIfNeeded: DispatchTime.now().uptimeNanoseconds) }
        func work(_ w: Int) {
            var tick = 0
            /// The worker's cores, until the balancer moves them.
            var mine = ranges[w]
            /// Worker 0's: the batch updated and delivered but not finished.
            var unfinished = 0..<0
            while tick < ticks, end.runs(from: tick) {
                let batch = tick..<min(tick + batchTicks, ticks), index = tick / batchTicks
                // Timed only while the balancer measures.
                let slot = balancer?.slot(ofBatch: index)
                let t0 = slot == nil ? 0 : now()
                if let slot, let balancer {
                    var before = t0
                    for c in mine {
                        engine.update(cores: c..<(c + 1), ticks: batch)
                        let after = now()
                        balancer.record(core: c, slot: slot, nanoseconds: after - before)
                        before = after
                    }
                } else {
                    engine.update(cores: mine, ticks: batch)
                }
                if let rows {
                    for t in batch { recorder.spikeRows(tick: t, cores: mine, spikes: engine.spikes(ofTick: t), into: rows[t % slots][w]) }
                }
                let t1 = slot == nil ? 0 : now()
                if w == 0, pipelined {
                    finish(unfinished, next: batch.upperBound)
                    unfinished = 0..<0
                    start(batch.upperBound)
                }
                // Worker 0's boundary work runs beside the others' updates (pipelined) and counts
                // in its share; with a second barrier it runs while they wait, whatever the cut.
                let boundaryTime = slot == nil ? 0 : now() - t1
                barrier.wait()
                let t2 = slot == nil ? 0 : now()
                for t in batch { engine.deliver(part: w, tick: t) }
                let deliveryTime = slot == nil ? 0 : now() - t2
                if pipelined {
                    // Finished in the next batch's update phase (or after the loop), unless the
                    // run failed at the last batch's finish.
                    if w == 0, end.ending.map({ $0.ticks >= batch.upperBound }) ?? true { unfinished = batch }
                } else {
                    if w == 0, end.ending == nil {
                        finish(batch, next: batch.upperBound)
                        start(batch.upperBound)
                    }
                    barrier.wait()
                }
                if let slot { balancer?.record(worker: w, slot: slot, update: t1 - t0, boundary: boundaryTime, delivery: deliveryTime) }
                tick = batch.upperBound
                // Every worker sees the same: worker 0 decided on the next batch before the
                // last barrier, and decides nothing more before the next.
                if let balancer, balancer.decides(afterBatch: index), tick < ticks, end.runs(from: tick) {
                    barrier.wait()
                    if w == 0 { rebalance(balancer, batches: index + 1) }
                    barrier.wait()
                    mine = engine.partition[w]
                }
            }
            if w == 0 { finish(unfinished, next: ticks) }
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
        return end.ending.map { ($0.ticks, $0.ending) } ?? (ticks, .complete)
    }
}

/// A worker's loop, handed to the threads: what they share, they touch only between barriers
/// (each core by one worker per phase, the recorder and the tally by worker 0 alone).
private struct WorkerBody: @unchecked Sendable {
    let run: (Int) -> Void
}

/// How the run ended early and after how many ticks, set by worker 0, and the first batch that
/// does not run. Worker 0 decides on a batch before the barrier that precedes the workers'
/// check of it (``runs(from:)``); a later decision (made while another worker may be checking)
/// stops only batches after the one being updated, so every worker runs the same batches.
private final class EndLatch: @unchecked Sendable {
    /// Worker 0's alone.
    private(set) var ending: (ticks: Int, ending: RunEnding)?
    /// No batch starting at or after this tick runs.
    private let limit = Atomic<Int>(Int.max)

    /// Whether the batch that starts at `tick` runs.
    func runs(from tick: Int) -> Bool { tick < limit.load(ordering: .acquiring) }

    /// Ends the run with `ending` after `ticks` ticks, running no batch from tick `first` on.
    func set(_ ending: RunEnding, after ticks: Int, from first: Int) {
        self.ending = (ticks, ending)
        limit.store(first, ordering: .releasing)
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
    /// What the cycle engine counted (cycle timing only).
    public var cycle: CycleReport?
}
