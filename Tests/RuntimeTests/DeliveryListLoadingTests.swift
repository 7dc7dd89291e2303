@testable import ChipSim
import Compiler
import NeuriteTestSupport
import XCTest

/// The delivery lists are counted and filled by as many workers as the run has parts, each on
/// whole source cores: the lists must come out the same, synapse for synapse, whatever the parts,
/// and hold every synapse of the image once, where the image's words say.
final class DeliveryListLoadingTests: XCTestCase {
    /// Each source neuron's list against the image read word by word: for every master
    /// population table entry of every core, the entry's source core (by key), each of its
    /// rows' words taken apart (``SynapticMatrix/decode(_:)``) and the ring position put
    /// together from neuron, type and delay, with the word's 16-bit weight or the full-precision
    /// one. The lists hold exactly these, each once; the shortest delay is the least of them.
    func testListsHoldEverySynapseOfTheImageOnce() throws {
        for seed in UInt64(1)...8 {
            let yaml = RandomNetworks.yaml(seed: seed)
            let image = try NetworkCompiler.compile(try NetworkParser.parse(yaml, file: "r.yaml"),
                                                    target: RandomNetworks.machine(seed: seed)).image
            var neuronBase = [0]
            for core in image.cores { neuronBase.append(neuronBase.last! + core.neuronCount) }
            let coreByKey = Dictionary(uniqueKeysWithValues: image.cores.enumerated().map { ($1.keyBase, $0) })
            for arithmetic in Arithmetic.allCases {
                var expected = [[[UInt64]]](repeating: [], count: neuronBase.last!)
                var shortest = Int.max
                for (t, core) in image.cores.enumerated() where !CrossbarCoreMatrix.isCrossbarCore(image, t) {
                    let m = core.synapses
                    let slotShift = SynapticMatrix.typeBits + m.indexBits, positions = 1 << (m.slotBits + slotShift)
                    for entry in m.entries {
                        let s = try XCTUnwrap(coreByKey[entry.key], "seed \(seed): an entry whose key is no core's")
                        for r in 0..<min(Int(entry.rows), image.cores[s].neuronCount) {
                            for k in m.row(entry, r) {
                                let (index, type, delay) = m.decode(m.words[k])
                                shortest = min(shortest, delay, m.slots)
                                let position = (delay << slotShift | type << m.indexBits | index) & (positions - 1)
                                let weight = arithmetic == .s1615 ? UInt64(m.words[k] >> 16) : m.floatWeight(k).bitPattern
                                expected[neuronBase[s] + r].append([UInt64(t << RingLayout.positionBits | position), weight])
                            }
                        }
                    }
                }
                let lists = LoadedChip(image: image, settings: CoreSettings(image: image, arithmetic: arithmetic), parts: 1).delivery
                XCTAssertEqual(lists.shortestDelay, shortest, "seed \(seed), \(arithmetic)")
                var mismatches: [String] = []
                for g in expected.indices {
                    let found = lists.synapses(ofNeuron: g, part: 0, parts: 1).map { k -> [UInt64] in
                        [UInt64(lists.target(k)), arithmetic == .s1615 ? UInt64(lists.staticWeight16(k)) : lists.staticWeight64(k).bitPattern]
                    }
                    if found.sorted(by: { $0.lexicographicallyPrecedes($1) }) != expected[g].sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                        mismatches.append("neuron \(g): \(found.count) synapses listed, \(expected[g].count) in the image")
                    }
                }
                XCTAssertEqual(mismatches.count, 0, "seed \(seed), \(arithmetic): \(mismatches.prefix(3).joined(separator: "; "))")
                XCTAssertGreaterThan(expected.joined().count, 0, "seed \(seed)")
            }
        }
    }

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
