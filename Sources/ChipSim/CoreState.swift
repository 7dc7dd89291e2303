import ChipSimBlockTypes

/// Per-neuron state of a core, structure of arrays. `Value` is `Double` in `float64` and `Int32`
/// holding an S16.15 number in the chip's arithmetic (the kernels compute in 64 bits and store
/// values they have saturated or checked to be in range: half the bytes per neuron that 64-bit
/// storage streams each tick).
///
/// A value type whose arrays live in one allocation per array, shared between copies until
/// one is changed: the kernels reach them through ``withBuffers(slotE:slotI:_:)`` at the cost of
/// one uniqueness check per tick, where Swift arrays cost one per array (eight; 3 % of a CUBA
/// run). The array properties copy in and out, for setting up and reading state, not per tick.
struct NeuronState<Value> {
    /// Neurons.
    let count: Int
    /// `count` rounded up to a whole block of sixteen: the arrays hold that many values. The
    /// ones past `count` are idle lanes, held refractory at a resting value with no input, that
    /// a block kernel may update with the rest (``blockEnd(typeStride:)``) rather than leave the
    /// last neurons to an 8-wide block and the scalar loop (3 % of a CUBA run's profile for those
    /// few; with the idle lanes in the 16-wide kernel instead, `float64` CUBA ran 2 % faster).
    let lanes: Int
    /// Whether the alpha synapses' rise variables are held.
    let hasRise: Bool
    private var storage: Storage

    /// `v` and `u` hold a value per neuron, or none (zero); `idle` is the idle lanes' `v` (one
    /// at which a held membrane does not fire: the reset voltage).
    init(count n: Int, zero: Value, idle: Value, v: [Value], u: [Value], alpha: Bool) {
        count = n
        lanes = (n + 15) & ~15
        hasRise = alpha
        storage = Storage(count: lanes, zero: zero, rise: alpha)
        for i in n..<lanes {
            storage.v[i] = idle
            storage.refractory[i] = .max
        }
        // A source's core has no initial state: its values stay zero.
        if !v.isEmpty { self.v = v }
        if !u.isEmpty { self.u = u }
    }

    /// Membrane voltage (mV).
    var v: [Value] {
        get { self[\.v] }
        set { self[\.v] = newValue }
    }
    /// Izhikevich recovery variable (mV/ms); zero for other models.
    var u: [Value] {
        get { self[\.u] }
        set { self[\.u] = newValue }
    }
    /// Excitatory synaptic input as the membrane sees it (nA, or µS for conductance models;
    /// ×2^10 in S16.15).
    var excitatory: [Value] {
        get { self[\.excitatory] }
        set { self[\.excitatory] = newValue }
    }
    /// Inhibitory synaptic input, as a positive magnitude.
    var inhibitory: [Value] {
        get { self[\.inhibitory] }
        set { self[\.inhibitory] = newValue }
    }
    /// Alpha synapses' second state per type (the decaying drive the input rises towards, in
    /// the input's units); empty for other shapes.
    var excitatoryRise: [Value] {
        get { hasRise ? self[\.excitatoryRise] : [] }
        set { if hasRise { self[\.excitatoryRise] = newValue } }
    }
    var inhibitoryRise: [Value] {
        get { hasRise ? self[\.inhibitoryRise] : [] }
        set { if hasRise { self[\.inhibitoryRise] = newValue } }
    }
    /// Ticks left to hold the membrane after a spike.
    var refractory: [Int32] {
        get { self[\.refractory] }
        set { self[\.refractory] = newValue }
    }
    /// 1 where a neuron fired in the last update (the block kernels and Izhikevich's RK2, which
    /// takes a longer step after a spike, read it).
    var fired: [UInt8] {
        get { self[\.fired] }
        set { self[\.fired] = newValue }
    }

    /// An array of the storage, copied in or out.
    private subscript<T>(field: KeyPath<Storage, UnsafeMutablePointer<T>>) -> [T] {
        get { Array(UnsafeBufferPointer(start: storage[keyPath: field], count: count)) }
        set { unique()[keyPath: field].set(newValue, count: count) }
    }

