import Foundation

/// A JSON object read without a schema, so that a report degrades gracefully: a field that one
/// kind of run does not write (the cycle engine's counters in an `ideal` run, say), or that an
/// older or newer Neurite named otherwise, reads as nil instead of failing the whole page.
public struct LooseJSON {
    public var object: [String: Any]

    public init(_ object: [String: Any]) { self.object = object }

    /// Parses `data` as a JSON object; nil if it is not one.
    public init?(data: Data) {
        guard let o = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return nil }
        object = o
    }

    public func number(_ key: String) -> Double? {
        guard let n = object[key] as? NSNumber else { return nil }
        return n.doubleValue
    }

    public func int(_ key: String) -> Int? { number(key).map { Int($0) } }
    public func string(_ key: String) -> String? { object[key] as? String }
    public func bool(_ key: String) -> Bool? { (object[key] as? NSNumber)?.boolValue }
    public func child(_ key: String) -> LooseJSON? { (object[key] as? [String: Any]).map(LooseJSON.init) }
    public func children(_ key: String) -> [LooseJSON] { (object[key] as? [Any])?.compactMap { ($0 as? [String: Any]).map(LooseJSON.init) } ?? [] }
    public func strings(_ key: String) -> [String] { (object[key] as? [Any])?.compactMap { $0 as? String } ?? [] }
}
