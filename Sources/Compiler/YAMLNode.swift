import Yams

/// How much of a document its readers may visit. Aliases and merge keys let a short document
/// stand for an exponentially large one (`<<: [*m, *m, …]` nested a few levels); every entry and
/// element a reader visits is charged here, so that reading is linear in the budget and such a
/// document is refused in a moment with a message instead of running for hours.
final class ReadBudget {
    /// Entries and elements of all mappings and lists together. 20 million: an inline
    /// FromListConnector of four million rows fits.
    static let nodes = 20_000_000
    /// Entries brought in by merge keys. 100,000.
    static let mergedEntries = 100_000

    private(set) var nodesLeft = ReadBudget.nodes
    private(set) var mergedLeft = ReadBudget.mergedEntries

    /// Charges `n` visited nodes (and `merged` of them brought in by merge keys); false when the
    /// budget is spent.
    func charge(_ n: Int, merged: Int = 0) -> Bool {
        nodesLeft -= n
        mergedLeft -= merged
        return nodesLeft >= 0 && mergedLeft >= 0
    }
}

/// A YAML node with its file, for reading a document and pointing at the place of each error.
///
/// Readers throw a ``Diagnostic`` that names the offending key, where it is, and what was
/// expected. Mappings are read with merge keys (`<<`) applied and duplicate keys refused; every
/// read is charged to the document's ``ReadBudget``.
struct YAMLNode {
    let node: Node
    let file: String
    /// The key path to this node, e.g. `populations.exc.size`, for messages.
    let path: String
    /// Where the key of this value stands, for a node read out of a mapping.
    var keyLocation: SourceLocation? = nil
    let budget: ReadBudget

    /// A node of the same document (sharing its budget) at another path.
    func relocated(_ node: Node, path: String, keyLocation: SourceLocation? = nil) -> YAMLNode {
        YAMLNode(node: node, file: file, path: path, keyLocation: keyLocation, budget: budget)
    }

