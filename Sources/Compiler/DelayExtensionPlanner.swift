import ChipSim

/// The delay-extension cores a mapping needs: for every source core whose neurons have synapses
/// of longer delays than their target's ring buffer holds, one core per stage (and per range of
/// its neurons, when a stage's ring cannot index them all), chained stage after stage. A stage
/// adds the source population's ``NeuronCores/stageTicks``; sPyNNaker stops at 8 stages, these go
/// on as long as there are cores for them.
struct DelayPlan {
    /// Per neuron core: neurons per delay-extension core (0 for a core that needs none).
    var rangeSize: [Int]
    /// Per neuron core, per stage (1 first), per range of its neurons: the delay-extension
    /// core's index in the mapping, or −1 where no neuron of the range needs that stage.
    var stageCores: [[[Int]]]
}

enum DelayExtensionPlanner {
    /// Appends the delay-extension cores the census calls for to `slices` (after the neuron
    /// cores) and says where they are; refuses, before making them, more than `capacity` cores
    /// in all.
    static func plan(slices: inout [CoreSlice], census: [SourceCensus], cores: NeuronCores, machine: MachineDescription,
                     capacity: Int, network: NetworkSpec) throws -> DelayPlan {
        let neuronCores = census.count
        var needed = neuronCores
        for s in 0..<neuronCores where !census[s].lastStage.isEmpty {
            let size = atomsPerCore(stageTicks: cores.stageTicks[slices[s].population], atoms: slices[s].count, machine: machine)
            for r in 0..<((slices[s].count + size - 1) / size) {
                needed += Int(census[s].lastStage[(r * size)..<min(slices[s].count, (r + 1) * size)].max()!)
            }
            guard needed <= capacity else {
                let p = slices[s].population
                let outgoing = network.projections.filter { $0.pre.population == p }
                let ticks = outgoing.map { Partitioner.likelyMaximumDelayTicks($0, network: network) }.max() ?? 0
                throw CompileError([Diagnostic(
                    "delays of up to \(Double(ticks) * network.timestep) ms from '\(network.populations[p].name)' need more delay-extension cores (stages of \(cores.stageTicks[p]) ticks, what the ring buffers of its targets hold) than the largest target has cores (\(capacity)); use shorter delays, a longer time step, or fewer neurons per core on the targets of the long delays (more delay slots)",
                    at: network.projections.first { $0.pre.population == p }?.location)])
            }
        }
        var plan = DelayPlan(rangeSize: Array(repeating: 0, count: neuronCores), stageCores: Array(repeating: [], count: neuronCores))
        for s in 0..<neuronCores where !census[s].lastStage.isEmpty {
            let source = slices[s]
            let last = Int(census[s].lastStage.max()!)
            let ticks = cores.stageTicks[source.population]
            let size = atomsPerCore(stageTicks: ticks, atoms: source.count, machine: machine)
            plan.rangeSize[s] = size
            let ranges = (source.count + size - 1) / size
            var previous = Array(repeating: s, count: ranges)
            for stage in 1...last {
                var row: [Int] = []
                for r in 0..<ranges {
                    let lo = r * size, hi = min(source.count, lo + size)
                    guard census[s].lastStage[lo..<hi].contains(where: { Int($0) >= stage }) else {
                        row.append(-1)
                        continue
                    }
                    row.append(slices.count)
                    slices.append(CoreSlice(population: source.population, firstNeuron: source.firstNeuron + lo, count: hi - lo,
                                            delay: DelayExtension(source: previous[r], stage: stage, stageTicks: ticks)))
                }
                previous = row
                plan.stageCores[s].append(row)
            }
        }
        return plan
    }

    /// Neurons a delay-extension core of `stageTicks` ticks per stage relays at most: its ring
    /// buffer holds the stage's delay for each of them within the ring's index bits and the DTCM.
    static func atomsPerCore(stageTicks: Int, atoms: Int, machine: MachineDescription) -> Int {
        let slotBits = bitsFor(stageTicks)
        var n = min(atoms, machine.maxNeuronsPerCore, 1 << max(0, min(machine.ringBufferIndexBits, 16) - SynapticMatrix.typeBits - slotBits))
        while n > 1, machine.memory.bytesNeeded(neurons: n, keepsNeuronState: false,
                                                ringEntries: 1 << (slotBits + SynapticMatrix.typeBits + bitsFor(n)), tableEntries: 1) > machine.memory.dtcmBytes {
            n = (n + 1) / 2
        }
        return max(n, 1)
    }
}
