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
        if let problem = timing.problem { return problem }
        let figures = [energy.packetNanojoules, energy.synapticEventNanojoules, energy.idleChipWatts, energy.activeCoreWatts,
                       energy.dmaNanojoulesPerByte]
        if figures.contains(where: { !($0 >= 0 && $0 <= Self.maxEnergyFigure) }) {
            return "an energy figure outside 0...\(Self.maxEnergyFigure)"
        }
        return nil
    }
}
