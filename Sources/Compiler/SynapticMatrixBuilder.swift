import ChipSim
import Foundation

/// A synapse arriving at a core, before it is packed into a row.
struct IncomingSynapse {
    var sourceCore: Int32
    var sourceIndex: UInt16
    var target: UInt16
    var type: UInt8
    var delayTicks: Int32
    /// The projection it comes from (for messages).
    var projection: UInt16
    /// Magnitude in the core's input units (nA, or µS × 2^10 for conductance cells).
    var weight: Double
    /// The weight as the user wrote it (nA or µS), for the float64 arithmetic.
    var rawWeight: Double
}

/// What building one core's matrix found, for the mapping report.
struct MatrixStats {
    var synapses = 0
    /// Per projection, synapses whose non-zero weight became 0 in 16 bits.
    var roundedToZero: [Int: Int] = [:]
    /// Synapses whose weight exceeded the 16-bit range of an overridden shift and was clipped.
    var weightsSaturated = 0
    var maxRowLength = 0

    var weightsRoundedToZero: Int { roundedToZero.values.reduce(0, +) }
}

/// The spike statistics of a projection's source, for sizing ring buffers: its mean rate (Hz)
/// and the most spikes one of its neurons sends in one tick.
struct SourceRates {
    var spikesPerSecond: Double
    var spikesPerTick: Double
}

/// Packs a core's incoming synapses into its synaptic matrix and master population table.
enum SynapticMatrixBuilder {
    static func build(
        core: Int, slices: [CoreSlice], incoming: [IncomingSynapse], sources: [SourceRates],
        machine: MachineDescription, network: NetworkSpec
    ) throws -> (SynapticMatrix, MatrixStats) {
        let slice = slices[core]
        let population = network.populations[slice.population]
        let indexBits = bitsFor(slice.count)
        var stats = MatrixStats()
        guard !incoming.isEmpty else { return (.empty(indexBits: indexBits), stats) }

        let longestSynapse = incoming.max { $0.delayTicks < $1.delayTicks }!
        let maxDelay = Int(longestSynapse.delayTicks)
        let typeBits = SynapticMatrix.typeBits
        let maxSlotBits = min(machine.ringBufferIndexBits - typeBits - indexBits, 16 - typeBits - indexBits)
        let slotBits = max(bitsFor(maxDelay), 0)
        guard slotBits <= maxSlotBits else {
            let longest = Double(maxDelay) * network.timestep
            // The most neurons per core whose ring still holds the delay.
            let fitting = 1 << max(machine.ringBufferIndexBits - typeBits - slotBits, 0)
            let advice = slotBits + typeBits < machine.ringBufferIndexBits
                ? "set neurons_per_core: \(fitting) (or fewer) on '\(population.name)' so that its cores hold \(1 << slotBits) ticks of delay, or use shorter delays"
                : "use shorter delays or a longer time step"
            throw CompileError([Diagnostic(
                "delay of \(longest) ms (\(maxDelay) ticks) onto '\(population.name)' exceeds the \(1 << maxSlotBits) ticks a core of \(slice.count) neurons holds in its ring buffer; delay-extension cores are not supported yet: \(advice)",
                at: network.projections[Int(longestSynapse.projection)].location)])
        }

        let shifts = weightShifts(incoming, neurons: slice.count, population: population, sources: sources, network: network)
        let delayBits = 16 - typeBits - indexBits

        // Group by source core, then source neuron; stable, so rows keep generation order.
        let order = incoming.indices.sorted {
            let a = incoming[$0], b = incoming[$1]
            return (a.sourceCore, a.sourceIndex, $0) < (b.sourceCore, b.sourceIndex, $1)
        }
        var entries: [MasterPopulationEntry] = []
        var rowStarts: [UInt32] = [0]
        var words: [UInt32] = []
        var weights: [Double] = []
        words.reserveCapacity(incoming.count)
        weights.reserveCapacity(incoming.count)
        var k = 0
        while k < order.count {
            let source = Int(incoming[order[k]].sourceCore)
            var end = k
            while end < order.count, Int(incoming[order[end]].sourceCore) == source { end += 1 }
            let rows = slices[source].count
            var longest = 0
            var next = k
            let firstRow = rowStarts.count - 1
            for row in 0..<rows {
                let rowStart = next
                while next < end, Int(incoming[order[next]].sourceIndex) == row {
                    let s = incoming[order[next]]
                    let w16 = WeightScaling.quantize(s.weight, shift: shifts[Int(s.type)])
                    if w16 == 0 && s.weight > 0 { stats.roundedToZero[Int(s.projection), default: 0] += 1 }
                    if w16 == 0xFFFF && s.weight * pow(2.0, Double(15 - Int(shifts[Int(s.type)]))) > 65535.5 { stats.weightsSaturated += 1 }
                    words.append(SynapticMatrix.word(weight: w16, delay: Int(s.delayTicks), type: Int(s.type), index: Int(s.target), indexBits: indexBits, delayBits: delayBits))
                    weights.append(s.rawWeight)
                    next += 1
                }
                rowStarts.append(UInt32(words.count))
                if next - rowStart > longest {
                    longest = next - rowStart
                    guard longest <= machine.maxRowWords else {
                        let srcPop = network.populations[slices[source].population]
                        throw CompileError([Diagnostic(
                            "neuron \(slices[source].firstNeuron + row) of '\(srcPop.name)' has \(longest) synapses onto one core of '\(network.populations[slice.population].name)'; a synaptic row holds at most \(machine.maxRowWords)",
                            at: network.projections[Int(incoming[order[rowStart]].projection)].location)])
                    }
                }
            }
            stats.maxRowLength = max(stats.maxRowLength, longest)
            entries.append(MasterPopulationEntry(key: slices[source].keyBase, mask: KeyAllocator.mask(machine), firstRow: UInt32(firstRow),
                                                 rows: UInt32(rows), rowLength: UInt32(longest)))
            stats.synapses += end - k
            k = end
        }
        let matrix = SynapticMatrix(indexBits: indexBits, slotBits: slotBits, shifts: shifts, entries: entries, rowStarts: rowStarts, words: words, weights: weights)
        return (matrix, stats)
    }

