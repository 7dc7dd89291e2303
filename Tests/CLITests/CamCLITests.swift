import Foundation
import XCTest

/// `neurite cam` end to end: the functional experiment's printout as research notes A.8 give its
/// answers, the cross-talk example's departure with its reason, and STDP's run directory.
final class CamCLITests: XCTestCase {
    var examples: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Examples/hippocampus-cam").path
    }

    func cam(_ example: String) throws -> (stdout: String, out: String) {
        let out = try scratchPath("cam", create: false)
        let r = try neurite(["cam", examples + "/" + example, "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        return (r.stdout, out)
    }

    func testTheFunctionalExperimentPrintsTheMemorysAnswers() throws {
        let (stdout, out) = try cam("learn-recall-forget.yaml")
        XCTAssertEqual(stdout, """
            CA3 memory, 5 cues × 10 content bits, 9 operations over 90 ms (s1615, ideal timing)
                 0 ms  learn cue 0 ← {0, 1, 8, 9}        stored: cue {0}, content {0, 1, 8, 9}   ok
                10 ms  learn cue 4 ← {1, 5, 6}           stored: cue {4}, content {1, 5, 6}      ok
                20 ms  learn cue 3 ← {4, 5, 6}           stored: cue {3}, content {4, 5, 6}      ok
                30 ms  recall by cue 0                   → content {0, 1, 8, 9}                  ok
                40 ms  recall by content {6}             → cues {3, 4}                           ok
                50 ms  recall by content {0, 4}          → cues {0, 3}                           ok
                60 ms  learn cue 3 ← {1, 3, 4, 8}        stored: cue {3}, content {1, 3, 4, 8}   ok
                70 ms  recall by cue 3                   → content {1, 3, 4, 8}                  ok
                80 ms  recall by content {6}             → cues {4}                              ok
            9 of 9 operations answered as a content-addressable memory must; run directory: \(out)

            """)
        let weights = try String(contentsOfFile: out + "/weights.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(weights.count, 1 + 2 * 5 * 10, "both plastic projections, every synapse")
        func weight(_ prefix: String) -> Double? {
            weights.first { $0.hasPrefix(prefix + ",") }.flatMap { Double($0.split(separator: ",")[3]) }
        }
        XCTAssertEqual(weight("cue→content,3,8"), 6, "cue 3 learned bit 8")
        XCTAssertLessThan(weight("cue→content,3,6")!, 1, "re-learning cue 3 forgot bit 6")
        XCTAssertLessThan(weight("content→cue,6,3")!, 3.36, "bit 6 lingers under what it takes to answer cue 3")
    }

    func testTheCrossTalkExampleSaysWhereAndWhy() throws {
        let (stdout, _) = try cam("cross-talk.yaml")
        let lines = stdout.split(separator: "\n")
        XCTAssertEqual(lines.filter { $0.hasSuffix(" ok") }.count, 6)
        XCTAssertTrue(lines.contains("    48 ms  recall by content {1}             → cues {0, 1}                           WRONG, expected cues {0} (1: cross-talk)"), stdout)
    }

    func testInitialWeightsFromAnotherNetworkAreRefused() throws {
        let (_, out) = try cam("learn-recall-forget.yaml")
        let cuba = URL(fileURLWithPath: examples).deletingLastPathComponent().appendingPathComponent("cuba.yaml").path
        let r = try neurite(["simulate", cuba, "--duration", "10", "--initial-weights", out + "/weights.csv", "--out", out + "/again"])
        XCTAssertEqual(r.status, 3, r.stdout)
        XCTAssertTrue(r.stderr.contains("\(out)/weights.csv:2: no projection is labelled 'cue→content' in this network"), r.stderr)
    }
}
