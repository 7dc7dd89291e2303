@testable import ChipSim
import Compiler
import CrossbarClassifier
import Foundation
import XCTest

/// The crossbar target in the compiler and the image: target files, what the compiler refuses,
/// the report of the tiles, and the XBAR section (round trip, damage).
final class CrossbarTargetTests: XCTestCase {
    static let network = """
    network: xbar
    seed: 11
    populations:
      src: {size: 120, model: SpikeSourcePoisson, params: {rate: 10}}
      exc: {size: 80, model: IF_curr_exp}
    projections:
      - {pre: src, post: exc, connector: {type: FixedProbabilityConnector, p_connect: 0.5}, synapse: {weight: 0.05, delay: 1}, label: drive}
      - {pre: exc, post: exc, connector: {type: FixedProbabilityConnector, p_connect: 0.2}, synapse: {weight: -0.1, delay: 3},
         receptor: inhibitory, label: lateral}
    """

    var repository: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    /// `configs/crossbar.yaml` with 64 × 64 tiles and ideal wires (no IR-drop solve at load).
    func target() throws -> MachineDescription {
        var m = try TargetParser.parse(contentsOf: repository.appendingPathComponent("configs/crossbar.yaml").path)
        m.crossbar!.tileRows = 64
        m.crossbar!.tileCols = 64
        m.crossbar!.wireResistanceOhm = 0
        return m
    }

    func compile(_ yaml: String = network) throws -> Compilation {
        try NetworkCompiler.compile(try NetworkParser.parse(yaml, file: "xbar.yaml"), target: try target())
    }

    func testTargetFileGivesTheCrossbarSettings() throws {
        let m = try TargetParser.parse(contentsOf: repository.appendingPathComponent("configs/crossbar.yaml").path)
        XCTAssertEqual(m.crossbar, CrossbarSettings())
        XCTAssertNil(try TargetParser.resolve("spinn-5").crossbar)
        XCTAssertThrowsError(try TargetParser.parse("name: x\nlayout: spinn5\nwidth: 8\nheight: 8\ncrossbar: {levels: 1}\n", file: "t.yaml")) {
            XCTAssertTrue("\($0)".contains("t.yaml:5"), "\($0)")
            XCTAssertTrue("\($0)".contains("levels"), "\($0)")
        }
    }

    /// The report lists every tile: its core, matrix (delay, receptor), projections, and how
    /// full it is; the rows and columns of a matrix's tiles cover it once.
    func testReportSaysWhatEachTileHolds() throws {
        let c = try compile()
        let x = try XCTUnwrap(c.report.crossbar)
        XCTAssertEqual(try MappingReport.decode(json: c.image.mappingReport).crossbar, x)
        XCTAssertEqual([x.tileRows, x.tileCols], [64, 64])
        let drive = x.tiles.filter { $0.projections == ["drive"] }, lateral = x.tiles.filter { $0.projections == ["lateral"] }
        XCTAssertEqual(drive.count + lateral.count, x.tiles.count)
        // 120 source rows in two bands of 60, 80 neurons in two of 40; 80 lateral rows likewise.
        XCTAssertEqual(drive.count, 4)
        XCTAssertEqual(lateral.count, 4)
        XCTAssertEqual(Set(drive.map(\.delayTicks)), [1])
        XCTAssertEqual(Set(lateral.map(\.delayTicks)), [3])
        XCTAssertEqual(Set(lateral.map(\.receptor)), ["inhibitory"])
        XCTAssertEqual(drive.reduce(0) { $0 + $1.cellsUsed }, 120 * 80)
        for t in x.tiles {
            XCTAssertEqual(t.cellsUsed, (t.rows[1] - t.rows[0]) * (t.columns[1] - t.columns[0]))
            XCTAssertEqual(t.utilization, Double(t.cellsUsed) / 4096, accuracy: 1e-12)
            XCTAssertGreaterThan(t.nonzeroWeights, 0)
        }
        XCTAssertEqual(drive.reduce(0) { $0 + $1.nonzeroWeights } + lateral.reduce(0) { $0 + $1.nonzeroWeights },
                       c.report.synapses, "every synapse is one nonzero cell (no pair is connected twice here)")
        XCTAssertEqual(x.stuckDevices, x.tiles.reduce(0) { $0 + $1.stuckOn + $1.stuckOff })
        XCTAssertTrue(c.report.summary.contains("crossbar tiles        8 of 64 × 64 cells"), c.report.summary)
    }

    func testCompilerRefusesWhatTilesCannotHold() throws {
        let plastic = Self.network.replacingOccurrences(
            of: "synapse: {weight: 0.05, delay: 1}",
            with: "synapse: {type: STDPMechanism, weight: 0.05, delay: 1, timing_dependence: {type: SpikePairRule, tau_plus: 20, tau_minus: 20, A_plus: 0.01, A_minus: 0.01}, weight_dependence: {type: AdditiveWeightDependence, w_min: 0, w_max: 0.1}}")
        XCTAssertThrowsError(try compile(plastic)) {
            XCTAssertTrue("\($0)".contains("xbar.yaml:7"), "\($0)")
            XCTAssertTrue("\($0)".contains("do not learn"), "\($0)")
        }
        let spec = try NetworkParser.parse(Self.network, file: "xbar.yaml")
        XCTAssertThrowsError(try NetworkCompiler.compile(spec, targets: [try target()], options: CompileOptions(floatWeights: false))) {
            XCTAssertTrue("\($0)".contains("--arithmetic float64"), "\($0)")
        }
    }

