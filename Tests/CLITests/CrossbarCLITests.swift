import Foundation
import XCTest

/// End-to-end tests of `neurite crossbar mvm`: exact output, exit codes (1 invalid input with
/// the place and what was expected, 2 usage error).
final class CrossbarCLITests: XCTestCase {
    var dir = ""
    /// Every nonideality off: the output is W·x.
    let ideal = ["levels=0", "programming_noise=0", "read_noise=0", "stuck_on_rate=0", "stuck_off_rate=0", "wire_resistance_ohm=0",
                 "adc_bits=0"].flatMap { ["--set", $0] }

    override func setUpWithError() throws {
        dir = try scratchPath("crossbar")
        try write("W.csv", "1, -2, 0.5\n0.25, 1, -1\n\n")
        try write("X.csv", "1,0\n1,1\n0.5,-1\n")
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
    }

    func mvm(_ extra: [String], weights: String = "W.csv", spikes: String = "X.csv") throws -> Result {
        try neurite(["crossbar", "mvm", "--weights", dir + "/" + weights, "--spikes", dir + "/" + spikes] + extra)
    }

    func testIdealSettingsPrintTheProductPerInputLine() throws {
        let r = try mvm(ideal)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "1.0,-2.0,0.5\n1.25,-1.0,-0.5\n0.25,-2.0,1.25\n")
    }

    func testDefaultsAreSeededAndQuantizedByTheADC() throws {
        let a = try mvm(["--seed", "7"]), b = try mvm(["--seed", "7"]), c = try mvm(["--seed", "8"])
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(a.stdout, b.stdout)
        XCTAssertNotEqual(a.stdout, c.stdout)
        // 8-bit ADC over ± 8 rows at max|w| = 2: every output is a whole number of 16/127 steps.
        let values = a.stdout.split(whereSeparator: { $0 == "," || $0 == "\n" }).map { Double($0)! }
        XCTAssertEqual(values.count, 9)
        for v in values { XCTAssertEqual((v / (16.0 / 127)).rounded(), v / (16.0 / 127), accuracy: 1e-9) }
        // A target file's crossbar block, then --set on top of it.
        try write("t.yaml", "name: t\ncrossbar:\n  adc_bits: 0\n  read_noise: 0\n  programming_noise: 0\n")
        let t = try mvm(["--target", dir + "/t.yaml", "--set", "levels=0", "--set", "stuck_on_rate=0", "--set", "stuck_off_rate=0",
                         "--set", "wire_resistance_ohm=0"])
        XCTAssertEqual(t.stdout, "1.0,-2.0,0.5\n1.25,-1.0,-0.5\n0.25,-2.0,1.25\n", t.stderr)
    }

    func testInvalidInputExitsWithOneSayingWhereAndWhat() throws {
        try write("bad.csv", "1, 2\n3, x\n")
        try write("ragged.csv", "1, 2\n3\n")
        try write("long.csv", "1, 0, 1\n")
        try write("bad.yaml", "crossbar:\n  levels: -1\n")
        let cases: [([String], String, String, String)] = [
            (ideal, "bad.csv", "X.csv", "bad.csv:2:4: expected a finite number, found 'x'"),
            (ideal, "W.csv", "ragged.csv", "ragged.csv:2: 1 values; expected 2, as on line 1"),
            (ideal, "W.csv", "long.csv", "long.csv:1: 3 values per line; expected 2, one per row of"),
            (["--set", "read_nois=0.1"], "W.csv", "X.csv",
             "--set read_nois=0.1: unknown crossbar setting 'read_nois'; expected one of: tile_rows,"),
            (["--set", "adc_bits=30"], "W.csv", "X.csv", "--set adc_bits=30: 'adc_bits' must be in 0...24, found 30"),
            (["--set", "tile_cols=2"], "W.csv", "X.csv",
             "W.csv: a 2 × 3 matrix does not fit one 256 × 2 tile (set tile_rows and tile_cols)"),
            (["--set", "g_min_us=41"], "W.csv", "X.csv", "the crossbar settings have 'g_min_us' (41) must be below 'g_max_us' (40)"),
            (["--target", dir + "/bad.yaml"], "W.csv", "X.csv", "bad.yaml:2:11: error: 'levels' must be in 0...65536, found -1"),
            ([], "none.csv", "X.csv", "cannot read"),
        ]
        for (extra, weights, spikes, message) in cases {
            let r = try mvm(extra, weights: weights, spikes: spikes)
            XCTAssertEqual(r.status, 1, message)
            XCTAssertEqual(r.stdout, "")
            XCTAssertTrue(r.stderr.contains(message), "expected '\(message)' in \(r.stderr)")
        }
    }

    func testUsageErrorsExitWithTwo() throws {
        XCTAssertEqual(try neurite("crossbar", "mvm", "--spikes", dir + "/X.csv").status, 2)
        XCTAssertEqual(try mvm(["--seed", "-1"]).status, 2)
        XCTAssertEqual(try neurite("crossbar", "frobnicate").status, 2)
        let help = try neurite("crossbar", "mvm", "--help")
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("--set <KEY=VALUE>"), help.stdout)
    }

    /// `neurite compile NET --target configs/crossbar.yaml`, `inspect` and `simulate` end to end:
    /// the summary lists the tiles, the run's summary the crossbar energy, and the same image runs
    /// alike twice and in cycle timing.
    func testCompileInspectAndSimulateOnTheCrossbarTarget() throws {
        let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("configs/crossbar.yaml").path
        try write("net.yaml", """
        network: tiny
        duration: 100
        seed: 5
        populations:
          in: {size: 30, model: SpikeSourcePoisson, params: {rate: 40}}
          out: {size: 20, model: IF_curr_exp, record: [spikes], params: {tau_m: 20, cm: 0.2, v_rest: -65, v_reset: -65, v_thresh: -55}}
        projections:
          - {pre: in, post: out, connector: {type: AllToAllConnector}, synapse: {weight: {uniform: [0, 0.2]}, delay: 1}}
        """)
        let image = dir + "/tiny.nchip"
        let c = try neurite(["compile", dir + "/net.yaml", "--target", config, "-o", image])
        XCTAssertEqual(c.status, 0, c.stderr)
        XCTAssertTrue(c.stdout.contains("network tiny on crossbar"), c.stdout)
        XCTAssertTrue(c.stdout.contains("crossbar tiles        1 of 256 × 256 cells (600 cells used"), c.stdout)
        let i = try neurite(["inspect", image])
        XCTAssertEqual(i.status, 0, i.stderr)
        XCTAssertTrue(i.stdout.contains("XBAR (crossbar settings)"), i.stdout)
        XCTAssertTrue(i.stdout.contains("crossbar target: tile_rows 256"), i.stdout)
        XCTAssertTrue(i.stdout.contains("in→out"), i.stdout)
        var summaries: [[String: Any]] = []
        for (run, timing) in [("a", "ideal"), ("b", "ideal"), ("c", "cycle")] {
            let s = try neurite(["simulate", image, "--arithmetic", "float64", "--timing", timing, "--out", dir + "/" + run])
            XCTAssertEqual(s.status, 0, s.stderr)
            XCTAssertTrue(s.stdout.contains("crossbar rows"), s.stdout)
            summaries.append(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/\(run)/summary.json"))) as! [String: Any])
        }
        let spikes = try ["a", "b", "c"].map { try String(contentsOfFile: dir + "/\($0)/spikes.csv", encoding: .utf8) }
        XCTAssertGreaterThan(spikes[0].split(separator: "\n").count, 10)
        XCTAssertEqual(spikes[1], spikes[0])
        XCTAssertEqual(spikes[2], spikes[0])
        let energy = summaries[0]["energy"] as! [String: Any]
        XCTAssertGreaterThan(energy["crossbar_adc_joules"] as! Double, 0)
        XCTAssertEqual(energy["synaptic_joules"] as! Double, 0)
    }
}
