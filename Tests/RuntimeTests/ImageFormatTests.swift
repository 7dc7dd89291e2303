import ChipSim
import Compiler
import Foundation
import Runtime
import XCTest

/// Image format 2.0: older images still load and run as before, the 16-bit-only image of
/// `compile --arithmetic s1615` costs about 4 bytes per synapse and refuses `float64`, and
/// full-precision weights are kept only where the 16-bit ones lose them.
final class ImageFormatTests: XCTestCase {
    func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures/images/\(name)", withExtension: nil)!.path
    }

    /// `format-1.1.nchip` was written by the compiler before format 2.0 from `format-1.1.yaml`:
    /// it loads, and runs exactly as the same network compiled now (constant weights and uniform
    /// delays, whose draws did not change).
    func testAFormat11ImageRunsAsTheNetworkCompiledNow() throws {
        let bytes = try FileAccess.read(fixture("format-1.1.nchip"))
        XCTAssertEqual(try ChipImageCodec.version(of: bytes).major, 1)
        XCTAssertEqual(try ChipImageCodec.version(of: bytes).minor, 1)
        let old = try ChipImageCodec.decode(bytes)
        XCTAssertTrue(old.cores.allSatisfy { if case .perWord = $0.synapses.floatWeights { return true } else { return false } })
        let now = try NetworkCompiler.compile(try NetworkParser.parse(contentsOf: fixture("format-1.1.yaml")), target: .spinn5).image
        for arithmetic in Arithmetic.allCases {
            let a = try simulate(old, arithmetic: arithmetic).spikes, b = try simulate(now, arithmetic: arithmetic).spikes
            XCTAssertGreaterThan(a.count, 500)
            XCTAssertEqual(a, b, "\(arithmetic)")
        }
        // Re-encoded in format 2.0, the old image reads back unchanged.
        XCTAssertEqual(try ChipImageCodec.decode(ChipImageCodec.encode(old)), old)
    }

    func testAnImageOfALaterFormatIsRefusedSayingWhatThisBuildReads() throws {
        var bytes = try FileAccess.read(fixture("format-1.1.nchip"))
        bytes[5] = 3
        XCTAssertThrowsError(try ChipImageCodec.decode(bytes)) { error in
            XCTAssertEqual("\(error)", "chip image format 3.1 is not supported: this build reads formats 1.x and 2.x; compile the network again with this build")
        }
    }

    /// Normal weights: every synapse has its own full weight. The s1615 image keeps 4 bytes per
    /// synapse (plus row lengths and tables), runs exactly as the full image in s1615, and
    /// refuses float64 saying how to get an image that runs it.
    func testAnS1615ImageCostsAboutFourBytesPerSynapse() throws {
        let yaml = """
        seed: 5
        duration: 100
        populations:
          src: {size: 200, model: SpikeSourcePoisson, params: {rate: 20}}
          cells: {size: 1000, model: IF_curr_exp, record: [spikes]}
        projections:
          - {pre: src, post: cells, connector: {type: FixedProbabilityConnector, p_connect: 0.2}, synapse: {weight: {normal: [0.3, 0.05]}, delay: 1}}
          - {pre: cells, post: cells, connector: {type: FixedProbabilityConnector, p_connect: 0.1}, synapse: {weight: {normal: [0.05, 0.01]}, delay: {uniform: [1, 10]}}}
        """
        let network = try NetworkParser.parse(yaml, file: "w.yaml")
        let full = try NetworkCompiler.compile(network, targets: [.spinn5], options: CompileOptions(floatWeights: true))
        let chip = try NetworkCompiler.compile(network, targets: [.spinn5], options: CompileOptions(floatWeights: false))
        let synapses = Double(full.report.synapses)
        XCTAssertGreaterThan(synapses, 100_000)
        let fullBytes = Double(ChipImageCodec.encode(full.image).count), chipBytes = Double(ChipImageCodec.encode(chip.image).count)
        XCTAssertEqual(chipBytes / synapses, 4, accuracy: 0.5, "bytes per synapse of the s1615 image")
        XCTAssertEqual(fullBytes / synapses, 12, accuracy: 0.5, "bytes per synapse with a float weight each")
        XCTAssertFalse(chip.report.floatWeights)
        XCTAssertEqual(try simulate(chip.image, arithmetic: .s1615).spikes, try simulate(full.image, arithmetic: .s1615).spikes)
        XCTAssertThrowsError(try simulate(chip.image, arithmetic: .float64)) { error in
            XCTAssertTrue("\(error)".contains("compiled for s1615 only (neurite compile --arithmetic s1615)"), "\(error)")
        }
    }

    /// Constant weights: the full weight of a synapse follows from its 16-bit weight and type, and
    /// the image keeps one table of them per core instead of one weight per synapse.
    func testConstantWeightsNeedNoWeightPerSynapse() throws {
        let image = try NetworkCompiler.compile(try NetworkParser.parse(contentsOf: fixture("format-1.1.yaml")), target: .spinn5).image
        let cells = image.cores.filter { !$0.synapses.words.isEmpty }
        XCTAssertFalse(cells.isEmpty)
        for core in cells {
            guard case .byWeightField(let table) = core.synapses.floatWeights else { return XCTFail("a weight per synapse on \(core.location)") }
            // One weight per projection onto the core: src and arr (excitatory), inh (inhibitory).
            XCTAssertLessThanOrEqual(table.keys.count, 3)
        }
    }
}

extension ImageFormatTests {
    /// A synapse word whose target is past its core's neurons is refused, naming the core and
    /// the neuron (the loader checks every word, in one pass per core).
    func testASynapseOntoAMissingNeuronIsRefused() throws {
        var image = try NetworkCompiler.compile(try NetworkParser.parse(contentsOf: fixture("format-1.1.yaml")), target: .spinn5).image
        let c = try XCTUnwrap(image.cores.indices.last { !image.cores[$0].synapses.words.isEmpty })
        let m = image.cores[c].synapses, neurons = image.cores[c].neuronCount
        XCTAssertLessThan(neurons, 1 << m.indexBits, "the index field can name a missing neuron")
        let k = m.words.count / 2
        image.cores[c].synapses.words[k] = m.words[k] & ~UInt32(1 << m.indexBits - 1) | UInt32(neurons)
        XCTAssertThrowsError(try ChipImageCodec.decode(ChipImageCodec.encode(image))) { error in
            XCTAssertTrue("\(error)".contains("core \(c) has a synapse onto neuron \(neurons) of \(neurons)"), "\(error)")
        }
    }
}
