import ChipSim
import Foundation
@testable import Runtime
import XCTest

/// Ideal timing in batches of ticks (``IdealTimingEngine/batchTicks``, the shortest delay): the
/// same spikes, tick by tick, and the same counters as one tick at a time.
final class BatchedTicksTests: XCTestCase {
    /// Delays of 0.3 to 2 ms at 0.1 ms (3 to 20 ticks), current and conductance cells, a
    /// Poisson drive.
    static let yaml = """
    network: batches
    timestep: 0.1
    duration: 200
    seed: 3
    populations:
      drive: {size: 200, model: SpikeSourcePoisson, params: {rate: 80}}
      exc: {size: 700, model: IF_curr_exp, record: [spikes], params: {tau_m: 10, cm: 0.25, v_thresh: -55, tau_refrac: 1}}
      inh: {size: 300, model: IF_cond_exp, record: [spikes], params: {tau_m: 10, v_thresh: -55}}
    projections:
      - {pre: drive, post: exc, connector: {type: FixedProbabilityConnector, p_connect: 0.1}, synapse: {weight: 0.9, delay: {uniform: [0.3, 2.0]}}}
      - {pre: drive, post: inh, connector: {type: FixedProbabilityConnector, p_connect: 0.1}, synapse: {weight: 0.02, delay: 0.5}}
      - {pre: exc, post: inh, connector: {type: FixedProbabilityConnector, p_connect: 0.05}, synapse: {weight: 0.01, delay: {uniform: [0.3, 2.0]}}}
      - {pre: exc, post: exc, connector: {type: FixedProbabilityConnector, p_connect: 0.02}, synapse: {weight: 0.2, delay: 1.0}}
      - {pre: inh, post: exc, connector: {type: FixedProbabilityConnector, p_connect: 0.05}, synapse: {weight: -0.8, delay: {uniform: [0.3, 2.0]}}, receptor: inhibitory}
    """

    /// Runs `image` for `ticks` ticks as the runtime does, in batches of the engine's
    /// ``IdealTimingEngine/batchTicks`` over `parts` parts, moving the cuts between the parts to
    /// `cut(tick, cores)` before each batch where it gives ranges; returns every tick's spikes
    /// (core, neuron) and the cores' counters (after ``IdealTimingEngine/finishCounters()``
    /// where `finishCounters`).
    static func run(_ image: ChipImage, arithmetic: Arithmetic, batch: Int, parts: Int, ticks: Int,
                    cut: (Int, Int) -> [Range<Int>]? = { _, _ in nil }, finishCounters: Bool = false)
        -> (batchTicks: Int, spikes: [[Int]], counters: [CoreCounters]) {
        let engine = IdealTimingEngine(image: image, settings: CoreSettings(image: image, arithmetic: arithmetic), parts: parts, batch: batch)
        var spikes: [[Int]] = []
        var tick = 0
        while tick < ticks {
            if let ranges = cut(tick, engine.cores.count) { engine.repartition(ranges) }
            let ticksOfBatch = tick..<min(tick + engine.batchTicks, ticks)
            for c in engine.cores.indices { for t in ticksOfBatch { engine.update(core: c, tick: t) } }
            for t in ticksOfBatch { for part in engine.partition.indices { engine.deliver(part: part, tick: t) } }
            for t in ticksOfBatch {
                let s = engine.spikes(ofTick: t)
                spikes.append(engine.cores.indices.flatMap { c in s.spikes(core: c).map { c << 16 | Int($0) } })
            }
            tick = ticksOfBatch.upperBound
        }
        if finishCounters { engine.finishCounters() }
        return (engine.batchTicks, spikes, engine.cores.map(\.counters))
    }

    func testBatchesGiveTheSameSpikesAndCountersAsSingleTicks() throws {
        let image = try compile(Self.yaml).image
        for arithmetic in Arithmetic.allCases {
            let single = Self.run(image, arithmetic: arithmetic, batch: 1, parts: 1, ticks: 1000)
            XCTAssertEqual(single.batchTicks, 1)
            XCTAssertGreaterThan(single.spikes.joined().count, 1000, "\(arithmetic): the cells fire")
            for (batch, parts) in [(16, 1), (2, 3), (16, 2)] {
                let batched = Self.run(image, arithmetic: arithmetic, batch: batch, parts: parts, ticks: 1000)
                XCTAssertEqual(batched.batchTicks, min(batch, 3), "\(arithmetic): the shortest delay is 3 ticks")
                XCTAssertEqual(batched.spikes, single.spikes, "\(arithmetic), batch \(batch), \(parts) parts")
                XCTAssertEqual(batched.counters, single.counters, "\(arithmetic), batch \(batch), \(parts) parts")
            }
        }
    }

    /// Runs that need every tick's boundary run tick by tick: traces, learning.
    func testTracesAndLearningRunTickByTick() throws {
        let traced = try compile(Self.yaml.replacingOccurrences(of: "record: [spikes], params: {tau_m: 10, v_thresh", with: "record: [spikes, v], params: {tau_m: 10, v_thresh"))
        var spikes: [String] = []
        for image in [try compile(Self.yaml).image, traced.image] {
            let dir = temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let simulator = try Simulator(image: image, options: RunOptions(outputDirectory: dir))
            XCTAssertEqual(simulator.batchTicks, spikes.isEmpty ? 3 : 1)
            _ = try Run.execute(image, options: RunOptions(threads: 2, outputDirectory: dir))
            spikes.append(try String(contentsOfFile: dir + "/spikes.csv", encoding: .utf8))
        }
        XCTAssertEqual(spikes[1], spikes[0], "batched and tick by tick, two threads")
        let plastic = try compile(Self.yaml.replacingOccurrences(
            of: "synapse: {weight: 0.2, delay: 1.0}",
            with: "synapse: {type: STDPMechanism, weight: 0.2, delay: 1.0, timing_dependence: {type: SpikePairRule, tau_plus: 20, tau_minus: 20, A_plus: 0.01, A_minus: 0.012}, weight_dependence: {type: AdditiveWeightDependence, w_min: 0, w_max: 0.5}}"))
        XCTAssertEqual(Self.run(plastic.image, arithmetic: .s1615, batch: 16, parts: 1, ticks: 1).batchTicks, 1, "STDP")
    }
}
