import ChipSim
import Foundation
@testable import Runtime
import XCTest

/// The cuts between the workers' cores: where ``WorkBalancer`` moves them from measured work,
/// and that moving them mid-run, in the engine or on the workers, changes no spike and no
/// counter.
final class WorkBalancerTests: XCTestCase {
    /// Cores of equal cost: per core 100 ns of update, per worker its cores' sum as its update
    /// phase, no events and no delivery time.
    static func equalCores(_ current: [Range<Int>], boundaries: [Double]) -> [Range<Int>]? {
        let cores = current.last!.upperBound
        return WorkBalancer.balancedRanges(current: current, coreUpdates: Array(repeating: 100, count: cores),
                                           events: Array(repeating: 0, count: cores),
                                           updatePhases: current.map { Double(100 * $0.count) }, boundaries: boundaries,
                                           deliveries: Array(repeating: 0, count: current.count))
    }

    func testWorkerZeroTakesFewerCoresForItsBoundaryWork() {
        // 800 ns of cores and 200 of boundary: 500 each, worker 0 with three cores.
        XCTAssertEqual(Self.equalCores([0..<4, 4..<8], boundaries: [200, 0]), [0..<3, 3..<8])
        // Three workers, 900 ns of cores and 300 of boundary: 400 each.
        XCTAssertEqual(Self.equalCores([0..<3, 3..<6, 6..<9], boundaries: [300, 0, 0]), [0..<1, 1..<5, 5..<9])
    }

    func testABalancedPartitionAndSmallGainsKeepTheCuts() {
        XCTAssertNil(Self.equalCores([0..<4, 4..<8], boundaries: [0, 0]))
        // Moving one core of 200 would gain 50 ns of 10,150 (0.5 %).
        XCTAssertNil(Self.equalCores([0..<100, 100..<200], boundaries: [150, 0]))
        // One core for two workers: nothing to move.
        XCTAssertNil(WorkBalancer.balancedRanges(current: [0..<1, 1..<1], coreUpdates: [100], events: [0], updatePhases: [100, 0],
                                                 boundaries: [0, 0], deliveries: [0, 0]))
    }

    func testDeliveryGoesWithTheCoresEvents() {
        // Worker 0's 400 ns of delivery: 300 on core 0 (30 of its 40 events), 100 on core 1.
        let ranges = WorkBalancer.balancedRanges(current: [0..<2, 2..<4], coreUpdates: [100, 100, 100, 100], events: [30, 10, 0, 0],
                                                 updatePhases: [200, 200], boundaries: [0, 0], deliveries: [400, 0])
        XCTAssertEqual(ranges, [0..<1, 1..<4])
        // A worker's rows and overheads scale its cores' updates: worker 1's phase is twice
        // its cores' updates, so its cores cost 200 each.
        let scaled = WorkBalancer.balancedRanges(current: [0..<3, 3..<6], coreUpdates: Array(repeating: 100, count: 6),
                                                 events: Array(repeating: 0, count: 6), updatePhases: [300, 600],
                                                 boundaries: [0, 0], deliveries: [0, 0])
        XCTAssertEqual(scaled, [0..<4, 4..<6])
    }

    func testMediansIgnoreAPreemptedBatch() throws {
        let balancer = try XCTUnwrap(WorkBalancer(workers: 2, cores: 4, batches: 10_000))
        for slot in 0..<WorkBalancer.measuredBatches {
            for c in 0..<4 { balancer.record(core: c, slot: slot, nanoseconds: slot == 5 && c == 0 ? 1_000_000 : 100) }
            balancer.record(worker: 0, slot: slot, update: slot == 5 ? 1_000_100 : 200, boundary: 200, delivery: 0)
            balancer.record(worker: 1, slot: slot, update: 200, boundary: 0, delivery: 0)
        }
        XCTAssertEqual(balancer.balancedRanges(current: [0..<2, 2..<4], events: [0, 0, 0, 0]), [0..<1, 1..<4])
    }

