import Yams

/// A YAML node with its file, for reading a document and pointing at the place of each error.
///
/// Readers throw a ``Diagnostic`` that names the offending key, where it is, and what was
/// expected. Mappings are read with merge keys (`<<`) applied and duplicate keys refused.
struct YAMLNode {
    let node: Node
    let file: String
    /// The key path to this node, e.g. `populations.exc.size`, for messages.
    let path: String
    /// Where the key of this value stands, for a node read out of a mapping.
    var keyLocation: SourceLocation? = nil

    var location: SourceLocation? {
        node.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) }
    }

    func error(_ message: String) -> Diagnostic { Diagnostic(message, at: location) }

    func warning(_ message: String) -> Diagnostic { Diagnostic(message, at: location, severity: .warning) }

    /// Parses a YAML document; a syntax error becomes a located diagnostic.
    static func parse(_ text: String, file: String) throws -> YAMLNode? {
        do {
            guard let node = try Yams.compose(yaml: text) else { return nil }
            return YAMLNode(node: node, file: file, path: "")
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
        YAMLNode(node: node, file: file, path: path.isEmpty ? key : "\(path).\(key)",
                 keyLocation: keyNode?.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) })
    }

    // MARK: Mappings

    /// The entries of a mapping, in document order, merge keys applied.
    func mapping(_ expected: String = "a mapping") throws -> [(key: String, value: YAMLNode)] {
        guard case .mapping(let m) = node else { throw error("\(describe(path)) must be \(expected), found \(kind)") }
        var explicit: [(String, YAMLNode)] = []
        var merged: [(String, YAMLNode)] = []
        var seen: [String: SourceLocation?] = [:]
        for (k, v) in m {
            guard case .scalar(let ks) = k else { throw YAMLNode(node: k, file: file, path: path).error("keys of \(describe(path)) must be plain names") }
            if ks.string == "<<" {
                let sources: [Node]
                switch v {
                case .mapping: sources = [v]
                case .sequence(let s): sources = Array(s)
                default: throw child(v, "<<").error("a merge key '<<' must name a mapping or a list of mappings")
                }
                for s in sources {
                    for (mk, mv) in try child(s, "<<").mapping() where !merged.contains(where: { $0.0 == mk }) {
                        merged.append((mk, YAMLNode(node: mv.node, file: file, path: path.isEmpty ? mk : "\(path).\(mk)", keyLocation: mv.keyLocation)))
                    }
                }
                continue
            }
            if seen[ks.string] != nil {
                throw YAMLNode(node: k, file: file, path: path).error("duplicate key '\(ks.string)' in \(describe(path))")
            }
            seen[ks.string] = YAMLNode(node: k, file: file, path: path).location
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
