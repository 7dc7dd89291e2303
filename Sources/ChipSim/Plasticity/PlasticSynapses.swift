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

    /// What the delivery loop reads and writes, as raw pointers into this object's storage: a
    /// plain value, copied into the loop once per delivery, so that a plastic synapse's update
    /// costs no reference counting or exclusivity checks. Valid while this object lives.
    struct Kernel {
        let arithmetic: Arithmetic
        let synapses: UnsafePointer<Synapse>
        let fixedMath: UnsafePointer<FixedPlasticity>
        let floatMath: UnsafePointer<FloatPlasticity>
        /// Weights: 16-bit weight units (`s1615`) or the synapse's unit (`float64`).
        let weights16: UnsafeMutablePointer<Int32>
        let weights64: UnsafeMutablePointer<Double>
        /// Per row, its presynaptic state.
        let preLast: UnsafeMutablePointer<Int32>
        let preTrace16: UnsafeMutablePointer<Int32>
        let preTrace64: UnsafeMutablePointer<Double>
        /// Per core, its neurons' post spikes (``PostHistory/View``; empty for cores without
        /// plastic synapses).
        let histories: UnsafePointer<PostHistory.View>

        /// The post spikes of synapse `syn`'s target neuron, oldest first.
        @inline(__always)
        func posts(_ syn: Synapse) -> UnsafeBufferPointer<Int32> { histories[Int(syn.core)].spikes(Int(syn.neuron)) }
    }

    /// Set by ``finish(neuronCounts:)``.
    private(set) var kernel: Kernel!
    /// Per core that receives plastic synapses, its neurons' recent spikes (nil for others).
    private(set) var histories: [PostHistory?] = []
    private(set) var count = 0
    private var building: [Synapse] = []
    private var rowOf: [RowKey: Int32] = [:]
    private var mathOf: [MathKey: Int32] = [:]
    private var rules: [(rule: STDPRule, scale: Double)] = []
    /// Per math, 16-bit weight units per unit of weight.
    private(set) var scales: [Double] = []
    private var initial16: [Int32] = [], initial64: [Double] = []
    private var rows = 0
    private let dt: Double
    private let tables = DecayTables()
    let arithmetic: Arithmetic

    private struct RowKey: Hashable {
        var sourceCore: Int32, sourceNeuron: UInt16, core: Int32, projection: UInt16
    }

    private struct MathKey: Hashable {
        var projection: UInt16, scale: Double
    }

    init(arithmetic: Arithmetic, dt: Double) {
        self.arithmetic = arithmetic
        self.dt = dt
    }

    deinit {
        guard let k = kernel else { return }
        UnsafeMutablePointer(mutating: k.synapses).deallocate()
        UnsafeMutablePointer(mutating: k.fixedMath).deallocate()
        UnsafeMutablePointer(mutating: k.floatMath).deallocate()
        UnsafeMutablePointer(mutating: k.histories).deallocate()
        for p in [k.weights16, k.preLast, k.preTrace16] { p.deallocate() }
        k.weights64.deallocate()
        k.preTrace64.deallocate()
    }

    /// Adds a plastic synapse while delivery lists are built; returns its number.
    func add(rule: STDPRule, projection: UInt16, scale: Double, delay: Int, core: Int, neuron: Int, sourceCore: Int,
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
            math = Int32(rules.count)
            mathOf[mathKey] = math
            rules.append((rule, scale))
            scales.append(scale)
        }
        building.append(Synapse(row: row, math: math, delay: Int32(delay), core: Int32(core), neuron: UInt16(neuron),
                                sourceCore: Int32(sourceCore), sourceNeuron: UInt16(sourceNeuron), projection: projection))
        initial16.append(Int32(weight16))
        initial64.append(weight)
        return Int32(building.count - 1)
    }

    /// Allocates the synapses' storage, the row states and the post-spike histories of the cores
    /// that receive plastic synapses (`neuronCounts`: every core's neurons) once every synapse is
    /// added.
    func finish(neuronCounts: [Int]) {
        count = building.count
        func copy<T>(_ values: [T], capacity: Int) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: max(capacity, 1))
            p.initialize(from: values, count: values.count)
            return p
        }
        func filled<T>(_ value: T, _ n: Int) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: max(n, 1))
            p.initialize(repeating: value, count: max(n, 1))
            return p
        }
        let receiving = Set(building.map { Int($0.core) })
        histories = neuronCounts.indices.map { receiving.contains($0) ? PostHistory(neurons: neuronCounts[$0]) : nil }
        kernel = Kernel(
            arithmetic: arithmetic, synapses: copy(building, capacity: count),
            fixedMath: copy(rules.map { FixedPlasticity(rule: $0.rule, dt: dt, scale: $0.scale, tables: tables) }, capacity: rules.count),
            floatMath: copy(rules.map { FloatPlasticity(rule: $0.rule, dt: dt, tables: tables) }, capacity: rules.count),
            weights16: copy(initial16, capacity: count), weights64: copy(initial64, capacity: count),
            preLast: filled(Int32.min, rows), preTrace16: filled(0, rows), preTrace64: filled(0, rows),
            histories: copy(histories.map { $0?.view ?? PostHistory.View.empty }, capacity: histories.count))
        building = []
        initial16 = []
        initial64 = []
        rowOf = [:]
        mathOf = [:]
    }

    var isEmpty: Bool { count == 0 }

    /// Synapse `p`.
    func synapse(_ p: Int) -> Synapse { kernel.synapses[p] }

    /// Synapse `p`'s weight in its unit (nA, µS or mV).
    func weight(_ p: Int) -> Double {
        arithmetic == .s1615 ? Double(kernel.weights16[p]) / scales[Int(kernel.synapses[p].math)] : kernel.weights64[p]
    }

    /// Sets synapse `p`'s weight (in its unit; clipped to its rule's bounds and, in `s1615`,
    /// rounded to its 16-bit field).
    func setWeight(_ p: Int, _ w: Double) {
        let math = Int(kernel.synapses[p].math), rule = kernel.floatMath[math].rule
        let clipped = min(max(w, rule.wMin), rule.wMax)
        kernel.weights64[p] = clipped
        kernel.weights16[p] = Int32(min(max((clipped * scales[math]).rounded(), 0), 65535))
    }
}

