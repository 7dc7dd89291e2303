import ChipSim
import Compiler
import Foundation
import XCTest

/// The settings: defaults, KEY=VALUE overrides, bounds, and the `crossbar:` block of a target file.
final class SettingsTests: XCTestCase {
    var configFile: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("configs/crossbar.yaml").path
    }

    func testConfigFileListsEverySettingWithItsDefault() throws {
        let defaults = CrossbarSettings()
        XCTAssertEqual(try CrossbarSettingsParser.parse(contentsOf: configFile), defaults)
        let text = try String(contentsOfFile: configFile, encoding: .utf8)
        for key in CrossbarSettings.keys {
            XCTAssertTrue(text.contains("  \(key.name): "), "configs/crossbar.yaml lacks \(key.name)")
        }
        // research/crossbar.md §7 and DESIGN §4.
        XCTAssertEqual([defaults.tileRows, defaults.tileCols, defaults.levels, defaults.adcBits], [256, 256, 16, 8])
        XCTAssertEqual([defaults.gMaxMicrosiemens, defaults.gMinMicrosiemens, defaults.wireResistanceOhm, defaults.readVoltageV,
                        defaults.readPulseNs], [40, 1, 1, 0.2, 10])
        XCTAssertEqual([defaults.readNoise, defaults.stuckOnRate, defaults.stuckOffRate, defaults.adcEnergyPicojoules],
                       [0.01, 0.001, 0.001, 1.56])
        XCTAssertNil(defaults.problem)
        XCTAssertNil(CrossbarSettings.ideal.problem)
    }

    func testOverridesByNameWithClearErrors() throws {
        var s = CrossbarSettings()
        try s.apply(override: "read_noise=0.05")
        try s.apply(override: "tile_rows=64")
        XCTAssertEqual(s.readNoise, 0.05)
        XCTAssertEqual(s.tileRows, 64)
        for key in CrossbarSettings.keys {
            var t = CrossbarSettings()
            try t.set(key.name, to: key.range.upperBound)
            XCTAssertEqual(t.value(of: key), key.range.upperBound, key.name)
        }
        let failures: [(String, String)] = [
            ("read_nois=0.1", "unknown crossbar setting 'read_nois'; expected one of: tile_rows, tile_cols, g_max_us"),
            ("levels=2.5", "'levels' must be a whole number in 0...65536, found 2.5"),
            ("stuck_on_rate=2", "'stuck_on_rate' must be in 0.0...1.0, found 2"),
            ("g_max_us=abc", "'g_max_us' must be a number, found 'abc'"),
            ("=3", "'=3' is not KEY=VALUE"),
            ("tile_cols", "'tile_cols' is not KEY=VALUE"),
        ]
        for (text, message) in failures {
            XCTAssertThrowsError(try s.apply(override: text)) { XCTAssertTrue("\($0)".hasPrefix(message), "\($0)") }
        }
    }

    func testProblemsBetweenSettings() {
        func problem(_ change: (inout CrossbarSettings) -> Void) -> String {
            var s = CrossbarSettings()
            change(&s)
            return s.problem ?? "none"
        }
        XCTAssertEqual(problem { $0.gMinMicrosiemens = 40 }, "'g_min_us' (40) must be below 'g_max_us' (40)")
        XCTAssertEqual(problem { $0.levels = 1 }, "'levels' of 1; expected 0 (continuous) or 2...65536")
        XCTAssertEqual(problem { $0.adcBits = 1 }, "'adc_bits' of 1 leaves no level either side of 0; expected 0 (no ADC) or 2...24")
        XCTAssertEqual(problem { $0.stuckOnRate = 0.6; $0.stuckOffRate = 0.6 },
                       "'stuck_on_rate' + 'stuck_off_rate' = 1.2; expected at most 1")
        XCTAssertEqual(problem { $0.tileRows = 0 }, "'tile_rows' of 0; expected 1...4096")
        XCTAssertEqual(problem { $0.readPulseNs = .nan }, "'read_pulse_ns' of nan; expected 1e-09...1000000000.0")
        var oneLevel = CrossbarSettings(), narrow = CrossbarSettings()
        oneLevel.levels = 1
        narrow.tileCols = 1
        XCTAssertThrowsError(try CrossbarTile(weights: [1], rows: 1, cols: 1, settings: oneLevel, seed: 0))
        XCTAssertThrowsError(try CrossbarTile(weights: [1, 2], rows: 1, cols: 2, settings: narrow, seed: 0)) {
            XCTAssertEqual("\($0)", "a 1 × 2 weight matrix does not fit a 256 × 1 tile")
        }
        XCTAssertThrowsError(try CrossbarTile(weights: [1, .infinity], rows: 1, cols: 2, settings: CrossbarSettings(), seed: 0)) {
            XCTAssertEqual("\($0)", "weight (0, 1) is inf; expected a finite number")
        }
    }

    func testTheParserLocatesItsErrors() {
        let cases: [(String, String)] = [
            ("crossbar:\n  levels: 2.5\n", "t.yaml:2:11: error: 'crossbar.levels' must be a whole number in 0...65536, found '2.5'"),
            ("crossbar:\n  read_noise: 3\n", "t.yaml:2:15: error: 'read_noise' must be in 0.0...1.0, found 3"),
            ("crossbar:\n  tile_rows: 8\n  wires: 1\n", "t.yaml:3:3: error: unknown key 'wires' in 'crossbar'; expected one of: tile_rows"),
            ("crossbar:\n  g_min_us: 50\n", "t.yaml:2:3: error: the crossbar settings have 'g_min_us' (50) must be below 'g_max_us' (40)"),
            ("name: x\n", "t.yaml:1:1: error: the target has no 'crossbar' block"),
            ("crossbar: [1]\n", "t.yaml:1:11: error: 'crossbar' must be a mapping, found a list"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try CrossbarSettingsParser.parse(text, file: "t.yaml")) {
                XCTAssertTrue("\($0)".hasPrefix(message), "\($0)")
            }
        }
        XCTAssertEqual(try CrossbarSettingsParser.parse("name: x\ncrossbar:\n  adc_bits: 0\n  wire_resistance_ohm: 0.5\n", file: "t.yaml"),
                       { var s = CrossbarSettings(); s.adcBits = 0; s.wireResistanceOhm = 0.5; return s }())
    }
}
