import ChipSim
import Foundation

/// A core's synaptic matrix before its synapses are written: its master population table (one
/// entry per source core whose spikes it takes, sorted by key), where each row starts, its ring
/// buffer, weight shifts and how it keeps full-precision weights, and what it costs in SDRAM and
/// DTCM.
final class CoreLayout {
    var entries: [MasterPopulationEntry] = []
    /// Per entry, the core its packets come from.
    var entrySources: [Int] = []
    /// Word index where each row starts; one more than there are rows.
    var rowStarts: RawBuffer<UInt32>
    var indexBits: Int
    var slotBits = 0
    var shifts: [Int8] = [0, 0]
    /// The full-precision weights by (weight16, type) when the core's weights allow it; nil
    /// keeps one per synapse (unless the image holds none).
    var weightTable: WeightTable?
    var synapses = 0
    var longestRow = 0
    var sdramBytes = 0
    var dtcmBytes = 0

    init(neurons: Int) {
        indexBits = bitsFor(neurons)
        rowStarts = RawBuffer(repeating: 0, count: 1)
    }

    /// The rows' index; the layout keeps the starts no longer.
    func takeRows() -> RowIndex {
        // The layout writes the starts rising from 0.
        let rows = RowIndex(starts: UnsafeBufferPointer(rowStarts.pointer))!
        rowStarts = RawBuffer(repeating: 0, count: 1)
        return rows
    }
}

/// A core whose ring buffer, neuron state and master population table do not fit its DTCM, whose
/// synaptic matrix does not fit a chip's SDRAM, or with a synaptic row longer than a row holds:
/// the compiler cuts its population into smaller cores and tries again.
struct CoreTooFull: Error {
    var population: Int
    /// The neurons of the population's largest core (the cut that did not fit).
    var neurons: Int
    var diagnostic: Diagnostic
}

/// Lays out every core's matrix from the census, and checks what the chip cannot hold.
enum MatrixLayout {
    /// One block of rows a core takes: from `source` (a core of the mapping), `rows` rows whose
    /// lengths are `counts(row)`.
    private struct Incoming {
        var source: Int
        var key: UInt32
        /// Census of neuron core `census`, reach `reach`, atoms `lo ..< hi` (−1: a delay chain).
        var census: Int
        var reach: Int
        var lo: Int
        var hi: Int
    }

    static func build(network: NetworkSpec, slices: [CoreSlice], census: [SourceCensus], totals: CensusTotals, delays: DelayPlan,
                      cores: NeuronCores, machine: MachineDescription, floatWeights: Bool, parallel: Bool) throws -> [CoreLayout] {
        var incoming = [[Incoming]](repeating: [], count: slices.count)
        for (s, c) in census.enumerated() {
            let atoms = slices[s].count
            for (r, reach) in c.reach.enumerated() {
                let t = Int(reach.target)
                if reach.stage == 0 {
                    incoming[t].append(Incoming(source: s, key: slices[s].keyBase, census: s, reach: r, lo: 0, hi: atoms))
                    continue
                }
                let size = delays.rangeSize[s]
                for (i, d) in delays.stageCores[s][Int(reach.stage) - 1].enumerated() where d >= 0 {
                    let lo = i * size, hi = min(atoms, lo + size)
                    if c.counts[r * atoms + lo..<r * atoms + hi].contains(where: { $0 > 0 }) {
                        incoming[t].append(Incoming(source: d, key: slices[d].keyBase, census: s, reach: r, lo: lo, hi: hi))
                    }
                }
            }
        }
        // Each delay-extension core takes its atoms' spikes from the core before it in the chain.
        for (d, slice) in slices.enumerated() {
            guard let delay = slice.delay else { continue }
            incoming[d].append(Incoming(source: delay.source, key: slices[delay.source].keyBase, census: -1, reach: delay.stage,
                                        lo: slice.firstNeuron, hi: slice.firstNeuron + slice.count))
        }
        let layouts = ParallelWork.map(slices.count, parallel: parallel) { t -> Result<CoreLayout, Error> in
            Result {
                try layout(core: t, incoming: incoming[t].sorted { $0.key < $1.key }, network: network, slices: slices, census: census,
                           totals: totals, cores: cores, machine: machine, floatWeights: floatWeights)
            }
        }
        return try layouts.map { try $0.get() }
    }

