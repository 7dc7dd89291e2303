import ArgumentParser
import ChipSim
import Compiler
import Foundation

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what a chip image holds: target, populations and cores, routing tables, synaptic matrices, checksums.")

    @Argument(help: "A chip image (.nchip).")
    var image: String

    @Flag(help: "Print JSON for machines.")
    var json = false

    func run() throws {
        let file = try mapInput(image)
        let (sections, decoded, version) = try file.withUnsafeBytes { bytes in
            (try ChipImageCodec.sections(of: bytes), try ChipImageCodec.decode(bytes), try ChipImageCodec.version(of: bytes))
        }
        let format = "\(version.major).\(version.minor)"
        print(json ? Self.json(decoded, sections: sections, size: file.count, format: format)
                   : Self.text(decoded, sections: sections, path: image, size: file.count, format: format))
    }

    static func hex(_ v: UInt32) -> String { String(format: "0x%08x", v) }

    /// What a core runs, for people.
    static func role(_ c: CoreImage, _ img: ChipImage) -> String {
        guard let d = c.delayExtension else { return img.populations[c.population].name }
        return "\(img.populations[c.population].name) +\(d.stage * d.stageTicks) ticks"
    }

    /// How a matrix keeps its full-precision weights.
    static func weights(_ s: SynapticMatrix) -> String {
        switch s.floatWeights {
        case .absent: return "none"
        case .perWord: return "per synapse"
        case .byWeightField(let t): return "table of \(t.keys.count)"
        }
    }

    static func text(_ img: ChipImage, sections: [ChipImageCodec.SectionInfo], path: String, size: Int, format: String) -> String {
        var l: [String] = []
        l.append("chip image \(path): format \(format), \(size) bytes")
        l.append("sections:")
        for s in sections { l.append("  " + s.name.padding(toLength: 34, withPad: " ", startingAt: 0) + String(format: "%10d bytes  crc32 %@", s.length, hex(s.crc32))) }
        let m = img.machine
        l.append("target \(m.name): \(m.chips.count) chips (\(m.layout.rawValue) \(m.width)×\(m.height), \(m.wrapsAround ? "wrap-around" : "no wrap-around")\(m.boards > 0 ? ", \(m.boards) SpiNN-5 board\(m.boards == 1 ? "" : "s")" : "")), \(m.coresPerChip) cores per chip"
            + (m.deadChips.isEmpty && m.deadLinks.isEmpty && m.deadCores.isEmpty ? "" : "; dead: \(m.deadChips.count) chips, \(m.deadLinks.count) links, \(m.deadCores.count) cores"))
        let n = img.network
        l.append("network \(n.name): timestep \(n.timestepMs) ms, duration \(n.durationMs) ms, seed \(n.seed)")
        l.append("populations:")
        for p in img.populations {
            l.append("  \(p.name): \(p.model.rawValue), \(p.size) neurons on \(p.cores.count) core\(p.cores.count == 1 ? "" : "s")"
                + (p.record.isEmpty ? "" : ", records \(p.record.joined(separator: ", "))"))
        }
        l.append("cores:")
        l.append("  x,y,p     population         neurons  key base    mask        pop-table  words     slots  shifts")
        for c in img.cores {
            let s = c.synapses
            l.append("  " + c.location.description.padding(toLength: 9, withPad: " ", startingAt: 0)
                + " " + role(c, img).padding(toLength: 18, withPad: " ", startingAt: 0)
                + String(format: " %7d  %@  %@  %9d  %8d  %5d  %d,%d", c.neuronCount, hex(c.keyBase), hex(c.keyMask),
                         s.entries.count, s.words.count, img.populations[c.population].model.isSource ? 0 : s.slots,
                         Int(s.shifts.first ?? 0), Int(s.shifts.last ?? 0)))
        }
        let maxEntries = img.routingTables.map(\.entries.count).max() ?? 0
        l.append("routing tables: \(img.routingTables.count) chips with entries, at most \(maxEntries) of \(m.routerEntries)")
        for t in img.routingTables { l.append("  \(t.chip.x),\(t.chip.y): \(t.entries.count) entries") }
        if let settings = img.machine.crossbar {
            l.append("crossbar target: " + CrossbarSettings.keys.map { "\($0.name) \(CrossbarSettings.format(settings.value(of: $0)))" }.joined(separator: ", "))
            if let x = crossbarTiles(img) {
                l.append("crossbar tiles: \(x.tiles.count) of \(x.tileRows) × \(x.tileCols), \(String(format: "%.1f", x.utilization * 100))% of their cells used")
                l.append("  x,y,p     population         delay  receptor    tile  rows       columns    used   nonzero  weight max  to 0  clipped  stuck  projections")
                for t in x.tiles {
                    l.append("  " + t.core.padding(toLength: 9, withPad: " ", startingAt: 0) + " " + t.population.padding(toLength: 18, withPad: " ", startingAt: 0)
                        + String(format: " %5d  %@  %4d  %@ %@ %5.1f%%  %7d  %10.4g  %4d  %7d  %5d  ", t.delayTicks,
                                 t.receptor.padding(toLength: 10, withPad: " ", startingAt: 0), t.tile,
                                 "\(t.rows[0])..<\(t.rows[1])".padding(toLength: 10, withPad: " ", startingAt: 0),
                                 "\(t.columns[0])..<\(t.columns[1])".padding(toLength: 10, withPad: " ", startingAt: 0),
                                 t.utilization * 100, t.nonzeroWeights, t.weightMax, t.weightsRoundedToZero, t.weightsClipped, t.stuckOn + t.stuckOff)
                        + t.projections.joined(separator: ", "))
                }
            }
        }
        return l.joined(separator: "\n")
    }

    /// The crossbar tiles the image's mapping report lists (nil for a digital image, or a report
    /// that does not decode).
    static func crossbarTiles(_ img: ChipImage) -> MappingReport.Crossbar? {
        (try? MappingReport.decode(json: img.mappingReport))?.crossbar
    }

    static func json(_ img: ChipImage, sections: [ChipImageCodec.SectionInfo], size: Int, format: String) -> String {
        var object: [String: Any] = [
            "format_version": format,
            "bytes": size,
            "sections": sections.map { ["id": $0.id, "name": $0.name, "offset": $0.offset, "bytes": $0.length, "crc32": hex($0.crc32)] as [String: Any] },
            "target": ["name": img.machine.name, "layout": img.machine.layout.rawValue, "width": img.machine.width, "height": img.machine.height,
                       "chips": img.machine.chips.count, "cores_per_chip": img.machine.coresPerChip, "wrap_around": img.machine.wrapsAround,
                       "boards": img.machine.boards, "dead_chips": img.machine.deadChips.map(\.description),
                       "dead_links": img.machine.deadLinks.map(\.description), "dead_cores": img.machine.deadCores.map(\.description)] as [String: Any],
            "network": ["name": img.network.name, "timestep_ms": img.network.timestepMs, "duration_ms": img.network.durationMs, "seed": img.network.seed] as [String: Any],
            "populations": img.populations.map {
                ["name": $0.name, "model": $0.model.rawValue, "size": $0.size, "record": $0.record, "parameters": $0.parameters,
                 "cores": $0.cores.map { img.cores[$0].location.description }] as [String: Any]
            },
            "cores": img.cores.map { c -> [String: Any] in
                ["location": c.location.description, "population": img.populations[c.population].name, "first_neuron": c.firstNeuron,
                 "neurons": c.neuronCount, "key_base": hex(c.keyBase), "key_mask": hex(c.keyMask),
                 "master_population_entries": c.synapses.entries.count, "synapse_words": c.synapses.words.count,
                 "ring_buffer_slots": img.populations[c.population].model.isSource ? 0 : c.synapses.slots,
                 "weight_shifts": c.synapses.shifts.map(Int.init), "source_events": c.sourceEvents.count,
                 "float_weights": weights(c.synapses),
                 "delay_extension": c.delayExtension.map { ["source_core": $0.source, "stage": $0.stage, "stage_ticks": $0.stageTicks] as Any } ?? NSNull()]
            },
            "routing_tables": img.routingTables.map { t -> [String: Any] in
                ["chip": "\(t.chip.x),\(t.chip.y)",
                 "entries": t.entries.map { ["key": hex($0.key), "mask": hex($0.mask), "route": hex($0.route)] }]
            },
        ]
        if let settings = img.machine.crossbar {
            var crossbar: [String: Any] = ["settings": Dictionary(uniqueKeysWithValues: CrossbarSettings.keys.map { ($0.name, settings.value(of: $0)) })]
            if let x = crossbarTiles(img), let tiles = try? JSONSerialization.jsonObject(with: Data(MappingReport.json(x).utf8)) {
                crossbar["tiles"] = tiles
            }
            object["crossbar"] = crossbar
        }
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
