import ChipSim
import Compiler
import Foundation
import XCTest

final class TargetTests: XCTestCase {
    /// The repository's `configs/` directory.
    var configs: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("configs").path
    }

    func testConfigFilesDescribeTheBuiltInTargets() throws {
        XCTAssertEqual(try TargetParser.parse(contentsOf: configs + "/spinn-5.yaml"), MachineDescription.spinn5)
        XCTAssertEqual(try TargetParser.parse(contentsOf: configs + "/spinn-3.yaml"), MachineDescription.spinn3)
        XCTAssertEqual(try TargetParser.resolve(nil), .spinn5)
        XCTAssertEqual(try TargetParser.resolve("spinn-3"), .spinn3)
    }

    func testBadTargetsAreRefusedWithLocations() {
        XCTAssertThrowsError(try TargetParser.resolve("spinn-9")) { XCTAssertTrue("\($0)".contains("unknown target 'spinn-9'")) }
        XCTAssertThrowsError(try TargetParser.parse("name: x\nlayout: hexagon\nwidth: 2\nheight: 2\n", file: "t.yaml")) {
            XCTAssertTrue("\($0)".hasPrefix("t.yaml:2:9: error: unknown layout 'hexagon'"), "\($0)")
        }
        XCTAssertThrowsError(try TargetParser.parse("name: x\nlayout: rectangle\nwidth: 2\nheight: 2\ncore: {max_neurons: 0}\n", file: "t.yaml")) {
            XCTAssertTrue("\($0)".contains("'max_neurons' must be in"), "\($0)")
        }
    }

    func testACustomTargetChangesTheMapping() throws {
        var m = MachineDescription.spinn3
        m.maxNeuronsPerCore = 64
        let spec = try NetworkParser.parse("populations:\n  a: {size: 300, model: IF_curr_exp}\n", file: "t.yaml")
        XCTAssertEqual(try NetworkCompiler.compile(spec, target: m).report.coresUsed, 5)
        XCTAssertEqual(try NetworkCompiler.compile(spec, target: .spinn5).report.coresUsed, 2)
    }
}

final class TargetFileTests: XCTestCase {
    var configs: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("configs").path
    }

    func testTriadsAndDeadPartsAreRead() throws {
        XCTAssertEqual(try TargetParser.parse(contentsOf: configs + "/spinn-5x3.yaml"), MachineDescription.spinn5Triads(across: 1, down: 1))
        let m = try TargetParser.parse("""
        name: faulty
        layout: triads
        width: 24
        height: 12
        dead_chips: [[3, 4], [3, 4]]
        dead_links: [[0, 0, 1], [5, 5, SW]]
        dead_cores: [[1, 1, 17]]
        core: {dtcm_bytes: 40000, neuron_dtcm_bytes: 80}
        """, file: "t.yaml")
        XCTAssertTrue(m.wrapsAround, "triads wrap unless told")
        XCTAssertEqual(m.boards, 6)
        XCTAssertEqual(m.deadChips, [ChipCoordinate(x: 3, y: 4)])
        XCTAssertEqual(m.deadLinks, [ChipLink(chip: ChipCoordinate(x: 0, y: 0), link: .northEast),
                                     ChipLink(chip: ChipCoordinate(x: 5, y: 5), link: .southWest)])
        XCTAssertEqual(m.deadCores, [CoreLocation(chip: ChipCoordinate(x: 1, y: 1), processor: 17)])
        XCTAssertEqual(m.memory.dtcmBytes, 40000)
        XCTAssertEqual(m.memory.neuronBytes, 80)
        let faulty = try TargetParser.parse(contentsOf: configs + "/spinn-5-faulty.yaml")
        XCTAssertFalse(faulty.deadChips.isEmpty || faulty.deadLinks.isEmpty || faulty.deadCores.isEmpty)
    }

    func testBadDeadPartsAndTriadsAreRefusedWithLocations() {
        func refuse(_ yaml: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertThrowsError(try TargetParser.parse(yaml, file: "t.yaml")) {
                XCTAssertTrue("\($0)".contains(message), "\($0)", file: file, line: line)
            }
        }
        refuse("name: x\nlayout: spinn5\nwidth: 8\nheight: 8\ndead_chips: [[0, 7]]\n", "t.yaml:5:14: error: chip (0,7) is not on the 8 × 8 spinn5 machine")
        refuse("name: x\nlayout: spinn5\nwidth: 8\nheight: 8\ndead_links: [[0, 0, 6]]\n", "t.yaml:5:21: error: link 6 does not exist; expected 0–5 or E, NE, N, W, SW, S")
        refuse("name: x\nlayout: spinn5\nwidth: 8\nheight: 8\ndead_cores: [[0, 0, 0]]\n", "processor 0 is not an application core; expected 1...17")
        refuse("name: x\nlayout: spinn5\nwidth: 8\nheight: 8\ndead_chips: [[1, 2, 3]]\n", "a dead chip is [x, y], found 3 values")
        refuse("name: x\nlayout: triads\nwidth: 20\nheight: 12\n", "a triad of SpiNN-5 boards is 12 × 12 chips, so each side must be a multiple of 12")
    }

    func testAutoIsATargetName() throws {
        XCTAssertEqual(try TargetParser.candidates("auto"), MachineDescription.spinn5Machines)
        XCTAssertEqual(try TargetParser.candidates("spinn-3"), [.spinn3])
        XCTAssertThrowsError(try TargetParser.resolve("spinn-9")) { XCTAssertTrue("\($0)".contains("auto (the fewest SpiNN-5 boards"), "\($0)") }
    }
}
