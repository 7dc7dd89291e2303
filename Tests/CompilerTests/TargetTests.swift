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
