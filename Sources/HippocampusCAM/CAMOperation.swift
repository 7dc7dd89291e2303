/// One operation on the content-addressable memory (research notes A.1, A.7): what the user
/// asks, and when its input lines start to spike.
public struct CAMOperation: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// Store `content` under `cue` (its old content, if any, is forgotten).
        case learn(cue: Int, content: Set<Int>)
        /// Present a cue; its content comes back.
        case recallByCue(Int)
        /// Present content bits; every cue whose content holds at least one of them comes back.
        case recallByContent(Set<Int>)
    }

    public var kind: Kind
    /// The first step its lines spike, ms (a whole number of 1 ms steps).
    public var at: Int

    public init(_ kind: Kind, at: Int) {
        self.kind = kind
        self.at = at
    }

    /// Steps its lines spike: a learned memory is held for three, a recall is one spike.
    public var hold: Int {
        if case .learn = kind { return 3 } else { return 1 }
    }

    /// The input lines it drives: cue line i is IN neuron i, content bit k IN neuron `cues + k`.
    public func lines(cues: Int) -> [Int] {
        switch kind {
        case .learn(let cue, let content): return [cue] + content.sorted().map { cues + $0 }
        case .recallByCue(let cue): return [cue]
        case .recallByContent(let content): return content.sorted().map { cues + $0 }
        }
    }

    /// Steps after `at` by which its answer has appeared on OUT: 8 for a learn (its memory shows
    /// again at +7), 7 for a recall.
    public var answerEnd: Int {
        if case .learn = kind { return 8 } else { return 7 }
    }

    /// Steps after `at` where the answer appears on OUT (A.7): a recall by cue shows the cue at
    /// +5 and its content at +6; a recall by content the content at +5 and the cues at +6; a
    /// learned memory appears whole at +5 and +7.
    public var answerSteps: (cue: Int, content: Int) {
        switch kind {
        case .learn: return (5, 5)
        case .recallByCue: return (5, 6)
        case .recallByContent: return (6, 5)
        }
    }
}
