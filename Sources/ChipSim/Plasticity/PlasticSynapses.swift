/// The plastic synapses of a loaded chip: each one's weight as it learns, its row's presynaptic
/// state, and the arithmetic of its rule (``STDPUpdate``), indexed by a plastic synapse's number.
///
/// A plastic row is the synapses of one source neuron onto one core from one projection: they
/// share the source's spike times, hence one presynaptic state. Each row is touched only by the
/// worker that owns its target core, so delivery may run on any number of workers.
final class PlasticSynapses {
    /// One plastic synapse: its row, its rule's arithmetic, its dendritic delay (ticks), where
    /// it lands, where it came from.
    struct Synapse {
        var row: Int32
        var math: Int32
        var delay: Int32
        var core: Int32
        var neuron: UInt16
        var sourceCore: Int32
        var sourceNeuron: UInt16
        var projection: UInt16
    }

    private(set) var synapses: [Synapse] = []
    private var rowOf: [RowKey: Int32] = [:]
    private var mathOf: [MathKey: Int32] = [:]
    private(set) var floatMath: [FloatPlasticity] = []
    private(set) var fixedMath: [FixedPlasticity] = []
    /// Per math, 16-bit weight units per unit of weight.
    private(set) var scales: [Double] = []
    /// Weights: 16-bit weight units (`s1615`) or the synapse's unit (`float64`).
    private(set) var weights16: UnsafeMutablePointer<Int32> = .allocate(capacity: 1)
    private(set) var weights64: UnsafeMutablePointer<Double> = .allocate(capacity: 1)
    /// Per row, its presynaptic state.
    private(set) var preLast: UnsafeMutablePointer<Int32> = .allocate(capacity: 1)
    private(set) var preTrace16: UnsafeMutablePointer<Int32> = .allocate(capacity: 1)
    private(set) var preTrace64: UnsafeMutablePointer<Double> = .allocate(capacity: 1)
    private var initial16: [Int32] = [], initial64: [Double] = []
    private var rows = 0
    let arithmetic: Arithmetic

    private struct RowKey: Hashable {
        var sourceCore: Int32, sourceNeuron: UInt16, core: Int32, projection: UInt16
    }

    private struct MathKey: Hashable {
        var projection: UInt16, scale: Double
    }

    init(arithmetic: Arithmetic) {
        self.arithmetic = arithmetic
    }

    deinit {
        for p in [weights16, preLast, preTrace16] { p.deallocate() }
        weights64.deallocate()
        preTrace64.deallocate()
    }

    /// Adds a plastic synapse while delivery lists are built; returns its number.
    func add(rule: STDPRule, projection: UInt16, scale: Double, dt: Double, delay: Int, core: Int, neuron: Int, sourceCore: Int,
             sourceNeuron: Int, weight16: UInt16, weight: Double) -> Int32 {
        let key = RowKey(sourceCore: Int32(sourceCore), sourceNeuron: UInt16(sourceNeuron), core: Int32(core), projection: projection)
        let row: Int32
        if let r = rowOf[key] { row = r } else {
            row = Int32(rows)
            rows += 1
            rowOf[key] = row
        }
        let mathKey = MathKey(projection: projection, scale: scale)
        let math: Int32
        if let m = mathOf[mathKey] { math = m } else {
            math = Int32(floatMath.count)
            mathOf[mathKey] = math
            floatMath.append(FloatPlasticity(rule: rule, dt: dt))
            fixedMath.append(FixedPlasticity(rule: rule, dt: dt, scale: scale))
            scales.append(scale)
        }
        synapses.append(Synapse(row: row, math: math, delay: Int32(delay), core: Int32(core), neuron: UInt16(neuron),
                                sourceCore: Int32(sourceCore), sourceNeuron: UInt16(sourceNeuron), projection: projection))
        initial16.append(Int32(weight16))
        initial64.append(weight)
        return Int32(synapses.count - 1)
    }

