import ChipSim

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
    var weightsRoundedToZero = 0
    var maxRowLength = 0
    var maxDelayTicks = 0
}

/// Packs a core's incoming synapses into its synaptic matrix and master population table.
enum SynapticMatrixBuilder {
    static func build(
        core: Int, slices: [CoreSlice], incoming: [IncomingSynapse], spikesPerTick: [Double],
        machine: MachineDescription, network: NetworkSpec
    ) throws -> (SynapticMatrix, MatrixStats) {
        let slice = slices[core]
        let indexBits = bitsFor(slice.count)
        var stats = MatrixStats()
        guard !incoming.isEmpty else { return (.empty(indexBits: indexBits), stats) }

        let longestSynapse = incoming.max { $0.delayTicks < $1.delayTicks }!
        let maxDelay = Int(longestSynapse.delayTicks)
        let typeBits = SynapticMatrix.typeBits
        let maxSlotBits = min(machine.ringBufferIndexBits - typeBits - indexBits, 16 - typeBits - indexBits)
        let slotBits = max(bitsFor(maxDelay), 0)
        guard slotBits <= maxSlotBits else {
            let pop = network.populations[slice.population]
            let longest = Double(maxDelay) * network.timestep
            throw CompileError([Diagnostic(
                "delay of \(longest) ms (\(maxDelay) ticks) onto '\(pop.name)' exceeds the \(1 << maxSlotBits) ticks a core of \(slice.count) neurons holds in its ring buffer; delay-extension cores are not supported yet (use shorter delays, or fewer neurons per core on a custom target)",
                at: network.projections[Int(longestSynapse.projection)].location)])
        }

        var scaling = WeightScaling(neurons: slice.count)
        for s in incoming {
            scaling.add(weight: s.weight, type: Int(s.type), target: Int(s.target), spikesPerTick: spikesPerTick[Int(s.sourceCore)])
        }
        let shifts = scaling.shifts()
        let delayBits = 16 - typeBits - indexBits

        // Group by source core, then source neuron; stable, so rows keep generation order.
        let order = incoming.indices.sorted {
            let a = incoming[$0], b = incoming[$1]
            return (a.sourceCore, a.sourceIndex, $0) < (b.sourceCore, b.sourceIndex, $1)
        }
        var entries: [MasterPopulationEntry] = []
        var words: [UInt32] = []
        var weights: [Double] = []
        words.reserveCapacity(incoming.count * 2)
        weights.reserveCapacity(incoming.count * 2)
        var k = 0
        while k < order.count {
            let source = Int(incoming[order[k]].sourceCore)
            var end = k
            while end < order.count, Int(incoming[order[end]].sourceCore) == source { end += 1 }
            let rows = slices[source].count
            var rowLengths = [Int](repeating: 0, count: rows)
            for o in order[k..<end] { rowLengths[Int(incoming[o].sourceIndex)] += 1 }
            let longest = rowLengths.max()!
            guard longest <= machine.maxRowWords else {
                let srcPop = network.populations[slices[source].population]
                let row = rowLengths.firstIndex(of: longest)!
                let culprit = order[k..<end].first { Int(incoming[$0].sourceIndex) == row }!
                throw CompileError([Diagnostic(
                    "neuron \(slices[source].firstNeuron + row) of '\(srcPop.name)' has \(longest) synapses onto one core of '\(network.populations[slice.population].name)'; a synaptic row holds at most \(machine.maxRowWords)",
                    at: network.projections[Int(incoming[culprit].projection)].location)])
            }
            stats.maxRowLength = max(stats.maxRowLength, longest)
            let stride = longest + 1
            let first = words.count
            entries.append(MasterPopulationEntry(key: slices[source].keyBase, mask: KeyAllocator.mask(machine), firstWord: UInt32(first), rowStride: UInt32(stride), rows: UInt32(rows)))
            words.append(contentsOf: repeatElement(0, count: rows * stride))
            weights.append(contentsOf: repeatElement(0, count: rows * stride))
            for o in order[k..<end] {
                let s = incoming[o]
                let rowStart = first + Int(s.sourceIndex) * stride
                words[rowStart] += 1
                let at = rowStart + Int(words[rowStart])
                let w16 = WeightScaling.quantize(s.weight, shift: shifts[Int(s.type)])
                if w16 == 0 && s.weight > 0 { stats.weightsRoundedToZero += 1 }
                words[at] = SynapticMatrix.word(weight: w16, delay: Int(s.delayTicks), type: Int(s.type), index: Int(s.target), indexBits: indexBits, delayBits: delayBits)
                weights[at] = s.rawWeight
                stats.maxDelayTicks = max(stats.maxDelayTicks, Int(s.delayTicks))
            }
            stats.synapses += end - k
            k = end
        }
        let matrix = SynapticMatrix(indexBits: indexBits, slotBits: slotBits, shifts: shifts, entries: entries, words: words, weights: weights)
        return (matrix, stats)
    }
}
