import ChipSim
import Foundation

/// A core of the mapping: a slice of a population's neurons (or source atoms), or a
/// delay-extension stage that relays some of them.
struct CoreSlice {
    var population: Int
    var firstNeuron: Int
    var count: Int
    /// Set on a delay-extension core (its `source` indexes the mapping's cores).
    var delay: DelayExtension?
    var location = CoreLocation(chip: ChipCoordinate(x: 0, y: 0), processor: 0)
    var keyBase: UInt32 = 0
    var keyMask: UInt32 = 0
}

/// How a population is cut into cores: neurons per core, and the ring buffer's delay slots
/// (2^slotBits) its cores may hold; delays beyond them go through delay-extension cores.
struct PopulationPlan {
    var neuronsPerCore: Int
    var slotBits: Int
    /// Why the partitioner chose fewer neurons per core than asked, for the summary.
    var reason: String?

    /// Ticks of delay the population's cores hold in their ring buffers.
    var slots: Int { 1 << slotBits }
}

/// Cuts populations into cores of at most their `neurons_per_core` (the target's `max_neurons`
/// unless the population sets fewer), full cores first and the remainder last, as sPyNNaker's
/// fixed splitter does, and fewer when a core of that many would not fit its memory: its DTCM
/// (ring buffer for the delays the projections draw, neuron state, master population table
/// entries for the source cores expected to reach it), the longest synaptic row or a chip's SDRAM
/// for its synaptic matrix.
enum Partitioner {
    /// Neurons per core and ring-buffer slots of each population; `caps` lowers what some
    /// populations may have (after a core of theirs turned out too full).
    static func plan(_ network: NetworkSpec, machine: MachineDescription, caps: [Int: Int] = [:]) throws -> [PopulationPlan] {
        let asked = try network.populations.map { pop -> Int in
            let n = pop.neuronsPerCore ?? machine.maxNeuronsPerCore
            guard n <= machine.maxNeuronsPerCore else {
                throw CompileError([Diagnostic(
                    "population '\(pop.name)' asks for \(n) neurons per core; target '\(machine.name)' holds at most \(machine.maxNeuronsPerCore) (its max_neurons)",
                    at: pop.location)])
            }
            return n
        }
        let expected = ExpansionBudget.expectedSynapses(network)
        let capped = asked.indices.map { min(asked[$0], caps[$0] ?? asked[$0]) }
        // A core's table entries depend on how its sources are cut: settle it in a few rounds.
        var perCore = capped
        var plans: [PopulationPlan] = []
        for _ in 0..<3 {
            plans = try network.populations.indices.map { p in
                var plan = try plan(population: p, asked: capped[p], sourcesPerCore: perCore, expected: expected, network: network,
                                    machine: machine)
                if caps[p] != nil, plan.reason == nil { plan.reason = "DTCM" }
                return plan
            }
            let next = plans.map(\.neuronsPerCore)
            if next == perCore { break }
            perCore = next
        }
        return plans
    }

    /// Refuses, before any synapse is drawn, a network whose neuron cores alone outnumber the
    /// application cores of the largest of `machines` (or what the simulator addresses), naming
    /// the first population that does not fit.
    static func checkCores(_ network: NetworkSpec, plans: [PopulationPlan], machines: [MachineDescription]) throws {
        let machine = machines.max { $0.workingApplicationCores < $1.workingApplicationCores }!
        let capacity = min(machine.workingApplicationCores, IdealTimingEngine.maxCores)
        let coresOf = network.populations.indices.map { (network.populations[$0].size + plans[$0].neuronsPerCore - 1) / plans[$0].neuronsPerCore }
        var needed = 0
        for (p, pop) in network.populations.enumerated() {
            needed += coresOf[p]
            guard needed <= capacity else {
                let total = coresOf.reduce(0, +)
                throw CompileError([Diagnostic(
                    capacity < machine.workingApplicationCores
                        ? "the network needs \(total) cores; the simulator addresses at most \(capacity), and population '\(pop.name)' is the first that does not fit"
                        : "the network needs \(total) cores; target '\(machine.name)' has \(capacity) application cores (\(machine.chips.count) chips × \(machine.applicationCoresPerChip)\(machine.deadCores.isEmpty ? "" : ", \(machine.deadCores.count) dead")), and population '\(pop.name)' is the first that does not fit; use a larger target (--target, or --target auto for the fewest SpiNN-5 boards that hold it)",
                    at: pop.location)])
            }
        }
    }

    /// The slices of every population, in population order.
    static func slices(_ network: NetworkSpec, plans: [PopulationPlan]) -> [CoreSlice] {
        var slices: [CoreSlice] = []
        for (p, pop) in network.populations.enumerated() {
            var first = 0
            while first < pop.size {
                let n = min(plans[p].neuronsPerCore, pop.size - first)
                slices.append(CoreSlice(population: p, firstNeuron: first, count: n))
                first += n
            }
        }
        return slices
    }