    /// Allocates the weights and row states once every synapse is added.
    func finish() {
        weights16.deallocate()
        weights64.deallocate()
        preLast.deallocate()
        preTrace16.deallocate()
        preTrace64.deallocate()
        weights16 = .allocate(capacity: max(synapses.count, 1))
        weights16.initialize(from: initial16, count: initial16.count)
        weights64 = .allocate(capacity: max(synapses.count, 1))
        weights64.initialize(from: initial64, count: initial64.count)
        preLast = .allocate(capacity: max(rows, 1))
        preLast.initialize(repeating: Int32.min, count: max(rows, 1))
        preTrace16 = .allocate(capacity: max(rows, 1))
        preTrace16.initialize(repeating: 0, count: max(rows, 1))
        preTrace64 = .allocate(capacity: max(rows, 1))
        preTrace64.initialize(repeating: 0, count: max(rows, 1))
        initial16 = []
        initial64 = []
        rowOf = [:]
        mathOf = [:]
    }

    var isEmpty: Bool { synapses.isEmpty }

    /// Synapse `p`'s weight in its unit (nA, µS or mV).
    func weight(_ p: Int) -> Double {
        arithmetic == .s1615 ? Double(weights16[p]) / scales[Int(synapses[p].math)] : weights64[p]
    }

    /// Sets synapse `p`'s weight (in its unit; clipped to its rule's bounds and, in `s1615`,
    /// rounded to its 16-bit field).
    func setWeight(_ p: Int, _ w: Double) {
        let rule = floatMath[Int(synapses[p].math)].rule
        let clipped = min(max(w, rule.wMin), rule.wMax)
        weights64[p] = clipped
        weights16[p] = Int32(min(max((clipped * scales[Int(synapses[p].math)]).rounded(), 0), 65535))
    }
}

extension PlasticSynapses {
    /// Synapse `p`'s weight as the next pre spike would find it (``STDPUpdate/pending``), in its unit.
    func pendingWeight(_ p: Int, histories: [PostHistory?]) -> Double {
        let syn = synapses[p], row = Int(syn.row)
        let posts = histories[Int(syn.core)]!.spikes(Int(syn.neuron))
        if arithmetic == .s1615 {
            let w = STDPUpdate.pending(weights16[p], pre: .init(last: preLast[row], trace: preTrace16[row]), delay: Int(syn.delay),
                                       posts: posts, fixedMath[Int(syn.math)])
            return Double(w) / scales[Int(syn.math)]
        }
        return STDPUpdate.pending(weights64[p], pre: .init(last: preLast[row], trace: preTrace64[row]), delay: Int(syn.delay),
                                  posts: posts, floatMath[Int(syn.math)])
    }
}

/// A core's postsynaptic spike history for plasticity: per neuron its last
/// ``PostHistoryLimit/spikes`` spike ticks, oldest first.
final class PostHistory {
    private let ticks: UnsafeMutablePointer<Int32>
    private let counts: UnsafeMutablePointer<UInt8>
    private let neurons: Int
    static let limit = PostHistoryLimit.spikes

    init(neurons: Int) {
        self.neurons = neurons
        ticks = .allocate(capacity: max(neurons * Self.limit, 1))
        ticks.initialize(repeating: 0, count: max(neurons * Self.limit, 1))
        counts = .allocate(capacity: max(neurons, 1))
        counts.initialize(repeating: 0, count: max(neurons, 1))
    }

    deinit {
        ticks.deallocate()
        counts.deallocate()
    }

    /// Records the update's spikes (local neuron indices) at `tick`.
    func record(_ spikes: [UInt16], tick: Int) {
        for n in spikes {
            let i = Int(n), base = ticks + i * Self.limit
            if Int(counts[i]) == Self.limit {
                base.update(from: base + 1, count: Self.limit - 1)
                base[Self.limit - 1] = Int32(clamping: tick)
            } else {
                base[Int(counts[i])] = Int32(clamping: tick)
                counts[i] += 1
            }
        }
    }

    /// Neuron `n`'s recorded spike ticks, oldest first.
    @inline(__always)
    func spikes(_ n: Int) -> UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(start: ticks + n * Self.limit, count: Int(counts[n]))
    }
}
