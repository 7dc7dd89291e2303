import Foundation
import Yams

/// A memory experiment: the memory's size and the operations to run on it, read from a small
/// YAML (or JSON) file (`Examples/hippocampus-cam/`, `docs/hippocampus-cam.md`):
///
/// ```yaml
/// cues: 5                 # memories (one-hot cue lines)
/// content_bits: 10        # bits of a memory's content
/// spacing: {learn: 10, recall: 7}   # ms from an operation to the next when `at` is not given
/// duration: 90            # ms; default: the last operation's start + its spacing
/// operations:
///   - learn: {cue: 0, content: [0, 1, 8, 9]}
///     at: 0               # ms, optional
///   - recall: {cue: 0}
///   - recall: {content: [6]}
/// ```
public struct CAMExperiment: Equatable, Sendable {
    public var cues: Int
    public var contentBits: Int
    public var operations: [CAMOperation]
    /// Run length, ms.
    public var duration: Int

    /// Default spacing, ms: the docs' rule (a learn's lines held 3 steps then 7 quiet, a recall's
    /// 1 then 6). The memory answers correctly down to 7 and 6 (the state-map experiment).
    public static let defaultSpacing = (learn: 10, recall: 7)
    /// The most cues and content bits an experiment may have (a population per 256 fits a core).
    public static let maxLines = 4096

    public init(cues: Int, contentBits: Int, operations: [CAMOperation], duration: Int) {
        self.cues = cues
        self.contentBits = contentBits
        self.operations = operations
        self.duration = duration
    }

    /// Reads an experiment file; errors say `file:line:column` and what was expected.
    public static func parse(_ text: String, file: String) throws -> CAMExperiment {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { throw CAMError("\(file): the experiment is empty") }
            root = node
        } catch let e as CAMError {
            throw e
        } catch {
            throw CAMError("\(file): not YAML: \(error)")
        }
        let r = Reader(file: file)
        let top = try r.mapping(root, "the experiment", keys: ["cues", "content_bits", "spacing", "duration", "operations"])
        let cues = try r.int(r.required(top, "cues", in: root), "cues", 1...maxLines)
        let bits = try r.int(r.required(top, "content_bits", in: root), "content_bits", 1...maxLines)
        var spacing = defaultSpacing
        if let s = top["spacing"] {
            let m = try r.mapping(s, "'spacing'", keys: ["learn", "recall"])
            if let v = m["learn"] { spacing.learn = try r.int(v, "spacing.learn", 1...100_000) }
            if let v = m["recall"] { spacing.recall = try r.int(v, "spacing.recall", 1...100_000) }
        }
        let list = try r.required(top, "operations", in: root)
        guard case .sequence(let items) = list else { throw r.error(list, "'operations' must be a list of learn and recall operations") }
        var operations: [CAMOperation] = []
        var next = 0
        for item in items {
            let m = try r.mapping(item, "an operation", keys: ["learn", "recall", "at"])
            let kind: CAMOperation.Kind
            if let learn = m["learn"] {
                guard m["recall"] == nil else { throw r.error(item, "an operation is a learn or a recall, not both") }
                let l = try r.mapping(learn, "'learn'", keys: ["cue", "content"])
                kind = .learn(cue: try r.int(r.required(l, "cue", in: learn), "cue", 0...(cues - 1)),
                              content: try r.bits(r.required(l, "content", in: learn), bits))
            } else if let recall = m["recall"] {
                let c = try r.mapping(recall, "'recall'", keys: ["cue", "content"])
                switch (c["cue"], c["content"]) {
                case (let cue?, nil): kind = .recallByCue(try r.int(cue, "cue", 0...(cues - 1)))
                case (nil, let content?):
                    let set = try r.bits(content, bits)
                    guard !set.isEmpty else { throw r.error(content, "a recall by content needs at least one bit") }
                    kind = .recallByContent(set)
                default: throw r.error(recall, "a recall gives 'cue' or 'content', one of them")
                }
            } else {
                throw r.error(item, "an operation is 'learn' or 'recall'")
            }
            var at = next
            if let a = m["at"] { at = try r.int(a, "at", 0...10_000_000) }
            if let last = operations.last, at < last.at + last.hold {
                throw r.error(m["at"] ?? item, "this operation starts at \(at) ms, while the one before (at \(last.at) ms) still holds its lines")
            }
            operations.append(CAMOperation(kind, at: at))
            if case .learn = kind { next = at + spacing.learn } else { next = at + spacing.recall }
        }
        let duration = try top["duration"].map { try r.int($0, "duration", 1...10_000_000) } ?? next
        if let last = operations.last, duration < last.at + last.answerEnd {
            throw r.error(top["duration"] ?? root, "a duration of \(duration) ms ends before the last operation's answer (at \(last.at + last.answerEnd - 1) ms)")
        }
        return CAMExperiment(cues: cues, contentBits: bits, operations: operations, duration: duration)
    }

    /// The input layer's spike times, ms: for each IN neuron (cue lines, then content lines) the
    /// steps its operations hold it.
    public var inputSpikes: [[Int]] {
        var times = Array(repeating: [Int](), count: cues + contentBits)
        for op in operations {
            for line in op.lines(cues: cues) { times[line] += (0..<op.hold).map { op.at + $0 } }
        }
        return times.map { $0.sorted() }
    }
}

/// An experiment or run of the memory that cannot be done, and why.
public struct CAMError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Reads YAML nodes with located errors.
private struct Reader {
    let file: String

    func error(_ node: Node, _ message: String) -> CAMError {
        let place = node.mark.map { "\(file):\($0.line):\($0.column)" } ?? file
        return CAMError("\(place): \(message)")
    }

    func mapping(_ node: Node, _ what: String, keys: [String]) throws -> [String: Node] {
        guard case .mapping(let m) = node else { throw error(node, "\(what) must be a mapping with \(keys.joined(separator: ", "))") }
        var out: [String: Node] = [:]
        for (k, v) in m {
            guard let key = k.string, keys.contains(key) else {
                throw error(k, "unknown key '\(k.string ?? "?")' in \(what); expected one of \(keys.joined(separator: ", "))")
            }
            out[key] = v
        }
        return out
    }

    func required(_ m: [String: Node], _ key: String, in node: Node) throws -> Node {
        guard let v = m[key] else { throw error(node, "'\(key)' is missing") }
        return v
    }

    func int(_ node: Node, _ what: String, _ range: ClosedRange<Int>) throws -> Int {
        guard let v = node.int, range.contains(v) else {
            throw error(node, "'\(what)' must be a whole number in \(range.lowerBound)...\(range.upperBound), found '\(node.string ?? "?")'")
        }
        return v
    }

    func bits(_ node: Node, _ count: Int) throws -> Set<Int> {
        guard case .sequence(let items) = node else { throw error(node, "content must be a list of bit numbers in 0...\(count - 1)") }
        var set = Set<Int>()
        for item in items {
            let b = try int(item, "content bit", 0...(count - 1))
            guard set.insert(b).inserted else { throw error(item, "content bit \(b) is listed twice") }
        }
        return set
    }
}
