import Foundation

/// One application core loaded with its share of a population: neuron state, ring buffers,
/// master population table and synaptic matrix, or a spike source.
///
/// A tick runs in steps that ``IdealTimingEngine`` calls: ``update(tick:)`` (neurons update and
/// fire; their keys go out), ``transferInputs(tick:)`` (the tick's ring-buffer slot moves into
/// the synaptic inputs), delivery of the tick's packets into the ring buffer
/// (``SynapticDelivery``), and ``finishTick(packets:events:saturations:invalidKeys:)``, which
/// costs the tick's work. A core touches only its own state, so cores can run on any threads.
public final class NeuronCore {
    public let model: NeuronModel
    public let arithmetic: Arithmetic
    public let neuronCount: Int
    public let keyBase: UInt32
    /// Local indices of the neurons that fired in the last ``update(tick:)``, in index order
    /// (a source atom appears once per spike).
    public private(set) var spikes: [UInt16] = []
    public private(set) var counters = CoreCounters()

    private enum Dynamics {
        case exactLIF(ExactCurrentLIF)
        case heldLIF(HeldInputLIF)
        case fixedLIF(FixedLIF)
        case izhikevich(FloatIzhikevich)
        case fixedIzhikevich(FixedIzhikevich)
        case spikeArray(SpikeArraySource)
        case poisson(PoissonSource)
    }

    private var dynamics: Dynamics
    private var floatState: FloatState
    private var fixedState: FixedState
    private let matrix: SynapticMatrix
    /// The ring buffer (one of the two, by arithmetic) and the matrix's words and weights, in
    /// memory of their own so that delivery can write through raw pointers.
    private let ring16: UnsafeMutableBufferPointer<UInt16>
    private let ring64: UnsafeMutableBufferPointer<Double>
    private let words: UnsafeMutableBufferPointer<UInt32>
    private let weights: UnsafeMutableBufferPointer<Double>
    /// Per synapse type, the factor each arrival is scaled by before it joins the input.
    private let inputScale: [Double]
    private let inputScaleFixed: [UInt32]
    private let costs: CoreCosts
    private let neuronCycles: Int
    private let cycleBudget: Int

    /// Loads core `index` of `image`; `seed` streams derive from the image's network seed.
    public init(image: ChipImage, core index: Int, arithmetic: Arithmetic) {
        let core = image.cores[index]
        let population = image.populations[core.population]
        let p = population.parameters
        let dt = image.network.timestepMs
        model = population.model
        self.arithmetic = arithmetic
        neuronCount = core.neuronCount
        keyBase = core.keyBase
        matrix = core.synapses
        costs = image.machine.costs
        cycleBudget = Int(image.machine.clockHz * dt / 1000)

        let v = core.initialState.first ?? []
        let u = core.initialState.count > 1 ? core.initialState[1] : []
        floatState = FloatState(count: arithmetic == .float64 ? neuronCount : 0, v: arithmetic == .float64 ? v : [], u: arithmetic == .float64 ? u : [])
        fixedState = FixedState(count: arithmetic == .s1615 ? neuronCount : 0, v: arithmetic == .s1615 ? v : [], u: arithmetic == .s1615 ? u : [])

        func heldScale(_ tau: String) -> Double {
            guard let t = p[tau] else { return 1 }
            return t / dt * (1 - exp(-dt / t))
        }
        switch (model, arithmetic) {
        case (.ifCurrExp, .float64):
            dynamics = .exactLIF(ExactCurrentLIF(p, dt: dt))
            inputScale = [1, 1]
        case (.ifCondExp, .float64):
            dynamics = .heldLIF(HeldInputLIF(p, dt: dt, conductance: true))
            inputScale = [heldScale("tau_syn_E"), heldScale("tau_syn_I")]
        case (.ifCurrExp, .s1615), (.ifCondExp, .s1615):
            dynamics = .fixedLIF(FixedLIF(p, dt: dt, conductance: model == .ifCondExp))
            inputScale = [heldScale("tau_syn_E"), heldScale("tau_syn_I")]
        case (.izhikevich, .float64):
            dynamics = .izhikevich(FloatIzhikevich(p, dt: dt))
            inputScale = [heldScale("tau_syn_E"), heldScale("tau_syn_I")]
        case (.izhikevich, .s1615):
            dynamics = .fixedIzhikevich(FixedIzhikevich(p, dt: dt))
            inputScale = [heldScale("tau_syn_E"), heldScale("tau_syn_I")]
        case (.spikeSourceArray, _):
            dynamics = .spikeArray(SpikeArraySource(events: core.sourceEvents))
            inputScale = [1, 1]
        case (.spikeSourcePoisson, _):
            let rng = RandomStream(seed: image.network.seed, stream: [0x504F_4953, UInt64(index)])
            dynamics = .poisson(PoissonSource(p, dt: dt, rng: rng))
            inputScale = [1, 1]
        }
        inputScaleFixed = inputScale.map(U032.from)
        switch model {
        case .ifCurrExp, .ifCondExp: neuronCycles = costs.lifNeuronCycles
        case .izhikevich: neuronCycles = costs.izhikevichNeuronCycles
        case .spikeSourceArray, .spikeSourcePoisson: neuronCycles = costs.sourceAtomCycles
        }
        let ringSize = model.isSource ? 0 : matrix.slots << (SynapticMatrix.typeBits + matrix.indexBits)
        ring16 = .allocate(capacity: arithmetic == .s1615 ? ringSize : 0)
        ring16.initialize(repeating: 0)
        ring64 = .allocate(capacity: arithmetic == .float64 ? ringSize : 0)
        ring64.initialize(repeating: 0)
        words = .allocate(capacity: matrix.words.count)
        _ = words.initialize(from: matrix.words)
        weights = .allocate(capacity: arithmetic == .float64 ? matrix.weights.count : 0)
        if arithmetic == .float64 { _ = weights.initialize(from: matrix.weights) }
    }