    var location: SourceLocation? {
        node.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) }
    }

    func error(_ message: String) -> Diagnostic { Diagnostic(message, at: location) }

    func warning(_ message: String) -> Diagnostic { Diagnostic(message, at: location, severity: .warning) }

    /// Parses a YAML document; a syntax error becomes a located diagnostic.
    static func parse(_ text: String, file: String) throws -> YAMLNode? {
        do {
            guard let node = try Yams.compose(yaml: text) else { return nil }
            return YAMLNode(node: node, file: file, path: "", budget: ReadBudget())
        } catch let error as YamlError {
            switch error {
            case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
                if let column = tabInIndentation(text, line: mark.line) {
                    throw Diagnostic("line \(mark.line) is indented with a tab; YAML indents with spaces only",
                                     at: SourceLocation(file: file, line: mark.line, column: column))
                }
                let ctx = context.map { " \($0.text)" } ?? ""
                throw Diagnostic("malformed YAML: \(problem)\(ctx)", at: SourceLocation(file: file, line: mark.line, column: mark.column))
            case let .duplicatedKeysInMapping(duplicates, context):
                let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
                throw Diagnostic("duplicate key \(keys) in a mapping; each key may appear once", at: SourceLocation(file: file, line: context.mark.line, column: context.mark.column))
            case let .reader(problem, offset, _, _):
                throw Diagnostic("malformed YAML: \(problem)\(offset.map { " at byte \($0)" } ?? "")", at: SourceLocation(file: file, line: 1, column: 1))
            default:
                throw Diagnostic("malformed YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
            }
        }
    }

    /// The column of a tab among the leading white space of line `line` (1-based), if any.
    static func tabInIndentation(_ text: String, line: Int) -> Int? {
        var current = 1
        for l in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == line {
                let indent = l.prefix { $0 == " " || $0 == "\t" }
                return indent.firstIndex(of: "\t").map { l.distance(from: l.startIndex, to: $0) + 1 }
            }
            current += 1
        }
        return nil
    }

    private func child(_ node: Node, _ key: String, keyNode: Node? = nil) -> YAMLNode {
        relocated(node, path: path.isEmpty ? key : "\(path).\(key)",
                  keyLocation: keyNode?.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) })
    }

    /// Charges a read of `n` nodes (`merged` of them through merge keys) to the budget.
    private func charge(_ n: Int, merged: Int = 0) throws {
        guard budget.charge(n, merged: merged) else {
            throw error(merged > 0 && budget.mergedLeft < 0
                ? "merge keys ('<<') here expand to more than \(ReadBudget.mergedEntries) entries; expected each mapping to be merged a few times, not exponentially"
                : "the document expands (through aliases and merge keys) to more than \(ReadBudget.nodes) entries and list elements")
        }
    }

    // MARK: Mappings

    /// The entries of a mapping, in document order, merge keys applied.
    func mapping(_ expected: String = "a mapping") throws -> [(key: String, value: YAMLNode)] {
        guard case .mapping(let m) = node else { throw error("\(describe(path)) must be \(expected), found \(kind)") }
        try charge(m.count)
        var explicit: [(String, YAMLNode)] = []
        var merged: [(String, YAMLNode)] = []
        var mergedKeys: Set<String> = []
        var seen: Set<String> = []
        for (k, v) in m {
            guard case .scalar(let ks) = k else { throw relocated(k, path: path).error("keys of \(describe(path)) must be plain names") }
            if ks.string == "<<" {
                let sources: [Node]
                switch v {
                case .mapping: sources = [v]
                case .sequence(let s): sources = Array(s)
                default: throw child(v, "<<").error("a merge key '<<' must name a mapping or a list of mappings")
                }
                for s in sources {
                    let entries = try child(s, "<<").mapping()
                    try charge(0, merged: entries.count)
                    for (mk, mv) in entries where mergedKeys.insert(mk).inserted {
                        merged.append((mk, relocated(mv.node, path: path.isEmpty ? mk : "\(path).\(mk)", keyLocation: mv.keyLocation)))
                    }
                }
                continue
            }
            guard seen.insert(ks.string).inserted else {
                throw relocated(k, path: path).error("duplicate key '\(ks.string)' in \(describe(path))")
            }
            explicit.append((ks.string, child(v, ks.string, keyNode: k)))
        }
        let overridden = Set(explicit.map(\.0))
        return merged.filter { !overridden.contains($0.0) } + explicit
    }

    /// A mapping whose keys must all be among `allowed`.
    func fields(allowed: [String], what: String) throws -> Fields {
        let entries = try mapping()
        for (k, v) in entries where !allowed.contains(k) {
            throw v.keyError("unknown key '\(k)' in \(what); expected one of: \(allowed.joined(separator: ", "))")
        }
        return Fields(owner: self, entries: entries)
    }

    /// An error located at this node's key (or at the node, if it has none).
    func keyError(_ message: String) -> Diagnostic { Diagnostic(message, at: keyLocation ?? location) }

    // MARK: Scalars

    var scalarString: String? {
        if case .scalar(let s) = node { return s.string }
        return nil
    }

    var isNull: Bool {
        if case .scalar(let s) = node { return s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string) }
        return false
    }

    func string(_ expected: String = "a string") throws -> String {
        guard case .scalar(let s) = node else { throw error("\(describe(path)) must be \(expected), found \(kind)") }
        return s.string
    }

    func double(_ expected: String = "a number") throws -> Double {
        guard case .scalar(let s) = node, s.style == .plain || s.style == .any, let v = Double(s.string.replacingOccurrences(of: "_", with: "")), v.isFinite else {
            throw error("\(describe(path)) must be \(expected), found \(shown)")
        }
        return v
    }

    func int(_ expected: String = "an integer") throws -> Int {
        guard case .scalar(let s) = node, s.style == .plain || s.style == .any, let v = Int(s.string.replacingOccurrences(of: "_", with: "")) else {
            throw error("\(describe(path)) must be \(expected), found \(shown)")
        }
        return v
    }

    func uint64(_ expected: String) throws -> UInt64 {
        guard case .scalar(let s) = node, s.style == .plain || s.style == .any, let v = UInt64(s.string.replacingOccurrences(of: "_", with: "")) else {
            throw error("\(describe(path)) must be \(expected), found \(shown)")
        }
        return v
    }

    func bool() throws -> Bool {
        guard case .scalar(let s) = node else { throw error("\(describe(path)) must be true or false, found \(kind)") }
        switch s.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("\(describe(path)) must be true or false, found '\(s.string)'")
        }
    }

    func sequence(_ expected: String = "a list") throws -> [YAMLNode] {
        guard case .sequence(let s) = node else { throw error("\(describe(path)) must be \(expected), found \(kind)") }
        try charge(s.count)
        return s.enumerated().map { child($1, "[\($0)]") }
    }

    var isSequence: Bool {
        if case .sequence = node { return true }
        return false
    }

    var isMapping: Bool {
        if case .mapping = node { return true }
        return false
    }

    var kind: String {
        switch node {
        case .scalar(let s): return "'\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    private var shown: String { kind }

    private func describe(_ path: String) -> String { path.isEmpty ? "the document" : "'\(path)'" }
}

/// The checked entries of a mapping, looked up by key.
struct Fields {
    let owner: YAMLNode
    let entries: [(key: String, value: YAMLNode)]

    subscript(_ key: String) -> YAMLNode? { entries.first { $0.key == key }?.value }

    func required(_ key: String, _ expected: String) throws -> YAMLNode {
        guard let v = self[key] else {
            throw owner.error("\(owner.path.isEmpty ? "the document" : "'\(owner.path)'") needs '\(key)' (\(expected))")
        }
        return v
    }
}
