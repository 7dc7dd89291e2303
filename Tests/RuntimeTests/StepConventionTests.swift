import ChipSim
import Compiler
import Foundation
import Runtime
import XCTest

/// One test per difference between the `spinnaker` and `brian2` step conventions
/// (`docs/step-semantics.md`), each on one neuron with spike times worked out by hand.
final class StepConventionTests: XCTestCase {
    /// Ticks at which population `name` fired, in both arithmetics (which must agree here).
    func spikeTicks(_ yaml: String, _ name: String, convention: StepConvention, arithmetic: Arithmetic? = nil) throws -> [Int] {
        let image = try compile(yaml).image
        var runs: [[Int]] = []
        for a in arithmetic.map({ [$0] }) ?? Arithmetic.allCases {
            let report = try Run.execute(image, options: RunOptions(arithmetic: a, collectSpikes: true, stepConvention: convention))
            XCTAssertEqual(report.summary.stepConvention, convention.rawValue)
            let p = image.populations.firstIndex { $0.name == name }!
            runs.append(report.spikes.filter { $0.population == p }.map(\.tick))
        }
        for r in runs.dropFirst() { XCTAssertEqual(r, runs[0], "\(convention): the arithmetics differ") }
        return runs[0]
    }

    /// A source spike in tick 10 through a delay of 3 ms, strong enough to fire the neuron at
    /// once: on the chip the due slot enters the neuron at the start of tick 13 and it fires in
    /// tick 13 (latency d); in Brian2 the input joins after tick 13's update and the neuron fires
    /// in tick 14 (latency d + h).
    func testLatencyOfADelayIsDOnTheChipAndDPlusOneStepInBrian2() throws {
        let yaml = """
        duration: 30
        populations:
          s: {size: 1, model: SpikeSourceArray, spike_times: [10]}
          n: {size: 1, model: IF_curr_exp, params: {tau_syn_E: 1, tau_refrac: 10}, record: [spikes]}
        projections:
          - {pre: s, post: n, connector: {type: OneToOneConnector}, synapse: {weight: 30, delay: 3}}
        """
        XCTAssertEqual(try spikeTicks(yaml, "n", convention: .spinnaker), [13])
        XCTAssertEqual(try spikeTicks(yaml, "n", convention: .brian2), [14])
    }

    /// An offset current that fires the neuron in every tick it integrates: after a spike the
    /// chip holds it ceil(τ_refrac/h) ticks, Brian2 round(τ_refrac/h) − 1.
    func testRefractoryHoldIsCeilOnTheChipAndRoundMinusOneInBrian2() throws {
        func yaml(_ tauRefrac: Double) -> String {
            """
            duration: 20
            populations:
              n: {size: 1, model: IF_curr_exp, params: {i_offset: 100, tau_refrac: \(tauRefrac), v_reset: -65, v_rest: -65}, record: [spikes]}
            """
        }
        // τ = 3 ms: the chip holds 3 ticks (spike every 4th), Brian2 2 (every 3rd).
        XCTAssertEqual(try spikeTicks(yaml(3), "n", convention: .spinnaker), Array(stride(from: 0, to: 20, by: 4)))
        XCTAssertEqual(try spikeTicks(yaml(3), "n", convention: .brian2), Array(stride(from: 0, to: 20, by: 3)))
        // PyNN's default 0.1 ms: the chip holds one tick, Brian2 none.
        XCTAssertEqual(try spikeTicks(yaml(0.1), "n", convention: .spinnaker), Array(stride(from: 0, to: 20, by: 2)))
        XCTAssertEqual(try spikeTicks(yaml(0.1), "n", convention: .brian2), Array(0..<20))
    }

