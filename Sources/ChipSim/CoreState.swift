/// Per-neuron state of a core in `float64`, structure of arrays.
struct FloatState {
    var v: [Double]
    var u: [Double]
    /// Excitatory synaptic input (nA, or µS for conductance models).
    var excitatory: [Double]
    /// Inhibitory synaptic input, as a positive magnitude.
    var inhibitory: [Double]
    /// Ticks left to hold the membrane after a spike.
    var refractory: [Int32]

    init(count n: Int, v: [Double], u: [Double]) {
        self.v = v
        self.u = u.isEmpty ? [Double](repeating: 0, count: n) : u
        excitatory = [Double](repeating: 0, count: n)
        inhibitory = [Double](repeating: 0, count: n)
        refractory = [Int32](repeating: 0, count: n)
    }
}

/// Per-neuron state of a core in the chip's S16.15 arithmetic, structure of arrays.
struct FixedState {
    static let conductanceScaleBits = SynapticMatrix.conductanceScaleBits

    var v: [Int32]
    var u: [Int32]
    var excitatory: [Int32]
    var inhibitory: [Int32]
    var refractory: [Int32]

    init(count n: Int, v: [Double], u: [Double]) {
        self.v = v.map(S1615.from)
        self.u = u.isEmpty ? [Int32](repeating: 0, count: n) : u.map(S1615.from)
        excitatory = [Int32](repeating: 0, count: n)
        inhibitory = [Int32](repeating: 0, count: n)
        refractory = [Int32](repeating: 0, count: n)
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
