import Foundation

/// The report's energy breakdown as SVG: one bar split by component (static power of chips and
/// cores, packets' router crossings, synaptic events, DMA reads, crossbar reads), each labelled with its share.
struct EnergyChart {
    /// Components in the summary's `energy` object, with their names on the page.
    static let components = [("static_joules", "static (chips and cores)"), ("packet_joules", "packets"),
                             ("synaptic_joules", "synaptic events"), ("dma_joules", "DMA reads"),
                             ("crossbar_row_joules", "crossbar row drivers"), ("crossbar_cell_joules", "crossbar cells"),
                             ("crossbar_adc_joules", "crossbar ADCs")]

    var energy: LooseJSON

    /// The components that are present, with their joules.
    var parts: [(name: String, joules: Double)] {
        Self.components.compactMap { key, name in energy.number(key).map { (name, $0) } }
    }

    func svg() -> String {
        let total = parts.reduce(0) { $0 + $1.joules }
        let width = 900.0, barW = 600.0
        var s = "<svg class=\"energy\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(40 + 18 * parts.count)\">"
        guard total > 0 else { return s + "<text x=\"0\" y=\"20\">no energy recorded</text></svg>" }
        var x = 0.0
        for (i, p) in parts.enumerated() {
            let w = p.joules / total * barW
            s += "<rect x=\"\(SVGText.coordinate(x))\" y=\"4\" width=\"\(SVGText.coordinate(w))\" height=\"22\" fill=\"\(SVGText.category(i))\"><title>\(SVGText.escape(p.name)): \(String(format: "%.4g", p.joules)) J</title></rect>"
            x += w
            s += "<rect x=\"0\" y=\"\(36 + 18 * i)\" width=\"12\" height=\"12\" fill=\"\(SVGText.category(i))\"/>"
            s += "<text x=\"18\" y=\"\(46 + 18 * i)\">\(SVGText.escape(p.name)): \(String(format: "%.4g", p.joules)) J (\(SVGText.percent(p.joules / total)))</text>"
        }
        return s + "</svg>"
    }
}
