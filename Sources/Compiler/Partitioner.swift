import ChipSim

/// A slice of a population that one core simulates.
struct CoreSlice {
    var population: Int
    var firstNeuron: Int
    var count: Int
    var location = CoreLocation(chip: ChipCoordinate(x: 0, y: 0), processor: 0)
    var keyBase: UInt32 = 0
}

/// Cuts populations into cores of at most their `neurons_per_core` (the target's `max_neurons`
/// unless the population sets fewer) atoms, full cores first and the remainder last, as
/// sPyNNaker's fixed splitter does. Returns the slices in population order, or says which
/// population does not fit on the machine's application cores.
enum Partitioner {
    /// Neurons per core of each population.
    static func neuronsPerCore(_ network: NetworkSpec, machine: MachineDescription) throws -> [Int] {
        try network.populations.map { pop in
            guard let n = pop.neuronsPerCore else { return machine.maxNeuronsPerCore }
            guard n <= machine.maxNeuronsPerCore else {
                throw CompileError([Diagnostic(
                    "population '\(pop.name)' asks for \(n) neurons per core; target '\(machine.name)' holds at most \(machine.maxNeuronsPerCore) (its max_neurons)",
                    at: pop.location)])
            }
            return n
        }
    }

    static func partition(_ network: NetworkSpec, perCore: [Int], machine: MachineDescription) throws -> [CoreSlice] {
        let perChip = machine.applicationCoresPerChip, chips = machine.chips.count
        let capacity = min(chips * perChip, IdealTimingEngine.maxCores)
        let coresOf = network.populations.indices.map { (network.populations[$0].size + perCore[$0] - 1) / perCore[$0] }
        var needed = 0
        for (p, pop) in network.populations.enumerated() {
            needed += coresOf[p]
            guard needed <= capacity else {
                let total = coresOf.reduce(0, +)
                throw CompileError([Diagnostic(
                    capacity < chips * perChip
                        ? "the network needs \(total) cores; the simulator addresses at most \(capacity), and population '\(pop.name)' is the first that does not fit"
                        : "the network needs \(total) cores; target '\(machine.name)' has \(capacity) application cores (\(chips) chips × \(perChip)), and population '\(pop.name)' is the first that does not fit; use a larger target (--target)",
                    at: pop.location)])
            }
        }
        var slices: [CoreSlice] = []
        slices.reserveCapacity(needed)
        for (p, pop) in network.populations.enumerated() {
            var first = 0
            while first < pop.size {
                let n = min(perCore[p], pop.size - first)
                slices.append(CoreSlice(population: p, firstNeuron: first, count: n))
                first += n
            }
        }
        return slices
    }
}

/// Places cores on chips in the machine's chip order, filling each chip's application
/// processors (1…17 on SpiNNaker; 0 is the monitor) before moving on.
enum Placer {
    /// `slices` must fit the machine (``Partitioner`` checks).
    static func place(_ slices: inout [CoreSlice], machine: MachineDescription) {
        let chips = machine.chips
        let perChip = machine.applicationCoresPerChip
        for i in slices.indices {
            slices[i].location = CoreLocation(chip: chips[i / perChip], processor: machine.monitorCoresPerChip + i % perChip)
        }
    }
}

/// Gives every core a block of routing keys: core i gets base `i << indexBits`, and its neuron n
/// sends `base | n`; one key/mask pair covers the core.
enum KeyAllocator {
    static func indexBits(_ machine: MachineDescription) -> Int {
        bitsFor(machine.maxNeuronsPerCore)
    }

    static func mask(_ machine: MachineDescription) -> UInt32 {
        ~UInt32((1 << indexBits(machine)) - 1)
    }

    static func allocate(_ slices: inout [CoreSlice], machine: MachineDescription) throws {
        let bits = indexBits(machine)
        guard slices.count < 1 << (32 - bits) else {
            throw CompileError([Diagnostic("\(slices.count) cores do not fit a 32-bit key space with \(bits) neuron bits", at: nil)])
        }
        for i in slices.indices { slices[i].keyBase = UInt32(i) << UInt32(bits) }
    }
}

/// ceil(log2(n)) for n ≥ 1 (0 for n = 1).
func bitsFor(_ n: Int) -> Int {
    var bits = 0
    while (1 << bits) < n { bits += 1 }
    return bits
}
