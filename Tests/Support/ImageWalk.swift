import ChipSim

/// One synapse as a chip image delivers it: which neuron's spike, onto which neuron, of which
/// type, after how many ticks in all (delay-extension stages included), with which weights.
public struct WalkedSynapse: Hashable, Comparable, CustomStringConvertible {
    public var sourcePopulation: Int
    public var sourceNeuron: Int
    public var targetPopulation: Int
    public var targetNeuron: Int
    public var type: Int
    public var delay: Int
    /// The full-precision weight's bits (0 when the image keeps none).
    public var weightBits: UInt64
    /// The 16-bit weight of the synapse word.
    public var weight16: UInt16

    public init(sourcePopulation: Int, sourceNeuron: Int, targetPopulation: Int, targetNeuron: Int, type: Int, delay: Int,
                weightBits: UInt64, weight16: UInt16) {
        self.sourcePopulation = sourcePopulation
        self.sourceNeuron = sourceNeuron
        self.targetPopulation = targetPopulation
        self.targetNeuron = targetNeuron
        self.type = type
        self.delay = delay
        self.weightBits = weightBits
        self.weight16 = weight16
    }

    public static func < (a: WalkedSynapse, b: WalkedSynapse) -> Bool {
        a.fields.lexicographicallyPrecedes(b.fields)
    }

    private var fields: [Int] {
        [sourcePopulation, sourceNeuron, targetPopulation, targetNeuron, type, delay, Int(truncatingIfNeeded: weightBits)]
    }

    public var description: String {
        "\(sourcePopulation):\(sourceNeuron)→\(targetPopulation):\(targetNeuron) type \(type) delay \(delay) weight \(Double(bitPattern: weightBits))"
    }
}

/// Follows every neuron's spike through a chip image as the machine would: its packet through
/// the routers' tables (``MulticastTree``), at every core it reaches the master population table
/// entry and row its key selects, and through delay-extension cores, whose relayed spikes are
/// followed in turn, their stages' ticks added to the delay. What it finds wrong (drops, cores
/// reached twice, packets no table entry expects, relay rows that are not one stage of weight 1)
/// it lists as problems.
public enum ImageWalk {
    public static func synapses(_ image: ChipImage) -> (synapses: [WalkedSynapse], problems: [String]) {
        let tables = Dictionary(uniqueKeysWithValues: image.routingTables.map { ($0.chip, $0) })
        var coreAt: [CoreLocation: Int] = [:]
        for (c, core) in image.cores.enumerated() { coreAt[core.location] = c }
        var out: [WalkedSynapse] = [], problems: [String] = []

        func walk(key: UInt32, from core: Int, population: Int, neuron: Int, delay: Int, depth: Int) {
            let tree = MulticastTree(key: key, from: image.cores[core].location.chip, machine: image.machine, tables: tables)
            let reached = tree.destinations
            if reached.isEmpty { return }
            if tree.dropped > 0 { problems.append("key \(key) of core \(core): \(tree.dropped) copies dropped") }
            if Set(reached).count != reached.count { problems.append("key \(key) of core \(core) reaches a core twice") }
            for location in Set(reached).sorted() {
                guard let t = coreAt[location] else {
                    problems.append("key \(key) of core \(core) reaches \(location), where no core is loaded")
                    continue
                }
                let target = image.cores[t], m = target.synapses
                guard let e = m.lookup(key) else {
                    problems.append("key \(key) of core \(core) reaches core \(t), whose table has no entry for it")
                    continue
                }
                let entry = m.entries[e]
                let row = Int(key & ~entry.mask)
                guard row < Int(entry.rows) else {
                    problems.append("key \(key) selects row \(row) of an entry of \(entry.rows) on core \(t)")
                    continue
                }
                for k in m.row(entry, row) {
                    let (index, type, d) = m.decode(m.words[k])
                    if let relay = target.delayExtension {
                        guard m.words[k] >> 16 == 1, type == 0, d == relay.stageTicks, depth < 10_000 else {
                            problems.append("relay row of core \(t) holds \(m.words[k]), not one stage of weight 1")
                            continue
                        }
                        walk(key: target.keyBase | UInt32(index), from: t, population: population, neuron: neuron,
                             delay: delay + relay.stageTicks, depth: depth + 1)
                    } else {
                        let bits = m.floatWeights.isAbsent ? 0 : m.floatWeight(k).bitPattern
                        out.append(WalkedSynapse(sourcePopulation: population, sourceNeuron: neuron, targetPopulation: target.population,
                                                 targetNeuron: target.firstNeuron + index, type: type, delay: delay + d, weightBits: bits,
                                                 weight16: UInt16(m.words[k] >> 16)))
                    }
                }
            }
        }

        for (c, core) in image.cores.enumerated() where core.delayExtension == nil {
            for a in 0..<core.neuronCount {
                walk(key: core.keyBase | UInt32(a), from: c, population: core.population, neuron: core.firstNeuron + a, delay: 0, depth: 0)
            }
        }
        return (out, problems)
    }
}
