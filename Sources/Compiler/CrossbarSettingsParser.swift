import ChipSim
import Foundation

/// Reads the `crossbar:` block of a target file (`configs/crossbar.yaml`) into
/// ``CrossbarSettings``. Every key is optional; unset ones take the defaults of
/// ``CrossbarSettings``. Errors are located diagnostics naming the key and the expected values.
public enum CrossbarSettingsParser {
    /// The `crossbar:` block of the target file at `path`.
    public static func parse(contentsOf path: String) throws -> CrossbarSettings {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw CompileError([Diagnostic("cannot read target '\(path)'", at: nil)])
        }
        return try parse(text, file: path)
    }

    /// The `crossbar:` block of a target document; the other keys of the document are the
    /// target parser's to check.
    public static func parse(_ text: String, file: String) throws -> CrossbarSettings {
        do {
            guard let root = try YAMLNode.parse(text, file: file) else {
                throw Diagnostic("the target file is empty", at: SourceLocation(file: file, line: 1, column: 1))
            }
            guard let block = try root.mapping("a target (a mapping)").first(where: { $0.key == "crossbar" })?.value else {
                throw root.error("the target has no 'crossbar' block (the settings of its crossbar tiles)")
            }
            return try read(block)
        } catch let d as Diagnostic {
            throw CompileError([d])
        }
    }

    /// The settings of a `crossbar:` mapping.
    static func read(_ node: YAMLNode) throws -> CrossbarSettings {
        var settings = CrossbarSettings()
        let fields = try node.fields(allowed: CrossbarSettings.keys.map(\.name), what: "'crossbar'")
        for (name, value) in fields.entries {
            let key = CrossbarSettings.key(named: name)!
            let number = key.isInteger ? Double(try value.int("a whole number in \(key.rangeText)"))
                                       : try value.double("a number in \(key.rangeText)")
            do { try settings.set(name, to: number) } catch let e as CrossbarError { throw value.error(e.message) }
        }
        if let problem = settings.problem { throw node.error("the crossbar settings have \(problem)") }
        return settings
    }
}
