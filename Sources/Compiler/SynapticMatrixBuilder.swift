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
                    if w16 == 0 && s.weight > 0 { stats.weightsRoundedToZero += 1 }
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
}
