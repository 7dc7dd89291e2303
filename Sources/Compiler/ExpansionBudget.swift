import ChipSim
import Foundation

/// What expanding the connectors will take, estimated from their parameters before any synapse
/// is drawn, so that a network the host or the machine cannot hold is refused in a moment with
/// the numbers: the compiler's memory against its budget (`--max-memory`, by default most of the
/// host's), and each chip's SDRAM for the synaptic matrices of the cores placed on it.
enum ExpansionBudget {
    /// Bytes the compiler holds per synapse while it builds an image: the incoming record, its
    /// sort index, the synapse word and its float weight, and their encoding.
    static let bytesPerSynapse = 100.0
    /// The SDRAM estimate refuses only beyond this margin over a chip's memory; nearer the limit
    /// the exact check after expansion decides.
    static let sdramMargin = 1.1

    /// Expected synapses of each projection, from its connector's parameters alone.
    static func expectedSynapses(_ network: NetworkSpec) -> [Double] {
        network.projections.map { p in
            let pre = Double(p.pre.count), post = Double(p.post.count)
            let overlap = Double(selfPairs(p)), allowsSelf: (Bool) -> Double = { $0 ? 0 : overlap }
            switch p.connector {
            case .allToAll(let allowSelf): return pre * post - allowsSelf(allowSelf)
            case .oneToOne: return pre
            case let .fixedProbability(prob, allowSelf): return prob * (pre * post - allowsSelf(allowSelf))
            case let .fixedNumberPre(n, _, _): return Double(n) * post
            case let .fixedNumberPost(n, _, _): return Double(n) * pre
            case let .fixedTotalNumber(n, _, _): return Double(n)
            case let .distanceDependentProbability(expression, space, _):
                return pre * post * meanProbability(expression, space: space, projection: p, network: network)
            case .fromList(let rows): return Double(rows.count)
            }
        }
    }

    /// Pairs of a projection whose pre and post are the same neuron.
    static func selfPairs(_ p: ProjectionSpec) -> Int {
        guard p.pre.population == p.post.population else { return 0 }
        return (0..<p.pre.count).reduce(0) { $0 + (p.post.index(of: p.pre.neuron($1)) == nil ? 0 : 1) }
    }

    /// The mean connection probability of a distance-dependent projection over 4096 pairs drawn
    /// from a fixed stream.
    static func meanProbability(_ expression: DistanceExpression, space: Space, projection p: ProjectionSpec, network: NetworkSpec) -> Double {
        func positions(_ population: Int) -> [SIMD3<Double>] {
            var rng = RandomStream(seed: network.seed, stream: [ConnectorExpansion.structureTag, UInt64(population)])
            return network.populations[population].structure?.positions(network.populations[population].size, rng: &rng) ?? []
        }
        let a = positions(p.pre.population), b = positions(p.post.population)
        guard !a.isEmpty, !b.isEmpty else { return 1 }
        var rng = RandomStream(seed: 0x4553_5449)
        var sum = 0.0
        let samples = 4096
        for _ in 0..<samples {
            let i = p.pre.neuron(Int(rng.next() % UInt64(p.pre.count))), j = p.post.neuron(Int(rng.next() % UInt64(p.post.count)))
            sum += min(max(expression.evaluate(space.distance(a[i], b[j])), 0), 1)
        }
        return sum / Double(samples)
    }

    /// Refuses a network whose expansion would exceed `maxMemory` bytes, or whose synaptic
    /// matrices would clearly not fit a chip's SDRAM.
    static func check(_ network: NetworkSpec, slices: [CoreSlice], perCore: [Int], machine: MachineDescription, maxMemory: Int) throws {
        let expected = expectedSynapses(network)
        let total = expected.reduce(0, +)
        let bytes = total * bytesPerSynapse
        if bytes > Double(maxMemory) {
            let largest = expected.indices.max { expected[$0] < expected[$1] }!
            throw CompileError([Diagnostic(
                String(format: "the network has about %.3g synapses; expanding them takes about %@ of memory and the budget is %@ (--max-memory); projection '%@' alone brings %.3g",
                       total, HostMemory.format(bytes: Int(min(bytes, 9e18))), HostMemory.format(bytes: maxMemory),
                       network.projections[largest].label, expected[largest]),
                at: network.projections[largest].location)])
        }
        // Synaptic matrix bytes per target core: 4 per synapse plus 3 header words per row (a
        // row per source neuron that reaches it), spread evenly over the population's cores.
        var perPopulation = [Double](repeating: 0, count: network.populations.count)
        for (k, p) in network.projections.enumerated() {
            let rowsPerCore = Double(min(p.pre.count, Int(expected[k].rounded(.up))))
            let cores = (p.post.count + perCore[p.post.population] - 1) / perCore[p.post.population]
            perPopulation[p.post.population] += expected[k] * 4 + rowsPerCore * 12 * Double(cores)
        }
        var chipBytes: [ChipCoordinate: Double] = [:], chipPopulation: [ChipCoordinate: Int] = [:]
        for s in slices {
            let share = perPopulation[s.population] * Double(s.count) / Double(network.populations[s.population].size)
            chipBytes[s.location.chip, default: 0] += share
            if share > 0 { chipPopulation[s.location.chip] = s.population }
        }
        for chip in chipBytes.keys.sorted() where chipBytes[chip]! > Double(machine.sdramBytesPerChip) * sdramMargin {
            let pop = network.populations[chipPopulation[chip] ?? 0]
            throw CompileError([Diagnostic(
                String(format: "the synaptic matrices of chip %@ would need about %@ of SDRAM (expected from the connectors); the chip has %@; population '%@' receives too many synapses per core: lower its neurons_per_core, use fewer synapses, or a larger target",
                       chip.description, HostMemory.format(bytes: Int(chipBytes[chip]!)), HostMemory.format(bytes: machine.sdramBytesPerChip), pop.name),
                at: pop.location)])
        }
    }
}