    /// The core's weight shift per synapse type: the population's override (`ring_buffer_shifts`,
    /// `min_weights`) where it sets one, else ``WeightScaling`` over what each projection brings
    /// onto the core.
    static func weightShifts(_ incoming: [IncomingSynapse], neurons: Int, population: PopulationSpec, sources: [SourceRates],
                             network: NetworkSpec) -> [Int8] {
        var scaling = WeightScaling(sigma: population.ringBufferSigma ?? network.ringBufferSigma, timestepMs: network.timestep)
        let order = incoming.indices.sorted { (incoming[$0].projection, incoming[$0].type) < (incoming[$1].projection, incoming[$1].type) }
        var inDegree = [Int](repeating: 0, count: neurons)
        var k = 0
        while k < order.count {
            let first = incoming[order[k]]
            var end = k
            var weights = RunningStats(), delays = RunningStats(), largest = 0.0
            while end < order.count, incoming[order[end]].projection == first.projection, incoming[order[end]].type == first.type {
                let s = incoming[order[end]]
                weights.add(mean: s.weight, variance: 0, count: 1)
                delays.add(mean: Double(s.delayTicks), variance: 0, count: 1)
                largest = max(largest, s.weight)
                inDegree[Int(s.target)] += 1
                end += 1
            }
            let fanIn = inDegree.max() ?? 0
            for j in k..<end { inDegree[Int(incoming[order[j]].target)] = 0 }
            let rates = sources[Int(first.projection)]
            scaling.add(WeightScaling.Incoming(fanIn: fanIn, weightMean: weights.mean, weightVariance: weights.variance,
                                               weightMax: largest, delayVariance: delays.variance,
                                               spikesPerSecond: rates.spikesPerSecond, spikesPerTick: rates.spikesPerTick),
                        type: Int(first.type))
            k = end
        }
        let conductanceScale = population.model.isConductanceBased ? Double(1 << SynapticMatrix.conductanceScaleBits) : 1
        let computed = scaling.shifts()
        return (0..<2).map { t in
            if let shift = population.ringBufferShifts[t] { return Int8(shift) }
            if let minWeight = population.minWeights[t] { return WeightScaling.shift(forMinimumWeight: minWeight * conductanceScale) }
            return computed[t]
        }
    }
}
