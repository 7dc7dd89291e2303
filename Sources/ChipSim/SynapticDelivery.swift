import CPrefetch
import Foundation

/// Delivers a tick's spikes into the ring buffer, source-major.
///
/// Built once from the routes and each target core's master population table: for every
/// source neuron, the synapses of the non-empty rows its packet selects on the cores its
/// routes reach (what the chip finds by binary search and DMA for every packet), in target-core
/// order, each as its ring-buffer position and weight. A spike then costs one sequential pass
/// over its own synapses, however many cores its packet visits.
///
/// Each core's ring region is written only by the worker that owns the core, and every core
/// receives its synapses in (source core, spike) order, so results do not depend on how cores
/// are split among workers.
final class SynapticDelivery {
    /// Per source core, the global index of its neuron 0.
    private let neuronBase: [Int]
    /// Global source neurons (all cores' neurons together).
    private let neurons: Int
    /// Where each part of the partition starts in each neuron's synapses: for global source
    /// neuron g and part p, the synapses onto the part's cores are `targets[cut[g · cutStride +
    /// p] ..< cut[g · cutStride + p + 1]]` (part 0 starts at the neuron's first synapse, the entry
    /// after the last part is one past its last). A neuron's bounds lie together: laid out part
    /// by part, a spike's two bounds were two cache lines to fetch, and on two workers four.
    /// Changed only by ``recut(_:)``, while no delivery runs. Held as a raw buffer, which the
    /// workers read without retaining it: every worker reads it every tick, and an array's
    /// reference count was an atomic operation on a cache line the workers took from each other.
    private let cut: UnsafeMutableBufferPointer<Int>
    /// Parts plus one: the bounds per neuron in ``cut``.
    private let cutStride: Int
    /// A synapse's ring address: core · 2^16 | ((delay · 2^slotShift + type · 2^indexBits
    /// + neuron) mod the core's region size), slot shift and region of the target core
    /// (``RingLayout``). Adding the tick's slot offset modulo the region finds its entry.
    private let targets: UnsafeMutableBufferPointer<UInt32>
    /// 16-bit chip weights (`s1615`) or float weights (`float64`), parallel to `targets`.
    private let weights16: UnsafeMutableBufferPointer<UInt16>
    private let weights64: UnsafeMutableBufferPointer<Double>
    /// Per target core c, the source cores whose packets reach it, as runs of consecutive cores
    /// `reachRuns[reachStart[c] ..< reachStart[c + 1]]`: a tick's packets onto c are then sums
    /// over a few runs (usually one) rather than over every reaching core.
    let reachStart: [Int]
    let reachRuns: [ReachRun]
    /// The tick's packets onto core `c`, those its master population table holds an entry for
    /// and the others, from the prefix sums of the tick's spike counts per source core
    /// (`prefixCounts[s]`: the spikes of cores 0 ..< s).
    @inline(__always)
    func packets(onto c: Int, prefixCounts prefix: UnsafePointer<Int>) -> (packets: Int, invalid: Int) {
        var packets = 0, invalid = 0
        for r in reachStart[c]..<reachStart[c + 1] {
            let run = reachRuns[r], n = prefix[run.end] - prefix[run.start]
            if run.hasEntry { packets += n } else { invalid += n }
        }
        return (packets, invalid)
    }

    /// The shortest delay of the synapses in these lists, in ticks (`Int.max` when there are
    /// none): a spike of tick t reaches no ring slot before tick t + shortestDelay.
    let shortestDelay: Int
    /// Whether every core's ring has one slot (every synapse's delay is the whole ring): a ring
    /// address's position is then its entry in every tick, with no slot offset to add.
    private let singleSlot: Bool
    /// The plastic synapses (nil when none is), and per entry of `targets` its plastic
    /// synapse's number, or −1 (empty when none is plastic).
    let plastic: PlasticSynapses?
    let plasticIndex: [Int32]
    /// Per part and global source neuron, the spikes the part's static lists delivered
    /// (`s1615`; part p's count of neuron g at `p · neurons + g`, each part its own, since a run
    /// split across processes delivers only its own part): the ring input they added is summed
    /// from them when a run's clipped fractions need it
    /// (``deferredInput(cores:part:regions:needed:)``), rather than counted synapse by synapse.
    private let deliveredSpikes: UnsafeMutableBufferPointer<Int>