    func testRoundsMeasureAfterTheirWarmBatchesAndDecideAtTheirEnd() throws {
        let balancer = try XCTUnwrap(WorkBalancer(workers: 2, cores: 2, batches: 10_000))
        let warm = WorkBalancer.warmBatches, measured = WorkBalancer.measuredBatches, round = warm + measured
        // Rounds 5 % and 10 % of the way into the run.
        for start in [500, 1000] {
            XCTAssertNil(balancer.slot(ofBatch: start + warm - 1))
            XCTAssertEqual(balancer.slot(ofBatch: start + warm), 0)
            XCTAssertEqual(balancer.slot(ofBatch: start + round - 1), measured - 1)
            XCTAssertNil(balancer.slot(ofBatch: start + round))
        }
        XCTAssertEqual((0..<10_000).filter { balancer.slot(ofBatch: $0) != nil }.count, WorkBalancer.rounds * measured)
        XCTAssertEqual((0..<10_000).filter { balancer.decides(afterBatch: $0) }, [500 + round - 1, 1000 + round - 1])
        let shortest = WorkBalancer.leastRunRounds * WorkBalancer.rounds * round
        XCTAssertNil(WorkBalancer(workers: 1, cores: 8, batches: 10_000), "one worker")
        XCTAssertNil(WorkBalancer(workers: 2, cores: 1, batches: 10_000), "fewer cores than workers")
        XCTAssertNil(WorkBalancer(workers: 2, cores: 8, batches: shortest - 1), "too short a run")
        let barely = try XCTUnwrap(WorkBalancer(workers: 2, cores: 8, batches: shortest))
        let decisions = (0..<shortest).filter { barely.decides(afterBatch: $0) }
        XCTAssertEqual(decisions.count, WorkBalancer.rounds, "the rounds do not overlap")
        XCTAssertGreaterThanOrEqual(decisions[1] - decisions[0], round)
    }

    /// The engine cut anew every 37 ticks, at batch boundaries, into three parts (one of them
    /// empty at times), against one part: the same spikes, and the same counters once
    /// ``IdealTimingEngine/finishCounters()`` has summed the clipped cores' ring input.
    func testMovingTheCutsInTheEngineChangesNothing() throws {
        let images = [try compile(BatchedTicksTests.yaml).image,
                      try compile(DeferredInputTests.yaml(timestep: 0.1, delay: "{uniform: [0.2, 1.5]}")).image]
        for (i, image) in images.enumerated() {
            for arithmetic in Arithmetic.allCases {
                let label = "image \(i), \(arithmetic)"
                let single = BatchedTicksTests.run(image, arithmetic: arithmetic, batch: 3, parts: 1, ticks: 600, finishCounters: true)
                var moved = 0
                let recut = BatchedTicksTests.run(image, arithmetic: arithmetic, batch: 3, parts: 3, ticks: 600, cut: { tick, cores in
                    guard tick % 37 < 3 else { return nil }
                    moved += 1
                    let a = (tick * 7) % (cores + 1), b = (tick * 13) % (cores + 1)
                    return [0..<min(a, b), min(a, b)..<max(a, b), max(a, b)..<cores]
                }, finishCounters: true)
                XCTAssertGreaterThan(moved, 10, label)
                XCTAssertGreaterThan(single.spikes.joined().count, 100, "\(label): the cells fire")
                XCTAssertEqual(recut.spikes, single.spikes, label)
                XCTAssertEqual(recut.counters, single.counters, label)
                if i == 1, arithmetic == .s1615 {
                    XCTAssertTrue(single.counters.contains { $0.clippedInput.total > 0 && $0.ringInput.total > 0 }, "\(label): a core clips")
                }
            }
        }
    }

