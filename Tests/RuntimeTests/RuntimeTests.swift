import ChipSim
import Compiler
import Foundation
@testable import Runtime
import NeuriteTestSupport
import XCTest

final class RuntimeTests: XCTestCase {
    /// A CUBA network of `n` neurons (the Vogels-Abbott benchmark scaled; 80/20, p = 0.02 · 4000/n).
    static func cuba(_ n: Int, duration: Int = 1000, seed: Int = 12345) -> String {
        let p = min(1.0, 0.02 * 4000 / Double(n))
        return """
        network: cuba\(n)
        duration: \(duration)
        seed: \(seed)
        populations:
          exc: {size: \(n * 4 / 5), model: IF_curr_exp, record: [spikes], initial: {v: {uniform: [-60, -50]}},
                params: &cell {tau_m: 20, cm: 0.2, v_rest: -49, v_reset: -60, v_thresh: -50, tau_refrac: 5, tau_syn_E: 5, tau_syn_I: 10}}
          inh: {size: \(n / 5), model: IF_curr_exp, record: [spikes], initial: {v: {uniform: [-60, -50]}}, params: *cell}
        projections:
          - {pre: exc, post: exc, connector: &c {type: FixedProbabilityConnector, p_connect: \(p)}, synapse: &e {weight: 0.0162, delay: 1}}
          - {pre: exc, post: inh, connector: *c, synapse: *e}
          - {pre: inh, post: exc, connector: *c, synapse: &i {weight: -0.09, delay: 1}, receptor: inhibitory}
          - {pre: inh, post: inh, connector: *c, synapse: *i, receptor: inhibitory}
        """
    }

    func testSpikesDoNotDependOnThreadCount() throws {
        let image = try compile(Self.cuba(1500, duration: 200)).image
        for arithmetic in Arithmetic.allCases {
            let one = try simulate(image, arithmetic: arithmetic, threads: 1)
            XCTAssertGreaterThan(one.spikes.count, 100)
            for threads in [2, 3, 7] {
                let many = try simulate(image, arithmetic: arithmetic, threads: threads)
                XCTAssertEqual(many.spikes, one.spikes, "\(arithmetic), \(threads) threads")
                XCTAssertEqual(many.summary.synapticEvents, one.summary.synapticEvents)
            }
        }
    }

    /// A run of no ticks writes the same (empty) files whatever the thread count.
    func testZeroTicksWriteTheSameOnAnyThreadCount() throws {
        let image = try compile("""
        populations:
          a: {size: 600, model: IF_curr_exp, record: [spikes, v]}
        """).image
        var traces: [String] = []
        for threads in [1, 3] {
            let dir = temporaryDirectory()
            _ = try Run.execute(image, options: RunOptions(durationMs: 0, arithmetic: .s1615, threads: threads, outputDirectory: dir))
            traces.append(try String(contentsOfFile: dir + "/v.csv", encoding: .utf8))
        }
        XCTAssertEqual(traces[0], "population,neuron,time_ms,v\n")
        XCTAssertEqual(traces[1], traces[0])
    }

    func testSpikesDoNotDependOnKernelSet() throws {
        let sets = KernelSet.allCases.filter { $0 != .scalar && $0.isSupported }
        try XCTSkipIf(sets.isEmpty, "this CPU has neither AVX2 nor AVX-512; only the scalar kernels run here")
        let image = try compile(Self.cuba(1500, duration: 200)).image
        for arithmetic in Arithmetic.allCases {
            let scalar = try simulate(image, arithmetic: arithmetic, kernels: .scalar)
            for set in sets {
            let wide = try simulate(image, arithmetic: arithmetic, kernels: set)
            XCTAssertGreaterThan(scalar.spikes.count, 100)
            XCTAssertEqual(wide.spikes.count, scalar.spikes.count, "\(arithmetic)")
            let firstDifference = zip(wide.spikes, scalar.spikes).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            XCTAssertNil(firstDifference, "\(arithmetic): spike \(firstDifference ?? 0) differs")
            XCTAssertEqual(wide.summary.provenance, scalar.summary.provenance)
            XCTAssertEqual(scalar.summary.kernels, "scalar")
            XCTAssertEqual(wide.summary.kernels, set.rawValue)
            }
        }
    }

