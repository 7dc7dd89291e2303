import ChipSim
import Compiler
import Foundation
import Runtime
import XCTest

/// The Brian2 2.9.0 reference cases (`Fixtures/brian2`, copied from the shared reference set):
/// `float64` must reproduce Brian2's spike trains exactly under the `brian2` step convention
/// (`docs/step-semantics.md`); `s1615` within one spike and each spike within one step.
final class Brian2ReferenceTests: XCTestCase {
    struct Case {
        var yaml: String
        var reference: [Double]
        var dt: Double
        var trace: [Double]
    }

    func referenceCase(_ name: String) throws -> Case {
        let r = try fixtureJSON("brian2/\(name).json")
        let p = r["parameters"] as! [String: Double]
        let dt = r["dt_ms"] as! Double
        let stop = r["t_stop_ms"] as! Double
        let spikes = r["spike_times_ms"] as! [Double]
        var trace: [Double] = []
        if let t = r["v_trace_first_100ms_mV"] as? [String: Any] { trace = t["values"] as! [Double] }
        if let t = r["traces"] as? [String: Any] { trace = t["v_mV"] as! [Double] }
        if let t = r["traces_first_200ms"] as? [String: Any] { trace = t["v"] as! [Double] }
        let yaml: String
        let header = """
            network: \(name)
            step_convention: brian2
            timestep: \(dt)
            duration: \(stop)
            populations:
              cell:
                size: 1
            """
        if name.hasPrefix("c_") {
            yaml = header + """

                model: Izhikevich
                params: {a: \(p["a"]!), b: \(p["b"]!), c: \(p["c"]!), d: \(p["d"]!), i_offset: \(p["I"]!)}
                initial: {v: \(p["v_init"]!), u: \(p["u_init"]!)}
                record: [spikes, v]
            """
        } else {
            let cell = """
            {cm: \(p["cm_nF"]!), tau_m: \(p["tau_m_ms"]!), v_rest: \(p["v_rest_mV"]!), v_reset: \(p["v_reset_mV"]!),
                         v_thresh: \(p["v_thresh_mV"]!), tau_refrac: \(p["tau_refrac_ms"]!), tau_syn_E: \(p["tau_syn_E_ms"]!),
                         tau_syn_I: \(p["tau_syn_I_ms"]!), i_offset: \(p["i_offset_nA"]!)}
            """
            var y = header + """

                model: IF_curr_exp
                params: \(cell)
                initial: {v: \(p["v_init_mV"]!)}
                record: [spikes, v]
            """
            if let input = r["input_spike_times_ms"] as? [Double] {
                y += """

                  stimulus:
                    size: 1
                    model: SpikeSourceArray
                    spike_times: \(input)
                projections:
                  - pre: stimulus
                    post: cell
                    connector: {type: OneToOneConnector}
                    synapse: {type: StaticSynapse, weight: \(p["weight_nA"]!), delay: \(p["delay_ms"]!)}
                    receptor: excitatory
                """
            }
            yaml = y
        }
        return Case(yaml: yaml, reference: spikes, dt: dt, trace: trace)
    }

    static let cases = ["a_lif_const_current_dt1", "a_lif_const_current_dt0.1", "b_lif_spike_source_array_dt1",
                        "b_lif_spike_source_array_dt0.1", "c_izhikevich_rs_dt1", "c_izhikevich_rs_dt0.1"]

    func run(_ c: Case, _ arithmetic: Arithmetic) throws -> (spikes: [Double], v: [Double]) {
        let image = try compile(c.yaml).image
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let report = try simulate(image, arithmetic: arithmetic, out: dir)
        let cell = image.populations.firstIndex { $0.name == "cell" }!
        let spikes = report.spikes.filter { $0.population == cell }.map { Double($0.tick) * c.dt }
        let lines = try String(contentsOfFile: (dir as NSString).appendingPathComponent("v.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        let v = lines.map { Double($0.split(separator: ",")[3])! }
        return (spikes, v)
    }

    func testFloat64ReproducesBrian2Exactly() throws {
        for name in Self.cases {
            let c = try referenceCase(name)
            let (spikes, v) = try run(c, .float64)
            XCTAssertEqual(spikes.count, c.reference.count, "\(name): spike count")
            for (a, b) in zip(spikes, c.reference) { XCTAssertEqual(a, b, accuracy: 1e-9, "\(name)") }
            let compared = min(v.count, c.trace.count)
            XCTAssertGreaterThan(compared, 50, name)
            let worst = zip(v.prefix(compared), c.trace.prefix(compared)).map { abs($0 - $1) }.max()!
            XCTAssertLessThan(worst, 1e-6, "\(name): v trace differs by \(worst) mV")
        }
    }

    func testS1615AgreesWithinOneSpikeAndOneStep() throws {
        for name in Self.cases {
            let c = try referenceCase(name)
            let (spikes, _) = try run(c, .s1615)
            XCTAssertLessThanOrEqual(abs(spikes.count - c.reference.count), 1, "\(name): \(spikes.count) spikes, Brian2 \(c.reference.count)")
            let worst = zip(spikes, c.reference).map { abs($0 - $1) }.max() ?? 0
            let differing = zip(spikes, c.reference).filter { abs($0 - $1) > 1e-9 }.count
            print("s1615 vs Brian2, \(name): \(spikes.count) spikes (Brian2 \(c.reference.count)), \(differing) differ, largest difference \(worst) ms")
            XCTAssertLessThanOrEqual(worst, c.dt + 1e-9, "\(name): a spike is \(worst) ms from Brian2's")
        }
    }
}
