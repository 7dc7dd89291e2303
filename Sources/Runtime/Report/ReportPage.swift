import ChipSim
import Foundation

/// `neurite report DIR`: one self-contained HTML page about a run directory — no network access,
/// figures as inline SVG, styles inline. It shows the run's settings and outcome, the provenance
/// warnings and counters, the populations, a spike raster (binned for large runs), population
/// rates over time, per-core load and router traffic as heat maps on the chip grid, the energy
/// breakdown, and for `cycle` runs the cores' busy fractions, router drops, link traffic and the
/// balance of packet copies. Whatever the directory lacks is said, not guessed.
public enum ReportPage {
    /// Reads `directory` and returns the page.
    public static func html(forRunDirectory directory: String) throws -> String {
        html(try RunDirectoryContents(path: directory))
    }

    public static func html(_ run: RunDirectoryContents) -> String {
        let s = run.summary
        let title = "Neurite run: \(s.string("network") ?? "?") (\(s.string("timing") ?? "?") timing)"
        var body = "<h1>\(SVGText.escape(title))</h1>"
        body += overview(run)
        body += warnings(run)
        body += populations(run)
        body += activity(run)
        body += chipMaps(run)
        body += cycleSection(run)
        if let energy = s.child("energy") {
            body += "<h2>Energy</h2><p>\(String(format: "%.4g", s.number("energy_joules") ?? 0)) J in all.</p>" + EnergyChart(energy: energy).svg()
        }
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(SVGText.escape(title))</title>
        <style>\(style)</style></head>
        <body>\(body)
        <footer>Written by <code>neurite report</code> from \(SVGText.escape(run.path)).</footer>
        </body></html>

        """
    }

    static let style = """
    body{font:14px/1.4 sans-serif;margin:24px;color:#222;max-width:1000px}h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}
    table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}
    .warn{background:#fff3cd;border-left:4px solid #e0a800;padding:6px 10px;margin:6px 0}.bad{color:#b00020;font-weight:bold}.ok{color:#2a7d2a}
    .note,.small{font-size:11px;fill:#555;color:#555}svg text{font:12px sans-serif}svg .small{font-size:9px}footer{margin-top:30px;color:#777;font-size:12px}
    """

    static func row(_ cells: [String], header: Bool = false) -> String {
        let tag = header ? "th" : "td"
        return "<tr>" + cells.map { "<\(tag)>\($0)</\(tag)>" }.joined() + "</tr>"
    }

    static func overview(_ run: RunDirectoryContents) -> String {
        let s = run.summary
        var rows: [(String, String)] = []
        let add = { (name: String, value: String?) in if let value { rows.append((name, SVGText.escape(value))) } }
        add("target", s.string("target"))
        add("timing, arithmetic", [s.string("timing"), s.string("arithmetic")].compactMap { $0 }.joined(separator: ", "))
        add("step convention", s.string("step_convention"))
        add("threads, kernels", s.int("threads").map { "\($0)" + (s.string("kernels").map { ", \($0)" } ?? "") })
        add("duration", s.number("duration_ms").map { "\(SVGText.quantity($0)) ms in steps of \(SVGText.quantity(s.number("timestep_ms") ?? 0)) ms" })
        add("ticks", s.int("ticks").map { "\($0) of \(s.int("ticks_requested") ?? $0)" })
        add("ending", s.string("ending") ?? s.bool("complete").map { $0 ? "complete" : "incomplete" })
        add("wall time", s.number("wall_seconds").map { String(format: "%.4g s", $0) })
        add("synaptic events", s.number("synaptic_events").map { SVGText.quantity($0) + (s.number("synaptic_events_per_second").map { String(format: " (%.3g per wall second)", $0) } ?? "") })
        add("packets sent", s.number("packets_sent").map(SVGText.quantity))
        add("busiest core tick", s.number("max_core_load").map { SVGText.percent($0) + " of its cycle budget" })
        add("advised time scale factor", s.number("advised_time_scale_factor").map { String(format: "%.3g", $0) })
        var html = "<table>" + rows.map { row([$0.0, $0.1]) }.joined() + "</table>"
        if s.bool("complete") == false {
            html += "<p class=\"warn\">This run did not complete (\(SVGText.escape(s.string("ending") ?? "no reason given"))): what follows is what it recorded.</p>"
        }
        for p in run.problems { html += "<p class=\"warn\">\(SVGText.escape(p))</p>" }
        return html
    }

    static func warnings(_ run: RunDirectoryContents) -> String {
        var html = "<h2>Provenance</h2>"
        let warnings = run.summary.strings("warnings")
        html += warnings.isEmpty ? "<p class=\"ok\">No warnings.</p>" : warnings.map { "<p class=\"warn\">\(SVGText.escape($0))</p>" }.joined()
        if let p = run.summary.child("provenance") {
            html += "<table>" + row(["counter", "count"], header: true)
            for key in p.object.keys.sorted() {
                guard let v = p.number(key) else { continue }
                html += row([key.replacingOccurrences(of: "_", with: " "), v == 0 ? "0" : "<span class=\"bad\">\(SVGText.quantity(v))</span>"])
            }
            html += "</table>"
        }
        let saturated = run.summary.children("saturated_inputs")
        if !saturated.isEmpty {
            html += "<p>Ring-buffer saturation, most clipped first:</p><table>" + row(["core", "population", "receptor", "saturations", "input clipped", "weight shift"], header: true)
            for x in saturated {
                html += row([x.string("core") ?? "", x.string("population") ?? "", x.string("receptor") ?? "", x.number("saturations").map(SVGText.quantity) ?? "",
                             x.number("clipped_fraction").map(SVGText.percent) ?? "", x.int("weight_shift").map(String.init) ?? ""].map(SVGText.escape))
            }
            html += "</table>"
        }
        return html
    }

    static func populations(_ run: RunDirectoryContents) -> String {
        guard let pops = run.summary.child("populations") else { return "" }
        var html = "<h2>Populations</h2><table>" + row(["population", "neurons", "spikes", "mean rate (Hz)"], header: true)
        for (name, _) in run.populations {
            let p = pops.child(name)
            html += row([SVGText.escape(name), p?.number("size").map(SVGText.quantity) ?? "", p?.number("spikes").map(SVGText.quantity) ?? "",
                         p?.number("rate_hz").map { String(format: "%.3f", $0) } ?? ""])
        }
        return html + "</table>"
    }

    static func activity(_ run: RunDirectoryContents) -> String {
        guard let spikes = run.spikes else { return "" }
        let s = run.summary
        let ticks = s.number("ticks"), step = s.number("timestep_ms") ?? 1
        // An interrupted run reports the ticks it ran; its figures span those.
        let duration = ticks.map { $0 * step } ?? s.number("duration_ms") ?? Double(spikes.timeMs.max() ?? 0) + step
        var html = "<h2>Spikes</h2>"
        // Populations that recorded no spikes (Poisson background, say) but fired are left out of
        // the figures, which would show them silent; the table above has their rates.
        let fired = Set(spikes.populations)
        let shown = run.populations.filter { fired.contains($0.name) || s.child("populations")?.child($0.name)?.number("spikes") == 0 }
        html += RasterPlot(spikes: spikes, populations: shown, durationMs: duration).svg()
        html += "<h2>Population rates over time</h2>"
        html += RateChart(spikes: spikes, populations: shown, durationMs: duration, timestepMs: step).svg()
        return html
    }

    static func chipMaps(_ run: RunDirectoryContents) -> String {
        guard let prov = run.provenance else { return "" }
        let cores = prov.children("cores"), routers = prov.children("routers")
        var html = "<h2>The chip grid</h2>"
        html += "<p>Each hexagon is a chip at its place on the board; the squares inside are its processors (6 × 3, processor 0 at the top left).</p>"
        var load = ChipGridMap(format: SVGText.percent, scaleFloor: 1, outlineAbove: 1)
        for c in cores { if let l = c.string("location"), let v = c.number("max_load") { load.cores[l] = v } }
        for (chip, values) in Dictionary(grouping: load.cores, by: { chipKey($0.key) }) { load.chips[chip] = values.map(\.value).max() }
        html += "<h3>Per-core load</h3><p>The busiest tick's modelled cycles over the tick's budget (the chip: its busiest core); outlined cores overran.</p>" + load.svg(machine: run.machine)
        var traffic = ChipGridMap()
        for r in routers { if let chip = r.string("chip"), let v = r.number("packets") { traffic.chips[chip] = v } }
        html += "<h3>Router traffic</h3><p>Packets each chip's router handled.</p>" + traffic.svg(machine: run.machine)
        return html
    }

    static func cycleSection(_ run: RunDirectoryContents) -> String {
        guard let cycle = run.summary.child("cycle") else { return "" }
        var html = "<h2>The cycle engine</h2><table>" + row(["measure", "value"], header: true)
        let fields: [(String, String, (Double) -> String)] = [
            ("mean_core_busy", "mean core busy", SVGText.percent), ("max_core_busy", "busiest core busy", SVGText.percent),
            ("link_packets", "packet hops over links", SVGText.quantity), ("max_link_busy", "busiest link busy", SVGText.percent),
            ("max_late_ticks", "most ticks a packet was late", SVGText.quantity), ("max_router_wait_cycles", "longest router wait (cycles)", SVGText.quantity),
            ("transmit_stalls", "transmit stalls", SVGText.quantity), ("dma_bytes", "bytes read by DMA", SVGText.quantity),
            ("events", "engine events", SVGText.quantity), ("events_per_second", "engine events per wall second", { String(format: "%.3g", $0) }),
        ]
        for (key, name, f) in fields { if let v = cycle.number(key) { html += row([name, f(v)]) } }
        html += "</table>"
        if let copies = cycle.child("copies") {
            let balanced = copies.bool("balances")
            html += "<h3>Packet copies</h3><p>sent = arrived + lost + in flight; arrived = rows processed + invalid keys + input-buffer overflows + queued at the end: "
                + (balanced == true ? "<span class=\"ok\">balances</span>" : balanced == false ? "<span class=\"bad\">does not balance</span>" : "not stated") + ".</p><table>"
                + row(["copies", "count"], header: true)
            for key in ["sent", "arrived", "lost", "in_flight", "rows_processed", "invalid_keys", "input_buffer_overflows", "queued_at_end"] {
                if let v = copies.number(key) { html += row([key.replacingOccurrences(of: "_", with: " "), SVGText.quantity(v)]) }
            }
            html += "</table>"
        }
        guard let prov = run.provenance else { return html }
        var busy = ChipGridMap(format: SVGText.percent, scaleFloor: 1)
        for c in prov.children("cores") {
            guard let l = c.string("location"), let b = c.number("busy_cycles"), let i = c.number("idle_cycles"), b + i > 0 else { continue }
            busy.cores[l] = b / (b + i)
        }
        if !busy.cores.isEmpty {
            for (chip, values) in Dictionary(grouping: busy.cores, by: { chipKey($0.key) }) { busy.chips[chip] = values.map(\.value).max() }
            html += "<h3>Busy fraction per core</h3><p>Busy cycles over busy and idle cycles (the chip: its busiest core).</p>" + busy.svg(machine: run.machine)
        }
        var drops = ChipGridMap()
        for r in prov.children("routers") {
            if let chip = r.string("chip"), let d = r.child("cycle")?.number("dropped_packets") { drops.chips[chip] = d }
        }
        if !drops.chips.isEmpty {
            let total = drops.chips.values.reduce(0, +)
            html += "<h3>Router drops</h3>" + (total == 0 ? "<p class=\"ok\">No router dropped a packet.</p>"
                : "<p>\(SVGText.quantity(total)) packets dropped by routers in all.</p>" + drops.svg(machine: run.machine))
        }
        var links = ChipGridMap(format: SVGText.quantity)
        for l in prov.children("links") {
            if let chip = l.string("chip"), let name = l.string("link"), let p = l.number("packets") { links.links.append((chip, name, p)) }
        }
        if !links.links.isEmpty {
            html += "<h3>Link traffic</h3><p>Packets over each link, drawn from the chip it leaves towards its neighbour.</p>" + links.svg(machine: run.machine)
        }
        return html
    }

    /// `x,y` of an `x,y,p` core location.
    static func chipKey(_ location: String) -> String {
        location.split(separator: ",").prefix(2).joined(separator: ",")
    }
}
