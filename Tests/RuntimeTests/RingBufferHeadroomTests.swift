import ChipSim
import Compiler
import Foundation
import Runtime
import XCTest

/// Networks whose volleys broke the foundation's ring-buffer sizing (every source at 30 Hz plus
/// 5σ): with sPyNNaker's sizing they run in `s1615` without saturation, within 2 % of `float64`.
final class RingBufferHeadroomTests: XCTestCase {
    func spikes(_ yaml: String, _ arithmetic: Arithmetic) throws -> RunSummary {
        let image = try compile(yaml).image
        return try Run.execute(image, options: RunOptions(arithmetic: arithmetic)).summary
    }

    func assertAgree(_ yaml: String, populations: [String], minimumSpikes: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let fixed = try spikes(yaml, .s1615), float = try spikes(yaml, .float64)
        XCTAssertEqual(fixed.provenance.saturations, 0, "s1615 saturated: \(fixed.warnings)", file: file, line: line)
        XCTAssertEqual(fixed.provenance.weightsRoundedToZero, 0, file: file, line: line)
        for name in populations {
            let a = fixed.populations[name]!.spikes, b = float.populations[name]!.spikes
            XCTAssertGreaterThanOrEqual(b, minimumSpikes, "\(name) fires", file: file, line: line)
            XCTAssertLessThanOrEqual(abs(Double(a - b)), 0.02 * Double(b), "\(name): s1615 \(a) spikes, float64 \(b)", file: file, line: line)
        }
    }

    /// A synfire chain: a 50-neuron volley from a spike array starts it, and each group of 50
    /// fires the next only when its spikes arrive together.
    func testSynfireChainPropagatesInFixedPoint() throws {
        var yaml = """
        duration: 100
        populations:
          volley: {size: 50, model: SpikeSourceArray, spike_times: [5]}
        """
        let groups = 8
        for g in 0..<groups {
            yaml += "\n  g\(g): {size: 50, model: IF_curr_exp, params: {tau_syn_E: 2, tau_refrac: 20}, record: [spikes]}"
        }
        yaml += "\nprojections:"
        for g in 0..<groups {
            yaml += "\n  - {pre: \(g == 0 ? "volley" : "g\(g - 1)"), post: g\(g), connector: {type: AllToAllConnector}, synapse: {weight: 0.4, delay: 2}}"
        }
        try assertAgree(yaml, populations: (0..<groups).map { "g\($0)" }, minimumSpikes: 50)
        let last = try spikes(yaml, .s1615).populations["g\(groups - 1)"]!.spikes
        XCTAssertEqual(last, 50, "the volley reaches the end of the chain whole")
    }

    /// 10,000 Poisson sources at 80 Hz drive 10,000 cells one to one, each input strong enough
    /// to fire its cell; a source may fire twice in a tick.
    func testOneToOnePoissonNetworkOf10000() throws {
        let yaml = """
        duration: 200
        populations:
          drive: {size: 10000, model: SpikeSourcePoisson, params: {rate: 80}}
          cells: {size: 10000, model: IF_curr_exp, params: {tau_syn_E: 1, tau_refrac: 1}, record: [spikes]}
        projections:
          - {pre: drive, post: cells, connector: {type: OneToOneConnector}, synapse: {weight: 30, delay: 1}}
        """
        try assertAgree(yaml, populations: ["cells"], minimumSpikes: 10000)
    }

    /// Brunel's network of delta-synapse cells (Brunel 2000, model A) in its synchronous regular
    /// regime (g = 3, ν_ext = 2 ν_thr), scaled down: the regime where the foundation lost 46 % of
    /// the rate to saturation.
    func testBrunelSynchronousRegularRegime() throws {
        // N_E = 800, N_I = 200, C_E = 80, C_I = 20, J = 0.2 mV, D = 1.5 ms, θ = 20 mV above rest.
        // ν_thr = θ / (J · C_E · τm) = 20 / (0.2 · 80 · 20) kHz = 62.5 Hz per external synapse.
        let yaml = """
        timestep: 0.1
        duration: 300
        seed: 7
        populations:
          exc: {size: 800, model: IF_curr_delta, params: &cell {tau_m: 20, cm: 1, v_rest: 0, v_reset: 10, v_thresh: 20, tau_refrac: 2},
                initial: {v: {uniform: [0, 20]}}, record: [spikes]}
          inh: {size: 200, model: IF_curr_delta, params: *cell, initial: {v: {uniform: [0, 20]}}, record: [spikes]}
          ext: {size: 1000, model: SpikeSourcePoisson, params: {rate: 10000}}
        projections:
          - {pre: exc, post: exc, connector: &ce {type: FixedNumberPreConnector, n: 80}, synapse: &je {weight: 0.2, delay: 1.5}}
          - {pre: exc, post: inh, connector: *ce, synapse: *je}
          - {pre: inh, post: exc, connector: &ci {type: FixedNumberPreConnector, n: 20}, synapse: &ji {weight: -0.6, delay: 1.5}, receptor: inhibitory}
          - {pre: inh, post: inh, connector: *ci, synapse: *ji, receptor: inhibitory}
          - {pre: "ext[0:800]", post: exc, connector: {type: OneToOneConnector}, synapse: *je}
          - {pre: "ext[800:1000]", post: inh, connector: {type: OneToOneConnector}, synapse: *je}
        """
        // The external rate is C_E · ν_ext = 80 · 125 Hz from one Poisson source per cell.
        try assertAgree(yaml, populations: ["exc", "inh"], minimumSpikes: 5000)
    }
}
