/// A chip image loaded for simulation: every core with its neuron state, one ring buffer holding
/// every core's region, and the delivery lists that add a spike's synapses into it. This is the
/// functional model of the machine; a timing engine (``IdealTimingEngine``, ``CycleTimingEngine``)
/// decides when each of its steps happens.
///
/// The ring buffer is 16-bit (`s1615`) or float (`float64`) and is owned here; each core reads
/// and clears its own region through a ``RingRegion``.
public final class LoadedChip {
    public let cores: [NeuronCore]
    public let routes: PacketRoutes
    let layout: RingLayout
    let delivery: SynapticDelivery
    /// The crossbar cores' tiles and reads (a crossbar target's image), nil on the digital target.
    let crossbar: CrossbarDelivery?
    /// The cores split into contiguous ranges, one per worker: at first of about equal synapse
    /// counts; a runtime may move the cuts (``repartition(_:)``), between phases only, so that
    /// its dynamic exclusivity checks are off (every worker reads it every tick).
    @exclusivity(unchecked) public private(set) var partition: [Range<Int>]
    private let ring16Storage: UnsafeMutableBufferPointer<UInt16>
    private let ring64Storage: UnsafeMutableBufferPointer<Double>
    /// Per core, where delivery finds its ring entries (each worker updates its cores' terms).
    let regions: UnsafeMutableBufferPointer<RegionAddress>

    /// `settings.kernels` must be supported by the host (``KernelSet/isSupported``); `parts` (≥ 1)
    /// is the number of contiguous ranges ``partition`` splits the cores into.
    public init(image: ChipImage, settings: CoreSettings, parts: Int = 1) {
        let arithmetic = settings.arithmetic
        cores = image.cores.indices.map { NeuronCore(image: image, core: $0, settings: settings) }
        routes = image.packetRoutes
        let layout = RingLayout(image: image)
        self.layout = layout
        partition = Self.balancedRanges(weights: image.cores.map { $0.synapses.words.count + 64 },
                                        parts: min(max(parts, 1), max(image.cores.count, 1)))
        delivery = SynapticDelivery(image: image, routes: routes, arithmetic: arithmetic, layout: layout, partition: partition)
        crossbar = image.machine.crossbar == nil ? nil : CrossbarDelivery(image: image, routes: routes, layout: layout)
        for (c, history) in (delivery.plastic?.histories ?? []).enumerated() { cores[c].postHistory = history }
        ring16Storage = HugePageMemory.allocate(repeating: 0, count: arithmetic == .s1615 ? layout.total : 0)
        ring64Storage = HugePageMemory.allocate(repeating: 0, count: arithmetic == .float64 ? layout.total : 0)
        regions = .allocate(capacity: cores.count)
        for (c, core) in cores.enumerated() {
            core.attach(RingRegion(
                ring16: arithmetic == .s1615 ? ring16Storage.baseAddress! + layout.start[c] : nil,
                ring64: arithmetic == .float64 ? ring64Storage.baseAddress! + layout.start[c] : nil,
                slotShift: layout.slotShift[c], slotMask: layout.size[c] >> layout.slotShift[c] - 1))
            regions[c] = RegionAddress(start: layout.start[c], mask: UInt32(layout.size[c] - 1), term: 0,
                                       typeShift: UInt32(image.cores[c].synapses.indexBits))
        }
    }

    deinit {
        HugePageMemory.deallocate(ring16Storage)
        HugePageMemory.deallocate(ring64Storage)
        regions.deallocate()
    }

    /// The ring buffer, whichever arithmetic it holds (nil for the other).
    var ring16: UnsafeMutablePointer<UInt16>? { ring16Storage.isEmpty ? nil : ring16Storage.baseAddress }
    var ring64: UnsafeMutablePointer<Double>? { ring64Storage.isEmpty ? nil : ring64Storage.baseAddress }

