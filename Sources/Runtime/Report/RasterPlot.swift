import Foundation

/// The report's spike raster as SVG: time across, neurons down, populations stacked in the
/// network's order. Up to ``maxDots`` spikes it draws one dot per spike; beyond, it counts the
/// spikes in bins of time × neurons and shades each non-empty bin by its count (eight shades, a
/// row's equal neighbours merged into one rectangle), so that a run of millions of spikes gives a
/// page of a few thousand elements that a browser draws at once.
struct RasterPlot {
    /// Spikes counted in a grid of `columns` time bins × `rows` neuron bins, row-major.
    struct Bins: Equatable {
        var columns: Int
        var rows: Int
        var counts: [Int]
    }

    static let maxDots = 20_000
    static let width = 900.0, height = 380.0, left = 90.0, top = 10.0, bottom = 30.0

    var spikes: SpikeTable
    var populations: [(name: String, size: Int)]
    var durationMs: Double
    var maxDots = RasterPlot.maxDots

    /// The first row of each population, and the rows in all.
    var offsets: (first: [String: Int], total: Int) {
        var first: [String: Int] = [:], total = 0
        for p in populations {
            first[p.name] = total
            total += p.size
        }
        return (first, total)
    }

    /// Counts the spikes in `columns` × `rows` bins over [0, duration) × all neurons. Spikes of a
    /// population the layout does not know, or outside the run, are left out.
    func bins(columns: Int, rows: Int) -> Bins {
        let (first, total) = offsets
        var counts = [Int](repeating: 0, count: columns * rows)
        let rowOf = spikes.populations.map { first[$0] }
        guard total > 0, durationMs > 0 else { return Bins(columns: columns, rows: rows, counts: counts) }
        for i in 0..<spikes.count {
            guard let base = rowOf[Int(spikes.population[i])] else { continue }
            let n = base + Int(spikes.neuron[i]), t = Double(spikes.timeMs[i])
            guard n >= 0, n < total, t >= 0, t < durationMs else { continue }
            let c = Int(t / durationMs * Double(columns)), r = n * rows / total
            counts[r * columns + min(c, columns - 1)] += 1
        }
        return Bins(columns: columns, rows: rows, counts: counts)
    }

    func svg() -> String {
        let (first, total) = offsets
        let plotW = Self.width - Self.left - 10, plotH = Self.height - Self.top - Self.bottom
        var s = "<svg class=\"raster\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(Self.width))\" height=\"\(Int(Self.height))\" viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\">"
        s += "<rect x=\"\(Self.left)\" y=\"\(Self.top)\" width=\"\(SVGText.coordinate(plotW))\" height=\"\(SVGText.coordinate(plotH))\" fill=\"#fff\" stroke=\"#999\"/>"
        guard total > 0, durationMs > 0 else { return s + "</svg>" }
        let x = { (t: Double) in Self.left + t / durationMs * plotW }
        let y = { (row: Double) in Self.top + row / Double(total) * plotH }
        if spikes.count <= maxDots {
            let r = max(0.6, min(2.0, plotH / Double(total) / 2))
            for (index, name) in spikes.populations.enumerated() {
                guard let base = first[name], let colour = populations.firstIndex(where: { $0.name == name }).map(SVGText.category) else { continue }
                var path = ""
                for i in 0..<spikes.count where Int(spikes.population[i]) == index {
                    let px = x(Double(spikes.timeMs[i])), py = y(Double(base + Int(spikes.neuron[i])) + 0.5)
                    path += "M\(SVGText.coordinate(px - r)) \(SVGText.coordinate(py))h\(SVGText.coordinate(2 * r))"
                }
                if !path.isEmpty {
                    s += "<path class=\"spikes\" d=\"\(path)\" stroke=\"\(colour)\" stroke-width=\"\(SVGText.coordinate(2 * r))\"/>"
                }
            }
        } else {
            let b = bins(columns: Int(plotW / 3), rows: min(total, Int(plotH / 2)))
            let peak = max(b.counts.max() ?? 1, 1)
            let cw = plotW / Double(b.columns), rh = plotH / Double(b.rows)
            var byShade = [String](repeating: "", count: 9)
            for r in 0..<b.rows {
                var c = 0
                while c < b.columns {
                    let count = b.counts[r * b.columns + c]
                    let shade = count == 0 ? 0 : 1 + (count - 1) * 8 / peak
                    var end = c + 1
                    while end < b.columns, b.counts[r * b.columns + end] > 0,
                          1 + (b.counts[r * b.columns + end] - 1) * 8 / peak == shade, shade > 0 { end += 1 }
                    if shade > 0 {
                        byShade[shade] += "M\(SVGText.coordinate(Self.left + Double(c) * cw)) \(SVGText.coordinate(Self.top + Double(r) * rh))h\(SVGText.coordinate(Double(end - c) * cw))v\(SVGText.coordinate(rh))h\(SVGText.coordinate(-Double(end - c) * cw))z"
                    }
                    c = end
                }
            }
            for shade in 1...8 where !byShade[shade].isEmpty {
                s += "<path class=\"bins\" d=\"\(byShade[shade])\" fill=\"\(SVGText.heat(0.15 + 0.85 * Double(shade) / 8))\"/>"
            }
            s += "<text x=\"\(Int(Self.width) - 12)\" y=\"\(Int(Self.top) + 14)\" text-anchor=\"end\" class=\"note\">\(SVGText.quantity(Double(spikes.count))) spikes in bins of \(SVGText.quantity(durationMs / Double(b.columns))) ms × \(SVGText.quantity(Double(total) / Double(b.rows))) neurons; darker = more (at most \(peak) a bin)</text>"
        }
        for p in populations {
            guard let base = first[p.name] else { continue }
            let top = y(Double(base)), bottomY = y(Double(base + p.size))
            s += "<line x1=\"\(Self.left)\" x2=\"\(SVGText.coordinate(Self.left + plotW))\" y1=\"\(SVGText.coordinate(top))\" y2=\"\(SVGText.coordinate(top))\" stroke=\"#bbb\"/>"
            s += "<text x=\"\(Int(Self.left) - 6)\" y=\"\(SVGText.coordinate((top + bottomY) / 2 + 4))\" text-anchor=\"end\">\(SVGText.escape(p.name))</text>"
        }
        for k in 0...4 {
            let t = durationMs * Double(k) / 4
            s += "<text x=\"\(SVGText.coordinate(x(t)))\" y=\"\(Int(Self.height) - 10)\" text-anchor=\"\(k == 4 ? "end" : k == 0 ? "start" : "middle")\">\(SVGText.quantity(t)) ms</text>"
        }
        return s + "</svg>"
    }
}
