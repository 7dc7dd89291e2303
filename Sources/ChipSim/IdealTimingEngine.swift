/// The chip in `ideal` timing: every packet is delivered within the tick it is sent, with no
/// contention. Each tick has two phases that a runtime may spread over threads:
///
/// 1. ``update(core:tick:)`` for every core: its neurons take in the inputs due this tick,
///    update and fire;
/// 2. once every core has updated, ``deliver(part:tick:)`` for every part of the engine's
///    ``partition`` (contiguous ranges of cores covering them all): every core's spikes of the
///    tick are added into the ring-buffer regions of the part's cores, and each of those cores
///    costs its tick.
///
/// Each phase writes only the state of the cores it is given, so the result does not depend on
/// how cores are split among threads.
public final class IdealTimingEngine {
    public let cores: [NeuronCore]
    public let routes: PacketRoutes
    private let delivery: SynapticDelivery
    private let ring16: UnsafeMutableBufferPointer<UInt16>
    private let ring64: UnsafeMutableBufferPointer<Double>
    /// Per core, what the tick's delivery counted.
    private let tallies: UnsafeMutableBufferPointer<DeliveryTally>
    /// The cores split into contiguous ranges, one per worker, for ``deliver(part:tick:)``.
    public let partition: [Range<Int>]
    /// Where a delivery stores the sum of its look-ahead loads, at its part's first core.
    private let lookAheadSink: UnsafeMutableBufferPointer<UInt64>
    private let spikes: SpikeExchange
    private let layout: RingLayout
    /// Per core, where delivery finds its ring entries this tick (each worker updates its range).
    private let regions: UnsafeMutableBufferPointer<RegionAddress>

    /// The most cores an image may have: a synapse's ring address holds its core in 16 bits.
    public static let maxCores = RingLayout.maxCores

    /// `settings.kernels` must be supported by the host (``KernelSet/isSupported``); `parts` (≥ 1)
    /// is the number of workers the delivery phase is split over, balanced by the cores' synapse
    /// counts.
    public init(image: ChipImage, settings: CoreSettings, parts: Int = 1) {
        let arithmetic = settings.arithmetic
        cores = image.cores.indices.map { NeuronCore(image: image, core: $0, settings: settings) }
        routes = PacketRoutes(image: image)
        let layout = RingLayout(image: image)
        self.layout = layout
        partition = Self.balancedRanges(weights: image.cores.map { $0.synapses.words.count + 64 }, parts: min(max(parts, 1), max(image.cores.count, 1)))
        delivery = SynapticDelivery(image: image, routes: routes, arithmetic: arithmetic, layout: layout, partition: partition)
        ring16 = .allocate(capacity: arithmetic == .s1615 ? layout.total : 0)
        ring16.initialize(repeating: 0)
        ring64 = .allocate(capacity: arithmetic == .float64 ? layout.total : 0)
        ring64.initialize(repeating: 0)
        regions = .allocate(capacity: cores.count)
        for (c, core) in cores.enumerated() {
            core.attach(RingRegion(
                ring16: arithmetic == .s1615 ? ring16.baseAddress! + layout.start[c] : nil,
                ring64: arithmetic == .float64 ? ring64.baseAddress! + layout.start[c] : nil,
                slotShift: layout.slotShift[c], slotMask: layout.size[c] >> layout.slotShift[c] - 1))
            regions[c] = RegionAddress(start: layout.start[c], mask: UInt32(layout.size[c] - 1), term: 0,
                                       typeShift: UInt32(image.cores[c].synapses.indexBits))
        }
        tallies = .allocate(capacity: cores.count)
        tallies.initialize(repeating: .zero)
        lookAheadSink = .allocate(capacity: cores.count)
        lookAheadSink.initialize(repeating: 0)
        spikes = SpikeExchange(capacities: cores.map(\.neuronCount))
    }

    deinit {
        ring16.deallocate()
        ring64.deallocate()
        tallies.deallocate()
        lookAheadSink.deallocate()
        regions.deallocate()
    }

    /// Bytes an engine for `image` allocates (ring buffer, delivery lists, neuron state, spike
    /// exchange, routes), estimated from the image before any of it is allocated, so that a run
    /// too large for the host can be refused with the numbers.
    public static func memoryEstimate(image: ChipImage, arithmetic: Arithmetic, parts: Int) -> Int {
        let entry = arithmetic == .s1615 ? 2 : 8
        var ring = 0, synapses = 0, neurons = 0, tableEntries = 0
        for core in image.cores {
            ring += (1 << (core.synapses.slotBits + SynapticMatrix.typeBits + core.synapses.indexBits)) * entry
            synapses += core.synapses.words.count
            neurons += core.neuronCount
            tableEntries += core.synapses.entries.count
        }
        let parts = min(max(parts, 1), max(image.cores.count, 1))
        let delivery = synapses * (4 + entry) + (parts + 2) * (neurons + 1) * 8 + tableEntries * 48
        let state = neurons * (6 * 8 + 8 + 1 + 2)
        return ring + delivery + state + image.cores.count * 256
    }

    /// Phase 1 for one core.
    public func update(core c: Int, tick: Int) {
        cores[c].update(tick: tick)
        cores[c].publishSpikes(to: spikes, as: c)
    }

    /// The spikes of the tick, once every core has updated.
    public var tickSpikes: TickSpikes { spikes.view }

    /// Phase 2 for part `part` of the ``partition``.
    public func deliver(part: Int, tick: Int) {
        let range = partition[part]
        for c in range {
            tallies[c] = .zero
            regions[c].term = UInt32(truncatingIfNeeded: tick << layout.slotShift[c]) & regions[c].mask
        }
        let spikeCounts = spikes.counts
        let sum = delivery.deliver(spikes: spikes.buffers, counts: spikeCounts, part: part, regions: regions.baseAddress!,
                                   ring16: ring16.isEmpty ? nil : ring16.baseAddress, ring64: ring64.isEmpty ? nil : ring64.baseAddress,
                                   tallies: tallies.baseAddress!)
        if !range.isEmpty { lookAheadSink[range.lowerBound] = sum }
        // Packets onto each core: sums of spike counts over runs of source cores, by prefix sums.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: cores.count + 1) { prefix in
            prefix[0] = 0
            for s in cores.indices { prefix[s + 1] = prefix[s] + spikeCounts[s] }
            delivery.reachRuns.withUnsafeBufferPointer { runs in
            delivery.reachStart.withUnsafeBufferPointer { reachStart in
                for c in range {
                    var packets = 0, invalid = 0
                    for run in runs[reachStart[c]..<reachStart[c + 1]] {
                        let n = prefix[run.end] - prefix[run.start]
                        if run.hasEntry { packets += n } else { invalid += n }
                    }
                    cores[c].finishTick(packets: packets, delivery: tallies[c], invalidKeys: invalid)
                }
            }}
        }
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
