import ChipSim

/// Random operation sequences for the memory's capacity and stress checks: learns of random
/// contents (which overlap, as random subsets do) under random cues, some of them re-learning a
/// cue, mixed with recalls by cue and by fragments of stored contents, at the default spacing.
/// The same workload and seed give the same experiment.
public struct CAMWorkload: Sendable {
    /// Cue lines c and content bits n. Defaults 64 and 64.
    public var cues = 64
    public var contentBits = 64
    /// Operations in the experiment. Default 200.
    public var operations = 200
    /// Bits set in a learned content, drawn uniformly. Default 1...8.
    public var bitsPerContent: ClosedRange<Int> = 1...8
    /// Bits in a recall by content, drawn from one stored content. Default 1...2.
    public var fragmentBits: ClosedRange<Int> = 1...2
    /// Shares of learns and of recalls by cue; the rest are recalls by content. Defaults 0.4, 0.3.
    public var learnShare = 0.4
    public var recallByCueShare = 0.3
    /// Whether a learn may pick a cue that holds a memory (re-learning it, which forgets the old
    /// content). Default true; without it learns take free cues while there are any, and once
    /// every cue holds a memory the rest are recalls.
    public var relearn = true
    /// Steps from a learn and from a recall to the next operation. Default
    /// ``CAMExperiment/defaultSpacing`` (10, 7).
    public var spacing = CAMExperiment.defaultSpacing
    /// Default 1.
    public var seed: UInt64 = 1

    public init(cues: Int = 64, contentBits: Int = 64, operations: Int = 200, seed: UInt64 = 1) {
        self.cues = cues
        self.contentBits = contentBits
        self.operations = operations
        self.seed = seed
    }

    /// The experiment: the first operation learns; a recall asks only what has been learned.
    public func experiment() -> CAMExperiment {
        var rng = RandomStream(seed: seed, stream: [0xCA3])
        var stored: [Int: Set<Int>] = [:]
        var ops: [CAMOperation] = [], at = 0
        for k in 0..<operations {
            let draw = Double.random(in: 0..<1, using: &rng)
            let kind: CAMOperation.Kind
            let free = (0..<cues).filter { stored[$0] == nil }
            if k == 0 || draw < learnShare && (relearn || !free.isEmpty) {
                let cue = relearn ? Int.random(in: 0..<cues, using: &rng) : free[Int.random(in: 0..<free.count, using: &rng)]
                let size = min(Int.random(in: bitsPerContent, using: &rng), contentBits)
                var content = Set<Int>()
                while content.count < size { content.insert(Int.random(in: 0..<contentBits, using: &rng)) }
                stored[cue] = content
                kind = .learn(cue: cue, content: content)
            } else {
                let cue = stored.keys.sorted()[Int.random(in: 0..<stored.count, using: &rng)]
                // A learn that found no free cue becomes a recall, by cue or content alike.
                let byCue = draw < learnShare ? Bool.random(using: &rng) : draw < learnShare + recallByCueShare
                if byCue {
                    kind = .recallByCue(cue)
                } else {
                    let bits = stored[cue]!.sorted(), size = min(Int.random(in: fragmentBits, using: &rng), bits.count)
                    kind = .recallByContent(Set(bits.shuffled(using: &rng).prefix(size)))
                }
            }
            let op = CAMOperation(kind, at: at)
            ops.append(op)
            if case .learn = kind { at += spacing.learn } else { at += spacing.recall }
        }
        let last = ops.last!
        return CAMExperiment(cues: cues, contentBits: contentBits, operations: ops, duration: max(at, last.at + last.answerEnd))
    }
}
