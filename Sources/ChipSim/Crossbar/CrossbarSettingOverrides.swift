/// Crossbar input that cannot be used: an unknown setting, a value of the wrong kind or out of
/// range, a weight matrix that does not fit its tile.
public struct CrossbarError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

extension CrossbarSettings {
    /// Sets the setting called `key` (a name of ``keys``, as in `configs/crossbar.yaml`) to `value`.
    ///
    /// Throws for an unknown key (naming the known ones), a fraction given to a whole-number
    /// setting, or a value outside the setting's own range. Relations between settings
    /// (`g_min_us` below `g_max_us`, …) are checked by ``problem`` once every override is in.
    public mutating func set(_ key: String, to value: Double) throws {
        guard let k = Self.key(named: key) else { throw Self.unknown(key) }
        guard value.isFinite, k.range.contains(value) else {
            throw CrossbarError("'\(key)' must be in \(k.rangeText), found \(Self.format(value))")
        }
        guard !k.isInteger || value == value.rounded() else {
            throw CrossbarError("'\(key)' must be a whole number in \(k.rangeText), found \(value)")
        }
        k.write(&self, value)
    }

    /// Applies one `KEY=VALUE` override, as given to `--set`.
    public mutating func apply(override text: String) throws {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
            throw CrossbarError("'\(text)' is not KEY=VALUE (e.g. read_noise=0.02)")
        }
        let key = String(text[..<eq]), valueText = String(text[text.index(after: eq)...])
        guard Self.key(named: key) != nil else { throw Self.unknown(key) }
        guard let value = Double(valueText.replacingOccurrences(of: "_", with: "")) else {
            throw CrossbarError("'\(key)' must be a number, found '\(valueText)'")
        }
        try set(key, to: value)
    }

    private static func unknown(_ key: String) -> CrossbarError {
        CrossbarError("unknown crossbar setting '\(key)'; expected one of: \(keys.map(\.name).joined(separator: ", "))")
    }
}
