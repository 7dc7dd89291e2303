import ChipSim

/// Random networks for property tests: a few populations of random sizes and models, and
/// projections with random connectors, slices, weights and delays; deterministic per seed.
public enum RandomNetworks {
    /// `maxDelay` bounds the drawn delays (ms, at 1 ms steps); beyond a core's ring buffer
    /// (32 ticks for 256 neurons, more for fewer) they take delay-extension cores.
    public static func yaml(seed: UInt64, maxSize: Int = 300, sourcesFireOnce: Bool = false, maxDelay: Int = 12) -> String {
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
            let delay = maxDelay > 12 && int(0...1) == 0 ? "{uniform: [1, \(int(13...maxDelay))]}" : "{uniform: [1, \(int(1...12))]}"
            lines.append("  - {pre: \"\(preName)\", post: \"\(postName)\", connector: \(connector), synapse: {weight: 0.0001, delay: \(delay)}}")
        }
        return lines.joined(separator: "\n")
    }

    /// A random machine: one SpiNN-5 board, a SpiNN-3, three SpiNN-5 boards in a wrapping triad,
    /// or a rectangle without wrap-around; mostly of small cores (so that networks spread over
    /// chips), some of 256-neuron cores (whose rings hold few delay slots); some with dead chips,
    /// links and cores, some with routers of a few entries (so that tables must be compressed).
    public static func anyMachine(seed: UInt64) -> MachineDescription {
        var rng = RandomStream(seed: seed, stream: [0xD0A7])
        func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(rng.next() % UInt64(range.count)) }
        var m: MachineDescription
        switch int(0...3) {
        case 0: m = .spinn5
        case 1: m = .spinn3
        case 2: m = .spinn5Triads(across: 1, down: 1)
        default: m = MachineDescription(name: "rect", layout: .rectangle, width: int(2...6), height: int(2...6), wrapsAround: false)
        }
        m.maxNeuronsPerCore = [8, 16, 32, 256][int(0...3)]
        m.name += "-random\(seed)"
        let chips = m.chips
        if chips.count > 4, int(0...1) == 0 {
            for _ in 0..<int(1...3) {
                let c = chips[int(0...(chips.count - 1))]
                if c != chips[0] && !m.deadChips.contains(c) { m.deadChips.append(c) }
            }
            for _ in 0..<int(1...4) {
                let link = ChipLink(chip: chips[int(0...(chips.count - 1))], link: Link(rawValue: int(0...5))!)
                if !m.deadLinks.contains(link) { m.deadLinks.append(link) }
            }
            let core = CoreLocation(chip: chips[int(0...(chips.count - 1))], processor: int(1...17))
            if !m.deadChips.contains(core.chip) { m.deadCores.append(core) }
        }
        if int(0...2) == 0 { m.routerEntries = int(3...10) }
        return m
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
