import ChipSim

/// Where the neurons of the network's populations sit: population p's neuron n is on core
/// `firstCore[p] + n / perCore[p]`, as its local neuron `n % perCore[p]`.
struct NeuronCores {
    let firstCore: [Int]
    let perCore: [Int]
    /// The ring-buffer slots each population's cores hold (a longer delay takes a delay
    /// extension), and the ticks a delay-extension stage of each source population adds: the
    /// fewest slots among the populations it projects onto.
    let slots: [Int]
    let stageTicks: [Int]

    init(network: NetworkSpec, plans: [PopulationPlan]) {
        var first: [Int] = [], next = 0
        for (p, pop) in network.populations.enumerated() {
            first.append(next)
            next += (pop.size + plans[p].neuronsPerCore - 1) / plans[p].neuronsPerCore
        }
        firstCore = first
        perCore = plans.map(\.neuronsPerCore)
        slots = plans.map(\.slots)
        stageTicks = network.populations.indices.map { p in
            network.projections.filter { $0.pre.population == p }.map { plans[$0.post.population].slots }.min() ?? 1
        }
    }

    @inline(__always)
    func core(population p: Int, neuron n: Int) -> (core: Int, local: Int) {
        (firstCore[p] + n / perCore[p], n % perCore[p])
    }
}

/// A synapse's way to its target core: directly (stage 0, its delay in the target's ring
/// buffer), or through delay-extension stage `stage` ≥ 1, leaving `delay` − stage · stage ticks.
@inline(__always)
func delayStage(_ delay: Int, slots: Int, stageTicks: Int) -> (stage: Int, remaining: Int) {
    guard delay > slots else { return (0, delay) }
    let stage = (delay + stageTicks - 1) / stageTicks - 1
    return (stage, delay - stage * stageTicks)
}

/// One synapse of a source core, placed: its projection, the source core's local neuron, the
/// target core and local neuron, the delay stage it takes (0 direct) and the ticks left for the
/// target's ring buffer.
struct PlacedSynapse {
    var projection: Int
    var atom: Int
    var target: Int
    var local: Int
    var stage: Int
    var remaining: Int
    /// As the connector drew it: post-view index, weight magnitude, delay.
    var drawn: ExpandedSynapse
    /// The weight in the target's input units (×2^10 for conductance cells).
    var scaledWeight: Double
    var type: Int
}

/// Draws every synapse of one source core, neuron by neuron, projection by projection in index
/// order, and places it: what the census and the fill both walk, in the same order.
func forEachSynapse(of s: Int, slices: [CoreSlice], network: NetworkSpec, cores: NeuronCores, outgoing: [[Int]],
                    expanders: [ProjectionExpander], scratch: inout ExpansionScratch, counts: inout ExpansionCounts,
                    _ body: (PlacedSynapse) -> Void) {
    let slice = slices[s]
    let p = slice.population
    let stageTicks = cores.stageTicks[p]
    for a in 0..<slice.count {
        let g = slice.firstNeuron + a
        for k in outgoing[p] {
            let proj = network.projections[k]
            guard let i = proj.pre.index(of: g) else { continue }
            let q = proj.post.population
            let conductance = network.populations[q].model.isConductanceBased ? Double(1 << SynapticMatrix.conductanceScaleBits) : 1
            let slots = cores.slots[q]
            let type = proj.receptor.rawValue
            expanders[k].expand(pre: i, scratch: &scratch, counts: &counts) { syn in
                let (t, local) = cores.core(population: q, neuron: proj.post.neuron(Int(syn.post)))
                let (stage, remaining) = delayStage(Int(syn.delayTicks), slots: slots, stageTicks: stageTicks)
                body(PlacedSynapse(projection: k, atom: a, target: t, local: local, stage: stage, remaining: remaining, drawn: syn,
                                   scaledWeight: syn.weight * conductance, type: type))
            }
        }
    }
}

