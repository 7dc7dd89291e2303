import ChipSimBlockTypes

/// Per-neuron state of a core, structure of arrays. `Value` is `Double` in `float64`; in the
/// chip's arithmetic it is `Int64` holding an S16.15 number (always within Int32's range) in a
/// 64-bit lane, the width the kernels compute in, so that the block kernels load and store it
/// without conversion.
struct NeuronState<Value> {
    /// Membrane voltage (mV).
    var v: [Value]
    /// Izhikevich recovery variable (mV/ms); zero for other models.
    var u: [Value]
    /// Excitatory synaptic input (nA, or µS for conductance models; ×2^10 in S16.15).
    var excitatory: [Value]
    /// Inhibitory synaptic input, as a positive magnitude.
    var inhibitory: [Value]
    /// Ticks left to hold the membrane after a spike.
    var refractory: [Int64]
    /// Scratch: 1 where a neuron fired in the current update.
    var fired: [UInt8]

    init(count n: Int, zero: Value, v: [Value], u: [Value]) {
        self.v = v
        self.u = u.isEmpty ? Array(repeating: zero, count: n) : u
        excitatory = Array(repeating: zero, count: n)
        inhibitory = Array(repeating: zero, count: n)
        refractory = Array(repeating: 0, count: n)
        fired = Array(repeating: 0, count: n)
    }

    /// The state (all but `u`) and a ring-buffer slot's two halves as the raw pointers the
    /// kernels take.
    mutating func withBuffers<Entry, R>(slotE: UnsafeMutablePointer<Entry>, slotI: UnsafeMutablePointer<Entry>,
                                        _ body: (BlockBuffers<Value, Entry>) -> R) -> R {
        v.withUnsafeMutableBufferPointer { v in
        excitatory.withUnsafeMutableBufferPointer { ie in
        inhibitory.withUnsafeMutableBufferPointer { ii in
        refractory.withUnsafeMutableBufferPointer { refr in
        fired.withUnsafeMutableBufferPointer { flags in
            body(BlockBuffers(v: v.baseAddress!, excitatory: ie.baseAddress!, inhibitory: ii.baseAddress!,
                              refractory: refr.baseAddress!, fired: flags.baseAddress!, slotE: slotE, slotI: slotI))
        }}}}}
    }
}

/// A core's state in `float64`.
typealias FloatState = NeuronState<Double>
/// A core's state in the chip's S16.15 arithmetic.
typealias FixedState = NeuronState<Int64>

extension NeuronState where Value == Double {
    init(count n: Int, v: [Double], u: [Double]) {
        self.init(count: n, zero: 0, v: v, u: u)
    }
}

extension NeuronState where Value == Int64 {
    /// Converts the initial values to S16.15.
    init(count n: Int, v: [Double], u: [Double]) {
        self.init(count: n, zero: 0, v: v.map { Int64(S1615.from($0)) }, u: u.map { Int64(S1615.from($0)) })
    }
}

/// The ring-buffer slot a tick's update consumes (`float64`): after a neuron's synaptic inputs
/// decay, its entries in the slot are added, scaled, and cleared. This is the chip's transfer
/// of the due slot into the synaptic inputs, done in the same pass as the neuron update.
struct FloatSlot {
    let excitatory: UnsafeMutablePointer<Double>
    let inhibitory: UnsafeMutablePointer<Double>
    /// Per type, the factor an arrival is scaled by (1, or (τ/h)(1 − e^(−h/τ)) for kernels that
    /// hold their input over the step).
    let scaleE: Double, scaleI: Double

    @inline(__always)
    func take(_ i: Int, _ ie: inout Double, _ ii: inout Double) {
        ie += excitatory[i] * scaleE
        ii += inhibitory[i] * scaleI
        excitatory[i] = 0
        inhibitory[i] = 0
    }
}

/// ``FloatSlot`` in the chip's arithmetic: 16-bit ring entries become S16.15 inputs by the
/// type's weight shift, scaled by a U0.32 factor, added with saturation. (Inputs only grow here,
/// weights being magnitudes, so only the upper bound can be reached.)
struct FixedSlot {
    let excitatory: UnsafeMutablePointer<UInt16>
    let inhibitory: UnsafeMutablePointer<UInt16>
    let shiftE: Int32, shiftI: Int32
    let scaleE: UInt32, scaleI: UInt32

    /// Entry `w` as S16.15 input: (w · 2^shift) · scale, rounded to nearest. For shifts up to
    /// +16 the product stays below 2^64, so it is computed exactly in unsigned 64-bit arithmetic;
    /// the result is below 2^32 and saturates where it is added.
    @inline(__always)
    static func input(_ w: UInt16, _ shift: Int32, _ scale: UInt32) -> Int64 {
        let scaled = shift >= 0 ? UInt64(w) << UInt64(shift) : UInt64(w) >> UInt64(-shift)
        return Int64((scaled &* UInt64(scale) &+ (1 << 31)) >> 32)
    }

    /// Adds neuron i's entries to its decayed inputs `ie`, `ii` (S16.15, saturating) and clears
    /// them. Branch-free: whether an entry is empty is as good as random, and an empty one adds 0.
    @inline(__always)
    func take(_ i: Int, _ ie: inout Int64, _ ii: inout Int64) {
        ie = min(ie + Self.input(excitatory[i], shiftE, scaleE), Int64(Int32.max))
        ii = min(ii + Self.input(inhibitory[i], shiftI, scaleI), Int64(Int32.max))
        excitatory[i] = 0
        inhibitory[i] = 0
    }
}

/// What a core counts while it runs (its provenance), summed over ticks.
public struct CoreCounters: Equatable, Sendable {
    /// Spikes the core's neurons sent.
    public var spikesSent = 0
    /// Packets that reached the core and found a master population table entry.
    public var packetsReceived = 0
    /// Packets whose key matched no master population table entry.
    public var invalidKeys = 0
    /// Synapse words processed (weights added into the ring buffer).
    public var synapticEvents = 0
    /// Ring-buffer additions that hit 0xFFFF and saturated (`s1615`).
    public var saturations = 0
    /// Ticks whose modelled work exceeded the core's cycle budget.
    public var timerOverruns = 0
    /// The most cycles any tick needed.
    public var maxCyclesPerTick = 0
    /// Cycles needed in all ticks together.
    public var totalCycles = 0

    public init() {}

    public mutating func add(_ o: CoreCounters) {
        spikesSent += o.spikesSent
        packetsReceived += o.packetsReceived
        invalidKeys += o.invalidKeys
        synapticEvents += o.synapticEvents
        saturations += o.saturations
        timerOverruns += o.timerOverruns
        maxCyclesPerTick = max(maxCyclesPerTick, o.maxCyclesPerTick)
        totalCycles += o.totalCycles
    }
}
