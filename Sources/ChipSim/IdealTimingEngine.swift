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
///
/// Phase 1 may run for up to ``batchTicks`` ticks of a core in a row before phase 2 of any of
/// them (each tick's phase 2 then runs in tick order): no synapse is shorter than that, so a
/// spike of those ticks is due in none of them, and every ring entry takes its inputs in the
/// same order as tick by tick. The results are bit for bit those of single ticks; a core's state
/// stays in cache over the batch, and the workers meet once per batch.
public final class IdealTimingEngine {
    /// The loaded image: cores, ring buffer, delivery lists.
    public let chip: LoadedChip
    public var cores: [NeuronCore] { chip.cores }
    public var routes: PacketRoutes { chip.routes }
    /// Per core, what the tick's delivery counted.
    private let tallies: UnsafeMutableBufferPointer<DeliveryTally>
    /// The cores split into contiguous ranges, one per worker, for ``deliver(part:tick:)``.
    public var partition: [Range<Int>] { chip.partition }
    /// Ticks of a batch: the `batch` asked for, at most the shortest synaptic delay in ticks,
    /// and 1 where synapses learn (STDP pairs each spike with the post-synaptic spikes before it)
    /// or crossbar tiles hold synapses.
    public let batchTicks: Int
    /// Ticks whose spikes the engine holds: two batches', so that a batch's spikes can still
    /// be read (recorded) while the next batch updates (``spikes(ofTick:)``).
    public var spikeSlots: Int { 2 * batchTicks }
    private let spikes: SpikeExchange
    /// The phases' references, read without reference counting (the chip and the engine own
    /// what they refer to): per tick, every worker's retain and release of the same shared
    /// objects were atomic operations on cache lines the workers took from each other.
    private let coreTable: UnsafeMutableBufferPointer<Unmanaged<NeuronCore>>
    private let exchange: Unmanaged<SpikeExchange>
    private let delivery: Unmanaged<SynapticDelivery>

    /// The most cores an image may have: a synapse's ring address holds its core in 16 bits.
    public static let maxCores = RingLayout.maxCores

    /// `settings.kernels` must be supported by the host (``KernelSet/isSupported``); `parts` (≥ 1)
    /// is the number of workers the delivery phase is split over, balanced by the cores' synapse
    /// counts; `batch` (≥ 1) the most ticks the caller will update before delivering them
    /// (``batchTicks``).
    public init(image: ChipImage, settings: CoreSettings, parts: Int = 1, batch: Int = 1) {
        chip = LoadedChip(image: image, settings: settings, parts: parts)
        let n = chip.cores.count
        tallies = .allocate(capacity: n)
        tallies.initialize(repeating: .zero)
        let learns = chip.delivery.plastic != nil, tiles = chip.crossbar != nil
        batchTicks = learns || tiles ? 1 : max(1, min(batch, chip.delivery.shortestDelay))
        spikes = SpikeExchange(capacities: chip.cores.map(\.neuronCount), slots: 2 * batchTicks)
        coreTable = .allocate(capacity: n)
        _ = coreTable.initialize(from: chip.cores.map { Unmanaged.passUnretained($0) })
        exchange = .passUnretained(spikes)
        delivery = .passUnretained(chip.delivery)
    }

    deinit {
        tallies.deallocate()
        coreTable.deallocate()
    }

    /// Bytes an engine for `image` allocates (ring buffer, delivery lists, neuron state, spike
    /// exchange, routes, crossbar tiles), estimated from the image before any of it is
    /// allocated, so that a run too large for the host can be refused with the numbers. `batch`
    /// is the engine's `batch`: the spike exchange holds twice that many ticks.
    public static func memoryEstimate(image: ChipImage, arithmetic: Arithmetic, parts: Int, batch: Int = 1) -> Int {
        let entry = arithmetic == .s1615 ? 2 : 8
        var ring = 0, synapses = 0, neurons = 0, tableEntries = 0
        for core in image.cores {
            ring += (1 << (core.synapses.slotBits + SynapticMatrix.typeBits + core.synapses.indexBits)) * entry
            synapses += core.synapses.words.count
            neurons += core.neuronCount
            tableEntries += core.synapses.entries.count
        }
        let parts = min(max(parts, 1), max(image.cores.count, 1))
        // The lists of targets and weights and the ring, each rounded up to whole huge pages
        // (``HugePageMemory``).
        let delivery = synapses * (4 + entry) + 3 * HugePageMemory.pageBytes + (parts + 2) * (neurons + 1) * 8 + tableEntries * 48
        let state = neurons * (6 * 8 + 8 + 1 + 2 * 2 * max(batch, 1))
        return ring + delivery + state + image.cores.count * 256 + CrossbarCoreMatrix.memoryEstimate(image)
    }