    /// A small network of seven cores long enough to balance (3,000 batches of one tick).
    static let balancedYAML = """
    network: balanced
    timestep: 1.0
    duration: 3000
    seed: 8
    populations:
      drive: {size: 64, model: SpikeSourcePoisson, params: {rate: 20}, neurons_per_core: 32}
      exc: {size: 96, model: IF_curr_exp, record: [spikes], neurons_per_core: 32, params: {tau_m: 10, cm: 0.25, v_thresh: -55, tau_refrac: 2}}
      inh: {size: 64, model: IF_cond_exp, record: [spikes], neurons_per_core: 32, params: {tau_m: 10, v_thresh: -55}}
    projections:
      - {pre: drive, post: exc, connector: {type: FixedProbabilityConnector, p_connect: 0.2}, synapse: {weight: 0.8, delay: 1.0}}
      - {pre: drive, post: inh, connector: {type: FixedProbabilityConnector, p_connect: 0.2}, synapse: {weight: 0.02, delay: 1.0}}
      - {pre: exc, post: inh, connector: {type: FixedProbabilityConnector, p_connect: 0.1}, synapse: {weight: 0.01, delay: {uniform: [1.0, 3.0]}}}
      - {pre: inh, post: exc, connector: {type: FixedProbabilityConnector, p_connect: 0.2}, synapse: {weight: -0.6, delay: 1.0}, receptor: inhibitory}
    """

    /// Two and three workers whose cuts move at the end of each balancing round (forced, rather
    /// than where timing puts them), against one thread: the same `spikes.csv` and counters; and
    /// with a trace recorded, where each batch ends at a second barrier, the same `v.csv` too.
    func testMovingTheCutsOnTheWorkersChangesNothing() throws {
        let plain = try compile(Self.balancedYAML).image
        let traced = try compile(Self.balancedYAML.replacingOccurrences(of: "exc: {size: 96, model: IF_curr_exp, record: [spikes]",
                                                                        with: "exc: {size: 96, model: IF_curr_exp, record: [spikes, v]"))
            .image
        func run(_ image: ChipImage, threads: Int, cuts: [[Range<Int>]]) throws -> (files: [String], counters: [CoreCounters], moved: Int) {
            let dir = temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let options = RunOptions(threads: threads, outputDirectory: dir)
            let simulator = try Simulator(image: image, options: options)
            var moved = 0
            simulator.cutsAfterRound = { _, current, events in
                XCTAssertEqual(current.count, threads)
                XCTAssertEqual(events.count, image.cores.count)
                defer { moved += 1 }
                return moved < cuts.count ? cuts[moved] : nil
            }
            let totals = simulator.run(recorder: try Recorder(image: image, options: options))
            XCTAssertEqual(totals.ending, .complete)
            let files = try ["spikes.csv", "v.csv"].filter { FileManager.default.fileExists(atPath: dir + "/" + $0) }
                .map { try String(contentsOfFile: dir + "/" + $0, encoding: .utf8) }
            return (files, totals.coreCounters, moved)
        }
        let n = plain.cores.count
        XCTAssertEqual(n, 7)
        for (image, files) in [(plain, 1), (traced, 2)] {
            let one = try run(image, threads: 1, cuts: [])
            XCTAssertEqual(one.moved, 0, "one thread has no cuts")
            XCTAssertEqual(one.files.count, files)
            XCTAssertGreaterThan(one.files[0].split(separator: "\n").count, 1000, "the cells fire")
            for cuts in [[[0..<1, 1..<n], [0..<(n - 1), (n - 1)..<n]], [[0..<1, 1..<2, 2..<n], [0..<(n - 2), (n - 2)..<(n - 1), (n - 1)..<n]]] {
                let label = "\(cuts[0].count) threads, \(files) files"
                let many = try run(image, threads: cuts[0].count, cuts: cuts)
                XCTAssertEqual(many.moved, WorkBalancer.rounds, "\(label): every round decided")
                XCTAssertEqual(many.files, one.files, label)
                XCTAssertEqual(many.counters, one.counters, label)
            }
        }
    }
}
