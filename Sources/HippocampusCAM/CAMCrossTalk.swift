/// The spiking memory's known ways to answer more cues than a content-addressable memory would,
/// tracked alongside an experiment so that a wrong answer can say why (`docs/hippocampus-cam.md`,
/// "Capacity and where it breaks"):
///
/// - **Cross-talk.** Content cells that fire together, learning cue j's content C or recalling by
///   the bits C, recall through the content→cue synapses every other cue i tied to one of them;
///   cue i's recall cells then fire while all of C's cells do, and STDP (always on) ties C's
///   bits to cue i too. A later recall by one of those bits answers cue i. Single bits cannot
///   cross-talk (the shared bit is already cue i's).
/// - **Lingering.** Re-learning a cue depresses its old content→cue synapses to about
///   A₊·e^(−2/3) ≈ 3.1 nA, just below what one bit needs to fire the cue (research notes A.5):
///   two lingering bits, or one beside a live association, still fire it.
///
/// Both are properties of the published network, not of the simulation. The reference
/// over-approximates: it ties a bit to a cue after one co-activation, where the network needs
/// about two (each adds 6·e^(−2/3) ≈ 3.1 nA of the 3.4 nA one bit needs, capped at 6), so it
/// names the cues the network may add, and the stress tests check that it never adds another.
/// Associations are tracked transitively (a spurious one can cause further cross-talk).
public struct CAMCrossTalk: Sendable {
    /// Per cue, the bits a content-addressable memory associates with it now.
    private var contents: [Int: Set<Int>] = [:]
    /// Per cue, bits tied to it by cross-talk, and bits it held before being re-learned.
    private var crossTalk: [Int: Set<Int>] = [:]
    private var lingering: [Int: Set<Int>] = [:]

    public init() {}

    /// Why a spiking memory may answer each of `extraCues` to a recall by `bits` (nil for a cue
    /// it has no known reason to answer), before ``apply(_:)`` of that recall.
    public func reason(forExtraCue cue: Int, recalledBy bits: Set<Int>) -> CAMAnswer.ExtraCueReason? {
        if !(crossTalk[cue] ?? []).isDisjoint(with: bits) { return .crossTalk }
        if !(lingering[cue] ?? []).isDisjoint(with: bits) { return .lingering }
        return nil
    }

    /// Follows one operation.
    public mutating func apply(_ operation: CAMOperation.Kind) {
        switch operation {
        case .learn(let cue, let content):
            tie(content, except: cue)
            if let old = contents[cue] { lingering[cue, default: []].formUnion(old.subtracting(content)) }
            lingering[cue]?.subtract(content)
            crossTalk[cue]?.subtract(content)
            contents[cue] = content
        case .recallByContent(let bits):
            tie(bits, except: nil)
        case .recallByCue:
            break
        }
    }

    /// Content cells `bits` fire together: every cue tied to one of them (but `except`) fires
    /// with them, and STDP ties it to all of them.
    private mutating func tie(_ bits: Set<Int>, except: Int?) {
        for (cue, own) in contents where cue != except && !own.union(crossTalk[cue] ?? []).isDisjoint(with: bits) {
            crossTalk[cue, default: []].formUnion(bits.subtracting(own))
        }
    }
}