    /// Phase 1 for one core: its update writes its spikes straight into the exchange.
    public func update(core c: Int, tick: Int) { update(cores: c..<(c + 1), ticks: tick..<(tick + 1)) }

    /// Phase 1 for the cores `range`, each through the ticks `ticks` (at most ``batchTicks``)
    /// before the next core. The cores and the exchange are borrowed without retaining them: per
    /// core and tick, their reference counts were atomic operations, on a cache line that every
    /// worker writes for the shared objects (1 to 2 % of a CUBA run on one thread).
    public func update(cores range: Range<Int>, ticks: Range<Int>) {
        let slots = spikeSlots
        exchange._withUnsafeGuaranteedRef { spikes in
            for c in range {
                coreTable[c]._withUnsafeGuaranteedRef { core in
                    for tick in ticks {
                        let slot = tick % slots
                        var list = spikes.lend(core: c, slot: slot)
                        core.update(tick: tick, spikes: &list)
                        spikes.take(list, core: c, slot: slot)
                    }
                }
            }
        }
    }

    /// The spikes of tick `tick`, once every core has updated it, until the ticks of the batch
    /// after the next update.
    public func spikes(ofTick tick: Int) -> TickSpikes { spikes.view(slot: tick % spikeSlots) }

    /// Sets core `c`'s spikes of tick `tick` (local indices, in index order) without updating
    /// it: in a run split across processes, the spikes another process's cores sent.
    public func receive(core c: Int, tick: Int, spikes list: [UInt16]) {
        spikes.publish(core: c, slot: tick % spikeSlots, list)
    }

    /// Completes the cores' counters after a run's last tick: the input the static synapses
    /// added into the ring buffer of each core whose input saturation clipped (the clipped
    /// fraction's denominator, ``CoreCounters/ringInput``), which delivery leaves uncounted.
    /// Later calls add nothing until more ticks run.
    public func finishCounters() {
        let delivery = chip.delivery, cores = chip.cores
        for (part, range) in partition.enumerated() {
            let input = delivery.deferredInput(cores: range, part: part, regions: chip.regions.baseAddress!) {
                cores[$0].counters.clippedInput.total > 0
            }
            for (k, c) in range.enumerated() where input[k].total > 0 { cores[c].count(ringInput: input[k]) }
        }
        delivery.forgetDeliveredSpikes()
    }

    /// Moves the cores among the parts of the ``partition`` (as many parts, contiguous, in
    /// order, covering every core), between batches: after every part's delivery of a batch and
    /// before any update of the next. The results are the same for any partition.
    public func repartition(_ ranges: [Range<Int>]) {
        chip.repartition(ranges)
    }

    /// Phase 2 for part `part` of the ``partition``.
    public func deliver(part: Int, tick: Int) {
        delivery._withUnsafeGuaranteedRef { delivery in
            exchange._withUnsafeGuaranteedRef { spikes in deliver(part: part, tick: tick, delivery: delivery, spikes: spikes) }
        }
    }

    @inline(__always)
    private func deliver(part: Int, tick: Int, delivery: SynapticDelivery, spikes: SpikeExchange) {
        let range = chip.partition[part]
        let regions = chip.regions, cores = coreTable
        for c in range {
            tallies[c] = .zero
            regions[c].term = chip.slotTerm(core: c, tick: tick)
        }
        let slot = tick % spikeSlots
        let spikeBuffers = spikes.buffers(slot: slot), spikeCounts = spikes.counts(slot: slot)
        delivery.deliver(spikes: spikeBuffers, counts: spikeCounts, part: part, regions: regions.baseAddress!,
                         ring16: chip.ring16, ring64: chip.ring64, tallies: tallies.baseAddress!, tick: tick)
        chip.crossbar?.deliver(spikes: spikeBuffers, counts: spikeCounts, range: range, regions: regions.baseAddress!,
                               ring16: chip.ring16, ring64: chip.ring64, tallies: tallies.baseAddress!)
        // Packets onto each core: sums of spike counts over runs of source cores, by prefix sums.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: cores.count + 1) { prefix in
            prefix[0] = 0
            for s in cores.indices { prefix[s + 1] = prefix[s] + spikeCounts[s] }
            for c in range {
                let (packets, invalid) = delivery.packets(onto: c, prefixCounts: prefix.baseAddress!)
                cores[c]._withUnsafeGuaranteedRef { $0.finishTick(packets: packets, delivery: tallies[c], invalidKeys: invalid) }
            }
        }
    }
}