    private static func layout(core t: Int, incoming: [Incoming], network: NetworkSpec, slices: [CoreSlice], census: [SourceCensus],
                               totals: CensusTotals, cores: NeuronCores, machine: MachineDescription, floatWeights: Bool) throws -> CoreLayout {
        let slice = slices[t]
        let layout = CoreLayout(neurons: slice.count)
        var rows = 0
        for inc in incoming { rows += slices[inc.source].count }
        let starts = RawBuffer<UInt32>(repeating: 0, count: rows + 1)
        var row = 0, word = 0
        for inc in incoming {
            let source = slices[inc.source]
            var longest = 0
            for a in 0..<source.count {
                let n: Int
                if inc.census >= 0 {
                    let atoms = slices[inc.census].count
                    n = Int(census[inc.census].counts[inc.reach * atoms + inc.lo + a])
                } else {
                    // A chain link: the atoms of this core among the source's, whose spikes need this stage.
                    let g = source.firstNeuron + a
                    let neuronCore = chainRoot(inc.source, slices: slices)
                    let local = g - slices[neuronCore].firstNeuron
                    n = g >= inc.lo && g < inc.hi && Int(census[neuronCore].lastStage[local]) >= inc.reach ? 1 : 0
                }
                word += n
                longest = max(longest, n)
                row += 1
                starts.base[row] = UInt32(clamping: word)
            }
            if longest > machine.maxRowWords {
                throw rowTooLong(longest, from: inc, to: t, slices: slices, census: census, network: network, machine: machine)
            }
            layout.entries.append(MasterPopulationEntry(key: inc.key, mask: source.keyMask, firstRow: UInt32(row - source.count),
                                                        rows: UInt32(source.count), rowLength: UInt32(longest)))
            layout.entrySources.append(inc.source)
            layout.longestRow = max(layout.longestRow, longest)
            layout.sdramBytes += source.count * (longest + 3) * 4
        }
        guard word <= Int(UInt32.max) else {
            throw CompileError([Diagnostic("a core of '\(network.populations[slice.population].name)' receives more than 2^32 synapses", at: nil)])
        }
        layout.rowStarts = starts
        layout.synapses = word
        if let delay = slice.delay {
            layout.slotBits = bitsFor(delay.stageTicks)
            layout.weightTable = floatWeights ? WeightTable(keys: [1 << 1], values: [1]) : nil
        } else if !incoming.isEmpty {
            layout.slotBits = bitsFor(max(Int(totals.longestDelay[t]), 1))
            layout.shifts = weightShifts(core: t, slices: slices, totals: totals, network: network)
            layout.weightTable = floatWeights ? weightTable(core: t, shifts: layout.shifts, slices: slices, totals: totals, network: network) : nil
        }
        layout.dtcmBytes = machine.memory.bytesNeeded(
            neurons: slice.count, keepsNeuronState: slice.delay == nil,
            ringEntries: incoming.isEmpty ? 0 : 1 << (layout.slotBits + SynapticMatrix.typeBits + layout.indexBits),
            tableEntries: layout.entries.count)
        if layout.sdramBytes > machine.sdramBytesPerChip {
            let pop = network.populations[slice.population]
            throw CoreTooFull(population: slice.population, neurons: largestCore(of: slice.population, slices), diagnostic: Diagnostic(
                "a core of '\(pop.name)' needs \(HostMemory.format(bytes: layout.sdramBytes)) of SDRAM for its synaptic matrix, more than a chip's \(HostMemory.format(bytes: machine.sdramBytesPerChip)); set a smaller neurons_per_core on '\(pop.name)' or use fewer synapses",
                at: pop.location))
        }
        if layout.dtcmBytes > machine.memory.dtcmBytes {
            let pop = network.populations[slice.population]
            throw CoreTooFull(population: slice.population, neurons: largestCore(of: slice.population, slices), diagnostic: Diagnostic(
                "a core of '\(pop.name)' (neurons \(slice.firstNeuron)..<\(slice.firstNeuron + slice.count)) needs \(layout.dtcmBytes) bytes of DTCM — a ring buffer of \(1 << layout.slotBits) delay slots, \(slice.count) neurons and a master population table of \(layout.entries.count) source cores — and a core has \(machine.memory.dtcmBytes): set a smaller neurons_per_core on '\(pop.name)', or fewer, larger source cores",
                at: pop.location))
        }
        return layout
    }

    /// The neurons of the largest core of population `p`.
    private static func largestCore(of p: Int, _ slices: [CoreSlice]) -> Int {
        slices.filter { $0.population == p && $0.delay == nil }.map(\.count).max() ?? 1
    }

    /// The neuron core at the head of a delay chain.
    private static func chainRoot(_ c: Int, slices: [CoreSlice]) -> Int {
        var c = c
        while let d = slices[c].delay { c = d.source }
        return c
    }

