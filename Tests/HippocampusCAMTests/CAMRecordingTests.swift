import ChipSim
import Foundation
import HippocampusCAM
import Runtime
import XCTest

/// The three experiments recorded on SpiNNaker (Casanueva-Morato et al. 2024), reproduced spike
/// for spike in every population: the network, its stimuli from the operations files, on-chip
/// STDP with the machine's variants, the `spinnaker` step convention.
final class CAMRecordingTests: XCTestCase {
    static let experiments = [("learn-recall-forget", "exp1_learn_recall_forget"), ("sequence-with-content-recall", "exp2_pyramidal_sequence_cont"),
                              ("state-map", "exp3_state_map")]

    /// A recording's spikes as `population,neuron,step` rows (a step is a tick).
    static func recording(_ fixture: String) throws -> Set<String> {
        let url = Bundle.module.url(forResource: "Fixtures/\(fixture)_spikes", withExtension: "csv")!
        return Set(try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst().map(String.init))
    }

    static func reproduced(_ result: CAMRun.Result) -> Set<String> {
        Set(result.report.spikes.map { "\(result.image.populations[$0.population].name),\($0.neuron),\($0.tick)" })
    }

    func check(timing: Timing, arithmetic: Arithmetic, file: StaticString = #filePath, line: UInt = #line) throws {
        for (example, fixture) in Self.experiments {
            let experiment = try CAMExperimentTests.example(example)
            let result = try CAMRun.run(experiment, options: RunOptions(arithmetic: arithmetic, timing: timing))
            let recorded = try Self.recording(fixture), got = Self.reproduced(result)
            let missing = recorded.subtracting(got).sorted(), extra = got.subtracting(recorded).sorted()
            XCTAssertTrue(missing.isEmpty && extra.isEmpty,
                          "\(example), \(timing), \(arithmetic): \(missing.count) recorded spikes missing (\(missing.prefix(5))), \(extra.count) extra (\(extra.prefix(5)))",
                          file: file, line: line)
            XCTAssertEqual(result.report.summary.provenance.droppedPackets, 0, file: file, line: line)
            XCTAssertGreaterThan(result.report.summary.plasticSynapticEvents, 0, file: file, line: line)
        }
    }

    func testTheRecordingsInFixedPoint() throws { try check(timing: .ideal, arithmetic: .s1615) }

    func testTheRecordingsInFloat() throws { try check(timing: .ideal, arithmetic: .float64) }

    func testTheRecordingsInCycleTiming() throws { try check(timing: .cycle, arithmetic: .s1615) }

    /// The example's printout of the functional experiment says what research notes A.8 say the
    /// memory answers, and every answer of the three experiments is the one a content-addressable
    /// memory gives.
    func testEveryAnswerIsTheMemorysAnswer() throws {
        for (example, _) in Self.experiments {
            let experiment = try CAMExperimentTests.example(example)
            let result = try CAMRun.run(experiment)
            var memory = CAMMemory()
            for (answer, op) in zip(result.answers, experiment.operations) {
                let expected = memory.apply(op.kind)
                XCTAssertEqual(answer.cues, expected.cues, "\(example) at \(op.at) ms")
                XCTAssertEqual(answer.content, expected.content, "\(example) at \(op.at) ms")
            }
        }
    }
}
