import Foundation

/// A connection probability as a function of distance, written as PyNN's
/// DistanceDependentProbabilityConnector takes it: an expression in `d` such as
/// `exp(-d/100)`, `0.5 * (d < 3)` or `d < 2.5`, with + − * / ** (or ^), comparisons (true = 1),
/// parentheses, the constants `pi` and `e`, and the functions exp, log, sqrt, abs, sin, cos,
/// tan, min, max and where(condition, a, b). Compiled once into a small stack program.
public struct DistanceExpression: Equatable, Sendable {
    public let text: String
    private let program: [Instruction]

    private enum Instruction: Equatable, Sendable {
        case constant(Double)
        case distance
        case unary(Unary)
        case binary(Binary)
        case select
    }

    private enum Unary: String, Equatable, Sendable { case negate, exp, log, sqrt, abs, sin, cos, tan }
    private enum Binary: String, Equatable, Sendable { case add, subtract, multiply, divide, power, less, lessEqual, greater, greaterEqual, equal, notEqual, min, max }

    /// Why an expression cannot be read: the message and the character offset.
    public struct ParseError: Error, Equatable {
        public var message: String
        public var offset: Int
    }

    public init(_ text: String) throws {
        self.text = text
        var parser = Parser(Array(text.unicodeScalars))
        program = try parser.parse()
    }

    /// The expression's value at distance `d`.
    public func evaluate(_ d: Double) -> Double {
        var stack: [Double] = []
        stack.reserveCapacity(8)
        for op in program {
            switch op {
            case .constant(let v): stack.append(v)
            case .distance: stack.append(d)
            case .unary(let f):
                let x = stack.removeLast()
                switch f {
                case .negate: stack.append(-x)
                case .exp: stack.append(Foundation.exp(x))
                case .log: stack.append(Foundation.log(x))
                case .sqrt: stack.append(x.squareRoot())
                case .abs: stack.append(Swift.abs(x))
                case .sin: stack.append(Foundation.sin(x))
                case .cos: stack.append(Foundation.cos(x))
                case .tan: stack.append(Foundation.tan(x))
                }
            case .binary(let f):
                let b = stack.removeLast(), a = stack.removeLast()
                switch f {
                case .add: stack.append(a + b)
                case .subtract: stack.append(a - b)
                case .multiply: stack.append(a * b)
                case .divide: stack.append(a / b)
                case .power: stack.append(pow(a, b))
                case .less: stack.append(a < b ? 1 : 0)
                case .lessEqual: stack.append(a <= b ? 1 : 0)
                case .greater: stack.append(a > b ? 1 : 0)
                case .greaterEqual: stack.append(a >= b ? 1 : 0)
                case .equal: stack.append(a == b ? 1 : 0)
                case .notEqual: stack.append(a != b ? 1 : 0)
                case .min: stack.append(Swift.min(a, b))
                case .max: stack.append(Swift.max(a, b))
                }
            case .select:
                let otherwise = stack.removeLast(), then = stack.removeLast(), condition = stack.removeLast()
                stack.append(condition != 0 ? then : otherwise)
            }
        }
        return stack.last ?? .nan
    }

    public static func == (a: DistanceExpression, b: DistanceExpression) -> Bool { a.text == b.text }

    /// Recursive descent: comparison > sum > product > unary > power > primary.
    private struct Parser {
        let s: [Unicode.Scalar]
        var i = 0
        var out: [Instruction] = []

        init(_ s: [Unicode.Scalar]) { self.s = s }

        mutating func parse() throws -> [Instruction] {
            try comparison()
            skipSpace()
            if i < s.count { throw ParseError(message: "unexpected '\(s[i])'", offset: i) }
            return out
        }

        mutating func skipSpace() { while i < s.count, s[i] == " " || s[i] == "\t" { i += 1 } }

        mutating func accept(_ token: String) -> Bool {
            skipSpace()
            let t = Array(token.unicodeScalars)
            guard i + t.count <= s.count, Array(s[i..<i + t.count]) == t else { return false }
            i += t.count
            return true
        }