    func testImageRoundTripCarriesTheSettingsInXBAR() throws {
        let image = try compile().image
        let bytes = ChipImageCodec.encode(image)
        XCTAssertEqual(try ChipImageCodec.version(of: bytes).minor, 2)
        XCTAssertTrue(try ChipImageCodec.sections(of: bytes).map(\.id).contains("XBAR"))
        let back = try ChipImageCodec.decode(bytes)
        XCTAssertEqual(back, image)
        XCTAssertEqual(back.machine.crossbar, try target().crossbar)
        // A digital image has no XBAR section, and MACH never holds the settings.
        var digital = image
        digital.machine.crossbar = nil
        let digitalBytes = ChipImageCodec.encode(digital)
        XCTAssertFalse(try ChipImageCodec.sections(of: digitalBytes).map(\.id).contains("XBAR"))
        XCTAssertNil(try ChipImageCodec.decode(digitalBytes).machine.crossbar)
        XCTAssertEqual(Array(String(decoding: bytes, as: UTF8.self).ranges(of: "programmingNoise")).count, 1)
    }

    func testDamagedOrImpossibleXBARIsRefusedByName() throws {
        let image = try compile().image
        var bytes = ChipImageCodec.encode(image)
        let xbar = try XCTUnwrap(ChipImageCodec.sections(of: bytes).first { $0.id == "XBAR" })
        bytes[xbar.offset + 3] ^= 0x20
        XCTAssertThrowsError(try ChipImageCodec.decode(bytes)) {
            XCTAssertTrue("\($0)".hasPrefix("section XBAR (crossbar settings) is damaged: checksum"), "\($0)")
        }
        // Checksums that match over content that is not settings.
        func payloads(replacingXBARWith xbarBytes: [UInt8]) throws -> [UInt8] {
            let original = ChipImageCodec.encode(image)
            let sections = try ChipImageCodec.sections(of: original)
            return ChipImageCodec.assemble(sections.map { s in
                (s.id, s.id == "XBAR" ? xbarBytes : Array(original[s.offset..<(s.offset + s.length)]))
            })
        }
        XCTAssertThrowsError(try ChipImageCodec.decode(payloads(replacingXBARWith: Array("{\"tileRows\": 3}".utf8)))) {
            XCTAssertTrue("\($0)".hasPrefix("section XBAR (crossbar settings) is malformed: its JSON does not decode"), "\($0)")
        }
        var impossible = image
        impossible.machine.crossbar!.gMinMicrosiemens = 50
        XCTAssertThrowsError(try ChipImageCodec.decode(ChipImageCodec.encode(impossible))) {
            XCTAssertTrue("\($0)".contains("section XBAR (crossbar settings) is malformed: the crossbar settings have 'g_min_us' (50) must be below"), "\($0)")
        }
        var noWeights = image
        let exc = noWeights.populations[1].cores[0]
        noWeights.cores[exc].synapses.floatWeights = .absent
        XCTAssertThrowsError(try ChipImageCodec.decode(ChipImageCodec.encode(noWeights))) {
            XCTAssertTrue("\($0)".contains("has no full-precision weights to program its tiles with"), "\($0)")
        }
    }
}

/// The classifier of `Examples/crossbar-classifier/`, small: it learns, an ideal crossbar
/// classifies as the digital target does, and stuck devices cost accuracy.
final class CrossbarClassifierTests: XCTestCase {
    func testClassifierOnBothTargets() throws {
        let weights = CrossbarClassifier.train(CrossbarClassifier.samples(200, seed: 21, stream: 0))
        let test = CrossbarClassifier.samples(30, seed: 21, stream: 1)
        var ideal = MachineDescription.spinn5
        ideal.crossbar = .ideal
        let digital = try CrossbarClassifier.evaluate(weights: weights, test: test, seed: 1, target: .spinn5)
        let crossbar = try CrossbarClassifier.evaluate(weights: weights, test: test, seed: 1, target: ideal)
        XCTAssertGreaterThan(digital.accuracy, 0.7)
        XCTAssertEqual(crossbar.accuracy, digital.accuracy)
        XCTAssertLessThan(crossbar.dynamicJoulesPerInference, digital.dynamicJoulesPerInference)
        var stuck = ideal
        stuck.crossbar!.stuckOnRate = 0.2
        stuck.crossbar!.stuckOffRate = 0.2
        XCTAssertLessThan(try CrossbarClassifier.evaluate(weights: weights, test: test, seed: 1, target: stuck).accuracy, digital.accuracy)
        let rows = try CrossbarClassifier.sweep(crossbar: ideal, digital: .spinn5, weights: weights, test: Array(test.prefix(10)), seeds: 2,
                                                noises: [0, 0.1], stuckRates: [0.1])
        XCTAssertEqual(rows.map(\.accuracies.count), [2, 2, 2, 2])
        XCTAssertEqual(CrossbarClassifier.table(rows).split(separator: "\n").count, 2 + 4)
        XCTAssertTrue(CrossbarClassifier.svg(rows).hasPrefix("<svg"))
    }
}