    /// Under the `spinnaker` convention `float64` runs the chip's LIF: the input held over the
    /// step, V ← α − e^(−h/τm)(α − V) with α = I·R + V_rest, the arrival scaled by
    /// (τ/h)(1 − e^(−h/τ)) and consumed before the update. Checked against the formula.
    func testFloat64RunsTheChipsLIFUnderTheSpinnakerConvention() throws {
        let yaml = """
        step_convention: spinnaker
        duration: 12
        populations:
          s: {size: 1, model: SpikeSourceArray, spike_times: [2]}
          n: {size: 1, model: IF_curr_exp, params: {cm: 0.5, tau_m: 10, tau_syn_E: 4, v_thresh: 0, v_rest: -65}, record: [v]}
        projections:
          - {pre: s, post: n, connector: {type: OneToOneConnector}, synapse: {weight: 1.5, delay: 1}}
        """
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try simulate(try compile(yaml).image, arithmetic: .float64, out: dir)
        let v = try String(contentsOfFile: dir + "/v.csv", encoding: .utf8).split(separator: "\n").dropFirst().map { Double($0.split(separator: ",")[3])! }
        // The spike of tick 2 is due in tick 3: I = 1.5 · (4/1)(1 − e^(−1/4)), then decays by e^(−1/4).
        var expected: [Double] = [], vm = -65.0, current = 0.0
        for tick in 0..<12 {
            expected.append(vm)
            if tick == 3 { current += 1.5 * 4 * (1 - exp(-0.25)) }
            let alpha = current * (10 / 0.5) - 65
            vm = alpha - exp(-0.1) * (alpha - vm)
            current *= exp(-0.25)
        }
        XCTAssertEqual(v.count, expected.count)
        for (a, b) in zip(v, expected) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        XCTAssertEqual(v[3], -65, "V at the start of tick 3, before the update that feels the input")
        XCTAssertGreaterThan(v[4], -65, "tick 3's update felt it")
    }

    /// The chip's conductance step holds the driving force over the step: with α = V_rest +
    /// R·g·(E_rev − V) and R = τm/cm, V ← α − e·(α − V), e = e^(−h/τm), moves V towards the
    /// step's fixed point V* = (V_rest + R·g·E_rev)/(1 + R·g) and multiplies its distance from it
    /// by λ = e − (1 − e)·R·g. Above R·g = e/(1 − e) (19.5 at h = 1 ms, τm = 20 ms) λ < 0 and V
    /// overshoots V*, so past E_rev_I; above (1 + e)/(1 − e) (40.0) the step diverges and one
    /// inhibitory spike fires the neuron. Brian2's exponential Euler keeps V within [E_rev_I, V].
    /// Three inhibitory weights, one on each side of the two bounds (`docs/step-semantics.md`).
    func testTheChipsConductanceStepOvershootsAboveItsStabilityBounds() throws {
        func yaml(_ weight: Double) -> String {
            """
            duration: 12
            populations:
              s: {size: 1, model: SpikeSourceArray, spike_times: [2]}
              n: {size: 1, model: IF_cond_exp, params: {cm: 0.2, tau_m: 20, tau_syn_I: 10, e_rev_I: -80, v_rest: -65, v_reset: -65, v_thresh: -50}, record: [spikes, v]}
            projections:
              - {pre: s, post: n, connector: {type: OneToOneConnector}, synapse: {weight: \(weight), delay: 1}, receptor: inhibitory}
            """
        }
        func trace(_ weight: Double, _ convention: StepConvention) throws -> [Double] {
            let dir = temporaryDirectory()
            _ = try Run.execute(try compile(yaml(weight)).image, options: RunOptions(arithmetic: .float64, outputDirectory: dir, stepConvention: convention))
            return try String(contentsOfFile: dir + "/v.csv", encoding: .utf8).split(separator: "\n").dropFirst().map { Double($0.split(separator: ",")[3])! }
        }
        let e = exp(-1.0 / 20), r = 20 / 0.2
        for weight in [0.1, 0.3, 0.6] {
            // The spike of tick 2 is due in tick 3 and enters as g = w·(τ/h)(1 − e^(−h/τ)).
            let g = weight * 10 * (1 - exp(-0.1)), fixed = (-65 + r * g * -80) / (1 + r * g), lambda = e - (1 - e) * r * g
            let chip = try trace(weight, .spinnaker)
            XCTAssertEqual(chip[4], fixed + lambda * (-65 - fixed), accuracy: 1e-9, "w = \(weight): one step of the held-input scheme")
            XCTAssertEqual(chip[4] < -80, r * g > e / (1 - e), "w = \(weight), R·g = \(r * g): past E_rev_I exactly above the first bound")
            XCTAssertTrue(try trace(weight, .brian2).allSatisfy { $0 >= -80 }, "w = \(weight): exponential Euler stays above E_rev_I")
        }
        XCTAssertEqual(try spikeTicks(yaml(0.3), "n", convention: .spinnaker), [], "R·g = 28.5: overshoots, damped")
        XCTAssertEqual(try spikeTicks(yaml(0.6), "n", convention: .spinnaker), [4], "R·g = 57: diverges, and an inhibitory spike fires")
        XCTAssertEqual(try spikeTicks(yaml(0.6), "n", convention: .brian2, arithmetic: .float64), [])
        XCTAssertEqual(try spikeTicks(yaml(0.6), "n", convention: .brian2, arithmetic: .s1615), [5], "s1615 runs the chip's step under brian2 too")
    }

