import Foundation

/// One application core loaded with its share of a population: neuron state, ring buffers,
/// master population table and synaptic matrix, or a spike source.
///
/// A tick runs in steps that ``IdealTimingEngine`` calls: ``update(tick:)`` (neurons update and
/// fire, their keys go out, and the tick's ring-buffer slot moves into the synaptic inputs),
/// delivery of the tick's packets into the ring buffer (``SynapticDelivery``), and
/// ``finishTick(packets:events:saturations:invalidKeys:)``, which costs the tick's work. A core
/// touches only its own state and its own region of the ring buffer, so cores can run on any
/// threads.
public final class NeuronCore {
    public let model: NeuronModel
    public let arithmetic: Arithmetic
    public let neuronCount: Int
    public let keyBase: UInt32
    /// The implementation of the neuron kernels the core runs.
    public let kernels: KernelSet

    // The per-tick state below is touched by one worker at a time (the engine's phases give
    // each core to one worker), so its dynamic exclusivity checks are switched off: they cost
    // 8 % of a 4k-neuron run.
    /// Local indices of the neurons that fired in the last ``update(tick:)``, in index order
    /// (a source atom appears once per spike).
    @exclusivity(unchecked) public private(set) var spikes: [UInt16] = []
    @exclusivity(unchecked) public private(set) var counters = CoreCounters()

    private enum Dynamics {
        case exactLIF(ExactCurrentLIF)
        case heldLIF(HeldInputLIF)
        case fixedLIF(FixedLIF)
        case izhikevich(FloatIzhikevich)
        case fixedIzhikevich(FixedIzhikevich)
        case spikeArray(SpikeArraySource)
        case poisson(PoissonSource)
    }

    @exclusivity(unchecked) private var dynamics: Dynamics
    @exclusivity(unchecked) private var floatState: FloatState
    @exclusivity(unchecked) private var fixedState: FixedState
    /// Per type weight shift (S16.15 input = weight16 × 2^shift).
    private let weightShifts: (Int32, Int32)
    /// The core's region of the engine's ring buffer, and its layout.
    private var region = RingRegion.none
    /// Per synapse type, the factor each arrival is scaled by before it joins the input.
    private let inputScale: [Double]
    private let inputScaleFixed: [UInt32]
    private let costs: CoreCosts
    private let neuronCycles: Int
    private let cycleBudget: Int

    /// Loads core `index` of `image`; `seed` streams derive from the image's network seed.
    /// `kernels` must be supported by the host (``KernelSet/isSupported``).
    public init(image: ChipImage, core index: Int, arithmetic: Arithmetic, kernels: KernelSet = .best) {
        precondition(kernels.isSupported, "kernel set \(kernels) is not supported by this CPU")
        let core = image.cores[index]
        let population = image.populations[core.population]
        let p = population.parameters
        let dt = image.network.timestepMs
        model = population.model
        self.arithmetic = arithmetic
        neuronCount = core.neuronCount
        keyBase = core.keyBase
        self.kernels = kernels
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
    }

    /// Points the core at its region of a ring buffer laid out by `layout`.
    func attach(_ region: RingRegion) {
        self.region = region
    }

    // MARK: Tick steps

    /// Updates every neuron for tick `tick` (or emits the source's spikes) into ``spikes``, and
    /// adds the inputs due in tick `tick` from the ring buffer.
    public func update(tick: Int) {
        spikes.removeAll(keepingCapacity: true)
        switch dynamics {
        case .exactLIF(let k): k.update(&floatState, spikes: &spikes, slot: floatSlot(tick), kernels: kernels)
        case .heldLIF(let k): k.update(&floatState, spikes: &spikes, slot: floatSlot(tick))
        case .fixedLIF(let k): k.update(&fixedState, spikes: &spikes, slot: fixedSlot(tick), kernels: kernels)
        case .izhikevich(let k): k.update(&floatState, spikes: &spikes, slot: floatSlot(tick))
        case .fixedIzhikevich(let k): k.update(&fixedState, spikes: &spikes, slot: fixedSlot(tick))
        case .spikeArray(var s):
            s.emit(tick: tick, spikes: &spikes)
            dynamics = .spikeArray(s)
        case .poisson(var s):
            s.emit(tick: tick, atoms: neuronCount, spikes: &spikes)
            dynamics = .poisson(s)
        }
        counters.spikesSent += spikes.count
    }

    /// Copies the last update's spikes into `exchange` as core `c`'s.
    func publishSpikes(to exchange: SpikeExchange, as c: Int) {
        exchange.publish(core: c, spikes)
    }

    private func floatSlot(_ tick: Int) -> FloatSlot {
        let base = region.ring64! + region.slotOffset(tick)
        return FloatSlot(excitatory: base, inhibitory: base + region.typeStride, scaleE: inputScale[0], scaleI: inputScale[1])
    }

    private func fixedSlot(_ tick: Int) -> FixedSlot {
        let base = region.ring16! + region.slotOffset(tick)
        return FixedSlot(excitatory: base, inhibitory: base + region.typeStride, shiftE: weightShifts.0, shiftI: weightShifts.1,
                         scaleE: inputScaleFixed[0], scaleI: inputScaleFixed[1])
    }

    /// Costs the tick's work with the machine's cycle model and counts an overrun when it does
    /// not fit the tick's budget.
    func finishTick(packets: Int, events: Int, saturations: Int, invalidKeys: Int) {
        counters.packetsReceived += packets
        counters.invalidKeys += invalidKeys
        counters.synapticEvents += events
        counters.saturations += saturations
        // Saturating at 2^60: a crafted target's costs times a flood of events must not trap.
        @inline(__always) func product(_ a: Int, _ b: Int) -> Int {
            let (p, overflow) = a.multipliedReportingOverflow(by: b)
            return overflow || p > 1 << 60 ? 1 << 60 : p
        }
        let cycles = min(costs.tickOverheadCycles + product(neuronCycles, neuronCount)
            + product(costs.rowCycles, packets + invalidKeys) + product(costs.synapticEventCycles, events), 1 << 60)
        counters.totalCycles = min(counters.totalCycles + cycles, 1 << 61)
        counters.maxCyclesPerTick = max(counters.maxCyclesPerTick, cycles)
        if cycles > cycleBudget { counters.timerOverruns += 1 }
    }

    // MARK: Observation

    /// The current value of a state variable for every neuron, in the model's units (mV).
    public func sample(_ variable: String) -> [Double] {
        switch (variable, arithmetic) {
        case ("v", .float64): return floatState.v
        case ("u", .float64): return floatState.u
        case ("v", .s1615): return fixedState.v.map { S1615.toDouble(Int32(truncatingIfNeeded: $0)) }
        case ("u", .s1615): return fixedState.u.map { S1615.toDouble(Int32(truncatingIfNeeded: $0)) }
        default: return []
        }
    }
}