        mutating func comparison() throws {
            try sum()
            for (token, op) in [("<=", Binary.lessEqual), (">=", .greaterEqual), ("==", .equal), ("!=", .notEqual),
                                ("<", .less), (">", .greater)] where accept(token) {
                try sum()
                out.append(.binary(op))
                return
            }
        }

        mutating func sum() throws {
            try product()
            while true {
                if accept("+") { try product(); out.append(.binary(.add)) } else if accept("-") { try product(); out.append(.binary(.subtract)) } else { return }
            }
        }

        mutating func product() throws {
            try unary()
            while true {
                if accept("**") || accept("^") { try unary(); out.append(.binary(.power)); continue }
                if accept("*") { try unary(); out.append(.binary(.multiply)) } else if accept("/") { try unary(); out.append(.binary(.divide)) } else { return }
            }
        }

        mutating func unary() throws {
            if accept("-") { try unary(); out.append(.unary(.negate)); return }
            if accept("+") { try unary(); return }
            try power()
        }

        mutating func power() throws {
            try primary()
            if accept("**") || accept("^") {
                try unary()
                out.append(.binary(.power))
            }
        }

        mutating func primary() throws {
            skipSpace()
            guard i < s.count else { throw ParseError(message: "the expression ends early", offset: i) }
            if accept("(") {
                try comparison()
                guard accept(")") else { throw ParseError(message: "expected ')'", offset: i) }
                return
            }
            let c = s[i]
            if CharacterSet.decimalDigits.contains(c) || c == "." {
                let start = i
                while i < s.count, CharacterSet.decimalDigits.contains(s[i]) || s[i] == "." { i += 1 }
                if i < s.count, s[i] == "e" || s[i] == "E" {
                    var j = i + 1
                    if j < s.count, s[j] == "+" || s[j] == "-" { j += 1 }
                    if j < s.count, CharacterSet.decimalDigits.contains(s[j]) {
                        i = j
                        while i < s.count, CharacterSet.decimalDigits.contains(s[i]) { i += 1 }
                    }
                }
                guard let v = Double(String(String.UnicodeScalarView(s[start..<i]))) else {
                    throw ParseError(message: "malformed number", offset: start)
                }
                out.append(.constant(v))
                return
            }
            guard CharacterSet.letters.contains(c) || c == "_" else { throw ParseError(message: "unexpected '\(c)'", offset: i) }
            let start = i
            while i < s.count, CharacterSet.alphanumerics.contains(s[i]) || s[i] == "_" { i += 1 }
            let name = String(String.UnicodeScalarView(s[start..<i]))
            switch name {
            case "d": out.append(.distance); return
            case "pi": out.append(.constant(Double.pi)); return
            case "e": out.append(.constant(M_E)); return
            default: break
            }
            guard accept("(") else { throw ParseError(message: "unknown name '\(name)'; the distance is 'd'", offset: start) }
            var arguments = 0
            if !accept(")") {
                repeat {
                    try comparison()
                    arguments += 1
                } while accept(",")
                guard accept(")") else { throw ParseError(message: "expected ')' after the arguments of \(name)", offset: i) }
            }
            let expected: Int
            switch name {
            case "min", "max", "minimum", "maximum": expected = 2
            case "where": expected = 3
            default: expected = 1
            }
            guard arguments == expected else {
                throw ParseError(message: "\(name) takes \(expected) argument\(expected == 1 ? "" : "s"), found \(arguments)", offset: start)
            }
            switch name {
            case "min", "minimum": out.append(.binary(.min))
            case "max", "maximum": out.append(.binary(.max))
            case "where": out.append(.select)
            default:
                guard let f = Unary(rawValue: name), f != .negate else {
                    throw ParseError(message: "unknown function '\(name)'; expected exp, log, sqrt, abs, sin, cos, tan, min, max or where", offset: start)
                }
                out.append(.unary(f))
            }
        }
    }
}
