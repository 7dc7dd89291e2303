import ChipSim
import Compiler
import Foundation
import Runtime
import XCTest

/// Runs of plastic networks: what learns does not depend on the timing engine or the thread
/// count, and `weights.csv` records the learned weights and starts a later run from them.
final class PlasticRunTests: XCTestCase {
    /// Poisson inputs onto LIF neurons through two plastic projections (all-pairs additive with
    /// one-tick delays; nearest-pair multiplicative with 3 ms delays) beside a static one.
    static let network = """
        network: plastic
        timestep: 1.0
        duration: 400
        seed: 77
        populations:
          input: {size: 40, model: SpikeSourcePoisson, params: {rate: 30}, record: [spikes]}
          cells:
            size: 6
            model: IF_curr_exp
            params: {tau_m: 20, cm: 0.25, v_rest: -65, v_reset: -65, v_thresh: -50, tau_refrac: 2, tau_syn_E: 5, tau_syn_I: 5}
            ring_buffer_shifts: {excitatory: 0, inhibitory: 0}
            record: [spikes]
        projections:
          - pre: input
            post: cells
            connector: {type: AllToAllConnector}
            synapse:
              type: STDPMechanism
              weight: {uniform: [0.0, 0.05]}
              delay: 1
              timing_dependence: {type: SpikePairRule, tau_plus: 20, tau_minus: 20, A_plus: 0.002, A_minus: 0.0021}
              weight_dependence: {type: AdditiveWeightDependence, w_min: 0, w_max: 0.05}
            label: "pairs, additive"
          - pre: input
            post: cells
            connector: {type: FixedProbabilityConnector, p_connect: 0.5}
            synapse:
              type: STDPMechanism
              weight: 0.02
              delay: 3
              timing_dependence: {type: SpikeNearestPairRule, tau_plus: 15, tau_minus: 30, A_plus: 0.05, A_minus: 0.04}
              weight_dependence: {type: MultiplicativeWeightDependence, w_min: 0, w_max: 0.04}
            label: nearest
          - pre: cells
            post: cells
            connector: {type: AllToAllConnector, allow_self_connections: false}
            synapse: {weight: -0.05, delay: 1}
            receptor: inhibitory
        """

    func testLearningIsTheSameInIdealAndCycleTimingAndOnAnyThreadCount() throws {
        let image = try compile(Self.network).image
        for arithmetic in [Arithmetic.s1615, .float64] {
            var runs: [(spikes: [RecordedSpike], weights: String)] = []
            for (timing, threads) in [(Timing.ideal, 1), (.ideal, 2), (.cycle, 1)] {
                let dir = temporaryDirectory()
                defer { try? FileManager.default.removeItem(atPath: dir) }
                let report = try Run.execute(image, options: RunOptions(arithmetic: arithmetic, timing: timing, threads: threads,
                                                                        outputDirectory: dir, collectSpikes: true))
                XCTAssertEqual(report.summary.provenance.droppedPackets + report.summary.provenance.lateSpikes, 0)
                XCTAssertGreaterThan(report.summary.plasticSynapticEvents, 1000)
                runs.append((report.spikes, try String(contentsOfFile: dir + "/weights.csv", encoding: .utf8)))
            }
            XCTAssertGreaterThan(runs[0].spikes.filter { $0.population == 1 }.count, 20, "the cells fire, so the weights learn")
            for run in runs.dropFirst() {
                XCTAssertEqual(run.spikes, runs[0].spikes, "\(arithmetic)")
                XCTAssertEqual(run.weights, runs[0].weights, "\(arithmetic)")
            }
        }
    }

