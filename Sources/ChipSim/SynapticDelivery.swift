/// Delivers a tick's spikes into the ring buffers of the cores they reach, source-major.
///
/// Built once from the routes and each target core's master population table: for every
/// source neuron, the non-empty synaptic rows its packet selects on the cores its routes reach
/// (what the chip finds by binary search and DMA for every packet), sorted by target core, with
/// their synapse words (and float weights) copied next to each other. A spike then costs one
/// sequential pass over its own synapses, however many cores its packet visits.
///
/// Each target core's ring buffer is written only by the worker that owns the core's range,
/// and every core receives its rows in (source core, spike) order, so results do not depend on
/// how cores are split among workers.
public final class SynapticDelivery {
    struct RowRef {
        var core: Int32
        var start: Int32
        var count: Int32
    }

    /// Per source core, the global index of its neuron 0 in `rowsOf`.
    private let neuronBase: [Int]
    /// Per global source neuron, its rows: `refs[rowsOf[g] ..< rowsOf[g + 1]]`.
    private let rowsOf: [Int32]
    private let refs: [RowRef]
    /// Synapse words and float64 weights in source-neuron order; `RowRef.start` indexes them.
    private let words: [UInt32]
    private let weights: [Double]
    /// Per target core c, the source cores whose packets reach it,
    /// `reachingSources[reachStart[c] ..< reachStart[c + 1]]`, and whether its table has an entry
    /// for each (a packet without one is an invalid master population table hit).
    let reachStart: [Int]
    let reachingSources: [Int32]
    let reachHasEntry: [Bool]

    public init(image: ChipImage, routes: PacketRoutes, arithmetic: Arithmetic) {
        let cores = image.cores
        var base = [Int](repeating: 0, count: cores.count + 1)
        for (c, core) in cores.enumerated() { base[c + 1] = base[c] + core.neuronCount }
        neuronBase = base
        var reaching = [[(source: Int, hasEntry: Bool)]](repeating: [], count: cores.count)
        // Count, then fill, each source neuron's rows in target-core order.
        var counts = [Int32](repeating: 0, count: base[cores.count] + 1)
        var found: [(target: Int, source: Int, entry: MasterPopulationEntry)] = []
        for target in cores.indices {
            let m = cores[target].synapses
            for source in routes.incoming[target] {
                guard let e = m.lookup(cores[source].keyBase) else {
                    reaching[target].append((source, false))
                    continue
                }
                reaching[target].append((source, true))
                let entry = m.entries[e]
                found.append((target, source, entry))
                for r in 0..<min(Int(entry.rows), cores[source].neuronCount) where !m.row(entry, r).isEmpty {
                    counts[base[source] + r + 1] += 1
                }
            }
        }
        reachStart = reaching.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        reachingSources = reaching.flatMap { $0.map { Int32($0.source) } }
        reachHasEntry = reaching.flatMap { $0.map(\.hasEntry) }
        var starts = counts
        for g in 1..<starts.count { starts[g] += starts[g - 1] }
        var fill = Array(starts.dropLast())
        // Rows in place, pointing into their target's matrix for now.
        var refs = [RowRef](repeating: RowRef(core: 0, start: 0, count: 0), count: Int(starts.last ?? 0))
        for (target, source, entry) in found {
            let m = cores[target].synapses
            for r in 0..<min(Int(entry.rows), cores[source].neuronCount) {
                let range = m.row(entry, r)
                guard !range.isEmpty else { continue }
                let g = base[source] + r
                refs[Int(fill[g])] = RowRef(core: Int32(target), start: Int32(range.lowerBound), count: Int32(range.count))
                fill[g] += 1
            }
        }
        // Copy the rows' words next to each other in ref order and point the refs at the copy.
        var words: [UInt32] = [], weights: [Double] = []
        words.reserveCapacity(refs.reduce(0) { $0 + Int($1.count) })
        for k in refs.indices {
            let m = cores[Int(refs[k].core)].synapses
            let range = Int(refs[k].start)..<Int(refs[k].start + refs[k].count)
            refs[k].start = Int32(words.count)
            words.append(contentsOf: m.words[range])
            if arithmetic == .float64 { weights.append(contentsOf: m.weights[range]) }
        }
        rowsOf = starts
        self.refs = refs
        self.words = words
        self.weights = weights
    }

    /// Adds the synapses of every spike in `spikes` (per source core, local neuron indices)
    /// onto the targets in `range` for tick `tick`; counts synaptic events and saturations per
    /// target core into `events` and `saturations`.
    func deliver(tick: Int, spikes: [[UInt16]], targets: UnsafeBufferPointer<RingTarget>, range: Range<Int>,
                 events: UnsafeMutableBufferPointer<Int>, saturations: UnsafeMutableBufferPointer<Int>) {
        let whole = range.lowerBound == 0 && range.upperBound == targets.count
        let lo = Int32(range.lowerBound), hi = Int32(range.upperBound)
        rowsOf.withUnsafeBufferPointer { rowsOf in
        refs.withUnsafeBufferPointer { refs in
        words.withUnsafeBufferPointer { words in
        weights.withUnsafeBufferPointer { weights in
            for (s, fired) in spikes.enumerated() where !fired.isEmpty {
                let base = neuronBase[s]
                for neuron in fired {
                    let g = base + Int(neuron)
                    var a = Int(rowsOf[g]), b = Int(rowsOf[g + 1])
                    if !whole {
                        a = Self.firstIndex(refs, a, b) { $0.core >= lo }
                        b = Self.firstIndex(refs, a, b) { $0.core >= hi }
                    }
                    for k in a..<b {
                        let ref = refs[k]
                        let t = targets[Int(ref.core)]
                        events[Int(ref.core)] += Int(ref.count)
                        let tickTerm = UInt32(truncatingIfNeeded: tick) << t.shift
                        let first = Int(ref.start), end = first + Int(ref.count)
                        if let ring = t.ring16 {
                            var saturated = 0
                            for j in first..<end {
                                let w = words[j]
                                let idx = Int((w &+ tickTerm) & t.mask)
                                let sum = UInt32(ring[idx]) &+ (w >> 16)
                                if sum > 0xFFFF {
                                    ring[idx] = 0xFFFF
                                    saturated += 1
                                } else {
                                    ring[idx] = UInt16(truncatingIfNeeded: sum)
                                }
                            }
                            saturations[Int(ref.core)] += saturated
                        } else if let ring = t.ring64 {
                            for j in first..<end {
                                let idx = Int((words[j] &+ tickTerm) & t.mask)
                                ring[idx] += weights[j]
                            }
                        }
                    }
                }
            }
        }}}}
    }

    /// The first index in a..<b whose ref satisfies `p` (refs are sorted by core).
    @inline(__always)
    private static func firstIndex(_ refs: UnsafeBufferPointer<RowRef>, _ a: Int, _ b: Int, _ p: (RowRef) -> Bool) -> Int {
        var lo = a, hi = b
        while lo < hi {
            let mid = (lo + hi) >> 1
            if p(refs[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

/// Where a core's deliveries land: its ring buffer, by raw pointer (owned by the
/// ``NeuronCore``, valid while it lives).
struct RingTarget {
    var ring16: UnsafeMutablePointer<UInt16>?
    var ring64: UnsafeMutablePointer<Double>?
    /// 1 + index bits: where the tick enters a synapse word's delay field.
    var shift: UInt32
    /// Ring index mask: 2^(slot bits + 1 + index bits) − 1.
    var mask: UInt32
}