    /// `partition` splits the cores into contiguous ranges, one per worker, in order; as many
    /// workers count and fill the lists (``StaticLists``), whose content does not depend on them.
    init(image: ChipImage, routes: PacketRoutes, arithmetic: Arithmetic, layout: RingLayout, partition: [Range<Int>]) {
        let cores = image.cores
        var base = [Int](repeating: 0, count: cores.count + 1)
        for (c, core) in cores.enumerated() { base[c + 1] = base[c] + core.neuronCount }
        neuronBase = base
        var reachStart = [0], reachRuns: [ReachRun] = []
        // Each target's master population table entry per reaching source core.
        var found: [TableBlock] = []
        for target in cores.indices {
            let m = cores[target].synapses
            for source in routes.incoming[target].sorted() {
                let e = m.lookup(cores[source].keyBase)
                if let last = reachRuns.indices.last, reachRuns.count > reachStart.last!,
                   reachRuns[last].end == source, reachRuns[last].hasEntry == (e != nil) {
                    reachRuns[last].end += 1
                } else {
                    reachRuns.append(ReachRun(start: source, end: source + 1, hasEntry: e != nil))
                }
                // A crossbar core's synapses are in its tiles (``CrossbarDelivery``), not in these lists.
                guard let e, !CrossbarCoreMatrix.isCrossbarCore(image, target) else { continue }
                let entry = m.entries[e]
                found.append(TableBlock(target: target, source: source, entry: e,
                                        first: Int(entry.firstRow), rows: min(Int(entry.rows), cores[source].neuronCount)))
            }
            reachStart.append(reachRuns.count)
        }
        self.reachStart = reachStart
        self.reachRuns = reachRuns
        // Source-major (and target-major within a source, the order each neuron's list keeps):
        // a source core's neurons' lists are then all the writes in flight, a few hundred
        // kilobytes, where target-major order scattered them over every list. Each piece of
        // ``loadingPieces(_:parts:work:)`` holds whole source cores, so that the pieces
        // count and fill disjoint neurons' lists, one worker each.
        var bySource = Self.sourceMajor(found, sources: cores.count)
        // Each target's matrix is read in place: a copy per (source, target) pair retained and
        // released its six arrays, about 3 % of loading CUBA at 80k neurons (97,000 pairs).
        let matrices = cores.map(\.synapses), prefetch = matrices.map(MatrixPrefetch.init)
        // Pass 1: synapses per source neuron (at g + 1), then their prefix sums. The work of a
        // block is its rows.
        var pieces = Self.loadingPieces(bySource, parts: partition.count) { bySource[$0].rows }
        var counts = [Int](repeating: 0, count: base[cores.count] + 1)
        counts.withUnsafeMutableBufferPointer { counts in
        matrices.withUnsafeBufferPointer { matrices in
        bySource.withUnsafeMutableBufferPointer { bySource in
            DispatchQueue.concurrentPerform(iterations: pieces.count) { piece in
                StaticLists.count(bySource, pieces[piece], matrices: matrices, prefetch: prefetch, neuronBase: base,
                                  into: counts.baseAddress! + 1)
            }
        }}}
        for g in 1..<counts.count { counts[g] += counts[g - 1] }
        // Pass 2: every static synapse at its place (each neuron's next at `fill`). The work of
        // a block is its rows over sixteen (the bit masks that skip the empty ones), and a
        // source core's synapses count with its last block.
        pieces = Self.loadingPieces(bySource, parts: partition.count) { i in
            let b = bySource[i]
            let last = i + 1 == bySource.count || bySource[i + 1].source != b.source
            return b.rows / 16 + (last ? counts[base[b.source + 1]] - counts[base[b.source]] : 0)
        }
        var fill = Array(counts.dropLast())
        // Every entry is written by the fill below.
        let targets: UnsafeMutableBufferPointer<UInt32> = HugePageMemory.allocate(uninitializedCount: counts.last ?? 0)
        let weights16: UnsafeMutableBufferPointer<UInt16> = HugePageMemory.allocate(uninitializedCount: arithmetic == .s1615 ? targets.count : 0)
        let weights64: UnsafeMutableBufferPointer<Double> = HugePageMemory.allocate(uninitializedCount: arithmetic == .float64 ? targets.count : 0)
        var shortestOfPiece = [Int](repeating: .max, count: pieces.count)
        let lists = StaticLists(targets: targets, weights16: weights16, weights64: weights64, layout: layout, neuronBase: base)
        fill.withUnsafeMutableBufferPointer { fill in
        counts.withUnsafeBufferPointer { listStarts in
        shortestOfPiece.withUnsafeMutableBufferPointer { shortestOfPiece in
        matrices.withUnsafeBufferPointer { matrices in
        bySource.withUnsafeBufferPointer { bySource in
            DispatchQueue.concurrentPerform(iterations: pieces.count) { piece in
                shortestOfPiece[piece] = lists.fill(bySource[pieces[piece]], matrices: matrices, prefetch: prefetch, fill: fill.baseAddress!,
                                                    listStarts: listStarts.baseAddress!)
            }
        }}}}}
        let shortest = shortestOfPiece.min() ?? .max
        let anyPlastic = cores.contains { !$0.synapses.plasticWords.isEmpty }
        let plastic = anyPlastic ? PlasticSynapses(arithmetic: arithmetic, dt: image.network.timestepMs) : nil
        var plasticIndex = [Int32](repeating: -1, count: anyPlastic ? targets.count : 0)
        var plasticWordsOf: [Int: [UInt32: UInt16]] = [:]
        for (c, core) in cores.enumerated() where !core.synapses.plasticWords.isEmpty {
            plasticWordsOf[c] = Dictionary(uniqueKeysWithValues: core.synapses.plasticWords.map { ($0.word, $0.projection) })
        }
        // Plastic synapses target-major, the order their numbers follow, at the places the
        // static pass left for them.
        if let plastic {
            var at = Array(counts.dropLast())
            for b in found {
                let target = b.target, source = b.source, m = cores[target].synapses
                let entry = m.entries[b.entry]
                let conductance = image.populations[cores[target].population].model.isConductanceBased ? Double(1 << SynapticMatrix.conductanceScaleBits) : 1
                let plasticWords = plasticWordsOf[target]
                for r in 0..<min(Int(entry.rows), cores[source].neuronCount) {
                    let g = base[source] + r
                    for k in m.row(entry, r) {
                        defer { at[g] += 1 }
                        guard let projection = plasticWords?[UInt32(k)], let rule = image.projections[Int(projection)].plasticity else { continue }
                        let (index, type, delay) = m.decode(m.words[k])
                        plasticIndex[at[g]] = plastic.add(
                            rule: rule, projection: projection, scale: pow(2, Double(15 - Int(m.shifts[type]))) * conductance,
                            delay: delay, core: target, neuron: index, sourceCore: source, sourceNeuron: r,
                            weight16: UInt16(m.words[k] >> 16), weight: m.floatWeights.isAbsent ? 0 : m.floatWeight(k))
                    }
                }
            }
        }
        self.targets = targets
        shortestDelay = shortest
        singleSlot = cores.indices.allSatisfy { layout.size[$0] == 1 << layout.slotShift[$0] }
        self.weights16 = weights16
        self.weights64 = weights64
        plastic?.finish(neuronCounts: cores.map(\.neuronCount))
        self.plastic = plastic
        self.plasticIndex = plasticIndex
        let n = base[cores.count], stride = partition.count + 1
        neurons = n
        let cut = UnsafeMutableBufferPointer<Int>.allocate(capacity: stride * n)
        cut.initialize(repeating: 0)
        for g in 0..<n {
            cut[g * stride] = counts[g]
            cut[g * stride + partition.count] = counts[g + 1]
        }
        self.cut = cut
        cutStride = stride
        deliveredSpikes = .allocate(capacity: arithmetic == .s1615 && plastic == nil ? partition.count * n : 0)
        deliveredSpikes.initialize(repeating: 0)
        recut(partition)
    }

