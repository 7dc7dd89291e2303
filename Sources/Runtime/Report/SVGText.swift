import Foundation

/// Text and colour helpers shared by the report's SVG figures and its HTML.
enum SVGText {
    /// `s` with the characters HTML and SVG give a meaning (`& < > " '`) escaped.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A coordinate or size with at most two decimals and no trailing zeros.
    static func coordinate(_ x: Double) -> String {
        let r = (x * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : String(format: "%.2f", r)
    }

    /// A quantity for people: whole numbers with thousands separated by commas, others with
    /// three significant digits.
    static func quantity(_ x: Double) -> String {
        guard x == x.rounded(), abs(x) < 1e15 else { return String(format: "%.3g", x) }
        let digits = String(Int(abs(x)))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (x < 0 ? "-" : "") + out
    }

    /// A fraction as a percentage with one decimal.
    static func percent(_ f: Double) -> String { String(format: "%.1f %%", f * 100) }

    /// A sequential colour for f in [0, 1] (pale yellow through orange to dark red), for heat maps.
    static func heat(_ f: Double) -> String {
        let stops: [(Double, Double, Double)] = [(255, 247, 220), (254, 217, 142), (253, 141, 60), (215, 48, 31), (127, 0, 0)]
        let x = min(max(f.isFinite ? f : 0, 0), 1) * Double(stops.count - 1)
        let i = min(Int(x), stops.count - 2)
        let t = x - Double(i)
        let (a, b) = (stops[i], stops[i + 1])
        return String(format: "#%02x%02x%02x", Int(a.0 + (b.0 - a.0) * t), Int(a.1 + (b.1 - a.1) * t), Int(a.2 + (b.2 - a.2) * t))
    }

    /// A colour per population (or per energy component), distinct for the first ten.
    static func category(_ i: Int) -> String {
        let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"]
        return palette[i % palette.count]
    }
}