extension PlasticSynapses {
    /// Synapse `p`'s weight as the next pre spike would find it (``STDPUpdate/pending``), in its unit.
    func pendingWeight(_ p: Int) -> Double {
        let k = kernel!, syn = k.synapses[p], row = Int(syn.row), posts = k.posts(syn)
        if arithmetic == .s1615 {
            let w = STDPUpdate.pending(k.weights16[p], pre: .init(last: k.preLast[row], trace: k.preTrace16[row]), delay: Int(syn.delay),
                                       posts: posts, k.fixedMath[Int(syn.math)])
            return Double(w) / scales[Int(syn.math)]
        }
        return STDPUpdate.pending(k.weights64[p], pre: .init(last: k.preLast[row], trace: k.preTrace64[row]), delay: Int(syn.delay),
                                  posts: posts, k.floatMath[Int(syn.math)])
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
    func record(_ spikes: UnsafeBufferPointer<UInt16>, tick: Int) {
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

    /// The history as raw pointers, for the delivery loop (valid while this object lives).
    struct View {
        let ticks: UnsafePointer<Int32>?
        let counts: UnsafePointer<UInt8>?
        static let empty = View(ticks: nil, counts: nil)

        /// Neuron `n`'s recorded spike ticks, oldest first.
        @inline(__always)
        func spikes(_ n: Int) -> UnsafeBufferPointer<Int32> {
            UnsafeBufferPointer(start: ticks! + n * PostHistory.limit, count: Int(counts![n]))
        }
    }

    var view: View { View(ticks: ticks, counts: counts) }
}
