import ChipSim
import Foundation

/// A heat map on the machine's chip grid as SVG: each chip a hexagon at its place on the
/// hexagonal grid (SpiNN-5: the 48-chip hexagon in its 8 × 8 box), shaded by a value per chip;
/// optionally each chip's 18 processors as a 6 × 3 block of squares shaded by a value per core
/// (cores over a threshold, a load map's 100 %, outlined in black; the chip then takes a pale
/// tint of its value), and each link that carried traffic as
/// a segment from the chip towards its neighbour, as wide and dark as its share of the busiest.
struct ChipGridMap {
    /// One core's value, by `x,y,p` location.
    var cores: [String: Double] = [:]
    /// One chip's value, by `x,y`.
    var chips: [String: Double] = [:]
    /// One link's value: the chip it leaves (`x,y`), its name (`east`, `north_east`, …).
    var links: [(chip: String, link: String, value: Double)] = []
    /// Formats a value for the legend and the tooltips.
    var format: (Double) -> String = SVGText.quantity
    /// The colour scale runs from 0 to the largest value, or to this when it is larger (a load
    /// map's 100 %, so that light loads look light).
    var scaleFloor: Double = 0
    /// Cores whose value is above this are outlined in black (a load map's 100 %).
    var outlineAbove: Double?

    static let pitch = 64.0, margin = 30.0

    /// The chips to draw: the machine's, or those the values name, in their bounding box.
    func chipCoordinates(machine: MachineDescription?) -> [ChipCoordinate] {
        if let machine { return machine.chips }
        var seen = Set<ChipCoordinate>()
        for key in Array(chips.keys) + Array(cores.keys) + links.map(\.chip) {
            let parts = key.split(separator: ",").compactMap { Int($0) }
            if parts.count >= 2 { seen.insert(ChipCoordinate(x: parts[0], y: parts[1])) }
        }
        return seen.sorted()
    }

    func svg(machine: MachineDescription?) -> String {
        let coordinates = chipCoordinates(machine: machine)
        guard !coordinates.isEmpty else { return "<p class=\"note\">No chip carried anything to show.</p>" }
        let r = Self.pitch / 3.0.squareRoot()  // pointy-top hexagons, centres one pitch apart
        let rowStep = Self.pitch * 0.75 * 2 / 3.0.squareRoot()
        let cx = { (c: ChipCoordinate) in Double(c.x) - Double(c.y) / 2 }
        let minX = coordinates.map(cx).min()!, maxX = coordinates.map(cx).max()!
        let maxY = coordinates.map(\.y).max()!
        let width = (maxX - minX) * Self.pitch + 2 * Self.margin + Self.pitch + 170
        let height = Double(maxY - (coordinates.map(\.y).min()!)) * rowStep + 2 * Self.margin + 2 * r
        let centre = { (c: ChipCoordinate) -> (Double, Double) in
            (Self.margin + Self.pitch / 2 + (cx(c) - minX) * Self.pitch, Self.margin + r + Double(maxY - c.y) * rowStep)
        }
        let peak = max((Array(chips.values) + Array(cores.values)).max() ?? 0, scaleFloor, 1e-12)
        let linkPeak = max(links.map(\.value).max() ?? 0, 1e-12)
        var s = "<svg class=\"chipmap\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">"
        for c in coordinates {
            let (x, y) = centre(c)
            let key = "\(c.x),\(c.y)"
            let corners = (0..<6).map { k -> String in
                let a = Double.pi / 180 * (60 * Double(k) - 30)
                return "\(SVGText.coordinate(x + r * 0.97 * cos(a))),\(SVGText.coordinate(y + r * 0.97 * sin(a)))"
            }
            let hasCores = (0..<18).contains { cores["\(key),\($0)"] != nil }
            // Where the processors are drawn they carry the colour; the chip takes a pale tint.
            let fill = chips[key].map { SVGText.heat($0 / peak * (hasCores ? 0.35 : 1)) } ?? "#f4f4f4"
            let tip = chips[key].map { "chip \(key): \(format($0))" } ?? "chip \(key)"
            s += "<polygon class=\"chip\" points=\"\(corners.joined(separator: " "))\" fill=\"\(fill)\" stroke=\"#888\"><title>\(SVGText.escape(tip))</title></polygon>"
            s += "<text x=\"\(SVGText.coordinate(x))\" y=\"\(SVGText.coordinate(y - r * 0.45))\" text-anchor=\"middle\" class=\"small\">\(key)</text>"
            for p in 0..<18 {
                guard let v = cores["\(key),\(p)"] else { continue }
                let sx = x - 27 + Double(p % 6) * 9, sy = y - 6 + Double(p / 6) * 9
                s += "<rect class=\"core\" x=\"\(SVGText.coordinate(sx))\" y=\"\(SVGText.coordinate(sy))\" width=\"8\" height=\"8\" fill=\"\(SVGText.heat(v / peak))\"\(outlineAbove.map { v > $0 } == true ? " stroke=\"#000\"" : " stroke=\"#bbb\"") stroke-width=\"0.6\"><title>core \(key),\(p): \(SVGText.escape(format(v)))</title></rect>"
            }
        }
        for l in links {
            let parts = l.chip.split(separator: ",").compactMap { Int($0) }
            guard parts.count == 2, let link = Link.allCases.first(where: { $0.name == l.link }) else { continue }
            let (x0, y0) = centre(ChipCoordinate(x: parts[0], y: parts[1]))
            let (x1, y1) = centre(ChipCoordinate(x: parts[0] + link.delta.dx, y: parts[1] + link.delta.dy))
            // From the edge of this chip's hexagon to the middle of the way, shifted to one side,
            // so that the two directions of a link lie side by side.
            let dx = x1 - x0, dy = y1 - y0, length = (dx * dx + dy * dy).squareRoot()
            let (ux, uy) = (dx / length, dy / length), (nx, ny) = (-uy * 4, ux * 4)
            let f = l.value / linkPeak
            s += "<line class=\"link\" x1=\"\(SVGText.coordinate(x0 + ux * r * 0.55 + nx))\" y1=\"\(SVGText.coordinate(y0 + uy * r * 0.55 + ny))\" x2=\"\(SVGText.coordinate(x0 + dx / 2 + nx))\" y2=\"\(SVGText.coordinate(y0 + dy / 2 + ny))\" stroke=\"\(SVGText.heat(max(f, 0.15)))\" stroke-width=\"\(SVGText.coordinate(2.5 + 5 * f))\"><title>link \(SVGText.escape(l.chip)) \(SVGText.escape(l.link)): \(SVGText.escape(format(l.value)))</title></line>"
        }
        // The legend is the links' when the map shows nothing else.
        let legendPeak = chips.isEmpty && cores.isEmpty ? linkPeak : peak
        let lx = width - 150
        for k in 0...4 {
            let f = Double(4 - k) / 4
            s += "<rect x=\"\(SVGText.coordinate(lx))\" y=\"\(Int(Self.margin) + 18 * k)\" width=\"16\" height=\"16\" fill=\"\(SVGText.heat(f))\" stroke=\"#888\"/>"
            s += "<text x=\"\(SVGText.coordinate(lx + 22))\" y=\"\(Int(Self.margin) + 18 * k + 12)\">\(SVGText.escape(format(legendPeak * f)))</text>"
        }
        return s + "</svg>"
    }
}
