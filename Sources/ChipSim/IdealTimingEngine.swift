/// The chip in `ideal` timing: every packet is delivered within the tick it is sent, with no
/// contention. Each tick has two phases that a runtime may spread over threads:
///
/// 1. ``update(core:tick:)`` for every core: neurons update and fire;
/// 2. after ``collectSpikes()``, ``deliver(cores:tick:)`` for disjoint contiguous ranges of cores
///    covering them all: each core of the range moves its due ring-buffer slot into its
///    synaptic inputs, receives the tick's spikes and costs its tick.
///
/// Phase 2 writes only the state of cores in its range, so the result does not depend on the
/// ranges chosen.
public final class IdealTimingEngine {
    public let cores: [NeuronCore]
    public let routes: PacketRoutes
    private let delivery: SynapticDelivery
    private let targets: UnsafeMutableBufferPointer<RingTarget>
    private let events: UnsafeMutableBufferPointer<Int>
    private let saturations: UnsafeMutableBufferPointer<Int>
    private var spikes: [[UInt16]] = []
    private let spikeCounts: UnsafeMutableBufferPointer<Int>
    /// Synapses per core, for balancing ranges of cores.
    public let incomingSynapses: [Int]

    public init(image: ChipImage, arithmetic: Arithmetic) {
        cores = image.cores.indices.map { NeuronCore(image: image, core: $0, arithmetic: arithmetic) }
        routes = PacketRoutes(image: image)
        delivery = SynapticDelivery(image: image, routes: routes, arithmetic: arithmetic)
        targets = .allocate(capacity: cores.count)
        _ = targets.initialize(from: cores.map(\.ringTarget))
        events = .allocate(capacity: cores.count)
        events.initialize(repeating: 0)
        saturations = .allocate(capacity: cores.count)
        saturations.initialize(repeating: 0)
        spikeCounts = .allocate(capacity: cores.count)
        spikeCounts.initialize(repeating: 0)
        incomingSynapses = image.cores.map(\.synapses.words.count)
    }

    deinit {
        targets.deallocate()
        events.deallocate()
        saturations.deallocate()
        spikeCounts.deallocate()
    }

    /// Phase 1 for one core.
    public func update(core c: Int, tick: Int) {
        cores[c].update(tick: tick)
    }

    /// Between the phases: gathers the spikes every core sent.
    public func collectSpikes() {
        spikes = cores.map(\.spikes)
        for (c, s) in spikes.enumerated() { spikeCounts[c] = s.count }
    }

    /// Phase 2 for a contiguous range of cores.
    public func deliver(cores range: Range<Int>, tick: Int) {
        for c in range {
            cores[c].transferInputs(tick: tick)
            events[c] = 0
            saturations[c] = 0
        }
        delivery.deliver(tick: tick, spikes: spikes, targets: UnsafeBufferPointer(targets), range: range,
                         events: events, saturations: saturations)
        delivery.reachingSources.withUnsafeBufferPointer { sources in
        delivery.reachHasEntry.withUnsafeBufferPointer { hasEntry in
            for c in range {
                var packets = 0, invalid = 0
                for k in delivery.reachStart[c]..<delivery.reachStart[c + 1] {
                    let n = spikeCounts[Int(sources[k])]
                    if hasEntry[k] { packets += n } else { invalid += n }
                }
                cores[c].finishTick(packets: packets, events: events[c], saturations: saturations[c], invalidKeys: invalid)
            }
        }}
    }
}
