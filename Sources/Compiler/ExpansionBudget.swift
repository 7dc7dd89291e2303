import ChipSim
import Foundation

/// What expanding the connectors will take, estimated from their parameters before any synapse
/// is drawn, so that a network the host or the machine cannot hold is refused in a moment with
/// the numbers: the compiler's memory against its budget (`--max-memory`, by default most of the
/// host's), and the synaptic matrices against the SDRAM of a chip and of the whole machine.
enum ExpansionBudget {
    /// Bytes the compiler holds per synapse: its chip word, and its full-precision weight when
    /// the image keeps them.
    static func bytesPerSynapse(floatWeights: Bool) -> Double { floatWeights ? 12 : 4 }
    /// Bytes per synaptic row (a source neuron's synapses onto one core): its length in the
    /// census and its start in the matrix.
    static let bytesPerRow = 8.0
    /// The SDRAM estimate refuses only beyond this margin over the memory; nearer the limit the
    /// exact placement decides.
    static let sdramMargin = 1.1

    /// Expected synapses of each projection, from its connector's parameters alone.
    static func expectedSynapses(_ network: NetworkSpec) -> [Double] {
        network.projections.map { p in
            let pre = Double(p.pre.count), post = Double(p.post.count)
            let overlap = Double(selfPairs(p)), allowsSelf: (Bool) -> Double = { $0 ? 0 : overlap }
            switch p.connector {
            case .allToAll(let allowSelf): return pre * post - allowsSelf(allowSelf)
            case .oneToOne: return pre
            case .allButMe: return pre * post - min(pre, post)
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
            var rng = RandomStream(seed: network.seed, stream: [ProjectionExpander.structureTag, UInt64(population)])
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
    /// matrices would clearly not fit a chip's SDRAM (one core's) or the largest of `machines`.
    static func check(_ network: NetworkSpec, plans: [PopulationPlan], machines: [MachineDescription], floatWeights: Bool,
                      maxMemory: Int) throws {
        let expected = expectedSynapses(network)
        let total = expected.reduce(0, +)
        // Rows: each source neuron reaches at most every core of the target, at most once per synapse.
        var rows = 0.0
        var perCore = [Double](repeating: 0, count: network.populations.count)
        for (k, p) in network.projections.enumerated() {
            let q = p.post.population
            let cores = Double((p.post.count + plans[q].neuronsPerCore - 1) / plans[q].neuronsPerCore)
            let reached = Double(p.pre.count) * min(cores, expected[k] / Double(max(p.pre.count, 1)))
            rows += reached
            // Matrix bytes on a core: 4 per synapse plus 3 header words per row reaching it.
            perCore[q] += (expected[k] * 4 + reached * 12) / cores
        }
        let bytes = total * bytesPerSynapse(floatWeights: floatWeights) + rows * bytesPerRow
        if bytes > Double(maxMemory) {
            let largest = expected.indices.max { expected[$0] < expected[$1] }!
            throw CompileError([Diagnostic(
                String(format: "the network has about %.3g synapses; expanding them takes about %@ of memory and the budget is %@ (--max-memory); projection '%@' alone brings %.3g",
                       total, HostMemory.format(bytes: Int(min(bytes, 9e18))), HostMemory.format(bytes: maxMemory),
                       network.projections[largest].label, expected[largest]),
                at: network.projections[largest].location)])
        }
        let machine = machines.max { $0.chipCount * $0.sdramBytesPerChip < $1.chipCount * $1.sdramBytesPerChip }!
        if let q = perCore.indices.first(where: { perCore[$0] > Double(machine.sdramBytesPerChip) * sdramMargin }) {
            let pop = network.populations[q]
            throw CompileError([Diagnostic(
                String(format: "a core of '%@' would need about %@ of SDRAM for its synaptic matrix (expected from the connectors); a chip has %@: lower its neurons_per_core or use fewer synapses",
                       pop.name, HostMemory.format(bytes: Int(min(perCore[q], 9e18))), HostMemory.format(bytes: machine.sdramBytesPerChip)),
                at: pop.location)])
        }
        let sdram = zip(perCore, plans).enumerated().reduce(0.0) { sum, item in
            let (q, (bytes, plan)) = item
            return sum + bytes * Double((network.populations[q].size + plan.neuronsPerCore - 1) / plan.neuronsPerCore)
        }
        let capacity = Double(machine.chipCount * machine.sdramBytesPerChip)
        if sdram > capacity * sdramMargin {
            let q = perCore.indices.max { perCore[$0] < perCore[$1] }!
            throw CompileError([Diagnostic(
                String(format: "the synaptic matrices would need about %@ of SDRAM (expected from the connectors); target '%@' has %@ on %d chips; use a larger target (--target auto picks the fewest SpiNN-5 boards that hold the network) or fewer synapses",
                       HostMemory.format(bytes: Int(min(sdram, 9e18))), machine.name, HostMemory.format(bytes: Int(capacity)), machine.chipCount),
                at: network.populations[q].location)])
        }
    }
}