    func testWeightsCSVListsEverySynapseAndTheWeightsMoved() throws {
        let compiled = try compile(Self.network)
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try simulate(compiled.image, arithmetic: .float64, out: dir)
        let lines = try String(contentsOfFile: dir + "/weights.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.first, "projection,pre,post,weight,delay")
        let rows = lines.dropFirst().map { WeightsFile.fields($0)! }
        let plastic = compiled.image.projections.filter { $0.plasticity != nil }
        XCTAssertEqual(rows.count, plastic.reduce(0) { $0 + $1.synapses })
        XCTAssertEqual(rows.filter { $0[0] == "pairs, additive" }.count, 240, "all to all, 40 × 6")
        XCTAssertEqual(Set(rows.filter { $0[0] == "nearest" }.map { $0[4] }), ["3.0"])
        let nearest = rows.filter { $0[0] == "nearest" }.map { Double($0[3])! }
        XCTAssertTrue(nearest.allSatisfy { (0...0.04).contains($0) })
        XCTAssertGreaterThan(Set(nearest).count, 10, "the multiplicative weights, all 0.02 at first, spread")
        XCTAssertEqual(WeightsFile.quoted("pairs, additive"), "\"pairs, additive\"")
        XCTAssertEqual(rows.first?[0], "pairs, additive", "rows in projection order")
    }

    func testAWeightsFileStartsALaterRun() throws {
        let image = try compile(Self.network).image
        let first = temporaryDirectory(), second = temporaryDirectory(), third = temporaryDirectory()
        defer { for d in [first, second, third] { try? FileManager.default.removeItem(atPath: d) } }
        for arithmetic in [Arithmetic.s1615, .float64] {
            _ = try Run.execute(image, options: RunOptions(arithmetic: arithmetic, outputDirectory: first, replaceEarlierRun: true))
            let learned = try String(contentsOfFile: first + "/weights.csv", encoding: .utf8)
            // A run of no time from the learned weights lists them unchanged.
            var options = RunOptions(durationMs: 0, arithmetic: arithmetic, outputDirectory: second, replaceEarlierRun: true)
            options.initialWeights = first + "/weights.csv"
            _ = try Run.execute(image, options: options)
            XCTAssertEqual(try String(contentsOfFile: second + "/weights.csv", encoding: .utf8), learned, "\(arithmetic)")
            // Starting from them changes what the cells do.
            options.durationMs = nil
            let fromLearned = try Run.execute(image, options: { var o = options; o.collectSpikes = true; return o }())
            let fromCompiled = try simulate(image, arithmetic: arithmetic)
            XCTAssertNotEqual(fromLearned.spikes.filter { $0.population == 1 }, fromCompiled.spikes.filter { $0.population == 1 })
        }
        // A file of some rows sets those synapses only.
        let header = "projection,pre,post,weight,delay\n"
        let partial = third + "/one.csv"
        try (header + "\"pairs, additive\",3,2,0.0375,1.0\n").write(toFile: partial, atomically: true, encoding: .utf8)
        var options = RunOptions(durationMs: 0, arithmetic: .float64, outputDirectory: second, replaceEarlierRun: true)
        options.initialWeights = partial
        _ = try Run.execute(image, options: options)
        let compiled = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: compiled) }
        _ = try Run.execute(image, options: RunOptions(durationMs: 0, arithmetic: .float64, outputDirectory: compiled))
        let set = try String(contentsOfFile: second + "/weights.csv", encoding: .utf8).split(separator: "\n")
        let before = try String(contentsOfFile: compiled + "/weights.csv", encoding: .utf8).split(separator: "\n")
        let changed = zip(set, before).filter { $0 != $1 }
        XCTAssertEqual(changed.map(\.0), ["\"pairs, additive\",3,2,0.0375,1.0"])
    }

    func testABadWeightsFileSaysWhichLineAndWhatWasExpected() throws {
        let image = try compile(Self.network + """

              - pre: cells
                post: cells
                connector: {type: OneToOneConnector}
                synapse: {weight: 0.01, delay: 1}
                label: fixed
            """).image
        let header = "projection,pre,post,weight,delay\n"
        let cases: [(String, String)] = [
            ("pre,post,weight\n", "weights.csv:1: expected the header 'projection,pre,post,weight,delay', found 'pre,post,weight'"),
            (header + "nearest,1,2\n", "weights.csv:2: expected 5 fields (projection,pre,post,weight,delay), found 'nearest,1,2'"),
            (header + "\"nearest,1,2,0.01,3.0\n", "weights.csv:2: expected 5 fields"),
            (header + "other,1,2,0.01,3.0\n", "weights.csv:2: no projection is labelled 'other' in this network"),
            (header + "fixed,1,1,0.01,1.0\n", "weights.csv:2: projection 'fixed' has static synapses; only plastic ones take initial weights"),
            (header + "nearest,40,2,0.01,3.0\n", "weights.csv:2: pre '40': expected a neuron of 'input', 0...39"),
            (header + "nearest,1,-1,0.01,3.0\n", "weights.csv:2: post '-1': expected a neuron of 'cells', 0...5"),
            (header + "nearest,1,2,0.05,3.0\n", "weights.csv:2: weight '0.05': expected a number in [0.0, 0.04] (w_min, w_max of 'nearest')"),
            (header + "nearest,1,2,nan,3.0\n", "weights.csv:2: weight 'nan': expected a number in [0.0, 0.04]"),
            (header + "nearest,1,2,0.01,2.5\n", "weights.csv:2: delay '2.5': expected ms, a whole number of 1.0 ms time steps"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try WeightsFile.parse(text, image: image, name: "weights.csv"), text) { error in
                XCTAssertTrue("\(error)".hasPrefix(expected), "\(error)")
            }
        }
        // Rows that parse but name no synapse of this network: another delay, or more synapses
        // between a pair than it has.
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for rows in ["\"pairs, additive\",1,2,0.01,2.0\n", "\"pairs, additive\",1,2,0.01,1.0\n\"pairs, additive\",1,2,0.02,1.0\n"] {
            let path = dir + "/w.csv"
            try (header + rows).write(toFile: path, atomically: true, encoding: .utf8)
            var options = RunOptions(arithmetic: .float64, outputDirectory: dir + "/run", replaceEarlierRun: true)
            options.initialWeights = path
            XCTAssertThrowsError(try Run.execute(image, options: options)) { error in
                XCTAssertTrue("\(error)".contains("'pairs, additive' has no plastic synapse from 1 to 2 with a delay of"), "\(error)")
                XCTAssertTrue("\(error)".hasSuffix("is the file from another network or seed?"), "\(error)")
            }
        }
    }

    func testAPartitionedRunRefusesPlasticity() throws {
        let image = try compile(Self.network).image
        var options = RunOptions()
        options.partitions = PartitionOptions(ranks: 2)
        XCTAssertThrowsError(try Simulator.check(image, options: options)) { error in
            XCTAssertEqual("\(error)", "--partitions runs static synapses only, and projection 'pairs, additive' is plastic; run STDP in one process")
        }
    }
}