/// The first pass over the synapses (drawn, counted, not kept): for every source core, how many
/// synapses each of its neurons has onto each target core (directly or through each
/// delay-extension stage) — the synaptic rows' lengths — and for every target core what
/// sizing its ring buffer and its weights needs (``CensusTotals``). The second pass
/// (``SynapseFill``) draws the same synapses again and writes them in place.
struct SourceCensus {
    /// What the source core's neurons reach: a target core and a stage (0 direct), in order.
    var reach: [Reach] = []
    /// Row lengths: `counts[r · atoms + a]` synapses from local neuron a through `reach[r]`.
    var counts: [UInt32] = []
    /// Per local neuron, the last delay-extension stage its spikes need (empty: none needs one).
    var lastStage: [UInt16] = []

    struct Reach: Hashable, Comparable {
        var target: Int32
        var stage: Int32
        static func < (a: Reach, b: Reach) -> Bool { (a.target, a.stage) < (b.target, b.stage) }
    }
}

/// Sums of values, for their count, mean, variance and largest.
struct Sums {
    var count = 0
    var sum = 0.0
    var squares = 0.0
    var smallest = Double.infinity
    var largest = -Double.infinity

    @inline(__always)
    mutating func add(_ x: Double) {
        count += 1
        sum += x
        squares += x * x
        smallest = min(smallest, x)
        largest = max(largest, x)
    }

    mutating func add(_ other: Sums) {
        count += other.count
        sum += other.sum
        squares += other.squares
        smallest = min(smallest, other.smallest)
        largest = max(largest, other.largest)
    }

    var mean: Double { count > 0 ? sum / Double(count) : 0 }
    /// The sample variance: 0 for fewer than two values or values all alike.
    var variance: Double {
        count > 1 && smallest < largest ? max(0, (squares - sum * sum / Double(count)) / Double(count - 1)) : 0
    }
}

/// What the census found per target core and projection, summed over source cores.
struct CensusTotals {
    /// Per (projection, target core) pair (``pairIndex(projection:core:)``): synapses, their
    /// weights (in the core's input units) and delays (ticks, before any delay extension).
    var weights: [Sums]
    var delays: [Sums]
    /// Per projection, per neuron of its post view: synapses onto it.
    var inDegree: [UInt32]
    /// Per core, the longest delay its ring buffer must hold.
    var longestDelay: [Int32]
    var counts = ExpansionCounts()
    /// Synapses per projection.
    var synapses: [Int]

    let pairBase: [Int]
    let inDegreeBase: [Int]
    let firstTarget: [Int]

    init(network: NetworkSpec, cores: NeuronCores, coreCount: Int) {
        var pairs = [0], degrees = [0], first: [Int] = []
        for p in network.projections {
            let q = p.post.population
            let lo = cores.core(population: q, neuron: p.post.neuron(0)).core
            let hi = cores.core(population: q, neuron: p.post.neuron(p.post.count - 1)).core
            first.append(min(lo, hi))
            pairs.append(pairs.last! + abs(hi - lo) + 1)
            degrees.append(degrees.last! + p.post.count)
        }
        pairBase = pairs
        inDegreeBase = degrees
        firstTarget = first
        weights = Array(repeating: Sums(), count: pairs.last!)
        delays = weights
        inDegree = Array(repeating: 0, count: degrees.last!)
        longestDelay = Array(repeating: 0, count: coreCount)
        synapses = Array(repeating: 0, count: network.projections.count)
    }

    @inline(__always)
    func pairIndex(projection k: Int, core: Int) -> Int { pairBase[k] + core - firstTarget[k] }

    /// Adds `other` (the totals of a later piece of the work) to these.
    mutating func add(_ other: CensusTotals) {
        for i in weights.indices {
            weights[i].add(other.weights[i])
            delays[i].add(other.delays[i])
        }
        for i in inDegree.indices { inDegree[i] += other.inDegree[i] }
        for i in longestDelay.indices { longestDelay[i] = max(longestDelay[i], other.longestDelay[i]) }
        for k in synapses.indices { synapses[k] += other.synapses[k] }
        counts.add(other.counts)
    }
}

/// Runs the census over every source core, in fixed pieces (``ParallelWork``).
enum SynapseCensus {
    /// The projections leaving each population, in index order.
    static func outgoing(_ network: NetworkSpec) -> [[Int]] {
        var out = [[Int]](repeating: [], count: network.populations.count)
        for (k, p) in network.projections.enumerated() { out[p.pre.population].append(k) }
        return out
    }