    /// The state and a ring-buffer slot's two halves as the raw pointers the kernels take: the
    /// block kernels' buffers, and the rise states and `u` (`u` stands in for the rise states
    /// of a model without them, unused).
    mutating func withBuffers<Entry, R>(slotE: UnsafeMutablePointer<Entry>, slotI: UnsafeMutablePointer<Entry>,
                                        _ body: (BlockBuffers<Value, Entry>, ExtraBuffers<Value>) -> R) -> R {
        let s = unique()
        return body(BlockBuffers(v: s.v, excitatory: s.excitatory, inhibitory: s.inhibitory, refractory: s.refractory, fired: s.fired,
                                 slotE: slotE, slotI: slotI),
                    ExtraBuffers(riseE: hasRise ? s.excitatoryRise : s.u, riseI: hasRise ? s.inhibitoryRise : s.u, u: s.u))
    }

    /// Where the block kernels may stop for a ring-buffer slot whose inhibitory entries follow
    /// the excitatory ones `typeStride` entries on: at ``lanes`` where the slot holds entries for
    /// the idle lanes (never written by delivery, so always empty), else at ``count``.
    func blockEnd(typeStride: Int) -> Int { typeStride >= lanes ? lanes : count }

    /// The storage, copied first if another value shares it.
    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    /// The arrays, each allocated for at least one value (`count` here is the state's lanes).
    private final class Storage {
        let count: Int, rise: Bool
        let v: UnsafeMutablePointer<Value>, u: UnsafeMutablePointer<Value>
        let excitatory: UnsafeMutablePointer<Value>, inhibitory: UnsafeMutablePointer<Value>
        let excitatoryRise: UnsafeMutablePointer<Value>, inhibitoryRise: UnsafeMutablePointer<Value>
        let refractory: UnsafeMutablePointer<Int32>
        let fired: UnsafeMutablePointer<UInt8>

        init(count n: Int, zero: Value, rise: Bool) {
            count = n
            self.rise = rise
            func values<T>(_ x: T, _ n: Int) -> UnsafeMutablePointer<T> {
                let p = UnsafeMutablePointer<T>.allocate(capacity: max(n, 1))
                p.initialize(repeating: x, count: max(n, 1))
                return p
            }
            v = values(zero, n); u = values(zero, n)
            excitatory = values(zero, n); inhibitory = values(zero, n)
            excitatoryRise = values(zero, rise ? n : 0); inhibitoryRise = values(zero, rise ? n : 0)
            refractory = values(0, n)
            fired = values(0, n)
        }

        func copy() -> Storage {
            let c = Storage(count: count, zero: v.pointee, rise: rise)
            c.v.update(from: v, count: count); c.u.update(from: u, count: count)
            c.excitatory.update(from: excitatory, count: count); c.inhibitory.update(from: inhibitory, count: count)
            if rise {
                c.excitatoryRise.update(from: excitatoryRise, count: count)
                c.inhibitoryRise.update(from: inhibitoryRise, count: count)
            }
            c.refractory.update(from: refractory, count: count)
            c.fired.update(from: fired, count: count)
            return c
        }

        deinit {
            for p in [v, u, excitatory, inhibitory, excitatoryRise, inhibitoryRise] { p.deallocate() }
            refractory.deallocate()
            fired.deallocate()
        }
    }
}

extension UnsafeMutablePointer {
    /// Sets `count` values from `values` (which must hold that many).
    fileprivate func set(_ values: [Pointee], count: Int) {
        precondition(values.count == count, "\(values.count) values for \(count) neurons")
        for (i, x) in values.enumerated() { self[i] = x }
    }
}

extension NeuronState where Value == Double {
    /// A `float64` kernel's tick: `blocks` runs the block kernel over the first neurons (it is
    /// given their count, and returns how many it updated, 0 for the scalar set, and whether any
    /// fired), `scalar`, the model's own loop, updates the rest, and the tick's spikes are
    /// appended to `spikes` in index order.
    mutating func update(slot: FloatSlot, spikes: inout SpikeList,
                         blocks: (BlockBuffers<Double, Double>, ExtraBuffers<Double>, Int) -> (done: Int, fired: Bool),
                         scalar: (Range<Int>, BlockBuffers<Double, Double>, ExtraBuffers<Double>) -> Bool) {
        let n = count, end = blockEnd(typeStride: slot.inhibitory - slot.excitatory)
        withBuffers(slotE: slot.excitatory, slotI: slot.inhibitory) { state, extra in
            var (done, fired) = blocks(state, extra, end)
            // Without block kernels (none done), the scalar loop leaves the idle lanes alone.
            fired = scalar(done..<(done > 0 ? end : n), state, extra) || fired
            if fired { collectSpikes(state.fired, n, &spikes) }
        }
    }
}

