import ChipSim
import Foundation
import HippocampusCAM
import Runtime
import XCTest

/// A larger memory (64 cues × 64 content bits) under random operation sequences with
/// overlapping contents, checked against what a content-addressable memory must answer.
final class CAMStressTests: XCTestCase {
    func run(_ workload: CAMWorkload) throws -> [CAMAnswer] {
        let result = try CAMRun.run(workload.experiment())
        XCTAssertEqual(result.answers.count, workload.operations)
        return result.answers
    }

    /// One-bit contents (the state-map use: each cue holds one of n states, shared by many cues),
    /// re-learned at random: every answer is a content-addressable memory's, forgetting included.
    func testOneBitContentsAreAnsweredExactlyWithRelearning() throws {
        for seed: UInt64 in [1, 2] {
            var workload = CAMWorkload(cues: 64, contentBits: 64, operations: 200, seed: seed)
            workload.bitsPerContent = 1...1
            let answers = try run(workload)
            let relearned = answers.filter { if case .learn = $0.operation.kind { return true } else { return false } }.count - Set(answers.compactMap {
                if case .learn(let cue, _) = $0.operation.kind { return cue } else { return nil } }).count
            XCTAssertGreaterThan(relearned, 5, "the workload re-learns cues")
            for a in answers where !a.isCorrect { XCTFail("seed \(seed): \(CAMReadout.describe([a]))") }
        }
    }

    /// Contents of 1–3 bits, overlapping: a recall by content may answer more cues than a
    /// content-addressable memory (cross-talk, ``CAMCrossTalk``), and only so: no cue or bit is
    /// ever missing, and every extra cue has the known reason.
    func testSmallOverlappingContentsFailOnlyByCrossTalk() throws {
        var crossTalk = 0
        for seed: UInt64 in [1, 2, 3] {
            var workload = CAMWorkload(cues: 64, contentBits: 64, operations: 200, seed: seed)
            workload.bitsPerContent = 1...3
            workload.relearn = false
            let answers = try run(workload)
            for a in answers where !a.isExplained { XCTFail("seed \(seed): \(CAMReadout.describe([a]))") }
            crossTalk += answers.filter { !$0.isCorrect }.count
        }
        XCTAssertGreaterThan(crossTalk, 0, "overlapping contents cross-talk, as the network does")
    }

    func testTheCrossTalkModel() {
        var model = CAMCrossTalk()
        model.apply(.learn(cue: 0, content: [1, 2]))
        model.apply(.learn(cue: 1, content: [2, 3]))
        // Learning cue 1 recalled cue 0 through bit 2 while bit 3 fired: 3 now answers cue 0.
        XCTAssertEqual(model.reason(forExtraCue: 0, recalledBy: [3]), .crossTalk)
        XCTAssertNil(model.reason(forExtraCue: 1, recalledBy: [1]))
        // A recall by bits 1 and 4... ties 4 to cue 0 (bit 1 is cue 0's).
        model.apply(.recallByContent([1, 4]))
        XCTAssertEqual(model.reason(forExtraCue: 0, recalledBy: [4]), .crossTalk)
        // Re-learning cue 1 leaves bit 3 lingering.
        model.apply(.learn(cue: 1, content: [5]))
        XCTAssertEqual(model.reason(forExtraCue: 1, recalledBy: [3]), .lingering)
        XCTAssertNil(model.reason(forExtraCue: 1, recalledBy: [5]))
    }

    func testWorkloadsAreSeededAndAskOnlyWhatWasLearned() {
        var w = CAMWorkload(cues: 8, contentBits: 8, operations: 50, seed: 9)
        XCTAssertEqual(w.experiment(), w.experiment())
        w.relearn = false
        var learned = Set<Int>()
        for op in w.experiment().operations {
            switch op.kind {
            case .learn(let cue, let content):
                XCTAssertFalse(learned.contains(cue))
                XCTAssertTrue((1...8).contains(content.count))
                learned.insert(cue)
            case .recallByCue(let cue): XCTAssertTrue(learned.contains(cue))
            case .recallByContent(let bits): XCTAssertTrue((1...2).contains(bits.count))
            }
        }
        XCTAssertEqual(learned.count, 8, "50 operations fill 8 cues")
    }
}