    /// Cuts every neuron's synapses at the parts of `partition` (as many parts as before, in
    /// order, covering every core): its inner bounds in ``cut``. Targets are sorted by core within
    /// each neuron, so each is a binary search. The per-part counts of delivered spikes stay
    /// valid: every part counts every spike of a tick, whether or not it has synapses on the part.
    func recut(_ partition: [Range<Int>]) {
        let stride = cutStride
        precondition(partition.count == stride - 1, "a partition into \(stride - 1) parts")
        let targets = self.targets, cut = self.cut
        for g in 0..<neurons {
            let at = g * stride, end = cut[at + stride - 1]
            for p in partition.indices.dropFirst() {
                let first = UInt32(partition[p].lowerBound) << RingLayout.positionBits
                var lo = cut[at + p - 1], hi = end
                while lo < hi {
                    let mid = (lo + hi) >> 1
                    if targets[mid] >= first { hi = mid } else { lo = mid + 1 }
                }
                cut[at + p] = lo
            }
        }
    }

    deinit {
        cut.deallocate()
        deliveredSpikes.deallocate()
        HugePageMemory.deallocate(targets)
        HugePageMemory.deallocate(weights16)
        HugePageMemory.deallocate(weights64)
    }

    /// Adds the synapses of every spike of the tick (per source core s, `counts[s]` local neuron
    /// indices at `spikes[s]`) that land on the cores of part `part` of the partition; counts
    /// synaptic events and saturations per target core into `tallies`. The input the static
    /// synapses add is not counted here but summed when needed (``deferredInput(cores:part:regions:needed:)``).
    /// `regions` holds every core's ``RegionAddress`` for the tick (those of the part at least).
    ///
    /// A spike's synapses are cold in cache, and the loop is bound by the latency of fetching
    /// them: it prefetches the synapse lists ``prefetchDistance`` spikes ahead (and their bounds
    /// twice as far), so that their misses overlap the work on the spikes before them. A synapse
    /// costs its ring entry's saturating addition and one 32-bit count of its core's events;
    /// counting its weight by type too (one more addition into a 64-bit word per core and type)
    /// made CUBA at 20k neurons about 8 % slower.
    func deliver(spikes: UnsafePointer<UnsafeMutablePointer<UInt16>>, counts: UnsafePointer<Int>, part: Int,
                 regions: UnsafePointer<RegionAddress>, ring16: UnsafeMutablePointer<UInt16>?, ring64: UnsafeMutablePointer<Double>?,
                 tallies: UnsafeMutablePointer<DeliveryTally>, tick: Int) {
        if let plastic {
            deliverLearning(spikes: spikes, counts: counts, part: part, regions: regions, ring16: ring16, ring64: ring64, tallies: tallies,
                            tick: tick, kernel: plastic.kernel)
            return
        }
        var total = 0
        for s in 0..<sourceCores { total += counts[s] }
        guard total > 0 else { return }
        let first = part * neurons, stride = cutStride
        let cores = sourceCores
        let targets = self.targets, w16 = weights16, w64 = weights64
        // The weights of the run's arithmetic (the other list is empty).
        let w16Base = w16.isEmpty ? nil : w16.baseAddress, w64Base = w64.isEmpty ? nil : w64.baseAddress
        let cut = self.cut
        withUnsafeTemporaryAllocation(of: Int.self, capacity: total) { order in
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: cores) { events in
            let events = events.baseAddress!
            events.initialize(repeating: 0, count: cores)
            // The tick's spikes as global source neurons, in (source core, spike) order.
            var n = 0
            for s in 0..<sourceCores {
                let base = neuronBase[s]
                for j in 0..<counts[s] { order[n] = base + Int(spikes[s][j]); n += 1 }
            }
            if !deliveredSpikes.isEmpty {
                for j in 0..<n { deliveredSpikes[first + order[j]] += 1 }
            }
            let cutBase = cut.baseAddress!, targetBase = targets.baseAddress!
            @inline(__always) func prefetchBounds(_ j: Int) {
                guard j < n else { return }
                let at = cutBase + order[j] * stride + part
                neurite_prefetch(at)
                neurite_prefetch(at + 1)
            }
            @inline(__always) func prefetchSynapses(_ j: Int) {
                guard j < n else { return }
                let at = order[j] * stride + part
                let start = cut[at], end = cut[at + 1]
                guard start < end else { return }
                // A line's worth at a time from the first synapse, and then the last synapse's
                // line: a list that starts part-way into a line ends in one those steps miss.
                // That is most of them once the lists are cut into parts: on one thread, CUBA
                // 20k delivered in two parts took 25 % longer than in one without the last
                // line, 5 % with it (in one part, the same).
                var k = start
                while k < end { neurite_prefetch(targetBase + k); k += 16 }
                neurite_prefetch(targetBase + end - 1)
                if let w = w16Base { k = start; while k < end { neurite_prefetch(w + k); k += 32 }; neurite_prefetch(w + end - 1) }
                if let w = w64Base { k = start; while k < end { neurite_prefetch(w + k); k += 8 }; neurite_prefetch(w + end - 1) }
            }
            /// Moves the 32-bit event counts into the tallies (every ``eventCountLimit``
            /// synapses at least, so that they cannot overflow).
            @inline(__always) func flush() {
                for c in 0..<cores where events[c] != 0 {
                    tallies[c].events += Int(events[c])
                    events[c] = 0
                }
            }
            let d = Self.prefetchDistance
            for j in 0..<min(2 * d, n) { prefetchBounds(j) }
            for j in 0..<min(d, n) { prefetchSynapses(j) }
            var room = Self.eventCountLimit
            for j in 0..<n {
                prefetchBounds(j + 2 * d)
                prefetchSynapses(j + d)
                let at = order[j] * stride + part
                var k = cut[at]
                let end = cut[at + 1]
                while k < end {
                    let stop = min(end, k + room)
                    room -= stop - k
                    if let ring = ring16 {
                        while k < stop {
                            let t = targets[k]
                            let core = RingLayout.core(t)
                            let region = regions[core]
                            _ = Self.saturatingAdd(t, w16[k], index: singleSlot ? region.start &+ Int(t & 0xFFFF) : region.index(t),
                                                   typeShift: region.typeShift, ring: ring, tally: tallies + core)
                            events[core] &+= 1
                            k += 1
                        }
                    } else if let ring = ring64 {
                        while k < stop {
                            let t = targets[k]
                            let core = RingLayout.core(t)
                            ring[regions[core].index(t)] += w64[k]
                            events[core] &+= 1
                            k += 1
                        }
                    }
                    if room == 0 { flush(); room = Self.eventCountLimit }
                }
            }
            flush()
        }}
    }

    /// The most synapses ``deliver(spikes:counts:part:regions:ring16:ring64:tallies:tick:)``
    /// counts into its 32-bit event counts before moving them into the tallies.
    static let eventCountLimit = Int(UInt32.max)

    /// Per core of `cores` (a range within part `part`'s, `needed` marking the cores wanted),
    /// the 16-bit weight units per synapse type the static lists added into its ring buffer so
    /// far: each delivered spike's synapses onto the core, times its spikes (``deliveredSpikes``).
    /// One pass over the part's synapses of every neuron that spiked; zero without `s1615` or
    /// with plastic synapses (whose delivery counts its input itself).
    func deferredInput(cores: Range<Int>, part: Int, regions: UnsafePointer<RegionAddress>, needed: (Int) -> Bool) -> [PerReceptor] {
        var input = [PerReceptor](repeating: PerReceptor(), count: cores.count)
        guard !deliveredSpikes.isEmpty, cores.contains(where: needed) else { return input }
        let delivered = deliveredSpikes, first = part * neurons
        let wanted = cores.map(needed)
        for g in 0..<neurons where delivered[first + g] > 0 {
            let spikes = delivered[first + g]
            for k in cut[g * cutStride + part]..<cut[g * cutStride + part + 1] {
                let t = targets[k], core = RingLayout.core(t)
                guard cores.contains(core), wanted[core - cores.lowerBound] else { continue }
                let type = Int((t &>> regions[core].typeShift) & 1)
                input[core - cores.lowerBound][type] += spikes * Int(weights16[k])
            }
        }
        return input
    }

    /// Starts ``deferredInput(cores:part:regions:needed:)``'s count of spikes over.
    func forgetDeliveredSpikes() {
        deliveredSpikes.update(repeating: 0)
    }

    /// Spikes between a spike's delivery and the prefetch of its synapses (and half the distance
    /// to the prefetch of its bounds in ``cut``). Measured on CUBA at 20k and 80k neurons: 4 to
    /// 8 are alike, 1 and 2 slower.
    static let prefetchDistance = 6

    /// Adds one synapse (ring address `t`, 16-bit weight `w`) into its entry, saturating at
    /// 0xFFFF, and counts it.
    @inline(__always)
    static func add(_ t: UInt32, _ w: UInt16, at region: RegionAddress, ring: UnsafeMutablePointer<UInt16>,
                    tally: UnsafeMutablePointer<DeliveryTally>) {
        addInput(t, w, at: region, ring: ring, tally: tally)
        tally.pointee.events += 1
    }

    /// Adds 16-bit input `w` into the entry at ring address `t`, saturating at 0xFFFF, and counts
    /// the input and any saturation (not an event: a crossbar read's column adds one input for
    /// many synapses).
    @inline(__always)
    static func addInput(_ t: UInt32, _ w: UInt16, at region: RegionAddress, ring: UnsafeMutablePointer<UInt16>,
                         tally: UnsafeMutablePointer<DeliveryTally>) {
        tally.pointee.input[saturatingAdd(t, w, at: region, ring: ring, tally: tally)] += Int(w)
    }

    /// Adds `w` into the entry at ring address `t`, saturating at 0xFFFF and counting a
    /// saturation into `tally`; returns the synapse type.
    @inline(__always)
    static func saturatingAdd(_ t: UInt32, _ w: UInt16, at region: RegionAddress, ring: UnsafeMutablePointer<UInt16>,
                              tally: UnsafeMutablePointer<DeliveryTally>) -> Int {
        saturatingAdd(t, w, index: region.index(t), typeShift: region.typeShift, ring: ring, tally: tally)
    }

    /// ``saturatingAdd(_:_:at:ring:tally:)`` at entry `idx` of the ring, `typeShift` being the
    /// region's.
    @inline(__always)
    static func saturatingAdd(_ t: UInt32, _ w: UInt16, index idx: Int, typeShift: UInt32, ring: UnsafeMutablePointer<UInt16>,
                              tally: UnsafeMutablePointer<DeliveryTally>) -> Int {
        let sum = UInt32(ring[idx]) &+ UInt32(w)
        let type = Int((t &>> typeShift) & 1)
        if sum > 0xFFFF {
            ring[idx] = 0xFFFF
            saturated(type: type, by: sum, tally: tally)
        } else {
            ring[idx] = UInt16(truncatingIfNeeded: sum)
        }
        return type
    }

    /// Counts an addition of type `type` whose sum `sum` exceeded 0xFFFF.
    static func saturated(type: Int, by sum: UInt32, tally: UnsafeMutablePointer<DeliveryTally>) {
        tally.pointee.saturations[type] += 1
        tally.pointee.clipped[type] += Int(sum - 0xFFFF)
    }

    /// Adds one synapse (ring address `t`, float weight `w`) into its entry and counts it.
    @inline(__always)
    static func add(_ t: UInt32, _ w: Double, at region: RegionAddress, ring: UnsafeMutablePointer<Double>,
                    tally: UnsafeMutablePointer<DeliveryTally>) {
        ring[region.index(t)] += w
        tally.pointee.events += 1
    }

    /// Source cores, and the parts the delivery lists are cut into.
    var sourceCores: Int { neuronBase.count - 1 }
    var cutCount: Int { cutStride - 1 }

    /// The synapses of global source neuron `g` onto the cores of part `part` of `parts`.
    @inline(__always)
    func synapses(ofNeuron g: Int, part: Int, parts: Int) -> Range<Int> {
        cut[g * cutStride + part]..<cut[g * cutStride + part + 1]
    }

    @inline(__always) func target(_ k: Int) -> UInt32 { targets[k] }

    /// Plastic synapses among `row`.
    func plasticCount(_ row: Range<Int>) -> Int {
        plastic == nil ? 0 : row.reduce(0) { $0 + (plasticIndex[$1] >= 0 ? 1 : 0) }
    }
    @inline(__always) func staticWeight16(_ k: Int) -> UInt16 { weights16[k] }
    @inline(__always) func staticWeight64(_ k: Int) -> Double { weights64[k] }

    /// The global index of neuron `neuron` of source core `core`.
    @inline(__always)
    func globalNeuron(core: Int, neuron: Int) -> Int { neuronBase[core] + neuron }

    /// Where the synapses of global source neuron `g` onto core `core` lie in the delivery
    /// lists: one packet's row on that core (a binary search for its first synapse, then a walk
    /// to its last: rows are short).
    func row(neuron g: Int, core: Int) -> Range<Int> {
        let first = UInt32(core) << UInt32(RingLayout.positionBits), next = UInt32(core + 1) << UInt32(RingLayout.positionBits)
        var lo = cut[g * cutStride], hi = cut[g * cutStride + cutStride - 1]
        let end = hi
        while lo < hi {
            let mid = (lo + hi) >> 1
            if targets[mid] >= first { hi = mid } else { lo = mid + 1 }
        }
        var k = lo
        while k < end, targets[k] < next { k += 1 }
        return lo..<k
    }

    /// Adds the synapses `row` (one packet's row on a core, ``row(neuron:core:)``) into the
    /// core's ring region at `region` (its term placing the spike's tick), except those whose
    /// delay is at most `skipThrough` ticks: they are due in slots already consumed (a spike
    /// that arrived `skipThrough` ticks late, as sPyNNaker's colour correction skips them).
    /// `slotShift` and `slots` are the core's ring layout. Plastic synapses learn first, the
    /// spike counting at `preTick` (its own tick).
    func deliver(row: Range<Int>, region: RegionAddress, skipThrough: Int, slotShift: Int, slots: Int,
                 ring16: UnsafeMutablePointer<UInt16>?, ring64: UnsafeMutablePointer<Double>?,
                 tally: UnsafeMutablePointer<DeliveryTally>, preTick: Int) -> Int {
        var skipped = 0
        var cursor = PlasticCursor()
        let kernel = plastic?.kernel
        let positionMask = UInt32(1 << RingLayout.positionBits - 1), slotMask = UInt32(slots - 1)
        let w16 = weights16, w64 = weights64
        for k in row {
            let t = targets[k]
            let p = kernel == nil ? -1 : Int(plasticIndex[k])
            if p >= 0, let kernel {
                // A plastic synapse learns whether or not its delay has passed.
                let w = Self.learn(p, tick: preTick, kernel: kernel, cursor: &cursor)
                tally.pointee.plasticEvents += 1
                if skipThrough > 0, Self.delayPassed(t, skipThrough: skipThrough, positionMask: positionMask, slotShift: slotShift,
                                                      slotMask: slotMask, slots: slots) {
                    skipped += 1
                    continue
                }
                if let ring = ring16 { Self.add(t, UInt16(w.fixed), at: region, ring: ring, tally: tally) }
                if let ring = ring64 { Self.add(t, w.float, at: region, ring: ring, tally: tally) }
                continue
            }
            if skipThrough > 0, Self.delayPassed(t, skipThrough: skipThrough, positionMask: positionMask, slotShift: slotShift,
                                                  slotMask: slotMask, slots: slots) {
                skipped += 1
                continue
            }
            if let ring = ring16 {
                Self.add(t, w16[k], at: region, ring: ring, tally: tally)
            } else if let ring = ring64 {
                Self.add(t, w64[k], at: region, ring: ring, tally: tally)
            }
        }
        return skipped
    }
}

extension SynapticDelivery {
    /// Whether the synapse at ring address `t` has a delay of at most `skipThrough` ticks (its
    /// delay field modulo the slots, 0 meaning all of them).
    @inline(__always)
    static func delayPassed(_ t: UInt32, skipThrough: Int, positionMask: UInt32, slotShift: Int, slotMask: UInt32, slots: Int) -> Bool {
        let field = Int(((t & positionMask) >> UInt32(slotShift)) & slotMask)
        return (field == 0 ? slots : field) <= skipThrough
    }
}

/// Consecutive source cores `start ..< end` whose packets reach a core, and whether its master
/// population table has an entry for them (a packet without one is an invalid key).
struct ReachRun {
    var start: Int
    var end: Int
    var hasEntry: Bool
}
