/// A place in a source file: 1-based line and column.
public struct SourceLocation: Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// One problem found in the user's input, at a place, saying what was expected; or a warning
/// about something accepted that the user should know.
public struct Diagnostic: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable {
        case error, warning
    }

    public var location: SourceLocation?
    public var message: String
    public var severity: Severity

    public init(_ message: String, at location: SourceLocation?, severity: Severity = .error) {
        self.location = location
        self.message = message
        self.severity = severity
    }

    /// `file:line:column: error: message`, the form compilers print.
    public var description: String {
        if let location { return "\(location): \(severity.rawValue): \(message)" }
        return "\(severity.rawValue): \(message)"
    }
}

/// Compilation failed; every diagnostic found is listed, in source order.
public struct CompileError: Error, CustomStringConvertible, Sendable {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