    /// The offset that places a synapse of a spike sent in `tick` in core `c`'s region: a
    /// synapse of delay d then lands in the slot of tick `tick + d`.
    @inline(__always)
    func slotTerm(core c: Int, tick: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: tick << layout.slotShift[c]) & regions[c].mask
    }

    /// Moves the cuts between the parts to `ranges`: as many ranges as ``partition`` has, in
    /// order, covering every core. Results do not depend on the partition (each core's ring
    /// region takes its inputs in the same order whichever part delivers them); only while no
    /// core is being updated or delivered to.
    func repartition(_ ranges: [Range<Int>]) {
        precondition(ranges.count == partition.count && ranges.first?.lowerBound == 0 && ranges.last?.upperBound == cores.count
                     && zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound },
                     "a partition of the \(cores.count) cores into \(partition.count) contiguous ranges")
        partition = ranges
        delivery.recut(ranges)
    }

    /// Splits 0..<weights.count into `parts` contiguous ranges of about equal total weight.
    static func balancedRanges(weights: [Int], parts: Int) -> [Range<Int>] {
        let total = weights.reduce(0, +)
        var ranges: [Range<Int>] = []
        var start = 0, acc = 0
        for p in 1..<parts {
            let goal = total * p / parts
            var end = start
            while end < weights.count - (parts - p), acc + weights[end] <= goal || end == start {
                acc += weights[end]
                end += 1
            }
            ranges.append(start..<end)
            start = end
        }
        ranges.append(start..<weights.count)
        return ranges
    }
}

/// One plastic synapse's weight, as a run's `weights.csv` lists it.
public struct LearnedWeight: Equatable, Sendable {
    /// The projection (index in ``ChipImage/projections``), and the synapse's pre and post neurons
    /// as indices in their populations.
    public var projection: Int
    public var pre: Int
    public var post: Int
    /// In the synapse's unit (nA, µS or mV), and its delay in ticks.
    public var weight: Double
    public var delayTicks: Int

    public init(projection: Int, pre: Int, post: Int, weight: Double, delayTicks: Int) {
        self.projection = projection
        self.pre = pre
        self.post = post
        self.weight = weight
        self.delayTicks = delayTicks
    }
}

extension LoadedChip {
    /// Every plastic synapse's weight as the next presynaptic spike would find it (with the
    /// potentiation of the postsynaptic spikes since its last one), by projection, pre and post
    /// neuron (several synapses between one pair in the order the compiler drew them).
    public func learnedWeights(image: ChipImage) -> [LearnedWeight] {
        guard let plastic = delivery.plastic else { return [] }
        return (0..<plastic.count).map { p in
            let s = plastic.synapse(p)
            return LearnedWeight(projection: Int(s.projection), pre: image.cores[Int(s.sourceCore)].firstNeuron + Int(s.sourceNeuron),
                                 post: image.cores[Int(s.core)].firstNeuron + Int(s.neuron),
                                 weight: plastic.pendingWeight(p), delayTicks: Int(s.delay))
        }.enumerated().sorted { ($0.element.projection, $0.element.pre, $0.element.post, $0.offset) < ($1.element.projection, $1.element.pre, $1.element.post, $1.offset) }
            .map(\.element)
    }

    /// Sets plastic synapses' weights before a run (from an earlier run's `weights.csv`): each
    /// given (projection, pre, post, delay) takes the weights listed for it, in order. Returns
    /// the rows that matched no plastic synapse.
    public func setWeights(_ weights: [LearnedWeight], image: ChipImage) -> [LearnedWeight] {
        guard let plastic = delivery.plastic else { return weights }
        var synapsesOf: [[Int]: [Int]] = [:]
        for p in 0..<plastic.count {
            let s = plastic.synapse(p)
            synapsesOf[[Int(s.projection), image.cores[Int(s.sourceCore)].firstNeuron + Int(s.sourceNeuron),
                         image.cores[Int(s.core)].firstNeuron + Int(s.neuron), Int(s.delay)], default: []].append(p)
        }
        var used: [[Int]: Int] = [:], unmatched: [LearnedWeight] = []
        for w in weights {
            let key = [w.projection, w.pre, w.post, w.delayTicks], k = used[key, default: 0]
            guard let list = synapsesOf[key], k < list.count else {
                unmatched.append(w)
                continue
            }
            plastic.setWeight(list[k], w.weight)
            used[key] = k + 1
        }
        return unmatched
    }
}
