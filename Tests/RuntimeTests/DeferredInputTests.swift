@testable import ChipSim
import Foundation
@testable import Runtime
import XCTest

/// The ring input of `ideal` timing's static synapses, which delivery does not count synapse by
/// synapse but sums at the end of a run where a clipped fraction needs it
/// (``IdealTimingEngine/finishCounters()``): it must equal every delivered spike's row weights,
/// summed here from the image's synaptic matrices.
final class DeferredInputTests: XCTestCase {
    /// A Poisson drive onto two populations of several cores each: `hot`'s ring buffer is held
    /// to shift 0 under weights that make its entries saturate; `cool`'s never does.
    static func yaml(timestep: Double, delay: String) -> String {
        """
        network: deferred
        timestep: \(timestep)
        duration: 100
        seed: 5
        populations:
          drive: {size: 120, model: SpikeSourcePoisson, params: {rate: 200}, neurons_per_core: 50}
          hot: {size: 90, model: IF_curr_exp, neurons_per_core: 32, ring_buffer_shifts: {excitatory: 0, inhibitory: 0}}
          cool: {size: 70, model: IF_curr_exp, neurons_per_core: 32}
        projections:
          - {pre: drive, post: hot, connector: {type: FixedProbabilityConnector, p_connect: 0.5}, synapse: {weight: 0.4, delay: \(delay)}}
          - {pre: drive, post: hot, connector: {type: FixedProbabilityConnector, p_connect: 0.2}, synapse: {weight: -0.3, delay: \(delay)}, receptor: inhibitory}
          - {pre: drive, post: cool, connector: {type: FixedProbabilityConnector, p_connect: 0.05}, synapse: {weight: 0.01, delay: \(delay)}}
        """
    }

    func testDeferredInputIsEveryDeliveredSpikesRowWeights() throws {
        for (timestep, delay) in [(1.0, "1.0"), (0.1, "{uniform: [0.2, 1.5]}")] {
            let image = try compile(Self.yaml(timestep: timestep, delay: delay)).image
            let hot = image.populations.firstIndex { $0.name == "hot" }!, cool = image.populations.firstIndex { $0.name == "cool" }!
            // Every part delivered, as one process's workers do; or one part alone, as one rank
            // of a run split across processes does.
            for (parts, delivered) in [(1, [0]), (3, [0, 1, 2]), (3, [1])] {
                let label = "dt \(timestep), parts \(delivered) of \(parts)"
                let engine = IdealTimingEngine(image: image, settings: CoreSettings(image: image, arithmetic: .s1615), parts: parts)
                var expected = [PerReceptor](repeating: PerReceptor(), count: image.cores.count)
                for tick in 0..<300 {
                    for c in engine.cores.indices { engine.update(core: c, tick: tick) }
                    for part in delivered { engine.deliver(part: part, tick: tick) }
                    let spikes = engine.spikes(ofTick: tick)
                    for s in image.cores.indices {
                        for j in spikes.spikes(core: s) { Self.addRows(of: s, neuron: Int(j), in: image, to: &expected) }
                    }
                }
                engine.finishCounters()
                var clipped = 0
                for part in delivered {
                    for c in engine.partition[part] where image.cores[c].population == hot || image.cores[c].population == cool {
                        let k = engine.cores[c].counters
                        XCTAssertGreaterThan(expected[c].total, 0, "\(label): core \(c) takes input")
                        if image.cores[c].population == hot {
                            XCTAssertGreaterThan(k.clippedInput.total, 0, "\(label): 'hot' core \(c) saturates")
                            XCTAssertEqual(k.ringInput, expected[c], "\(label): core \(c)")
                            XCTAssertLessThan(k.clippedInput.total, k.ringInput.total, "\(label): core \(c) kept some input")
                            clipped += 1
                        } else {
                            XCTAssertEqual(k.clippedInput, PerReceptor(), "\(label): 'cool' core \(c) does not saturate")
                            XCTAssertEqual(k.ringInput, PerReceptor(), "\(label): core \(c) clipped nothing, so nothing was summed")
                        }
                    }
                }
                XCTAssertGreaterThan(clipped, 0, "\(label): a delivered core saturates")
                let counters = engine.cores.map(\.counters)
                engine.finishCounters()
                XCTAssertEqual(engine.cores.map(\.counters), counters, "\(label): a second call adds nothing")
            }
        }
    }

    /// Adds the 16-bit weights of the row that a spike of neuron `j` of core `s` selects on every
    /// core whose master population table knows `s`, by synapse type.
    static func addRows(of s: Int, neuron j: Int, in image: ChipImage, to input: inout [PerReceptor]) {
        for (c, core) in image.cores.enumerated() {
            let m = core.synapses
            guard let e = m.lookup(image.cores[s].keyBase), j < Int(m.entries[e].rows) else { continue }
            for k in m.row(m.entries[e], j) { input[c][m.decode(m.words[k]).type] += Int(m.words[k] >> 16) }
        }
    }
}