/// The state arrays of a core that the block kernels do not take, by raw pointer.
struct ExtraBuffers<Value> {
    /// Alpha synapses' drives per type.
    let riseE: UnsafeMutablePointer<Value>
    let riseI: UnsafeMutablePointer<Value>
    /// Izhikevich's recovery variable.
    let u: UnsafeMutablePointer<Value>
}

/// A core's state in `float64`.
typealias FloatState = NeuronState<Double>
/// A core's state in the chip's S16.15 arithmetic.
typealias FixedState = NeuronState<Int32>

extension NeuronState where Value == Double {
    init(count n: Int, idle: Double, v: [Double], u: [Double], alpha: Bool) {
        self.init(count: n, zero: 0, idle: idle, v: v, u: u, alpha: alpha)
    }
}

extension NeuronState where Value == Int32 {
    /// Converts the initial values to S16.15.
    init(count n: Int, idle: Double, v: [Double], u: [Double], alpha: Bool) {
        self.init(count: n, zero: 0, idle: S1615.from(idle), v: v.map { S1615.from($0) }, u: u.map { S1615.from($0) }, alpha: alpha)
    }
}

/// The ring-buffer slot a tick's update consumes (`float64`): each neuron's entries are read
/// and cleared in the same pass as its update, which is the chip's transfer of the due slot into
/// the synaptic inputs.
struct FloatSlot {
    let excitatory: UnsafeMutablePointer<Double>
    let inhibitory: UnsafeMutablePointer<Double>

    /// Neuron i's entries (excitatory, inhibitory), cleared.
    @inline(__always)
    func take(_ i: Int) -> (Double, Double) {
        let e = excitatory[i], inh = inhibitory[i]
        excitatory[i] = 0
        inhibitory[i] = 0
        return (e, inh)
    }
}

/// ``FloatSlot`` in the chip's arithmetic: 16-bit ring entries become S16.15 inputs by the
/// type's weight shift.
struct FixedSlot {
    let excitatory: UnsafeMutablePointer<UInt16>
    let inhibitory: UnsafeMutablePointer<UInt16>
    let shiftE: Int32, shiftI: Int32

    /// Entry `w` as S16.15 input: (w · 2^shift) · scale, rounded to nearest. For shifts up to
    /// +16 the product stays below 2^64, so it is computed exactly in unsigned 64-bit arithmetic;
    /// the result is below 2^32 and saturates where it is added.
    @inline(__always)
    static func input(_ w: UInt16, _ shift: Int32, _ scale: UInt32) -> Int64 {
        Int64((shifted(w, shift) &* UInt64(scale) &+ (1 << 31)) >> 32)
    }

    /// Entry `w` as an S16.15 number, w · 2^shift (below 2^32).
    @inline(__always)
    static func shifted(_ w: UInt16, _ shift: Int32) -> UInt64 {
        shift >= 0 ? UInt64(w) << UInt64(shift) : UInt64(w) >> UInt64(-shift)
    }

    /// Neuron i's entries scaled by U0.32 factors (``input(_:_:_:)``), cleared. Branch-free:
    /// whether an entry is empty is as good as random, and an empty one gives 0.
    @inline(__always)
    func take(_ i: Int, scaleE: UInt32, scaleI: UInt32) -> (Int64, Int64) {
        let e = Self.input(excitatory[i], shiftE, scaleE), inh = Self.input(inhibitory[i], shiftI, scaleI)
        excitatory[i] = 0
        inhibitory[i] = 0
        return (e, inh)
    }

