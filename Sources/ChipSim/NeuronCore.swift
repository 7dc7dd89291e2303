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
    /// Ring-buffer layout: neuron index bits and delay slots; per type weight shift.
    private let indexBits: Int
    private let slots: Int
    private let weightShifts: (Int32, Int32)
    /// The ring buffer (one of the two, by arithmetic), in memory of its own so that delivery
    /// can write through a raw pointer.
    private let ring16: UnsafeMutableBufferPointer<UInt16>
    private let ring64: UnsafeMutableBufferPointer<Double>
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
        indexBits = core.synapses.indexBits
        slots = core.synapses.slots
        weightShifts = (Int32(core.synapses.shifts[0]), Int32(core.synapses.shifts[1]))
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
        let ringSize = model.isSource ? 0 : slots << (SynapticMatrix.typeBits + indexBits)
        ring16 = .allocate(capacity: arithmetic == .s1615 ? ringSize : 0)
        ring16.initialize(repeating: 0)
        ring64 = .allocate(capacity: arithmetic == .float64 ? ringSize : 0)
        ring64.initialize(repeating: 0)
    }

    deinit {
        ring16.deallocate()
        ring64.deallocate()
    }

    /// Where deliveries to this core land.
    var ringTarget: RingTarget {
        let shift = UInt32(SynapticMatrix.typeBits + indexBits)
        return RingTarget(
            ring16: ring16.isEmpty ? nil : ring16.baseAddress, ring64: ring64.isEmpty ? nil : ring64.baseAddress, shift: shift, mask: UInt32((slots << Int(shift)) - 1))
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
        let slotBase = (tick & (slots - 1)) << (SynapticMatrix.typeBits + indexBits)
        let typeStride = 1 << indexBits
        if arithmetic == .float64 {
            floatState.excitatory.withUnsafeMutableBufferPointer {
                Self.transfer(into: $0, from: ring64.baseAddress! + slotBase, count: n, scale: inputScale[0])
            }
            floatState.inhibitory.withUnsafeMutableBufferPointer {
                Self.transfer(into: $0, from: ring64.baseAddress! + slotBase + typeStride, count: n, scale: inputScale[1])
            }
        } else {
            fixedState.excitatory.withUnsafeMutableBufferPointer {
                Self.transfer(into: $0, from: ring16.baseAddress! + slotBase, count: n, shift: weightShifts.0, scale: inputScaleFixed[0])
            }
            fixedState.inhibitory.withUnsafeMutableBufferPointer {
                Self.transfer(into: $0, from: ring16.baseAddress! + slotBase + typeStride, count: n, shift: weightShifts.1, scale: inputScaleFixed[1])
            }
        }
    }

    /// input += slot × scale, then the slot is cleared.
    private static func transfer(into input: UnsafeMutableBufferPointer<Double>, from slot: UnsafeMutablePointer<Double>, count n: Int, scale: Double) {
        for i in 0..<n { input[i] += slot[i] * scale }
        slot.update(repeating: 0, count: n)
    }

    /// input += decay(weight × 2^shift, scale) in S16.15, saturating, then the slot is cleared.
    /// Inputs only grow here (weights are magnitudes), so only the upper bound can be hit.
    private static func transfer(into input: UnsafeMutableBufferPointer<Int32>, from slot: UnsafeMutablePointer<UInt16>, count n: Int,
                                 shift: Int32, scale: UInt32) {
        let s = Int64(scale)
        if shift >= 0 {
            for i in 0..<n {
                let add = ((Int64(slot[i]) << Int64(shift)) * s + (1 << 31)) >> 32
                input[i] = Int32(truncatingIfNeeded: min(Int64(input[i]) + add, Int64(Int32.max)))
            }
        } else {
            for i in 0..<n {
                let add = ((Int64(slot[i]) >> Int64(-shift)) * s + (1 << 31)) >> 32
                input[i] = Int32(truncatingIfNeeded: min(Int64(input[i]) + add, Int64(Int32.max)))
            }
        }
        slot.update(repeating: 0, count: n)
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