    private static func rowTooLong(_ longest: Int, from inc: Incoming, to t: Int, slices: [CoreSlice], census: [SourceCensus],
                                   network: NetworkSpec, machine: MachineDescription) -> CoreTooFull {
        let source = slices[chainRoot(inc.source, slices: slices)]
        let pre = network.populations[source.population], post = network.populations[slices[t].population]
        let projection = network.projections.first { $0.pre.population == source.population && $0.post.population == slices[t].population }
        let advice = slices[t].count == 1
            ? "a single neuron of '\(post.name)'; a synaptic row holds at most \(machine.maxRowWords) (the target's max_row_words), so no smaller core helps: use fewer multapses between the two neurons"
            : "one core of '\(post.name)'; a synaptic row holds at most \(machine.maxRowWords) (the target's max_row_words): set a smaller neurons_per_core on '\(post.name)'"
        return CoreTooFull(population: slices[t].population, neurons: largestCore(of: slices[t].population, slices), diagnostic: Diagnostic(
            "a neuron of '\(pre.name)' has \(longest) synapses onto \(advice)", at: projection?.location ?? post.location))
    }

    /// The core's weight shift per synapse type: the population's override (`ring_buffer_shifts`,
    /// `min_weights`) where it sets one, else ``WeightScaling`` over what each projection brings
    /// onto the core.
    static func weightShifts(core t: Int, slices: [CoreSlice], totals: CensusTotals, network: NetworkSpec) -> [Int8] {
        let slice = slices[t]
        let population = network.populations[slice.population]
        var scaling = WeightScaling(sigma: population.ringBufferSigma ?? network.ringBufferSigma, timestepMs: network.timestep)
        for (k, p) in network.projections.enumerated() where p.post.population == slice.population {
            let pair = totals.pairIndex(projection: k, core: t)
            guard pair >= totals.pairBase[k], pair < totals.pairBase[k + 1], totals.weights[pair].count > 0 else { continue }
            var fanIn: UInt32 = 0
            for n in slice.firstNeuron..<(slice.firstNeuron + slice.count) {
                if let j = p.post.index(of: n) { fanIn = max(fanIn, totals.inDegree[totals.inDegreeBase[k] + j]) }
            }
            let rates = NetworkCompiler.sourceRates(p, network: network)
            // A plastic weight may reach w_max: its rows are sized for that (as sPyNNaker's are).
            let plasticMax = p.plasticity.map { $0.wMax * (population.model.isConductanceBased ? Double(1 << SynapticMatrix.conductanceScaleBits) : 1) }
            let weights = totals.weights[pair]
            scaling.add(WeightScaling.Incoming(fanIn: Int(fanIn), weightMean: plasticMax ?? weights.mean,
                                               weightVariance: plasticMax == nil ? weights.variance : 0,
                                               weightMax: max(weights.largest, plasticMax ?? 0),
                                               delayVariance: totals.delays[pair].variance, spikesPerSecond: rates.spikesPerSecond,
                                               spikesPerTick: rates.spikesPerTick),
                        type: p.receptor.rawValue)
        }
        let conductanceScale = population.model.isConductanceBased ? Double(1 << SynapticMatrix.conductanceScaleBits) : 1
        let computed = scaling.shifts()
        return (0..<2).map { type in
            if let shift = population.ringBufferShifts[type] { return Int8(shift) }
            if let minWeight = population.minWeights[type] { return WeightScaling.shift(forMinimumWeight: minWeight * conductanceScale) }
            return computed[type]
        }
    }

    /// The full-precision weights of a core by (weight16, type), when every projection onto it
    /// has one weight for all its synapses and no two of the same type share a 16-bit weight.
    private static func weightTable(core t: Int, shifts: [Int8], slices: [CoreSlice], totals: CensusTotals,
                                    network: NetworkSpec) -> WeightTable? {
        let slice = slices[t]
        let model = network.populations[slice.population].model
        let conductanceScale = model.isConductanceBased ? Double(1 << SynapticMatrix.conductanceScaleBits) : 1
        var table: [UInt32: Double] = [:]
        for (k, p) in network.projections.enumerated() where p.post.population == slice.population {
            let pair = totals.pairIndex(projection: k, core: t)
            guard pair >= totals.pairBase[k], pair < totals.pairBase[k + 1], totals.weights[pair].count > 0 else { continue }
            guard case .constant(let written) = p.weight else { return nil }
            if case .fromList(let rows) = p.connector, rows.contains(where: { $0.weight != nil }) { return nil }
            if case .convolution = p.connector { return nil }
            let negativeExpected = p.receptor == .inhibitory && !model.isConductanceBased
            let w = (negativeExpected && written > 0) || (!negativeExpected && written < 0) ? 0 : abs(written)
            let key = UInt32(WeightScaling.quantize(w * conductanceScale, shift: shifts[p.receptor.rawValue])) << 1 | UInt32(p.receptor.rawValue)
            if let known = table[key], known != w { return nil }
            table[key] = w
        }
        let keys = table.keys.sorted()
        return WeightTable(keys: keys, values: keys.map { table[$0]! })
    }
}
