import ChipSim
@testable import Compiler
import Foundation
import XCTest

/// Compiles YAML text onto a target (SpiNN-5 by default).
func compile(_ yaml: String, target: MachineDescription = .spinn5) throws -> Compilation {
    try NetworkCompiler.compile(try NetworkParser.parse(yaml, file: "test.yaml"), target: target)
}

/// The path of a fixture of this test target.
func fixturePath(_ relative: String) -> String {
    Bundle.module.url(forResource: "Fixtures/\(relative)", withExtension: nil)!.path
}

/// Every synapse of an image as (source population and neuron, target population and neuron,
/// type, delay, full-precision weight), read back from the synaptic matrices through the master
/// population tables. A synapse through a delay extension is attributed to the neuron the
/// extension relays, its delay the stages' ticks plus its own; the extensions' own relay rows are
/// not synapses of the network.
struct DecodedSynapse: Hashable {
    var sourcePopulation: Int, sourceNeuron: Int, targetPopulation: Int, targetNeuron: Int, type: Int, delay: Int, weight: Double
}

func decodeSynapses(_ image: ChipImage) -> [DecodedSynapse] {
    var byKey: [UInt32: Int] = [:]
    for (c, core) in image.cores.enumerated() { byKey[core.keyBase] = c }
    var out: [DecodedSynapse] = []
    for core in image.cores where core.delayExtension == nil {
        let m = core.synapses
        for e in m.entries {
            let source = image.cores[byKey[e.key]!]
            let extra = source.delayExtension.map { $0.stage * $0.stageTicks } ?? 0
            for r in 0..<Int(e.rows) {
                for k in m.row(e, r) {
                    let (index, type, delay) = m.decode(m.words[k])
                    out.append(DecodedSynapse(sourcePopulation: source.population, sourceNeuron: source.firstNeuron + r,
                                              targetPopulation: core.population, targetNeuron: core.firstNeuron + index,
                                              type: type, delay: delay + extra, weight: m.floatWeight(k)))
                }
            }
        }
    }
    return out
}
