/// What a content-addressable memory must answer (the reference the spiking memory is checked
/// against): a cue holds the content last learned under it; recall by cue gives that content;
/// recall by content gives every cue whose content holds at least one of the bits asked.
public struct CAMMemory: Equatable, Sendable {
    public private(set) var contents: [Int: Set<Int>] = [:]

    public init() {}

    /// Applies an operation and returns the answer it must give: (cues, content bits).
    public mutating func apply(_ operation: CAMOperation.Kind) -> (cues: Set<Int>, content: Set<Int>) {
        switch operation {
        case .learn(let cue, let content):
            contents[cue] = content
            return ([cue], content)
        case .recallByCue(let cue):
            return ([cue], contents[cue] ?? [])
        case .recallByContent(let bits):
            return (Set(contents.filter { !$0.value.isDisjoint(with: bits) }.keys), bits)
        }
    }
}
