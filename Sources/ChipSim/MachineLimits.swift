/// Bounds on a machine description's numbers: what the simulator can count and allocate
/// without overflow. Target files and chip images are both held to them.
extension MachineDescription {
    /// Chips across or down; SpiNNaker's chip coordinates are 8-bit. 256.
    public static let maxChipsAcross = 256
    /// Any count or cost in cycles, entries, packets or bytes. 10^9.
    public static let maxCount = 1_000_000_000
    /// Clock frequency, Hz. 10 GHz.
    public static let maxClockHz = 1e10
    /// Any energy or power figure (nJ, W). 10^6.
    public static let maxEnergyFigure = 1e6

    /// Why this machine cannot be simulated, if it cannot.
    public var problem: String? {
        let counts: [(String, Int)] = [
            ("sdram_bytes", sdramBytesPerChip), ("router entries", routerEntries), ("router wait_cycles", routerWaitCycles),
            ("max_row_words", maxRowWords), ("input_buffer_packets", inputBufferPackets),
            ("lif_neuron_cycles", costs.lifNeuronCycles), ("izhikevich_neuron_cycles", costs.izhikevichNeuronCycles),
            ("source_atom_cycles", costs.sourceAtomCycles), ("synaptic_event_cycles", costs.synapticEventCycles),
            ("row_cycles", costs.rowCycles), ("tick_overhead_cycles", costs.tickOverheadCycles),
            ("dtcm_bytes", memory.dtcmBytes), ("neuron_dtcm_bytes", memory.neuronBytes),
            ("table_entry_dtcm_bytes", memory.tableEntryBytes), ("fixed_dtcm_bytes", memory.fixedBytes),
        ]
        if !(1...Self.maxChipsAcross).contains(width) || !(1...Self.maxChipsAcross).contains(height) {
            return "a machine of \(width) × \(height) chips; each side must be 1...\(Self.maxChipsAcross)"
        }
        if !(1...26).contains(coresPerChip) || !(0..<coresPerChip).contains(monitorCoresPerChip) {
            return "\(coresPerChip) cores per chip with \(monitorCoresPerChip) monitors; expected 1...26 cores and fewer monitors"
        }
        if !(clockHz > 0 && clockHz <= Self.maxClockHz) { return "a clock of \(clockHz) Hz; expected > 0 and ≤ \(Self.maxClockHz)" }
        if !(1...(1 << 15)).contains(maxNeuronsPerCore) || !(1...24).contains(ringBufferIndexBits)
            || maxNeuronsPerCore > 1 << (ringBufferIndexBits - 1) {
            return "\(maxNeuronsPerCore) neurons per core with \(ringBufferIndexBits) ring-buffer index bits"
        }
        if let (what, v) = counts.first(where: { !(0...Self.maxCount).contains($0.1) }) {
            return "\(what) of \(v); expected 0...\(Self.maxCount)"
        }
        let capacities = [("sdram_bytes", sdramBytesPerChip), ("router entries", routerEntries), ("max_row_words", maxRowWords),
                          ("input_buffer_packets", inputBufferPackets)]
        if let (what, v) = capacities.first(where: { $0.1 < 1 }) { return "\(what) of \(v); a machine needs at least 1" }
        if layout == .triads, width % 12 != 0 || height % 12 != 0 {
            return "a machine of triads of \(width) × \(height) chips; a triad of SpiNN-5 boards is 12 × 12 chips, so each side must be a multiple of 12"
        }
        if let problem = deadPartsProblem { return problem }
        if let problem = timing.problem { return problem }
        let figures = [energy.packetNanojoules, energy.synapticEventNanojoules, energy.idleChipWatts, energy.activeCoreWatts,
                       energy.dmaNanojoulesPerByte]
        if figures.contains(where: { !($0 >= 0 && $0 <= Self.maxEnergyFigure) }) {
            return "an energy figure outside 0...\(Self.maxEnergyFigure)"
        }
        return nil
    }

    /// Why the lists of dead chips, links and cores do not describe parts of this machine, if
    /// they do not.
    private var deadPartsProblem: String? {
        let limit = Self.maxCount
        if deadChips.count + deadLinks.count + deadCores.count > limit { return "more than \(limit) dead parts" }
        if Set(deadChips).count != deadChips.count || Set(deadCores).count != deadCores.count { return "a dead chip or core listed twice" }
        func onMachine(_ c: ChipCoordinate) -> Bool {
            c.x >= 0 && c.y >= 0 && c.x < width && c.y < height && layout.contains(x: c.x, y: c.y)
        }
        if let c = deadChips.first(where: { !onMachine($0) }) { return "a dead chip \(c) that the machine does not have" }
        if let l = deadLinks.first(where: { !onMachine($0.chip) }) { return "a dead link on chip \(l.chip), which the machine does not have" }
        if let p = deadCores.first(where: { !onMachine($0.chip) || !(monitorCoresPerChip..<coresPerChip).contains($0.processor) }) {
            return "a dead core \(p) that is not an application core of the machine"
        }
        return nil
    }
}
