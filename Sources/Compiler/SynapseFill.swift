import ChipSim

/// The second pass over the synapses: draws them again exactly as the census did, and writes
/// each as its chip word (and full-precision weight where its core keeps one per synapse) into
/// its row, at a place fixed by the census, so that pieces of the work write disjoint memory and
/// the matrices do not depend on how the pieces ran. Delay-extension chains get their rows here
/// too: one synapse of weight 1 and one stage's delay for every neuron a stage relays.
final class SynapseFill {
    /// Per core, its synapse words and, for cores that keep one per synapse, its weights, until
    /// ``take(core:)`` hands them over (each core's slot is touched by one piece of work only).
    private let words: UnsafeMutableBufferPointer<RawBuffer<UInt32>?>
    private let weights: UnsafeMutableBufferPointer<RawBuffer<Double>?>
    /// Per core that receives plastic synapses, per word its projection + 1 if plastic, else 0.
    private let plastic: UnsafeMutableBufferPointer<RawBuffer<UInt16>?>

    /// What the fill found, per projection: non-zero weights that became 0 in 16 bits, the sums
    /// of its weights as written and as the 16-bit field holds them (in the target's input
    /// units), and weights beyond the 16-bit range of an overridden shift.
    struct Tally {
        var roundedToZero: [Int]
        var writtenWeight: [Double]
        var chipWeight: [Double]
        var saturated = 0

        init(projections: Int) {
            roundedToZero = Array(repeating: 0, count: projections)
            writtenWeight = Array(repeating: 0, count: projections)
            chipWeight = Array(repeating: 0, count: projections)
        }

        /// Adds `other`'s counts and sums (the pieces' tallies, in piece order).
        mutating func add(_ other: Tally) {
            for k in roundedToZero.indices {
                roundedToZero[k] += other.roundedToZero[k]
                writtenWeight[k] += other.writtenWeight[k]
                chipWeight[k] += other.chipWeight[k]
            }
            saturated += other.saturated
        }
    }

    /// `perSynapseWeights[c]`: core c keeps one full-precision weight per synapse;
    /// `receivesPlastic[c]`: some of its synapses are plastic.
    init(layouts: [CoreLayout], perSynapseWeights: [Bool], receivesPlastic: [Bool]) {
        words = .allocate(capacity: layouts.count)
        _ = words.initialize(from: layouts.map { RawBuffer(repeating: 0, count: $0.synapses) })
        weights = .allocate(capacity: layouts.count)
        _ = weights.initialize(from: layouts.indices.map { perSynapseWeights[$0] ? RawBuffer(repeating: 0, count: layouts[$0].synapses) : nil })
        plastic = .allocate(capacity: layouts.count)
        _ = plastic.initialize(from: layouts.indices.map { receivesPlastic[$0] ? RawBuffer(repeating: 0, count: layouts[$0].synapses) : nil })
    }

    deinit {
        words.deinitialize()
        words.deallocate()
        weights.deinitialize()
        weights.deallocate()
        plastic.deinitialize()
        plastic.deallocate()
    }

    func run(network: NetworkSpec, slices: [CoreSlice], census: [SourceCensus], layouts: [CoreLayout], delays: DelayPlan,
             cores: NeuronCores, expanders: [ProjectionExpander], pieces: [Range<Int>], parallel: Bool) -> Tally {
        let outgoing = SynapseCensus.outgoing(network)
        let wordPointers = words.map { $0!.base }, weightPointers = weights.map { $0?.base }, plasticPointers = plastic.map { $0?.base }
        let plasticProjections = network.projections.map { $0.plasticity != nil }
        let rowPointers = layouts.map { $0.rowStarts.base }
        let targets = layouts.map { Target(shifts: ($0.shifts[0], $0.shifts[1]), indexBits: $0.indexBits) }
        let tallies = ParallelWork.map(pieces.count, parallel: parallel) { piece -> Tally in
            var tally = Tally(projections: network.projections.count)
            var scratch = ExpansionScratch()
            var reachOf = [Int32](repeating: -1, count: slices.count)
            for s in pieces[piece] {
                fill(source: s, network: network, slices: slices, census: census[s], layouts: layouts, delays: delays, cores: cores,
                     outgoing: outgoing, expanders: expanders, words: wordPointers, weights: weightPointers, rows: rowPointers,
                     plastic: plasticPointers, plasticProjections: plasticProjections,
                     targets: targets, scratch: &scratch, reachOf: &reachOf, tally: &tally)
            }
            return tally
        }
        var total = Tally(projections: network.projections.count)
        for t in tallies { total.add(t) }
        return total
    }

    /// Core `c`'s words, per-synapse weights (empty for a core without them) and plastic words
    /// as arrays; the fill's own copies are freed. Each core is taken once, by one piece of work.
    func take(core c: Int) -> (words: [UInt32], weights: [Double], plastic: [PlasticWord]) {
        var plasticWords: [PlasticWord] = []
        if let marks = plastic[c] {
            for k in 0..<marks.pointer.count where marks.base[k] != 0 {
                plasticWords.append(PlasticWord(word: UInt32(k), projection: marks.base[k] - 1))
            }
        }
        let result = (words[c]!.array(), weights[c]?.array() ?? [], plasticWords)
        words[c] = nil
        weights[c] = nil
        plastic[c] = nil
        return result
    }

