import Foundation

/// Moves the cuts between the workers' ranges of cores early in a run, to where the work measured
/// in its first batches balances.
///
/// The engine's first partition balances the cores' synapse counts. That misses what a core's
/// update costs (a Poisson source's atoms against a LIF neuron, a core's size), how often its
/// synapses are used, and that worker 0 alone finishes every batch (counts, `spikes.csv`, progress)
/// while the others wait for it at the next barrier. So, in each of ``rounds`` rounds (the first
/// 5 % of the way into the run, the second 10 %, once the start's transients have passed), the
/// workers time ``measuredBatches`` batches after ``warmBatches``: each core's update, each
/// worker's update phase (its updates and `spikes.csv` rows), its boundary work and its delivery. A
/// core's cost per batch is then its median update time, scaled by its worker's update phase over
/// its cores' updates, plus its share (by synaptic events) of its worker's median delivery time;
/// the cuts go where each worker's cores plus its boundary work come nearest to an equal share.
/// Medians keep a batch in which the host preempted a worker from steering the cut; the second
/// round corrects what the first round's model missed.
///
/// Results do not depend on the partition (``IdealTimingEngine/repartition(_:)``): the timing that
/// moves the cuts changes only how fast a run goes.
final class WorkBalancer: @unchecked Sendable {
    /// Batches a round runs before it measures (caches, branch predictors, page faults, and
    /// after a cut moved, the moved cores' state).
    static let warmBatches = 8
    /// Batches a round measures.
    static let measuredBatches = 64
    /// Rounds of measuring and cutting.
    static let rounds = 2
    /// The least predicted gain, as a fraction of the busiest worker's time per batch, that
    /// moves the cuts: a balanced partition (CUBA at 20k neurons) is left alone rather than
    /// moved back and forth on the measurements' noise.
    static let leastGain = 0.02
    /// The shortest run, in multiples of the rounds' batches, that the balancer measures: its
    /// per-core timing (a clock read per core, about 2 µs a batch at 40 cores a worker) and the
    /// moved cores' cold caches then cost a few thousandths of the run at most. Round r (from 1)
    /// starts r / ``leastRunRounds`` of the way into the run.
    static let leastRunRounds = 20

    let workers: Int
    let cores: Int
    /// The first batch of each round.
    private let starts: [Int]
    /// Per core and measured batch of the round: nanoseconds of its update.
    private let coreSamples: UnsafeMutableBufferPointer<UInt32>
    /// Per worker, measured batch and phase (update phase, boundary work, delivery): nanoseconds.
    /// Each worker writes its own entries, and worker 0 reads them all after a barrier.
    private let workerSamples: UnsafeMutableBufferPointer<Int>
    private static let phases = 3

    /// A balancer for `workers` workers of `cores` cores in a run of `batches` batches; nil
    /// with one worker, or where the run is too short for the measurement to pay (under
    /// ``leastRunRounds`` times the rounds' batches).
    init?(workers: Int, cores: Int, batches: Int) {
        guard workers > 1, cores >= workers, batches >= Self.leastRunRounds * Self.rounds * Self.roundBatches else { return nil }
        self.workers = workers
        self.cores = cores
        starts = (1...Self.rounds).map { $0 * batches / Self.leastRunRounds }
        coreSamples = .allocate(capacity: cores * Self.measuredBatches)
        coreSamples.initialize(repeating: 0)
        workerSamples = .allocate(capacity: workers * Self.measuredBatches * Self.phases)
        workerSamples.initialize(repeating: 0)
    }

    deinit {
        coreSamples.deallocate()
        workerSamples.deallocate()
    }

    private static var roundBatches: Int { warmBatches + measuredBatches }

    /// The measurement slot of batch `batch` (numbered from 0), or nil where it is not measured.
    func slot(ofBatch batch: Int) -> Int? {
        for start in starts {
            let slot = batch - start - Self.warmBatches
            if slot >= 0, slot < Self.measuredBatches { return slot }
        }
        return nil
    }

    /// Whether the cuts may move after the delivery of batch `batch`: the end of a round.
    func decides(afterBatch batch: Int) -> Bool {
        starts.contains { batch == $0 + Self.roundBatches - 1 }
    }

