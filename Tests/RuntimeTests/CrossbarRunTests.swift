import ChipSim
import Compiler
import Foundation
@testable import Runtime
import XCTest

/// Whole networks on the memristor-crossbar target (`docs/crossbar.md`, "The crossbar target").
final class CrossbarRunTests: XCTestCase {
    /// A small recurrent network: Poisson drive with a delay of 2 ticks, excitatory and inhibitory
    /// recurrence with 1 tick, so that crossbar cores have several (delay, type) matrices.
    static let network = """
    network: xbar
    duration: 200
    seed: 7
    populations:
      src: {size: 100, model: SpikeSourcePoisson, params: {rate: 20}}
      exc: {size: 160, model: IF_curr_exp, record: [spikes, v], initial: {v: {uniform: [-60, -50]}},
            params: &cell {tau_m: 20, cm: 0.2, v_rest: -49, v_reset: -60, v_thresh: -50, tau_refrac: 5, tau_syn_E: 5, tau_syn_I: 10}}
      inh: {size: 40, model: IF_curr_exp, record: [spikes], initial: {v: {uniform: [-60, -50]}}, params: *cell}
    projections:
      - {pre: src, post: exc, connector: {type: FixedProbabilityConnector, p_connect: 0.1}, synapse: {weight: 0.05, delay: 2}}
      - {pre: exc, post: exc, connector: &c {type: FixedProbabilityConnector, p_connect: 0.1}, synapse: &e {weight: 0.0162, delay: 1}}
      - {pre: exc, post: inh, connector: *c, synapse: *e}
      - {pre: inh, post: exc, connector: *c, synapse: &i {weight: -0.09, delay: 1}, receptor: inhibitory}
      - {pre: inh, post: inh, connector: *c, synapse: *i, receptor: inhibitory}
    """

    /// The crossbar target with `settings` (64 × 64 tiles unless given: the matrices above span
    /// several tiles, so partial sums are exercised).
    static func target(_ settings: CrossbarSettings) -> MachineDescription {
        var m = MachineDescription.spinn5
        m.name = "crossbar"
        m.crossbar = settings
        return m
    }

    /// The defaults on 64 × 64 tiles, but ideal wires: the IR-drop solve of every tile at load is
    /// the slow part of a debug build (IR drop is tested in
    /// ``testNonidealitiesChangeSpikesInTheirDirection()`` and in `CrossbarTests`).
    static var nonideal: CrossbarSettings {
        var s = CrossbarSettings()
        s.tileRows = 64
        s.tileCols = 64
        s.wireResistanceOhm = 0
        return s
    }

    static var ideal: CrossbarSettings {
        var s = CrossbarSettings.ideal
        s.tileRows = 64
        s.tileCols = 64
        return s
    }