    /// What writing a word onto a core needs of it.
    private struct Target {
        var shifts: (Int8, Int8)
        var indexBits: Int
    }

    /// The entry of `layout` for packets of core `source`, by binary search on its key.
    private static func entry(of source: UInt32, in layout: CoreLayout) -> Int {
        var lo = 0, hi = layout.entries.count - 1
        while lo < hi {
            let mid = (lo + hi) >> 1
            if layout.entries[mid].key < source { lo = mid + 1 } else { hi = mid }
        }
        precondition(layout.entries[lo].key == source, "the census and the layout disagree")
        return lo
    }

    private func fill(source s: Int, network: NetworkSpec, slices: [CoreSlice], census: SourceCensus, layouts: [CoreLayout],
                      delays: DelayPlan, cores: NeuronCores, outgoing: [[Int]], expanders: [ProjectionExpander],
                      words: [UnsafeMutablePointer<UInt32>], weights: [UnsafeMutablePointer<Double>?], rows: [UnsafeMutablePointer<UInt32>],
                      plastic: [UnsafeMutablePointer<UInt16>?], plasticProjections: [Bool], targets: [Target], scratch: inout ExpansionScratch, reachOf: inout [Int32], tally: inout Tally) {
        let slice = slices[s]
        guard !census.reach.isEmpty else { return }
        // Per reach, where its next word goes: the rows of one source core in a target's matrix
        // are its atoms' in order, each row's words in drawing order, so the words of a reach
        // are written one after the other (for a stage, from one entry per range of atoms).
        var next = [Int](repeating: 0, count: census.reach.count)
        var stagedNext: [Int: [Int]] = [:]
        var staged: [SourceCensus.Reach: Int] = [:]
        for (r, reach) in census.reach.enumerated() {
            let t = Int(reach.target)
            if reach.stage == 0 {
                reachOf[t] = Int32(r)
                next[r] = Int(rows[t][Int(layouts[t].entries[Self.entry(of: slice.keyBase, in: layouts[t])].firstRow)])
            } else {
                staged[reach] = r
                stagedNext[r] = delays.stageCores[s][Int(reach.stage) - 1].map { d in
                    guard d >= 0, layouts[t].entries.contains(where: { $0.key == slices[d].keyBase }) else { return -1 }
                    return Int(rows[t][Int(layouts[t].entries[Self.entry(of: slices[d].keyBase, in: layouts[t])].firstRow)])
                }
            }
        }
        var drawn = ExpansionCounts()
        forEachSynapse(of: s, slices: slices, network: network, cores: cores, outgoing: outgoing, expanders: expanders, scratch: &scratch,
                       counts: &drawn) { x in
            let t = x.target
            let at: Int
            if x.stage == 0 {
                let r = Int(reachOf[t])
                at = next[r]
                next[r] += 1
            } else {
                let r = staged[SourceCensus.Reach(target: Int32(t), stage: Int32(x.stage))]!
                let range = x.atom / delays.rangeSize[s]
                at = stagedNext[r]![range]
                stagedNext[r]![range] += 1
            }
            let target = targets[t]
            let shift = x.type == 0 ? target.shifts.0 : target.shifts.1
            let w16 = WeightScaling.quantize(x.scaledWeight, shift: shift)
            if w16 == 0 && x.drawn.weight > 0 { tally.roundedToZero[x.projection] += 1 }
            tally.writtenWeight[x.projection] += x.scaledWeight
            tally.chipWeight[x.projection] += Double(w16) * Double(sign: .plus, exponent: Int(shift) - 15, significand: 1)
            if w16 == 0xFFFF && x.scaledWeight * Double(sign: .plus, exponent: 15 - Int(shift), significand: 1) > 65535.5 { tally.saturated += 1 }
            words[t][at] = SynapticMatrix.word(weight: w16, delay: x.remaining, type: x.type, index: x.local, indexBits: target.indexBits,
                                               delayBits: 16 - SynapticMatrix.typeBits - target.indexBits)
            weights[t]?[at] = x.drawn.weight
            if plasticProjections[x.projection] { plastic[t]?[at] = UInt16(x.projection + 1) }
        }
        for r in census.reach where r.stage == 0 { reachOf[Int(r.target)] = -1 }
        // The delay chains: a synapse of weight 1 and one stage's delay per relayed neuron.
        for (stageIndex, stageCores) in delays.stageCores[s].enumerated() {
            let stage = stageIndex + 1
            for (range, d) in stageCores.enumerated() where d >= 0 {
                let lo = range * delays.rangeSize[s]
                let layout = layouts[d]
                let ticks = slices[d].delay!.stageTicks
                let sourceOffset = stage == 1 ? 0 : lo
                for a in lo..<(lo + slices[d].count) where Int(census.lastStage[a]) >= stage {
                    let at = Int(rows[d][Int(layout.entries[0].firstRow) + a - sourceOffset])
                    words[d][at] = SynapticMatrix.word(weight: 1, delay: ticks, type: 0, index: a - lo, indexBits: layout.indexBits,
                                                       delayBits: 16 - SynapticMatrix.typeBits - layout.indexBits)
                    weights[d]?[at] = 1
                }
            }
        }
    }
}