    /// Core `core`'s update in batch slot `slot`, in nanoseconds.
    func record(core: Int, slot: Int, nanoseconds: Int) {
        coreSamples[core * Self.measuredBatches + slot] = UInt32(clamping: nanoseconds)
    }

    /// Worker `worker`'s times in batch slot `slot`, in nanoseconds: its update phase (its
    /// cores' updates and rows), its boundary work (worker 0's finishing and starting of
    /// batches, where that runs beside the others' updates; 0 where they wait for it at a
    /// barrier of their own) and its delivery.
    func record(worker: Int, slot: Int, update: Int, boundary: Int, delivery: Int) {
        let at = (worker * Self.measuredBatches + slot) * Self.phases
        workerSamples[at] = update
        workerSamples[at + 1] = boundary
        workerSamples[at + 2] = delivery
    }

    private static func median<T: BinaryInteger>(_ values: UnsafeMutableBufferPointer<T>, from start: Int, stride: Int) -> Double {
        let sorted = (0..<measuredBatches).map { values[start + $0 * stride] }.sorted()
        return Double(sorted[sorted.count / 2])
    }

    /// The ranges that balance the round's measurements, or nil where they would gain less
    /// than ``leastGain`` over `current`. `events` are the cores' synaptic events per batch.
    func balancedRanges(current: [Range<Int>], events: [Double]) -> [Range<Int>]? {
        precondition(current.count == workers && events.count == cores)
        let updates = (0..<cores).map { Self.median(coreSamples, from: $0 * Self.measuredBatches, stride: 1) }
        func phase(_ p: Int) -> [Double] {
            (0..<workers).map { Self.median(workerSamples, from: $0 * Self.measuredBatches * Self.phases + p, stride: Self.phases) }
        }
        return Self.balancedRanges(current: current, coreUpdates: updates, events: events, updatePhases: phase(0),
                                   boundaries: phase(1), deliveries: phase(2))
    }

    /// ``balancedRanges(current:events:)`` from the medians: per core its update and events
    /// per batch, per worker its update phase, boundary work and delivery (nanoseconds).
    static func balancedRanges(current: [Range<Int>], coreUpdates: [Double], events: [Double], updatePhases: [Double],
                               boundaries: [Double], deliveries: [Double]) -> [Range<Int>]? {
        let cores = coreUpdates.count, parts = current.count
        guard parts > 1, cores >= parts else { return nil }
        func sum(_ values: [Double], _ range: Range<Int>) -> Double { values[range].reduce(0, +) }
        // A core's update with its share of its worker's rows and per-core overhead.
        var cost = coreUpdates
        for (w, range) in current.enumerated() {
            let measured = sum(coreUpdates, range)
            let scale = measured > 0 ? max(updatePhases[w] / measured, 1) : 1
            for c in range { cost[c] *= scale }
        }
        // A worker's delivery by its cores' events (what an event costs differs with the
        // targets: their rows, their ring's size); without events, its time (per spike) goes
        // with its updates.
        for (w, range) in current.enumerated() {
            let workerEvents = sum(events, range), updates = sum(cost, range)
            if workerEvents > 0 {
                for c in range { cost[c] += deliveries[w] * events[c] / workerEvents }
            } else if updates > 0 {
                for c in range { cost[c] *= 1 + deliveries[w] / updates }
            }
        }
        func busiest(_ ranges: [Range<Int>]) -> Double {
            ranges.indices.map { sum(cost, ranges[$0]) + boundaries[$0] }.max()!
        }
        // Each worker takes cores while that brings its load nearer an equal share, leaving
        // one core at least for each worker after it.
        let share = (cost.reduce(0, +) + boundaries.reduce(0, +)) / Double(parts)
        var ranges: [Range<Int>] = [], start = 0
        for p in 0..<parts - 1 {
            var end = start + 1, load = boundaries[p] + cost[start]
            while end < cores - (parts - 1 - p), abs(load + cost[end] - share) < abs(load - share) {
                load += cost[end]
                end += 1
            }
            ranges.append(start..<end)
            start = end
        }
        ranges.append(start..<cores)
        guard ranges != current, busiest(ranges) < busiest(current) * (1 - leastGain) else { return nil }
        return ranges
    }
}