    /// Neuron i's entries as S16.15 numbers, unscaled, cleared.
    @inline(__always)
    func takeShifted(_ i: Int) -> (Int64, Int64) {
        let e = Int64(Self.shifted(excitatory[i], shiftE)), inh = Int64(Self.shifted(inhibitory[i], shiftI))
        excitatory[i] = 0
        inhibitory[i] = 0
        return (e, inh)
    }
}

/// A count per synapse type.
public struct PerReceptor: Codable, Equatable, Sendable {
    public var excitatory = 0
    public var inhibitory = 0

    public init(excitatory: Int = 0, inhibitory: Int = 0) {
        self.excitatory = excitatory
        self.inhibitory = inhibitory
    }

    public var total: Int { excitatory + inhibitory }

    public subscript(_ type: Int) -> Int {
        get { type == 0 ? excitatory : inhibitory }
        set { if type == 0 { excitatory = newValue } else { inhibitory = newValue } }
    }

    public static func + (a: PerReceptor, b: PerReceptor) -> PerReceptor {
        PerReceptor(excitatory: a.excitatory + b.excitatory, inhibitory: a.inhibitory + b.inhibitory)
    }
}

/// What one tick's delivery counted on a core, laid out as one cache line per core so that a
/// worker's counters share no line with another's.
struct DeliveryTally {
    /// Synapse words processed, and of them plastic ones (which learned first).
    var events = 0
    var plasticEvents = 0
    /// Per type, 16-bit weight units added into the ring buffer, before any clipping (`s1615`).
    var input = PerReceptor()
    /// Per type, additions that hit 0xFFFF and the units they lost.
    var saturations = PerReceptor()
    var clipped = PerReceptor()
    /// Of ``events``, those a crossbar tile computed (no CPU cycles per event), and the tile
    /// reads' energy and latency.
    var crossbarEvents = 0
    var crossbar = CrossbarCost()

    static let zero = DeliveryTally()
}

/// What a core counts while it runs (its provenance), summed over ticks.
public struct CoreCounters: Codable, Equatable, Sendable {
    /// Spikes the core's neurons sent.
    public var spikesSent = 0
    /// Packets that reached the core and found a master population table entry.
    public var packetsReceived = 0
    /// Packets whose key matched no master population table entry.
    public var invalidKeys = 0
    /// Synapse words processed (weights added into the ring buffer).
    public var synapticEvents = 0
    /// Of ``synapticEvents``, the plastic synapses (each also updated its weight).
    public var plasticSynapticEvents = 0
    /// Per type, ring-buffer additions that hit 0xFFFF and saturated (`s1615`).
    public var saturations = PerReceptor()
    /// Per type, 16-bit weight units added into the ring buffer and the units saturation
    /// clipped off (`s1615`): their ratio is the fraction of the input the chip lost. The input
    /// is complete wherever some was clipped; elsewhere `ideal` timing leaves out its static
    /// synapses' share (summed at the end of a run only where a fraction needs it:
    /// ``IdealTimingEngine/finishCounters()``).
    public var ringInput = PerReceptor()
    public var clippedInput = PerReceptor()
    /// Ticks whose modelled work exceeded the core's cycle budget.
    public var timerOverruns = 0
    /// The most cycles any tick needed.
    public var maxCyclesPerTick = 0
    /// Cycles needed in all ticks together.
    public var totalCycles = 0
    /// Of ``synapticEvents``, those a crossbar tile computed in its reads (crossbar target).
    public var crossbarSynapticEvents = 0
    /// The crossbar tile reads of the core: row pulses, ADC conversions, energy by component,
    /// latency (zero on the digital target).
    public var crossbar = CrossbarCost()

    public init() {}

    public mutating func add(_ o: CoreCounters) {
        spikesSent += o.spikesSent
        packetsReceived += o.packetsReceived
        invalidKeys += o.invalidKeys
        synapticEvents += o.synapticEvents
        plasticSynapticEvents += o.plasticSynapticEvents
        saturations = saturations + o.saturations
        ringInput = ringInput + o.ringInput
        clippedInput = clippedInput + o.clippedInput
        timerOverruns += o.timerOverruns
        maxCyclesPerTick = max(maxCyclesPerTick, o.maxCyclesPerTick)
        totalCycles += o.totalCycles
        crossbarSynapticEvents += o.crossbarSynapticEvents
        crossbar += o.crossbar
    }
}
