import ChipSim

/// Random networks for property tests: a few populations of random sizes and models, and
/// projections with random connectors, slices, weights and delays; deterministic per seed.
public enum RandomNetworks {
    public static func yaml(seed: UInt64, maxSize: Int = 300, sourcesFireOnce: Bool = false) -> String {
        var rng = RandomStream(seed: seed, stream: [0xBEEF])
        func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(rng.next() % UInt64(range.count)) }
        var lines = ["network: random\(seed)", "seed: \(seed)", "duration: 20", "populations:"]
        let count = int(2...6)
        var sizes: [Int] = []
        var isSource: [Bool] = []
        for p in 0..<count {
            let size = int(1...maxSize)
            sizes.append(size)
            let source = p == 0 || int(0...3) == 0
            isSource.append(source)
            if source {
                let times = (0..<size).map { "[\(1 + $0 % 10)]" }.joined(separator: ", ")
                lines.append("  p\(p): {size: \(size), model: SpikeSourceArray, spike_times: \(sourcesFireOnce ? "[\(times)]" : "[1, 3]")}")
            } else {
                lines.append("  p\(p): {size: \(size), model: \(int(0...1) == 0 ? "IF_curr_exp" : "Izhikevich"), record: [spikes]}")
            }
        }
        lines.append("projections:")
        let targets = (0..<count).filter { !isSource[$0] }
        guard !targets.isEmpty else { return lines.dropLast().joined(separator: "\n") }
        for _ in 0..<int(1...8) {
            let pre = int(0...(count - 1)), post = targets[int(0...(targets.count - 1))]
            var preName = "p\(pre)", postName = "p\(post)"
            var preSize = sizes[pre], postSize = sizes[post]
            if int(0...2) == 0 && preSize > 2 {
                let lo = int(0...(preSize - 2))
                preName += "[\(lo):]"
                preSize -= lo
            }
            if int(0...2) == 0 && postSize > 2 {
                let hi = int(1...(postSize - 1))
                postName += "[:\(hi)]"
                postSize = hi
            }
            let connector: String
            switch int(0...4) {
            case 0: connector = "{type: AllToAllConnector}"
            case 1 where preSize == postSize: connector = "{type: OneToOneConnector}"
            case 2: connector = "{type: FixedNumberPreConnector, n: \(int(0...min(preSize, 5)))}"
            case 3: connector = "{type: FromListConnector, connections: [[0, 0], [\(preSize - 1), \(postSize - 1)], [0, \(postSize - 1)]]}"
            default: connector = "{type: FixedProbabilityConnector, p_connect: 0.\(int(1...9))}"
            }
            lines.append("  - {pre: \"\(preName)\", post: \"\(postName)\", connector: \(connector), synapse: {weight: 0.0001, delay: {uniform: [1, \(int(1...12))]}}}")
        }
        return lines.joined(separator: "\n")
    }

    /// A SpiNN-5 or SpiNN-3 machine whose cores hold only a few neurons, so that small networks
    /// spread over many chips and their packets cross many routers.
    public static func machine(seed: UInt64) -> MachineDescription {
        var m: MachineDescription = seed % 2 == 0 ? .spinn5 : .spinn3
        // SpiNN-3's 68 cores hold six populations of up to 300 at 32 per core.
        m.maxNeuronsPerCore = seed % 2 == 0 ? [8, 16, 32][Int(seed % 3)] : 32
        m.name += "-small-cores"
        return m
    }
}
