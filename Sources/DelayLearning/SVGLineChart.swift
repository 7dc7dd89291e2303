import Foundation

/// A self-contained SVG line chart (polylines with dots, axes, ticks, legend), linear or
/// logarithmic in x; enough for accuracy curves, with no dependencies.
public struct SVGLineChart {
    /// One curve.
    public struct Series {
        /// Legend text.
        public var name: String
        /// Points in data units, drawn in order.
        public var points: [(x: Double, y: Double)]
        /// A CSS colour.
        public var color: String

        /// A series.
        public init(name: String, points: [(x: Double, y: Double)], color: String) {
            self.name = name
            self.points = points
            self.color = color
        }
    }

    /// Title and axis labels.
    public var title: String, xLabel: String, yLabel: String
    /// Whether x is logarithmic (all x must then be > 0).
    public var logX: Bool
    /// The y range drawn. Default 0 ... 100 (percent).
    public var yRange: ClosedRange<Double>
    /// The curves.
    public var series: [Series]
    /// Picture size (px). Default 640 × 400.
    public var width = 640.0, height = 400.0

    /// A chart.
    public init(title: String, xLabel: String, yLabel: String, logX: Bool, yRange: ClosedRange<Double> = 0...100, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logX = logX
        self.yRange = yRange
        self.series = series
    }

    private let left = 70.0, right = 20.0, top = 40.0, bottom = 55.0

    /// The SVG document.
    public func render() -> String {
        let xs = series.flatMap { $0.points.map(\.x) }.map { logX ? log10($0) : $0 }
        var lo = xs.min() ?? 0, hi = xs.max() ?? 1
        if logX { lo = lo.rounded(.down); hi = hi.rounded(.up) }
        if hi <= lo { hi = lo + 1 }
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func px(_ x: Double) -> Double { left + ((logX ? log10(x) : x) - lo) / (hi - lo) * plotWidth }
        func py(_ y: Double) -> Double { top + (yRange.upperBound - y) / (yRange.upperBound - yRange.lowerBound) * plotHeight }
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" \
        viewBox="0 0 \(f(width)) \(f(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(f(width / 2))" y="22" text-anchor="middle" font-size="15">\(escape(title))</text>

        """
        for tick in xTicks(lo: lo, hi: hi) {
            let x = left + (tick - lo) / (hi - lo) * plotWidth
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + plotHeight))\" stroke=\"#ddd\"/>\n"
            let text = logX ? "1e\(Int(tick.rounded()))" : label(tick)
            svg += "<text x=\"\(f(x))\" y=\"\(f(top + plotHeight + 18))\" text-anchor=\"middle\">\(text)</text>\n"
        }
        for tick in niceTicks(lo: yRange.lowerBound, hi: yRange.upperBound) {
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(py(tick)))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(py(tick)))\" stroke=\"#ddd\"/>\n"
            svg += "<text x=\"\(f(left - 8))\" y=\"\(f(py(tick) + 4))\" text-anchor=\"end\">\(label(tick))</text>\n"
        }
        svg += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" "
            + "fill=\"none\" stroke=\"black\"/>\n"
        svg += "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        svg += "<text x=\"18\" y=\"\(f(top + plotHeight / 2))\" text-anchor=\"middle\" "
            + "transform=\"rotate(-90 18 \(f(top + plotHeight / 2)))\">\(escape(yLabel))</text>\n"
        for (k, s) in series.enumerated() {
            let points = s.points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\" points=\"\(points)\"/>\n"
            for p in s.points { svg += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"3\" fill=\"\(s.color)\"/>\n" }
            let y = top + 16 + 18 * Double(k)
            svg += "<line x1=\"\(f(left + 12))\" y1=\"\(f(y - 4))\" x2=\"\(f(left + 32))\" y2=\"\(f(y - 4))\" "
                + "stroke=\"\(s.color)\" stroke-width=\"2\"/>\n"
            svg += "<text x=\"\(f(left + 38))\" y=\"\(f(y))\">\(escape(s.name))</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// Decades on a log axis, nice steps on a linear one.
    private func xTicks(lo: Double, hi: Double) -> [Double] {
        logX ? stride(from: lo, through: hi + 1e-9, by: 1).map { $0 } : niceTicks(lo: lo, hi: hi)
    }

    /// Multiples of 1, 2 or 5 × 10ⁿ, about five of them, within [lo, hi].
    private func niceTicks(lo: Double, hi: Double) -> [Double] {
        let raw = (hi - lo) / 5, magnitude = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        return stride(from: (lo / step).rounded(.up) * step, through: hi + step * 1e-9, by: step).map { $0 }
    }

    private func label(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(format: "%g", v)
    }

    private func f(_ v: Double) -> String { String(format: "%.1f", v) }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
