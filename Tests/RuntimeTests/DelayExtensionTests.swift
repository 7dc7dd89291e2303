import ChipSim
import Compiler
import Foundation
import Runtime
import XCTest

/// Delay-extension cores in the chip model: a synapse whose delay is longer than its target's
/// ring buffer reaches the target in the same tick as it would through a ring long enough.
final class DelayExtensionTests: XCTestCase {
    /// `n` source neurons that fire at random ticks, each with synapses of random delays up to
    /// `maxDelay` ticks onto random neurons of a target population of 60 cells that fire at every
    /// input, with `perCore` neurons per target core.
    func network(seed: UInt64, perCore: Int, maxDelay: Int) -> String {
        var rng = RandomStream(seed: seed)
        let times = (0..<40).map { _ in "[\(1 + rng.next() % 50), \(60 + rng.next() % 50)]" }.joined(separator: ", ")
        let rows = (0..<300).map { _ in "[\(rng.next() % 40), \(rng.next() % 60), 30, \(1 + rng.next() % UInt64(maxDelay))]" }
        return """
        duration: \(maxDelay + 120)
        seed: \(seed)
        populations:
          s: {size: 40, model: SpikeSourceArray, spike_times: [\(times)]}
          t: {size: 60, model: IF_curr_exp, params: {tau_syn_E: 1, tau_refrac: 0.1}, record: [spikes], neurons_per_core: \(perCore)}
        projections:
          - {pre: s, post: t, connector: {type: FromListConnector, connections: [\(rows.joined(separator: ", "))]}, synapse: {weight: 30, delay: 1}}
        """
    }

    func testLongDelaysArriveWhenADirectRingWouldDeliverThem() throws {
        var stages = 0
        for seed in UInt64(1)...6 {
            // 4 neurons per core hold 2^(13 − 2) = 2048 ticks: every delay direct. 60 hold 128.
            let direct = try compile(network(seed: seed, perCore: 4, maxDelay: 400)).image
            let extended = try compile(network(seed: seed, perCore: 60, maxDelay: 400)).image
            XCTAssertTrue(direct.cores.allSatisfy { $0.delayExtension == nil })
            let relays = extended.cores.compactMap(\.delayExtension)
            XCTAssertFalse(relays.isEmpty)
            stages = max(stages, relays.map(\.stage).max()!)
            for arithmetic in Arithmetic.allCases {
                for threads in [1, 2] {
                    let a = try simulate(direct, arithmetic: arithmetic).spikes
                    let b = try simulate(extended, arithmetic: arithmetic, threads: threads).spikes
                    XCTAssertGreaterThan(a.count, 100)
                    XCTAssertEqual(a, b, "seed \(seed), \(arithmetic), \(threads) threads")
                }
            }
        }
        XCTAssertGreaterThanOrEqual(stages, 3, "delays of up to 400 ticks over rings of 128 take three stages")
    }

    /// A delay-extension core costs its tick like a spike source, and its relayed packets and
    /// synaptic events are counted on it.
    func testRelaysAreCountedOnTheirCores() throws {
        let image = try compile(network(seed: 9, perCore: 60, maxDelay: 300)).image
        let report = try simulate(image, arithmetic: .s1615)
        let relays = image.cores.indices.filter { image.cores[$0].delayExtension != nil }
        XCTAssertFalse(relays.isEmpty)
        XCTAssertGreaterThan(relays.reduce(0) { $0 + report.provenance.cores[$1].packetsReceived }, 0)
        XCTAssertGreaterThan(relays.reduce(0) { $0 + report.provenance.cores[$1].spikesSent }, 0)
        XCTAssertEqual(report.summary.provenance.droppedPackets, 0)
        XCTAssertEqual(report.summary.provenance.invalidKeys, 0)
    }
}
