import Foundation

/// One application core loaded with its share of a population: neuron state, ring buffers,
/// master population table and synaptic matrix, or a spike source.
///
/// A tick runs in steps that ``IdealTimingEngine`` calls: ``update(tick:)`` (neurons update and
/// fire, their keys go out, and the tick's ring-buffer slot moves into the synaptic inputs),
/// delivery of the tick's packets into the ring buffer (``SynapticDelivery``), and
/// ``finishTick(packets:delivery:invalidKeys:)``, which costs the tick's work. A core
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

    /// The kernel the core runs, chosen by model, arithmetic and step convention (see
    /// ``StepConvention`` for what each convention integrates with).
    private enum Dynamics {
        case exactLIF(ExactCurrentLIF)
        case exactAlphaLIF(ExactAlphaLIF)
        case exponentialEulerLIF(ExponentialEulerLIF)
        case heldLIF(HeldInputLIF)
        case fixedLIF(FixedLIF)
        case izhikevich(FloatIzhikevich)
        case fixedIzhikevich(FixedIzhikevich)
        case spikeArray(SpikeArraySource)
        case poisson(PoissonSource)
        case delayRelay(DelayRelay)
    }

    @exclusivity(unchecked) private var dynamics: Dynamics
    @exclusivity(unchecked) private var floatState: FloatState
    @exclusivity(unchecked) private var fixedState: FixedState
    /// Per type weight shift (S16.15 input = weight16 × 2^shift).
    private let weightShifts: (Int32, Int32)
    /// The core's region of the engine's ring buffer, and its layout.
    private var region = RingRegion.none
    private let costs: CoreCosts
    private let neuronCycles: Int
    private let cycleBudget: Int

    /// Loads core `index` of `image`; `seed` streams derive from the image's network seed.
    /// `settings.kernels` must be supported by the host (``KernelSet/isSupported``).
    public init(image: ChipImage, core index: Int, settings: CoreSettings) {
        precondition(settings.kernels.isSupported, "kernel set \(settings.kernels) is not supported by this CPU")
        let core = image.cores[index]
        let population = image.populations[core.population]
        let p = population.parameters
        let dt = image.network.timestepMs
        let arithmetic = settings.arithmetic
        model = population.model
        self.arithmetic = arithmetic
        neuronCount = core.neuronCount
        keyBase = core.keyBase
        kernels = settings.kernels
        weightShifts = (Int32(core.synapses.shifts[0]), Int32(core.synapses.shifts[1]))
        costs = image.machine.costs
        cycleBudget = image.machine.cycleBudget(timestepMs: dt, timeScaleFactor: settings.timeScaleFactor)

        let v = core.initialState.first ?? []
        let u = core.initialState.count > 1 ? core.initialState[1] : []
        let alpha = model.synapseShape == .alpha
        floatState = FloatState(count: arithmetic == .float64 ? neuronCount : 0, v: arithmetic == .float64 ? v : [],
                                u: arithmetic == .float64 ? u : [], alpha: alpha)
        fixedState = FixedState(count: arithmetic == .s1615 ? neuronCount : 0, v: arithmetic == .s1615 ? v : [],
                                u: arithmetic == .s1615 ? u : [], alpha: alpha)
        dynamics = Self.dynamics(model: model, parameters: p, dt: dt, settings: settings, core: core,
                                 seed: image.network.seed, index: index)
        switch model {
        case _ where core.delayExtension != nil: neuronCycles = costs.sourceAtomCycles
        case .ifCurrExp, .ifCurrAlpha, .ifCurrDelta, .ifCondExp, .ifCondAlpha: neuronCycles = costs.lifNeuronCycles
        case .izhikevich: neuronCycles = costs.izhikevichNeuronCycles
        case .spikeSourceArray, .spikeSourcePoisson: neuronCycles = costs.sourceAtomCycles
        }
    }

    private static func dynamics(model: NeuronModel, parameters p: [String: Double], dt: Double, settings: CoreSettings,
                                 core: CoreImage, seed: UInt64, index: Int) -> Dynamics {
        let convention = settings.stepConvention, float = settings.arithmetic == .float64
        let inputFirst = convention.consumesInputFirst
        if core.delayExtension != nil { return .delayRelay(DelayRelay()) }
        switch model {
        case .spikeSourceArray:
            return .spikeArray(SpikeArraySource(events: core.sourceEvents))
        case .spikeSourcePoisson:
            return .poisson(PoissonSource(p, dt: dt, rng: RandomStream(seed: seed, stream: [0x504F_4953, UInt64(index)])))
        case .izhikevich:
            let integration: IzhikevichIntegration = convention == .spinnaker ? .rk2Midpoint : .euler
            return float ? .izhikevich(FloatIzhikevich(p, dt: dt, integration: integration, inputFirst: inputFirst))
                : .fixedIzhikevich(FixedIzhikevich(p, dt: dt, integration: integration, inputFirst: inputFirst))
        case .ifCurrExp, .ifCurrAlpha, .ifCurrDelta, .ifCondExp, .ifCondAlpha:
            let lif = LIFParameters(p)
            let refractory = convention.refractoryTicks(tauRefrac: lif.tauRefrac, dt: dt)
            let shape = model.synapseShape!, conductance = model.isConductanceBased
            if !float {
                return .fixedLIF(FixedLIF(lif, dt: dt, conductance: conductance, shape: shape, inputFirst: inputFirst,
                                          refractoryTicks: refractory))
            }
            switch (convention, model) {
            case (.brian2, .ifCurrExp): return .exactLIF(ExactCurrentLIF(lif, dt: dt, refractoryTicks: refractory))
            case (.brian2, .ifCurrAlpha): return .exactAlphaLIF(ExactAlphaLIF(lif, dt: dt, refractoryTicks: refractory))
            case (.brian2, .ifCondExp), (.brian2, .ifCondAlpha):
                return .exponentialEulerLIF(ExponentialEulerLIF(lif, dt: dt, alpha: shape == .alpha, refractoryTicks: refractory))
            default:
                return .heldLIF(HeldInputLIF(lif, dt: dt, conductance: conductance, shape: shape, inputFirst: inputFirst,
                                             refractoryTicks: refractory))
            }
        }
    }

    /// Points the core at its region of a ring buffer laid out by `layout`.
    func attach(_ region: RingRegion) {
        self.region = region
    }

    // MARK: Tick steps

    /// Updates every neuron for tick `tick` (or emits the source's spikes) into ``spikes``,
    /// consuming the inputs due in tick `tick` from the ring buffer.
    public func update(tick: Int) {
        spikes.removeAll(keepingCapacity: true)
        switch dynamics {
        case .exactLIF(let k): k.update(&floatState, spikes: &spikes, slot: floatSlot(tick), kernels: kernels)
        case .exactAlphaLIF(let k): k.update(&floatState, spikes: &spikes, slot: floatSlot(tick))
        case .exponentialEulerLIF(let k): k.update(&floatState, spikes: &spikes, slot: floatSlot(tick))
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
        case .delayRelay(let r): r.emit(region: region, tick: tick, atoms: neuronCount, spikes: &spikes)
        }
        counters.spikesSent += spikes.count
    }

    /// Copies the last update's spikes into `exchange` as core `c`'s.
    func publishSpikes(to exchange: SpikeExchange, as c: Int) {
        exchange.publish(core: c, spikes)
    }

    private func floatSlot(_ tick: Int) -> FloatSlot {
        let base = region.ring64! + region.slotOffset(tick)
        return FloatSlot(excitatory: base, inhibitory: base + region.typeStride)
    }

    private func fixedSlot(_ tick: Int) -> FixedSlot {
        let base = region.ring16! + region.slotOffset(tick)
        return FixedSlot(excitatory: base, inhibitory: base + region.typeStride, shiftE: weightShifts.0, shiftI: weightShifts.1)
    }

    /// Costs the tick's work with the machine's cycle model and counts an overrun when it does
    /// not fit the tick's budget.
    func finishTick(packets: Int, delivery: DeliveryTally, invalidKeys: Int) {
        counters.packetsReceived += packets
        counters.invalidKeys += invalidKeys
        counters.synapticEvents += delivery.events
        counters.saturations = counters.saturations + delivery.saturations
        counters.ringInput = counters.ringInput + delivery.input
        counters.clippedInput = counters.clippedInput + delivery.clipped
        // Saturating at 2^60: a crafted target's costs times a flood of events must not trap.
        @inline(__always) func product(_ a: Int, _ b: Int) -> Int {
            let (p, overflow) = a.multipliedReportingOverflow(by: b)
            return overflow || p > 1 << 60 ? 1 << 60 : p
        }
        let cycles = min(costs.tickOverheadCycles + product(neuronCycles, neuronCount)
            + product(costs.rowCycles, packets + invalidKeys) + product(costs.synapticEventCycles, delivery.events), 1 << 60)
        counters.totalCycles = min(counters.totalCycles + cycles, 1 << 61)
        counters.maxCyclesPerTick = max(counters.maxCyclesPerTick, cycles)
        if cycles > cycleBudget { counters.timerOverruns += 1 }
    }

    // MARK: Observation

    /// The current value of a recordable variable (``NeuronModel/recordables``) for every
    /// neuron, in the model's units (mV; nA or µS for `gsyn_exc`, `gsyn_inh`).
    public func sample(_ variable: String) -> [Double] {
        let conductanceScale = model.isConductanceBased ? Double(1 << SynapticMatrix.conductanceScaleBits) : 1
        switch (variable, arithmetic) {
        case ("v", .float64): return floatState.v
        case ("u", .float64): return floatState.u
        case ("gsyn_exc", .float64): return floatState.excitatory
        case ("gsyn_inh", .float64): return floatState.inhibitory
        case ("v", .s1615): return fixedState.v.map { S1615.toDouble(Int32(truncatingIfNeeded: $0)) }
        case ("u", .s1615): return fixedState.u.map { S1615.toDouble(Int32(truncatingIfNeeded: $0)) }
        case ("gsyn_exc", .s1615): return fixedState.excitatory.map { S1615.toDouble(Int32(truncatingIfNeeded: $0)) / conductanceScale }
        case ("gsyn_inh", .s1615): return fixedState.inhibitory.map { S1615.toDouble(Int32(truncatingIfNeeded: $0)) / conductanceScale }
        default: return []
        }
    }
}