    /// Izhikevich: Brian2's forward Euler, or sPyNNaker's RK2 midpoint with the step stretched to
    /// 1.85 h in the tick after a spike. The `float64` trace against the formulas, step by step.
    func testIzhikevichIntegratesByEulerOrByTheChipsRK2() throws {
        let yaml = """
        duration: 60
        populations:
          n: {size: 1, model: Izhikevich, params: {a: 0.02, b: 0.2, c: -65, d: 8, i_offset: 12}, initial: {v: -65, u: -13}, record: [spikes, v]}
        """
        func trace(_ convention: StepConvention) throws -> (v: [Double], spikes: [Int]) {
            let dir = temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let report = try Run.execute(try compile(yaml).image, options: RunOptions(
                arithmetic: .float64, outputDirectory: dir, collectSpikes: true, stepConvention: convention))
            let v = try String(contentsOfFile: dir + "/v.csv", encoding: .utf8).split(separator: "\n").dropFirst().map { Double($0.split(separator: ",")[3])! }
            return (v, report.spikes.map(\.tick))
        }
        func expected(rk2: Bool) -> (v: [Double], spikes: [Int]) {
            var v = -65.0, u = -13.0, stretched = false
            var vs: [Double] = [], spikes: [Int] = []
            let a = 0.02, b = 0.2, input = 12.0
            for tick in 0..<60 {
                vs.append(v)
                if rk2 {
                    let h = stretched ? 1.85 : 1.0, k = 0.040008544921875
                    let pre = 140 + input - u
                    let eta = v + h * (pre + (5 + k * v) * v) / 2
                    let beta = h * (b * v - u) * a / 2
                    let vn = v + h * (pre - beta + (5 + k * eta) * eta)
                    u = u + a * h * (-u - beta + b * eta)
                    v = vn
                } else {
                    let vn = v + (0.04 * v * v + 5 * v + 140 - u + input)
                    u = u + a * (b * v - u)
                    v = vn
                }
                stretched = v >= 30
                if stretched {
                    spikes.append(tick)
                    v = -65
                    u += 8
                }
            }
            return (vs, spikes)
        }
        for (convention, rk2) in [(StepConvention.brian2, false), (.spinnaker, true)] {
            let (v, spikes) = try trace(convention), reference = expected(rk2: rk2)
            XCTAssertGreaterThan(reference.spikes.count, 2, "\(convention)")
            XCTAssertEqual(spikes, reference.spikes, "\(convention)")
            for (x, y) in zip(v, reference.v) { XCTAssertEqual(x, y, accuracy: 1e-9, "\(convention)") }
        }
        XCTAssertNotEqual(try trace(.brian2).spikes, try trace(.spinnaker).spikes, "the two integrations differ")
    }

    /// The network's `step_convention` is the default; `simulate --step-convention` (here the run
    /// options) overrides it, and the image says which ran.
    func testTheNetworkSetsTheConventionAndTheRunMayOverrideIt() throws {
        let base = "populations:\n  n: {size: 1, model: IF_curr_exp}\n"
        XCTAssertEqual(try compile(base).image.network.stepConvention, .spinnaker, "the default on SpiNNaker targets")
        let image = try compile("step_convention: brian2\n" + base).image
        XCTAssertEqual(image.network.stepConvention, .brian2)
        XCTAssertEqual(try Run.execute(image, options: RunOptions(durationMs: 5)).summary.stepConvention, "brian2")
        XCTAssertEqual(try Run.execute(image, options: RunOptions(durationMs: 5, stepConvention: .spinnaker)).summary.stepConvention, "spinnaker")
    }
}