    /// With every nonideality off (continuous levels, no noise, no stuck devices, ideal wires, no
    /// ADC, no drift), the network on the crossbar target fires exactly the spikes it fires on the
    /// digital target in `float64`, and its membrane potentials agree to 1e-9 mV. They are not
    /// equal bit for bit: a tile gives each weight back as ((Gmin + s·w) − Gmin)/s, a few ulp
    /// from w, and adds a read's rows (and tiles' partial sums) before the ring buffer, where the
    /// digital core adds synapse by synapse; both are rounding of the last bits.
    func testIdealCrossbarFiresTheDigitalTargetsSpikes() throws {
        let digital = try compile(Self.network).image
        let crossbar = try compile(Self.network, target: Self.target(Self.ideal)).image
        let dirD = temporaryDirectory(), dirX = temporaryDirectory()
        let d = try simulate(digital, arithmetic: .float64, out: dirD)
        let x = try simulate(crossbar, arithmetic: .float64, out: dirX)
        XCTAssertGreaterThan(d.spikes.count, 500)
        XCTAssertEqual(x.spikes, d.spikes)
        XCTAssertEqual(x.summary.synapticEvents, d.summary.synapticEvents)
        let vd = try String(contentsOfFile: dirD + "/v.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        let vx = try String(contentsOfFile: dirX + "/v.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertEqual(vd.count, vx.count)
        var largest = 0.0
        for (a, b) in zip(vd, vx) {
            largest = max(largest, abs(Double(a.split(separator: ",")[3])! - Double(b.split(separator: ",")[3])!))
        }
        XCTAssertLessThan(largest, 1e-9)
        // Crossbar events cost their reads, not the CPU's synaptic energy.
        XCTAssertEqual(x.summary.energy.synapticJoules, 0)
        XCTAssertGreaterThan(x.summary.energy.crossbarReads, 0)
    }

    /// The run's memory estimate counts the tiles' effective matrices: at least the three of the
    /// excitatory core (100 Poisson, 160 excitatory and 40 inhibitory source rows by its 160
    /// neurons), and not absurdly more.
    func testMemoryEstimateCountsTheTiles() throws {
        let digital = try compile(Self.network).image
        let crossbar = try compile(Self.network, target: Self.target(Self.ideal)).image
        let extra = IdealTimingEngine.memoryEstimate(image: crossbar, arithmetic: .float64, parts: 1)
            - IdealTimingEngine.memoryEstimate(image: digital, arithmetic: .float64, parts: 1)
        XCTAssertEqual(extra, CrossbarCoreMatrix.memoryEstimate(crossbar))
        XCTAssertEqual(CrossbarCoreMatrix.memoryEstimate(digital), 0)
        XCTAssertGreaterThanOrEqual(extra, (100 + 160 + 40) * 160 * 8)
        XCTAssertLessThan(extra, 10 << 20)
    }

    /// Cycle timing on the crossbar target, with nothing late or dropped, fires ideal timing's spikes.
    func testCycleTimingFiresIdealTimingsSpikes() throws {
        let settings = Self.nonideal
        let image = try compile(Self.network, target: Self.target(settings)).image
        let ideal = try simulate(image, arithmetic: .float64)
        let cycle = try Run.execute(image, options: RunOptions(arithmetic: .float64, timing: .cycle, collectSpikes: true))
        XCTAssertEqual(cycle.summary.provenance.lateSpikes, 0)
        XCTAssertEqual(cycle.spikes, ideal.spikes)
        XCTAssertEqual(cycle.summary.energy.crossbarReads, ideal.summary.energy.crossbarReads)
    }

    /// With every nonideality on, the same image and seed give the same spikes on any number of
    /// threads, in both arithmetics.
    func testSpikesDoNotDependOnThreadCount() throws {
        let settings = Self.nonideal
        let image = try compile(Self.network, target: Self.target(settings)).image
        for arithmetic in Arithmetic.allCases {
            let one = try simulate(image, arithmetic: arithmetic, threads: 1)
            XCTAssertGreaterThan(one.spikes.count, 500)
            let three = try simulate(image, arithmetic: arithmetic, threads: 3)
            XCTAssertEqual(three.spikes, one.spikes, "\(arithmetic)")
            XCTAssertEqual(three.summary.energy, one.summary.energy, "\(arithmetic)")
        }
    }

    /// The summary's energy is the sum of its components, and the crossbar components are the
    /// counts times the target's figures (row drivers, ADC conversions); cells are V²·G·t.
    func testEnergyAddsUpPerComponent() throws {
        let settings = Self.nonideal
        let image = try compile(Self.network, target: Self.target(settings)).image
        let e = try simulate(image, arithmetic: .float64).summary
        let parts = [e.energy.staticJoules, e.energy.packetJoules, e.energy.synapticJoules, e.energy.dmaJoules,
                     e.energy.crossbarRowJoules, e.energy.crossbarCellJoules, e.energy.crossbarAdcJoules]
        XCTAssertEqual(e.energyJoules, parts.reduce(0, +), accuracy: 1e-15 * e.energyJoules)
        XCTAssertEqual(e.energy.staticJoules, e.energy.idleChipJoules + e.energy.activeCoreJoules, accuracy: 1e-15)
        XCTAssertEqual(e.energy.crossbarRowJoules, Double(e.energy.crossbarRowPulses) * settings.rowDriverEnergyPicojoules * 1e-12,
                       accuracy: 1e-9 * e.energy.crossbarRowJoules)
        XCTAssertEqual(e.energy.crossbarAdcJoules, Double(e.energy.crossbarAdcConversions) * settings.adcEnergyPicojoules * 1e-12,
                       accuracy: 1e-9 * e.energy.crossbarAdcJoules)
        // Cells: between all pulsed cells at Gmin and all at Gmax (both devices of the pair).
        let perCell = settings.readVoltageV * settings.readVoltageV * settings.readPulseNs * 1e-15
        XCTAssertGreaterThan(e.energy.crossbarCellJoules, 0)
        XCTAssertLessThan(e.energy.crossbarCellJoules, Double(e.energy.crossbarRowPulses) * 64 * 2 * settings.gMaxMicrosiemens * perCell)
        XCTAssertEqual(e.energy.synapticJoules, 0)
        XCTAssertEqual(e.energy.crossbarReads > 0, true)
    }

    /// A feed-forward layer driven harder than threshold: nonidealities that shrink W·x (devices
    /// stuck at Gmin, IR drop) make it fire less than the ideal crossbar does; programming noise
    /// changes which neurons fire.
    func testNonidealitiesChangeSpikesInTheirDirection() throws {
        let layer = """
        network: layer
        duration: 200
        seed: 3
        populations:
          src: {size: 200, model: SpikeSourcePoisson, params: {rate: 30}}
          out: {size: 50, model: IF_curr_exp, record: [spikes],
                params: {tau_m: 20, cm: 0.2, v_rest: -65, v_reset: -65, v_thresh: -50, tau_refrac: 2, tau_syn_E: 5, tau_syn_I: 5}}
        projections:
          - {pre: src, post: out, connector: {type: AllToAllConnector}, synapse: {weight: {uniform: [0, 0.02]}, delay: 1}}
        """
        func spikes(_ change: (inout CrossbarSettings) -> Void) throws -> [RecordedSpike] {
            var s = CrossbarSettings.ideal
            change(&s)
            return try simulate(try compile(layer, target: Self.target(s)).image, arithmetic: .float64).spikes
        }
        let ideal = try spikes { _ in }
        XCTAssertGreaterThan(ideal.count, 200)
        let stuckOff = try spikes { $0.stuckOffRate = 0.3 }
        XCTAssertLessThan(Double(stuckOff.count), 0.9 * Double(ideal.count))
        let irDrop = try spikes { $0.wireResistanceOhm = 5 }
        XCTAssertLessThan(irDrop.count, ideal.count)
        let noisy = try spikes { $0.programmingNoise = 0.05 }
        XCTAssertNotEqual(noisy, ideal)
    }
}
