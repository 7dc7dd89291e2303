import Foundation
import XCTest

/// The two cycle-timing examples end to end: what their summaries say, as their comments do
/// (over their first 200 ms, to keep the suite quick).
final class CycleExamplesCLITests: XCTestCase {
    var examples: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Examples").path
    }

    func simulate(_ example: String, _ extra: String...) throws -> (stdout: String, summary: [String: Any]) {
        let out = try scratchPath("cycle", create: false)
        let r = try neurite(["simulate", examples + "/" + example, "--timing", "cycle", "--duration", "200", "--out", out] + extra)
        XCTAssertEqual(r.status, 0, r.stderr)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as! [String: Any]
        return (r.stdout, summary)
    }

    func problems(_ summary: [String: Any]) -> Int {
        let p = summary["provenance"] as! [String: Int]
        return ["dropped_packets", "late_spikes", "timer_overruns", "input_buffer_overflows", "background_overloads"].reduce(0) { $0 + p[$1]! }
    }

    func testRealTimeExampleKeepsRealTime() throws {
        let (stdout, summary) = try simulate("realtime.yaml")
        XCTAssertEqual(problems(summary), 0, stdout)
        XCTAssertTrue(stdout.contains("provenance: dropped packets 0, late spikes 0, timer overruns 0, input buffer overflows 0, lost updates 0"), stdout)
        let cycle = summary["cycle"] as! [String: Any], copies = cycle["copies"] as! [String: Any]
        XCTAssertGreaterThan(cycle["link_packets"] as! Int, 1000, "its packets cross links")
        XCTAssertEqual(copies["sent"] as? Int, copies["arrived"] as? Int)
        XCTAssertTrue(stdout.contains("+ 0 lost + 0 in flight at the end"), stdout)
        XCTAssertLessThan(summary["max_core_load"] as! Double, 1)
    }

    func testOverloadedExampleSaysWhatToRaiseAndThenKeepsTime() throws {
        let (stdout, summary) = try simulate("overloaded.yaml")
        let p = summary["provenance"] as! [String: Int]
        XCTAssertGreaterThan(p["timer_overruns"]!, 100)
        XCTAssertGreaterThan(p["late_spikes"]!, 1000)
        XCTAssertGreaterThan(p["input_buffer_overflows"]!, 100)
        XCTAssertGreaterThan(p["background_overloads"]!, 100)
        XCTAssertEqual(summary["advised_time_scale_factor"] as? Double, 3)
        XCTAssertTrue(stdout.contains("warning: ") && stdout.contains("raise time_scale_factor to 3 or more (now 1;"), stdout)

        let (slowed, after) = try simulate("overloaded.yaml", "--time-scale-factor", "3")
        XCTAssertEqual(problems(after), 0, slowed)
        XCTAssertNil(after["advised_time_scale_factor"] as? Double)
    }
}