    /// The ring-buffer slot bits a core of `neurons` may have at most: its ring buffer's index
    /// (slot, type, neuron) has the target's `ring_buffer_index_bits`, and a synapse word's delay
    /// field what the index and type leave of 16 bits.
    static func maxSlotBits(neurons: Int, machine: MachineDescription) -> Int {
        let index = bitsFor(neurons)
        return max(0, min(machine.ringBufferIndexBits, 16) - SynapticMatrix.typeBits - index)
    }

    private static func plan(population q: Int, asked: Int, sourcesPerCore: [Int], expected: [Double], network: NetworkSpec,
                             machine: MachineDescription) throws -> PopulationPlan {
        let pop = network.populations[q]
        let memory = machine.memory
        if pop.model.isSource {
            var n = asked
            while n > 1, memory.bytesNeeded(neurons: n, keepsNeuronState: true, ringEntries: 0, tableEntries: 0) > memory.dtcmBytes { n = (n + 1) / 2 }
            guard memory.bytesNeeded(neurons: n, keepsNeuronState: true, ringEntries: 0, tableEntries: 0) <= memory.dtcmBytes else {
                throw CompileError([Diagnostic("a core of '\(pop.name)' does not fit \(memory.dtcmBytes) bytes of DTCM even with one atom", at: pop.location)])
            }
            return PopulationPlan(neuronsPerCore: n, slotBits: 0, reason: n < asked ? "DTCM" : nil)
        }
        let incoming = network.projections.indices.filter { network.projections[$0].post.population == q }
        let wantedSlots = bitsFor(incoming.map { likelyMaximumDelayTicks(network.projections[$0], network: network) }.max() ?? 1)
        var n = asked
        var reason: String?
        while true {
            // The largest core holds n neurons, or the whole population if it is smaller.
            let largest = min(n, pop.size)
            let slotBits = min(wantedSlots, maxSlotBits(neurons: largest, machine: machine))
            let (direct, delayed) = expectedTableEntries(population: q, neurons: largest, slots: 1 << slotBits, incoming: incoming,
                                                         sourcesPerCore: sourcesPerCore, expected: expected, network: network)
            let entries = direct + delayed
            let dtcm = memory.bytesNeeded(neurons: largest, keepsNeuronState: true,
                                          ringEntries: 1 << (slotBits + SynapticMatrix.typeBits + bitsFor(largest)),
                                          tableEntries: Int(entries.rounded(.up)))
            let row = expectedLongestRow(population: q, neurons: largest, incoming: incoming, expected: expected, network: network)
            // SDRAM: a row per source neuron (at most), padded to the longest, plus 3 header words.
            let sdram = Double(incoming.reduce(0) { $0 + network.projections[$1].pre.count }) * (row + 3) * 4
            let fitsSDRAM = sdram <= Double(machine.sdramBytesPerChip)
            if dtcm <= memory.dtcmBytes && row <= Double(machine.maxRowWords) && fitsSDRAM {
                return PopulationPlan(neuronsPerCore: n, slotBits: slotBits, reason: reason)
            }
            reason = dtcm > memory.dtcmBytes ? "DTCM" : row > Double(machine.maxRowWords) ? "row length" : "SDRAM"
            if largest == 1 {
                if row > Double(machine.maxRowWords) {
                    throw CompileError([Diagnostic(
                        "a neuron of a projection onto '\(pop.name)' makes about \(Int(row)) synapses onto a single neuron; a synaptic row holds at most \(machine.maxRowWords) (the target's max_row_words): use fewer multapses",
                        at: pop.location)])
                }
                // One neuron and the fewest slots: only the master population table is left.
                let minimal = memory.bytesNeeded(neurons: 1, keepsNeuronState: true, ringEntries: 1 << SynapticMatrix.typeBits,
                                                 tableEntries: Int(entries.rounded(.up)))
                if minimal <= memory.dtcmBytes {
                    var bits = slotBits
                    while memory.bytesNeeded(neurons: 1, keepsNeuronState: true, ringEntries: 1 << (bits + SynapticMatrix.typeBits),
                                             tableEntries: Int(entries.rounded(.up))) > memory.dtcmBytes { bits -= 1 }
                    return PopulationPlan(neuronsPerCore: 1, slotBits: bits, reason: "DTCM")
                }
                if memory.bytesNeeded(neurons: 1, keepsNeuronState: true, ringEntries: 1 << SynapticMatrix.typeBits,
                                       tableEntries: Int(direct.rounded(.up))) <= memory.dtcmBytes {
                    let longest = incoming.map { likelyMaximumDelayTicks(network.projections[$0], network: network) }.max() ?? 0
                    throw CompileError([Diagnostic(
                        "delays of up to \(Double(longest) * network.timestep) ms onto '\(pop.name)' take so many delay-extension stages (\(1 << slotBits) ticks each) that a core's master population table, with an entry for every stage of every source core, would need \(Int(entries.rounded()) * memory.tableEntryBytes) bytes of DTCM, and a core has \(memory.dtcmBytes); use shorter delays or a longer time step",
                        at: network.projections[incoming.max { likelyMaximumDelayTicks(network.projections[$0], network: network) < likelyMaximumDelayTicks(network.projections[$1], network: network) }!].location)])
                }
                throw CompileError([Diagnostic(
                    "each core of '\(pop.name)' receives from about \(Int(entries.rounded())) source cores: its master population table alone needs \(Int(entries.rounded()) * memory.tableEntryBytes) bytes of DTCM, and a core has \(memory.dtcmBytes); use fewer, larger source cores (raise neurons_per_core of the populations that project onto '\(pop.name)') or fewer projections onto it",
                    at: pop.location)])
            }
            n = (largest + 1) / 2
        }
    }