    /// The census of each of the `slices` (the network's neuron cores), and the totals.
    static func run(network: NetworkSpec, slices: [CoreSlice], cores: NeuronCores, expanders: [ProjectionExpander],
                    pieces: [Range<Int>], parallel: Bool) -> (sources: [SourceCensus], totals: CensusTotals) {
        let outgoing = outgoing(network)
        let results = ParallelWork.map(pieces.count, parallel: parallel) { piece -> ([SourceCensus], CensusTotals) in
            var totals = CensusTotals(network: network, cores: cores, coreCount: slices.count)
            var scratch = ExpansionScratch()
            var reachOf = [Int32](repeating: -1, count: slices.count)
            var sources: [SourceCensus] = []
            for s in pieces[piece] {
                sources.append(census(source: s, slices: slices, network: network, cores: cores, outgoing: outgoing,
                                      expanders: expanders, totals: &totals, scratch: &scratch, reachOf: &reachOf))
            }
            return (sources, totals)
        }
        var totals = CensusTotals(network: network, cores: cores, coreCount: slices.count)
        for (_, t) in results { totals.add(t) }
        for e in expanders { totals.counts.add(e.preparedCounts) }
        return (results.flatMap(\.0), totals)
    }

    private static func census(source s: Int, slices: [CoreSlice], network: NetworkSpec, cores: NeuronCores, outgoing: [[Int]],
                               expanders: [ProjectionExpander], totals: inout CensusTotals, scratch: inout ExpansionScratch,
                               reachOf: inout [Int32]) -> SourceCensus {
        let slice = slices[s]
        let p = slice.population
        var result = SourceCensus()
        guard !outgoing[p].isEmpty else { return result }
        let atoms = slice.count
        var staged: [SourceCensus.Reach: Int] = [:]
        var lastStage: [UInt16] = []
        var drawn = ExpansionCounts()
        defer { totals.counts.add(drawn) }
        forEachSynapse(of: s, slices: slices, network: network, cores: cores, outgoing: outgoing, expanders: expanders, scratch: &scratch,
                       counts: &drawn) { x in
            let t = x.target, a = x.atom
            let r: Int
            if x.stage == 0, reachOf[t] >= 0 {
                r = Int(reachOf[t])
            } else if let known = staged[SourceCensus.Reach(target: Int32(t), stage: Int32(x.stage))] {
                r = known
            } else {
                r = result.reach.count
                result.reach.append(SourceCensus.Reach(target: Int32(t), stage: Int32(x.stage)))
                result.counts.append(contentsOf: repeatElement(0, count: atoms))
                if x.stage == 0 { reachOf[t] = Int32(r) } else { staged[SourceCensus.Reach(target: Int32(t), stage: Int32(x.stage))] = r }
            }
            result.counts[r * atoms + a] += 1
            if x.stage > 0 {
                if lastStage.isEmpty { lastStage = Array(repeating: 0, count: atoms) }
                lastStage[a] = max(lastStage[a], UInt16(clamping: x.stage))
            }
            let pair = totals.pairIndex(projection: x.projection, core: t)
            totals.weights[pair].add(x.scaledWeight)
            totals.delays[pair].add(Double(x.drawn.delayTicks))
            totals.inDegree[totals.inDegreeBase[x.projection] + Int(x.drawn.post)] += 1
            totals.longestDelay[t] = max(totals.longestDelay[t], Int32(x.remaining))
            totals.synapses[x.projection] += 1
        }
        for r in result.reach where r.stage == 0 { reachOf[Int(r.target)] = -1 }
        result.lastStage = lastStage
        // In (target, stage) order, so that what follows never depends on drawing order.
        let order = result.reach.indices.sorted { result.reach[$0] < result.reach[$1] }
        if order != Array(result.reach.indices) {
            var counts = [UInt32](repeating: 0, count: result.counts.count)
            for (to, from) in order.enumerated() {
                for a in 0..<atoms { counts[to * atoms + a] = result.counts[from * atoms + a] }
            }
            result.counts = counts
            result.reach = order.map { result.reach[$0] }
        }
        return result
    }
}
