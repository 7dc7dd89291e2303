import ChipSim
import Foundation

/// Reads a machine description (`configs/*.yaml`). Every key is optional but `name`, `layout`,
/// `width` and `height`; unset ones take the SpiNNaker defaults of ``MachineDescription``.
public enum TargetParser {
    /// The built-in targets by name; `spinn-5` is the default.
    public static let builtIn: [String: MachineDescription] = [
        MachineDescription.spinn5.name: .spinn5,
        MachineDescription.spinn3.name: .spinn3,
    ]

    /// The name that asks the compiler to choose the machine: the fewest SpiNN-5 boards that
    /// hold the network (``MachineDescription/spinn5Machines``).
    public static let auto = "auto"

    /// The machines to try, in order, for a `--target`: those of ``auto``, or the one target
    /// ``resolve(_:)`` gives.
    public static func candidates(_ nameOrPath: String?) throws -> [MachineDescription] {
        nameOrPath == auto ? MachineDescription.spinn5Machines : [try resolve(nameOrPath)]
    }

    /// A built-in target by name, or a target file by path (anything with a `/` or a `.yaml` or
    /// `.yml` ending, or a file that exists).
    public static func resolve(_ nameOrPath: String?) throws -> MachineDescription {
        guard let nameOrPath else { return .spinn5 }
        if let m = builtIn[nameOrPath] { return m }
        let looksLikePath = nameOrPath.contains("/") || nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml")
        if looksLikePath || FileManager.default.fileExists(atPath: nameOrPath) { return try parse(contentsOf: nameOrPath) }
        throw CompileError([Diagnostic("unknown target '\(nameOrPath)'; expected one of \(builtIn.keys.sorted().joined(separator: ", ")), \(auto) (the fewest SpiNN-5 boards that hold the network) or a target YAML file", at: nil)])
    }