    /// DESIGN §7: Brian2 runs this network at 5.66 Hz (dt = 1 ms). Measured here under the
    /// `brian2` convention: 5.50 Hz (s1615) and 5.60 Hz (float64) with seed 12345.
    func testCubaRateIsCloseToBrian2() throws {
        let image = try compile("step_convention: brian2\n" + Self.cuba(4000)).image
        for arithmetic in Arithmetic.allCases {
            let s = try simulate(image, arithmetic: arithmetic).summary
            let spikes = s.populations.values.reduce(0) { $0 + $1.spikes }
            let rate = Double(spikes) / 4000
            XCTAssertEqual(rate, 5.66, accuracy: 0.5, "\(arithmetic): \(rate) Hz")
            XCTAssertEqual(s.provenance.droppedPackets, 0)
            XCTAssertEqual(s.provenance.saturations, 0)
        }
    }

    /// Every synapse is delivered exactly once: sources that each fire once drive exactly as
    /// many synaptic events as there are synapses from them, on random networks over many chips.
    func testEverySynapseIsDeliveredExactlyOnce() throws {
        for seed in UInt64(1)...12 {
            var m: MachineDescription = seed % 2 == 0 ? .spinn5 : .spinn3
            m.maxNeuronsPerCore = 16
            let yaml = RandomNetworks.yaml(seed: seed, sourcesFireOnce: true)
            let image = try NetworkCompiler.compile(try NetworkParser.parse(yaml, file: "r.yaml"), target: m).image
            let report = try simulate(image, arithmetic: .float64, durationMs: 20)
            var fromSources = 0, packets = 0
            for core in image.cores {
                for e in core.synapses.entries {
                    let source = image.cores.first { $0.keyBase == e.key }!
                    guard image.populations[source.population].model == .spikeSourceArray else { continue }
                    for r in 0..<Int(e.rows) { fromSources += core.synapses.row(e, r).count }
                    packets += source.neuronCount  // each source neuron's one packet reaches this core
                }
            }
            XCTAssertEqual(report.summary.synapticEvents, fromSources, "seed \(seed)")
            XCTAssertEqual(report.provenance.cores.map(\.packetsReceived).reduce(0, +), packets, "seed \(seed)")
            XCTAssertEqual(report.summary.provenance.droppedPackets, 0)
            XCTAssertEqual(report.summary.provenance.invalidKeys, 0)
        }
    }

    /// Cores own ring regions of their own size: a core that holds 7000-tick delays and one
    /// that holds 1-tick delays deliver on time side by side, in both arithmetics.
    func testLongAndShortDelaysOnDifferentCores() throws {
        let image = try compile("""
        duration: 7100
        populations:
          s: {size: 1, model: SpikeSourceArray, spike_times: [5, 2005]}
          near: {size: 1, model: IF_curr_exp, params: {tau_refrac: 50}, record: [spikes]}
          far: {size: 1, model: IF_curr_exp, params: {tau_refrac: 50}, record: [spikes]}
        projections:
          - {pre: s, post: near, connector: {type: AllToAllConnector}, synapse: {weight: 20, delay: 1}}
          - {pre: s, post: far, connector: {type: AllToAllConnector}, synapse: {weight: 20, delay: 7000}}
        """).image
        for arithmetic in Arithmetic.allCases {
            let spikes = try simulate(image, arithmetic: arithmetic).spikes
            let near = spikes.filter { $0.population == 1 }.map(\.tick), far = spikes.filter { $0.population == 2 }.map(\.tick)
            XCTAssertEqual(near.count, 2, "\(arithmetic)")
            XCTAssertEqual(far.count, 1, "\(arithmetic): the second spike's arrival is after the run")
            XCTAssertEqual(far.first.map { $0 - near[0] }, 6999, "\(arithmetic)")
        }
    }

    func testPoissonSourceRate() throws {
        let image = try compile("""
        duration: 2000
        populations:
          p: {size: 500, model: SpikeSourcePoisson, params: {rate: 20}, record: [spikes]}
          q: {size: 100, model: SpikeSourcePoisson, params: {rate: 15000, start: 100, duration: 10}, record: [spikes]}
          t: {size: 10, model: IF_curr_exp}
        projections:
          - {pre: q, post: t, connector: {type: AllToAllConnector}, synapse: {weight: 0.001, delay: 1}}
        """).image
        for threads in [1, 2] {
            let s = try simulate(image, arithmetic: .s1615, threads: threads).summary
            XCTAssertEqual(s.populations["p"]!.rateHz, 20, accuracy: 1.0)
            // 15 kHz for 10 ms: 150 spikes per atom (λ = 15 per tick, the normal branch).
            let spikes = s.populations["q"]!.spikes
            XCTAssertEqual(Double(spikes) / 100, 150, accuracy: 5)
            // An atom that spikes many times in a tick sends a packet, and its row, each time.
            XCTAssertEqual(s.synapticEvents, spikes * 10, "\(threads) threads")
        }
    }

