import Foundation

/// The report's population rates over time as SVG: each population's spikes counted in bins of
/// whole time steps (about 200 bins over the run) and divided by its size and the bin's length.
struct RateChart {
    static let width = 900.0, height = 260.0, left = 60.0, top = 10.0, bottom = 30.0

    var spikes: SpikeTable
    var populations: [(name: String, size: Int)]
    var durationMs: Double
    var timestepMs: Double

    /// The bin's length: a whole number of time steps, about a 200th of the run.
    var binMs: Double {
        guard timestepMs > 0 else { return max(durationMs / 200, 1e-9) }
        return max(1, (durationMs / 200 / timestepMs).rounded(.down)) * timestepMs
    }

    /// Each population's rate (Hz) per bin, in the order of `populations`.
    func rates() -> [[Double]] {
        let bin = binMs
        let count = max(1, Int((durationMs / bin).rounded(.up)))
        var perPopulation = [[Double]](repeating: [Double](repeating: 0, count: count), count: populations.count)
        let index = spikes.populations.map { name in populations.firstIndex { $0.name == name } }
        for i in 0..<spikes.count {
            guard let p = index[Int(spikes.population[i])] else { continue }
            let b = Int(Double(spikes.timeMs[i]) / bin)
            if b >= 0, b < count { perPopulation[p][b] += 1 }
        }
        for p in populations.indices {
            let scale = 1000 / (bin * Double(max(populations[p].size, 1)))
            perPopulation[p] = perPopulation[p].map { $0 * scale }
        }
        return perPopulation
    }

    func svg() -> String {
        let plotW = Self.width - Self.left - 150, plotH = Self.height - Self.top - Self.bottom
        let series = rates()
        let peak = max(series.flatMap { $0 }.max() ?? 0, 1e-9)
        let bin = binMs
        var s = "<svg class=\"rates\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(Self.width))\" height=\"\(Int(Self.height))\" viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\">"
        s += "<rect x=\"\(Self.left)\" y=\"\(Self.top)\" width=\"\(SVGText.coordinate(plotW))\" height=\"\(SVGText.coordinate(plotH))\" fill=\"#fff\" stroke=\"#999\"/>"
        for (p, values) in series.enumerated() {
            let points = values.enumerated().map { b, v in
                "\(SVGText.coordinate(Self.left + (Double(b) + 0.5) * bin / durationMs * plotW)),\(SVGText.coordinate(Self.top + plotH - v / peak * plotH))"
            }
            s += "<polyline fill=\"none\" stroke=\"\(SVGText.category(p))\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"/>"
            let mean = values.reduce(0, +) / Double(max(values.count, 1))
            s += "<text x=\"\(SVGText.coordinate(Self.left + plotW + 10))\" y=\"\(Int(Self.top) + 14 + 18 * p)\" fill=\"\(SVGText.category(p))\">\(SVGText.escape(populations[p].name)) (mean \(String(format: "%.2f", mean)) Hz)</text>"
        }
        s += "<text x=\"\(Int(Self.left) - 6)\" y=\"\(Int(Self.top) + 10)\" text-anchor=\"end\">\(SVGText.quantity(peak)) Hz</text>"
        s += "<text x=\"\(Int(Self.left) - 6)\" y=\"\(SVGText.coordinate(Self.top + plotH))\" text-anchor=\"end\">0</text>"
        for k in 0...4 {
            let t = durationMs * Double(k) / 4
            s += "<text x=\"\(SVGText.coordinate(Self.left + t / durationMs * plotW))\" y=\"\(Int(Self.height) - 10)\" text-anchor=\"\(k == 4 ? "end" : k == 0 ? "start" : "middle")\">\(SVGText.quantity(t)) ms</text>"
        }
        s += "<text x=\"\(SVGText.coordinate(Self.left + plotW + 10))\" y=\"\(SVGText.coordinate(Self.top + plotH))\" class=\"note\">bins of \(SVGText.quantity(bin)) ms</text>"
        return s + "</svg>"
    }
}
