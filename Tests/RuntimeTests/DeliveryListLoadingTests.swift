@testable import ChipSim
import Compiler
import NeuriteTestSupport
import XCTest

/// The delivery lists are counted and filled by as many workers as the run has parts, each on
/// whole source cores: the lists must come out the same, synapse for synapse, whatever the parts.
final class DeliveryListLoadingTests: XCTestCase {
    func testListsDoNotDependOnTheWorkersThatFillThem() throws {
        for seed in UInt64(1)...8 {
            let yaml = RandomNetworks.yaml(seed: seed)
            let image = try NetworkCompiler.compile(try NetworkParser.parse(yaml, file: "r.yaml"),
                                                    target: RandomNetworks.machine(seed: seed)).image
            for arithmetic in Arithmetic.allCases {
                let settings = CoreSettings(image: image, arithmetic: arithmetic)
                let one = LoadedChip(image: image, settings: settings, parts: 1).delivery
                let neurons = one.globalNeuron(core: one.sourceCores, neuron: 0)
                XCTAssertGreaterThan(neurons, 0)
                for parts in [2, 3, 5] {
                    let many = LoadedChip(image: image, settings: settings, parts: parts).delivery
                    let n = many.cutCount
                    XCTAssertEqual(many.globalNeuron(core: many.sourceCores, neuron: 0), neurons)
                    XCTAssertEqual(many.shortestDelay, one.shortestDelay, "seed \(seed), \(parts) parts")
                    var mismatches = 0
                    for g in 0..<neurons {
                        let all = one.synapses(ofNeuron: g, part: 0, parts: 1)
                        let first = many.synapses(ofNeuron: g, part: 0, parts: n).lowerBound
                        let last = many.synapses(ofNeuron: g, part: n - 1, parts: n).upperBound
                        guard first..<last == all else { mismatches += 1; continue }
                        for k in all where many.target(k) != one.target(k)
                            || (arithmetic == .s1615 ? many.staticWeight16(k) != one.staticWeight16(k)
                                                     : many.staticWeight64(k) != one.staticWeight64(k)) {
                            mismatches += 1
                        }
                    }
                    XCTAssertEqual(mismatches, 0, "seed \(seed), \(arithmetic), \(parts) parts")
                }
            }
        }
    }
}