    func testSaturationAndRoundingToZeroAreCounted() throws {
        // 40 sources fire together onto one neuron through a ring buffer held to shift 0 (the
        // default would size it for the volley), so the volley saturates the 16-bit entries; a
        // tiny weight beside the large one rounds to zero.
        let image = try compile("""
        duration: 10
        populations:
          s: {size: 40, model: SpikeSourceArray, spike_times: [2]}
          t: {size: 1, model: IF_curr_exp, ring_buffer_shifts: {excitatory: 0}}
        projections:
          - {pre: s, post: t, connector: {type: AllToAllConnector}, synapse: {weight: 2.0, delay: 1}, label: volley}
          - {pre: "s[0:1]", post: t, connector: {type: AllToAllConnector}, synapse: {weight: 0.0000001, delay: 1}, label: tiny}
        """).image
        let fixed = try simulate(image, arithmetic: .s1615).summary
        XCTAssertEqual(fixed.provenance.saturations, 39, "the first entry fits, every later add saturates")
        XCTAssertEqual(fixed.provenance.weightsRoundedToZero, 1)
        // 2 nA at shift 0 is 65536 units, stored as the largest entry, 65535: one of the 40 entries
        // reaches the neuron.
        XCTAssertEqual(fixed.saturatedInputs.first?.clippedFraction ?? 0, 39.0 / 40, accuracy: 1e-12)
        XCTAssertEqual(fixed.saturatedInputs.first?.population, "t")
        let saturation = fixed.warnings.first { $0.contains("saturated") } ?? ""
        for fragment in ["'t'", "'volley'", "ring_buffer_sigma", "ring_buffer_shifts", "97.5"] {
            XCTAssertTrue(saturation.contains(fragment), "'\(fragment)' missing from: \(saturation)")
        }
        let rounding = fixed.warnings.first { $0.contains("round to zero") } ?? ""
        XCTAssertTrue(rounding.contains("'tiny'") && rounding.contains("min_weights"), rounding)
        let float = try simulate(image, arithmetic: .float64).summary
        XCTAssertEqual(float.provenance.saturations, 0)
        XCTAssertEqual(float.provenance.weightsRoundedToZero, 0)
        XCTAssertTrue(float.warnings.isEmpty, "\(float.warnings)")
    }

    func testRunDirectory() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let image = try compile(Self.cuba(500, duration: 100)).image
        _ = try simulate(image, arithmetic: .s1615, out: dir)
        for file in ["spikes.csv", "summary.json", "provenance.json", "mapping.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/" + file), file)
        }
        let rows = try String(contentsOfFile: dir + "/spikes.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.first, "population,neuron,time_ms")
        let parsed = rows.dropFirst().map { r -> (Double, String, Int) in
            let f = r.split(separator: ",")
            return (Double(f[2])!, String(f[0]), Int(f[1])!)
        }
        XCTAssertGreaterThan(parsed.count, 10)
        XCTAssertTrue(zip(parsed, parsed.dropFirst()).allSatisfy { $0 <= $1 }, "spikes.csv sorted by time, population, neuron")
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/summary.json"))) as! [String: Any]
        for key in ["network", "target", "timing", "arithmetic", "duration_ms", "timestep_ms", "wall_seconds", "populations", "synaptic_events", "provenance", "energy_joules"] {
            XCTAssertNotNil(summary[key], key)
        }
        let provenance = summary["provenance"] as! [String: Any]
        for key in ["dropped_packets", "late_spikes", "timer_overruns", "input_buffer_overflows", "saturations", "weights_rounded_to_zero"] {
            XCTAssertNotNil(provenance[key], key)
        }
        let exc = (summary["populations"] as! [String: Any])["exc"] as! [String: Any]
        XCTAssertEqual(exc["size"] as? Int, 400)
        XCTAssertEqual(exc["spikes"] as? Int, parsed.filter { $0.1 == "exc" }.count)
    }

    func testImageRunsLikeTheNetworkItCameFrom() throws {
        let image = try compile(Self.cuba(800, duration: 100)).image
        let decoded = try ChipImageCodec.decode(ChipImageCodec.encode(image))
        XCTAssertEqual(try simulate(decoded, arithmetic: .s1615).spikes, try simulate(image, arithmetic: .s1615).spikes)
    }

    func testOverrunsArePredictedForAnOverloadedCore() throws {
        var m = MachineDescription.spinn5
        m.costs.synapticEventCycles = 100_000
        let image = try NetworkCompiler.compile(try NetworkParser.parse(Self.cuba(500, duration: 50), file: "c.yaml"), target: m).image
        let s = try simulate(image, arithmetic: .s1615).summary
        XCTAssertGreaterThan(s.provenance.timerOverruns, 0)
        XCTAssertGreaterThan(s.maxCoreLoad, 1)
    }
}