    deinit {
        ring16.deallocate()
        ring64.deallocate()
        words.deallocate()
        weights.deallocate()
    }

    /// Where deliveries to this core land.
    var ringTarget: RingTarget {
        let shift = UInt32(SynapticMatrix.typeBits + matrix.indexBits)
        return RingTarget(
            ring16: ring16.isEmpty ? nil : ring16.baseAddress, ring64: ring64.isEmpty ? nil : ring64.baseAddress,
            words: UnsafePointer(words.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!),
            weights: UnsafePointer(weights.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!),
            shift: shift, mask: UInt32((matrix.slots << Int(shift)) - 1))
    }

    // MARK: Tick steps

    /// Updates every neuron for tick `tick` (or emits the source's spikes) into ``spikes``.
    public func update(tick: Int) {
        spikes.removeAll(keepingCapacity: true)
        switch dynamics {
        case .exactLIF(let k): k.update(&floatState, spikes: &spikes)
        case .heldLIF(let k): k.update(&floatState, spikes: &spikes)
        case .fixedLIF(let k): k.update(&fixedState, spikes: &spikes)
        case .izhikevich(let k): k.update(&floatState, spikes: &spikes)
        case .fixedIzhikevich(let k): k.update(&fixedState, spikes: &spikes)
        case .spikeArray(var s):
            s.emit(tick: tick, spikes: &spikes)
            dynamics = .spikeArray(s)
        case .poisson(var s):
            s.emit(tick: tick, atoms: neuronCount, spikes: &spikes)
            dynamics = .poisson(s)
        }
        counters.spikesSent += spikes.count
    }

    /// Moves the inputs due in tick `tick` out of the ring buffer into the synaptic inputs.
    public func transferInputs(tick: Int) {
        guard !model.isSource else { return }
        let n = neuronCount
        let slotBase = (tick & (matrix.slots - 1)) << (SynapticMatrix.typeBits + matrix.indexBits)
        let typeStride = 1 << matrix.indexBits
        if arithmetic == .float64 {
            Self.transfer(&floatState, ring: ring64, n: n, slotBase: slotBase, typeStride: typeStride, scale: inputScale)
        } else {
            Self.transfer(&fixedState, ring: ring16, n: n, slotBase: slotBase, typeStride: typeStride,
                          scale: inputScaleFixed, shifts: (Int32(matrix.shifts[0]), Int32(matrix.shifts[1])))
        }
    }

    private static func transfer(_ state: inout FloatState, ring: UnsafeMutableBufferPointer<Double>, n: Int, slotBase: Int, typeStride: Int, scale: [Double]) {
        let se = scale[0], si = scale[1]
        state.excitatory.withUnsafeMutableBufferPointer { ie in
        state.inhibitory.withUnsafeMutableBufferPointer { ii in
            for i in 0..<n {
                ie[i] += ring[slotBase + i] * se
                ii[i] += ring[slotBase + typeStride + i] * si
                ring[slotBase + i] = 0
                ring[slotBase + typeStride + i] = 0
            }
        }}
    }

    private static func transfer(_ state: inout FixedState, ring: UnsafeMutableBufferPointer<UInt16>, n: Int, slotBase: Int, typeStride: Int,
                                 scale: [UInt32], shifts: (Int32, Int32)) {
        let se = scale[0], si = scale[1]
        state.excitatory.withUnsafeMutableBufferPointer { ie in
        state.inhibitory.withUnsafeMutableBufferPointer { ii in
            for i in 0..<n {
                let e = ring[slotBase + i], inh = ring[slotBase + typeStride + i]
                if e != 0 { ie[i] = S1615.add(ie[i], S1615.decay(scaled(e, shifts.0), se)) }
                if inh != 0 { ii[i] = S1615.add(ii[i], S1615.decay(scaled(inh, shifts.1), si)) }
                ring[slotBase + i] = 0
                ring[slotBase + typeStride + i] = 0
            }
        }}
    }

    @inline(__always)
    private static func scaled(_ w: UInt16, _ shift: Int32) -> Int32 {
        shift >= 0 ? Int32(w) << shift : Int32(w) >> -shift
    }

    /// Costs the tick's work with the machine's cycle model and counts an overrun when it does
    /// not fit the tick's budget.
    func finishTick(packets: Int, events: Int, saturations: Int, invalidKeys: Int) {
        counters.packetsReceived += packets
        counters.invalidKeys += invalidKeys
        counters.synapticEvents += events
        counters.saturations += saturations
        let cycles = costs.tickOverheadCycles + neuronCycles * neuronCount
            + costs.rowCycles * (packets + invalidKeys) + costs.synapticEventCycles * events
        counters.totalCycles += cycles
        counters.maxCyclesPerTick = max(counters.maxCyclesPerTick, cycles)
        if cycles > cycleBudget { counters.timerOverruns += 1 }
    }

    // MARK: Observation

    /// The current value of a state variable for every neuron, in the model's units (mV).
    public func sample(_ variable: String) -> [Double] {
        switch (variable, arithmetic) {
        case ("v", .float64): return floatState.v
        case ("u", .float64): return floatState.u
        case ("v", .s1615): return fixedState.v.map(S1615.toDouble)
        case ("u", .s1615): return fixedState.u.map(S1615.toDouble)
        default: return []
        }
    }
}
