import Foundation
@testable import HippocampusCAM
import XCTest

/// The operations format: the three recorded experiments' files give their recorded stimuli
/// exactly; bad files are refused where they are wrong.
final class CAMExperimentTests: XCTestCase {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples/hippocampus-cam")

    static func example(_ name: String) throws -> CAMExperiment {
        let path = examples.appendingPathComponent(name + ".yaml").path
        return try CAMExperiment.parse(try String(contentsOfFile: path, encoding: .utf8), file: path)
    }

    static func stimulus(_ name: String) throws -> [String: Any] {
        let url = Bundle.module.url(forResource: "Fixtures/\(name)_stimulus", withExtension: "json")!
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    func testTheExamplesGiveTheRecordedStimuli() throws {
        for (example, fixture) in [("learn-recall-forget", "exp1_learn_recall_forget"), ("sequence-with-content-recall", "exp2_pyramidal_sequence_cont"),
                                   ("state-map", "exp3_state_map")] {
            let e = try Self.example(example), s = try Self.stimulus(fixture)
            XCTAssertEqual(e.cues, s["cue_size"] as? Int)
            XCTAssertEqual(e.contentBits, s["content_size"] as? Int)
            XCTAssertEqual(e.duration, s["run_ms"] as? Int)
            XCTAssertEqual(e.inputSpikes, s["input_spikes"] as? [[Int]], example)
        }
    }

    func testTheReferenceMemoryAnswersTheFunctionalExperimentAsThePaperSays() throws {
        // Research notes A.8: after re-learning cue 3 with new content, recall by content 6 gives
        // cue 4 only.
        var memory = CAMMemory()
        let answers = try Self.example("learn-recall-forget").operations.map { memory.apply($0.kind) }
        XCTAssertEqual(answers[3].content, [0, 1, 8, 9])
        XCTAssertEqual(answers[4].cues, [3, 4])
        XCTAssertEqual(answers[5].cues, [0, 3])
        XCTAssertEqual(answers[7].content, [1, 3, 4, 8])
        XCTAssertEqual(answers[8].cues, [4])
    }

    func testDefaultSpacingAndDuration() throws {
        let e = try CAMExperiment.parse("""
            cues: 3
            content_bits: 4
            operations:
              - learn: {cue: 0, content: [1, 2]}
              - recall: {cue: 0}
              - recall: {content: [2]}
            """, file: "x.yaml")
        XCTAssertEqual(e.operations.map(\.at), [0, 10, 17])
        XCTAssertEqual(e.duration, 24)
        XCTAssertEqual(e.inputSpikes, [[0, 1, 2, 10], [], [], [], [0, 1, 2], [0, 1, 2, 17], []])
    }

    func testBadExperimentsSayWhereAndWhat() {
        for (text, message) in [
            ("cues: 3\noperations: []", "x.yaml:1:1: 'content_bits' is missing"),
            ("cues: 3\ncontent_bits: 4\noperations:\n  - learn: {cue: 3, content: [1]}", "x.yaml:4:18: 'cue' must be a whole number in 0...2"),
            ("cues: 3\ncontent_bits: 4\noperations:\n  - recall: {content: [1, 1]}", "content bit 1 is listed twice"),
            ("cues: 3\ncontent_bits: 4\noperations:\n  - recall: {cue: 1, content: [1]}", "a recall gives 'cue' or 'content', one of them"),
            ("cues: 3\ncontent_bits: 4\noperations:\n  - {at: 5, learn: {cue: 0, content: [1]}}\n  - {at: 6, recall: {cue: 0}}",
             "x.yaml:5:10: this operation starts at 6 ms, while the one before (at 5 ms) still holds its lines"),
            ("cues: 3\ncontent_bits: 4\nduration: 5\noperations:\n  - recall: {cue: 0}", "a duration of 5 ms ends before the last operation's answer"),
            ("cues: 3\ncontent_bits: 4\nopertions: []", "unknown key 'opertions' in the experiment"),
            ("cues: [", "x.yaml: not YAML"),
        ] {
            XCTAssertThrowsError(try CAMExperiment.parse(text, file: "x.yaml")) { error in
                XCTAssertTrue("\(error)".contains(message), "\(error) lacks \(message)")
            }
        }
    }
}