    /// The longest delay, in ticks, a projection is likely to draw (``ValueSpec/likelyMaximum``).
    static func likelyMaximumDelayTicks(_ p: ProjectionSpec, network: NetworkSpec) -> Int {
        var ms = p.delay.likelyMaximum
        if case .fromList(let rows) = p.connector {
            ms = rows.reduce(-Double.infinity) { max($0, $1.delay ?? p.delay.likelyMaximum) }
        }
        guard ms.isFinite else { return 1 }
        return max(1, TimeSteps.ticks(min(max(ms, network.timestep), Double(Int32.max) * network.timestep), dt: network.timestep))
    }

    /// Source cores expected to reach one core of `neurons` neurons of population `q`, each with
    /// an entry in its master population table: per incoming projection, the source cores, each
    /// reaching the core with probability 1 − e^(−λ) for λ its expected synapses onto it, and as
    /// many again for every delay-extension stage its delays are likely to need beyond `slots`.
    private static func expectedTableEntries(population q: Int, neurons: Int, slots: Int, incoming: [Int], sourcesPerCore: [Int],
                                             expected: [Double], network: NetworkSpec) -> (direct: Double, delayed: Double) {
        var bySource: [Int: Double] = [:], stagesOf: [Int: Int] = [:]
        for k in incoming {
            let p = network.projections[k]
            let perSource = sourcesPerCore[p.pre.population]
            let cores = (network.populations[p.pre.population].size + perSource - 1) / perSource
            let inView = Double(min(cores, (p.pre.count + perSource - 1) / perSource + 1))
            let reach: Double
            switch p.connector {
            case .oneToOne:
                reach = min(inView, Double(neurons) / Double(perSource) + 1)
            case .allToAll, .allButMe:
                reach = inView
            default:
                let lambda = expected[k] / inView * min(1, Double(neurons) / Double(p.post.count))
                reach = inView * (1 - exp(-lambda))
            }
            let longest = likelyMaximumDelayTicks(p, network: network)
            let stages = longest > slots ? (longest + slots - 1) / slots - 1 : 0
            bySource[p.pre.population] = max(bySource[p.pre.population] ?? 0, reach)
            stagesOf[p.pre.population] = max(stagesOf[p.pre.population] ?? 0, stages)
        }
        let direct = bySource.values.reduce(0, +)
        return (direct, bySource.reduce(0) { $0 + $1.value * Double(stagesOf[$1.key]!) })
    }

    /// The longest synaptic row expected onto a core of `neurons` neurons of `q`: per source
    /// population, the synapses one of its neurons makes onto the core, with five standard
    /// deviations of headroom (exact for all-to-all).
    private static func expectedLongestRow(population q: Int, neurons: Int, incoming: [Int], expected: [Double],
                                           network: NetworkSpec) -> Double {
        var exact: [Int: Double] = [:], random: [Int: Double] = [:]
        for k in incoming {
            let p = network.projections[k]
            switch p.connector {
            case .allToAll, .allButMe: exact[p.pre.population, default: 0] += Double(min(neurons, p.post.count))
            case .oneToOne: exact[p.pre.population, default: 0] += 1
            default:
                random[p.pre.population, default: 0] += expected[k] / Double(max(p.pre.count, 1)) * min(1, Double(neurons) / Double(p.post.count))
            }
        }
        return Set(exact.keys).union(random.keys).map { pre in
            let r = random[pre] ?? 0
            return (exact[pre] ?? 0) + r + 5 * r.squareRoot()
        }.max() ?? 0
    }
}

/// ceil(log2(n)) for n ≥ 1 (0 for n = 1).
func bitsFor(_ n: Int) -> Int {
    var bits = 0
    while (1 << bits) < n { bits += 1 }
    return bits
}
