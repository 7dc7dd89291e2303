/// What the memory answered to each operation of an experiment, read off the OUT layer's spikes
/// at the steps the model answers in (``CAMOperation/answerSteps``), beside what a
/// content-addressable memory must answer (``CAMMemory``).
public struct CAMAnswer: Equatable, Sendable {
    public var operation: CAMOperation
    /// The cue lines and content bits that spiked on OUT at the answer's steps.
    public var cues: Set<Int>
    public var content: Set<Int>
    /// What a content-addressable memory answers.
    public var expectedCues: Set<Int>
    public var expectedContent: Set<Int>

    public var isCorrect: Bool { cues == expectedCues && content == expectedContent }

    /// Why the spiking memory answered a cue a content-addressable memory would not (``CAMCrossTalk``).
    public enum ExtraCueReason: String, Sendable {
        case crossTalk = "cross-talk"
        case lingering = "lingering after re-learning"
    }

    /// For a recall by content, each cue answered beyond the expected ones and its known reason
    /// (nil: none known).
    public var extraCues: [Int: ExtraCueReason?] = [:]

    /// Whether the answer is right, or wrong only by extra cues of known reasons.
    public var isExplained: Bool {
        content == expectedContent && expectedCues.isSubset(of: cues) && extraCues.values.allSatisfy { $0 != nil }
    }
}

public enum CAMReadout {
    /// The answers of `experiment`, from OUT's spikes (neuron, tick): cue line i is OUT neuron
    /// i, content bit k OUT neuron `cues + k`.
    public static func answers(_ experiment: CAMExperiment, out spikes: [(neuron: Int, tick: Int)]) -> [CAMAnswer] {
        var byTick: [Int: Set<Int>] = [:]
        for s in spikes { byTick[s.tick, default: []].insert(s.neuron) }
        var memory = CAMMemory(), crossTalk = CAMCrossTalk()
        let c = experiment.cues
        return experiment.operations.map { op in
            let expected = memory.apply(op.kind)
            let steps = op.answerSteps
            let cues = (byTick[op.at + steps.cue] ?? []).filter { $0 < c }
            let content = Set((byTick[op.at + steps.content] ?? []).filter { $0 >= c }.map { $0 - c })
            var answer = CAMAnswer(operation: op, cues: cues, content: content, expectedCues: expected.cues, expectedContent: expected.content)
            if case .recallByContent(let bits) = op.kind {
                for extra in cues.subtracting(expected.cues) { answer.extraCues[extra] = crossTalk.reason(forExtraCue: extra, recalledBy: bits) }
            }
            crossTalk.apply(op.kind)
            return answer
        }
    }

    /// One line per answer: when, what was asked, what came back, and what a content-addressable
    /// memory would have answered where it differs.
    public static func describe(_ answers: [CAMAnswer]) -> String {
        func set(_ s: Set<Int>) -> String { "{" + s.sorted().map(String.init).joined(separator: ", ") + "}" }
        return answers.map { a in
            let asked: String, got: String, want: String
            switch a.operation.kind {
            case .learn(let cue, let content):
                asked = "learn cue \(cue) ← \(set(content))"
                got = "stored: cue \(set(a.cues)), content \(set(a.content))"
                want = "cue \(set(a.expectedCues)), content \(set(a.expectedContent))"
            case .recallByCue(let cue):
                asked = "recall by cue \(cue)"
                got = "→ content \(set(a.content))"
                want = "content \(set(a.expectedContent))"
            case .recallByContent(let bits):
                asked = "recall by content \(set(bits))"
                got = "→ cues \(set(a.cues))"
                want = "cues \(set(a.expectedCues))"
            }
            let reasons = a.extraCues.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value?.rawValue ?? "no known reason")" }
            let verdict = a.isCorrect ? "ok" : "WRONG, expected \(want)" + (reasons.isEmpty ? "" : " (\(reasons.joined(separator: "; ")))")
            let time = String(repeating: " ", count: max(0, 6 - String(a.operation.at).count)) + "\(a.operation.at) ms  "
            return time + asked.padding(toLength: 34, withPad: " ", startingAt: 0) + got.padding(toLength: 40, withPad: " ", startingAt: 0) + verdict
        }.joined(separator: "\n")
    }
}