    public static func parse(contentsOf path: String) throws -> MachineDescription {
        let bytes: [UInt8]
        do { bytes = try FileAccess.read(path) } catch let e as FileAccess.ReadError {
            throw CompileError([Diagnostic("target file: \(e.description)", at: nil)])
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CompileError([Diagnostic("target file '\(path)' is not UTF-8 text", at: nil)])
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws -> MachineDescription {
        do {
            guard let root = try YAMLNode.parse(text, file: file) else {
                throw Diagnostic("the target file is empty", at: SourceLocation(file: file, line: 1, column: 1))
            }
            return try read(root)
        } catch let d as Diagnostic {
            throw CompileError([d])
        }
    }

    private static func read(_ root: YAMLNode) throws -> MachineDescription {
        let f = try root.fields(allowed: ["name", "layout", "width", "height", "wrap_around", "chip", "router", "core", "costs", "energy", "timing",
                                          "dead_chips", "dead_links", "dead_cores", "crossbar"], what: "a target")
        let layoutNode = try f.required("layout", "rectangle, spinn5 or triads")
        guard let layout = BoardLayout(rawValue: try layoutNode.string()) else {
            throw layoutNode.error("unknown layout '\(layoutNode.scalarString ?? "")'; expected rectangle, spinn5 or triads")
        }
        var m = MachineDescription(
            name: try f.required("name", "a target name").string(), layout: layout,
            width: try positive(f.required("width", "chips across"), "width", max: MachineDescription.maxChipsAcross),
            height: try positive(f.required("height", "chips down"), "height", max: MachineDescription.maxChipsAcross),
            wrapsAround: try f["wrap_around"]?.bool() ?? (layout == .triads))
        if let chip = f["chip"] {
            let c = try chip.fields(allowed: ["cores", "monitor_cores", "clock_mhz", "sdram_bytes"], what: "'chip'")
            if let v = c["cores"] { m.coresPerChip = try positive(v, "cores", max: 26) }
            if let v = c["monitor_cores"] { m.monitorCoresPerChip = try v.int() }
            if let v = c["clock_mhz"] {
                m.clockHz = try positiveDouble(v, "clock_mhz", max: MachineDescription.maxClockHz / 1e6) * 1e6
                if m.clockHz == 0 { throw v.error("'clock_mhz' must be > 0") }
            }
            if let v = c["sdram_bytes"] { m.sdramBytesPerChip = try positive(v, "sdram_bytes") }
            guard m.monitorCoresPerChip >= 0, m.monitorCoresPerChip < m.coresPerChip else {
                throw chip.error("'monitor_cores' must leave at least one application core of \(m.coresPerChip)")
            }
        }
        if let router = f["router"] {
            let r = try router.fields(allowed: ["entries", "wait_cycles"], what: "'router'")
            if let v = r["entries"] { m.routerEntries = try positive(v, "entries") }
            if let v = r["wait_cycles"] { m.routerWaitCycles = try positive(v, "wait_cycles") }
        }
        if let core = f["core"] {
            let c = try core.fields(allowed: ["max_neurons", "ring_buffer_index_bits", "max_row_words", "input_buffer_packets", "dtcm_bytes",
                                              "neuron_dtcm_bytes", "table_entry_dtcm_bytes", "fixed_dtcm_bytes"], what: "'core'")
            if let v = c["max_neurons"] { m.maxNeuronsPerCore = try positive(v, "max_neurons", max: 1 << 15) }
            if let v = c["ring_buffer_index_bits"] { m.ringBufferIndexBits = try positive(v, "ring_buffer_index_bits", max: 24) }
            if let v = c["max_row_words"] { m.maxRowWords = try positive(v, "max_row_words") }
            if let v = c["input_buffer_packets"] { m.inputBufferPackets = try positive(v, "input_buffer_packets") }
            if let v = c["dtcm_bytes"] { m.memory.dtcmBytes = try positive(v, "dtcm_bytes") }
            if let v = c["neuron_dtcm_bytes"] { m.memory.neuronBytes = try positive(v, "neuron_dtcm_bytes") }
            if let v = c["table_entry_dtcm_bytes"] { m.memory.tableEntryBytes = try positive(v, "table_entry_dtcm_bytes") }
            if let v = c["fixed_dtcm_bytes"] { m.memory.fixedBytes = try positive(v, "fixed_dtcm_bytes") }
        }
        if let v = f["dead_chips"] { m.deadChips = try DeadParts.chips(v, machine: m) }
        if let v = f["dead_links"] { m.deadLinks = try DeadParts.links(v, machine: m) }
        if let v = f["dead_cores"] { m.deadCores = try DeadParts.cores(v, machine: m) }
        if let costs = f["costs"] {
            let c = try costs.fields(allowed: ["lif_neuron_cycles", "izhikevich_neuron_cycles", "source_atom_cycles", "synaptic_event_cycles", "row_cycles", "tick_overhead_cycles", "plastic_synapse_cycles"], what: "'costs'")
            if let v = c["lif_neuron_cycles"] { m.costs.lifNeuronCycles = try positive(v, "lif_neuron_cycles") }
            if let v = c["izhikevich_neuron_cycles"] { m.costs.izhikevichNeuronCycles = try positive(v, "izhikevich_neuron_cycles") }
            if let v = c["source_atom_cycles"] { m.costs.sourceAtomCycles = try positive(v, "source_atom_cycles") }
            if let v = c["synaptic_event_cycles"] { m.costs.synapticEventCycles = try positive(v, "synaptic_event_cycles") }
            if let v = c["row_cycles"] { m.costs.rowCycles = try positive(v, "row_cycles") }
            if let v = c["tick_overhead_cycles"] { m.costs.tickOverheadCycles = try positive(v, "tick_overhead_cycles") }
            if let v = c["plastic_synapse_cycles"] { m.costs.plasticSynapseCycles = try positive(v, "plastic_synapse_cycles") }
        }
        if let energy = f["energy"] {
            let e = try energy.fields(allowed: ["packet_nj", "synaptic_event_nj", "idle_chip_w", "active_core_w", "dma_nj_per_byte"], what: "'energy'")
            if let v = e["packet_nj"] { m.energy.packetNanojoules = try positiveDouble(v, "packet_nj") }
            if let v = e["synaptic_event_nj"] { m.energy.synapticEventNanojoules = try positiveDouble(v, "synaptic_event_nj") }
            if let v = e["idle_chip_w"] { m.energy.idleChipWatts = try positiveDouble(v, "idle_chip_w") }
            if let v = e["active_core_w"] { m.energy.activeCoreWatts = try positiveDouble(v, "active_core_w") }
            if let v = e["dma_nj_per_byte"] { m.energy.dmaNanojoulesPerByte = try positiveDouble(v, "dma_nj_per_byte") }
        }
        if let timing = f["timing"] { m.timing = try readTiming(timing) }
        if let crossbar = f["crossbar"] { m.crossbar = try CrossbarSettingsParser.read(crossbar) }
        guard m.maxNeuronsPerCore <= 1 << (m.ringBufferIndexBits - 1) else {
            throw root.error("'max_neurons' (\(m.maxNeuronsPerCore)) needs more than 'ring_buffer_index_bits' − 1 = \(m.ringBufferIndexBits - 1) index bits")
        }
        if let problem = m.problem { throw root.error("the target describes \(problem)") }
        return m
    }

    /// The `timing:` section: what the cycle engine times (``CycleTiming``); every key optional.
    private static func readTiming(_ node: YAMLNode) throws -> CycleTiming {
        let counts: [(String, WritableKeyPath<CycleTiming, Int>, ClosedRange<Int>)] = [
            ("router_pipeline_cycles", \.routerPipelineCycles, 0...1_000_000), ("link_buffer_packets", \.linkBufferPackets, 1...1_000_000),
            ("core_delivery_cycles", \.coreDeliveryCycles, 0...1_000_000), ("packet_receive_cycles", \.packetReceiveCycles, 1...1_000_000),
            ("core_port_packets", \.corePortPackets, 1...1_000_000), ("transmit_queue_packets", \.transmitQueuePackets, 1...1_000_000),
            ("background_queue_depth", \.backgroundQueueDepth, 0...1_000_000), ("colour_bits", \.colourBits, 0...16),
            ("reinjection_queue_packets", \.reinjectionQueuePackets, 0...1_000_000),
        ]
        let times: [(String, WritableKeyPath<CycleTiming, Double>, ClosedRange<Double>)] = [
            ("link_packet_ns", \.linkPacketNs, 1e-3...1e9), ("link_latency_ns", \.linkLatencyNs, 0...1e9),
            ("reinjection_delay_ns", \.reinjectionDelayNs, 0...1e9), ("sdram_bytes_per_second", \.sdramBytesPerSecond, 1...1e12),
        ]
        let f = try node.fields(allowed: counts.map(\.0) + times.map(\.0) + ["router_clock_mhz", "reinjection"], what: "'timing'")
        var t = CycleTiming()
        for (key, path, range) in counts {
            guard let v = f[key] else { continue }
            let x = try v.int("an integer")
            guard range.contains(x) else { throw v.error("'\(key)' must be in \(range.lowerBound)...\(range.upperBound), found \(x)") }
            t[keyPath: path] = x
        }
        for (key, path, range) in times {
            guard let v = f[key] else { continue }
            let x = try v.double("a number")
            guard range.contains(x) else { throw v.error("'\(key)' must be in \(range.lowerBound)...\(range.upperBound), found \(x)") }
            t[keyPath: path] = x
        }
        if let v = f["router_clock_mhz"] { t.routerClockHz = try positiveDouble(v, "router_clock_mhz", max: MachineDescription.maxClockHz / 1e6) * 1e6 }
        if let v = f["reinjection"] { t.reinjection = try v.bool() }
        if let problem = t.problem { throw node.error("'timing' describes \(problem)") }
        return t
    }

    private static func positive(_ node: YAMLNode, _ key: String, max limit: Int = MachineDescription.maxCount) throws -> Int {
        let v = try node.int("a positive integer")
        guard v > 0, v <= limit else { throw node.error("'\(key)' must be in 1...\(limit), found \(v)") }
        return v
    }

    private static func positiveDouble(_ node: YAMLNode, _ key: String, max limit: Double = MachineDescription.maxEnergyFigure) throws -> Double {
        let v = try node.double("a number ≥ 0")
        guard v >= 0, v <= limit else { throw node.error("'\(key)' must be in 0...\(limit), found \(v)") }
        return v
    }
}
