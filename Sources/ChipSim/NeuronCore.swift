import Foundation

/// One application core loaded with its share of a population: neuron state, ring buffers,
/// master population table and synaptic matrix, or a spike source.
///
/// A tick runs in steps that ``IdealTimingEngine`` calls: ``update(tick:spikes:)`` (neurons update and
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
    @exclusivity(unchecked) public private(set) var counters = CoreCounters()
    /// A SpikeInjector core's spikes for its next update (local indices, ascending), set by the
    /// runtime from its live inputs; the update emits and clears them. Ignored by other models.
    @exclusivity(unchecked) public var injected: [UInt16] = []
    /// Where the core records its neurons' spikes for the plastic synapses that reach them (nil
    /// when none does).
    @exclusivity(unchecked) var postHistory: PostHistory?

    /// The kernel the core runs, chosen by model, arithmetic and step convention (see
    /// ``StepConvention`` for what each convention integrates with).
    private enum Dynamics {
        // The neuron models and sources are classes: a tick's switch then passes a reference,
        // where it copied hundreds of bytes of constants (2 % of a CUBA run when they were
        // structs, and 1 to 3 % more out of `indirect` boxes). The references are unretained
        // (``kernelObject`` owns the object): binding a strong payload retained and released it
        // every tick.
        case exactLIF(Unmanaged<ExactCurrentLIF>)
        case exactAlphaLIF(Unmanaged<ExactAlphaLIF>)
        case exponentialEulerLIF(Unmanaged<ExponentialEulerLIF>)
        case heldLIF(Unmanaged<HeldInputLIF>)
        case fixedLIF(Unmanaged<FixedLIF>)
        case izhikevich(Unmanaged<FloatIzhikevich>)
        case fixedIzhikevich(Unmanaged<FixedIzhikevich>)
        case spikeArray(Unmanaged<SpikeArraySource>)
        case poisson(Unmanaged<PoissonSource>)
        /// Emits ``injected``.
        case injector
        case delayRelay(DelayRelay)
    }

    private let dynamics: Dynamics
    /// The object ``dynamics`` refers to (nil for the injector and the delay relay).
    private let kernelObject: AnyObject?
    @exclusivity(unchecked) private var floatState: FloatState
    @exclusivity(unchecked) private var fixedState: FixedState
    /// Per type weight shift (S16.15 input = weight16 × 2^shift).
    private let weightShifts: (Int32, Int32)
    /// The core's region of the engine's ring buffer, and its layout.
    private var region = RingRegion.none
    /// Where the timer moves a due ring-buffer slot when transfers are explicit (cycle timing):
    /// one slot's worth of entries, read and cleared by the next update, so that packets
    /// processed between the timer and the update (or while updates run late) never meet it.
    /// Nil in ideal timing, where each update reads its slot in place.
    private var held16: UnsafeMutablePointer<UInt16>?
    private var held64: UnsafeMutablePointer<Double>?
    /// Whether ``held16``/``held64`` hold anything since the last update.
    private var holding = false
    private let costs: CoreCosts
    /// Cycles of one neuron's (or source atom's) update in the cost model.
    let neuronCycles: Int
    private let cycleBudget: Int
    /// CPU cycles per ns (the machine's clock in GHz).
    let clockGHz: Double

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
        clockGHz = image.machine.clockHz / 1e9

        let v = core.initialState.first ?? []
        let u = core.initialState.count > 1 ? core.initialState[1] : []
        let alpha = model.synapseShape == .alpha
        // The block kernels' idle lanes rest at the reset voltage, where a held membrane does not fire.
        let idle = model.isLIF ? LIFParameters(p).vReset : 0
        floatState = FloatState(count: arithmetic == .float64 ? neuronCount : 0, idle: idle, v: arithmetic == .float64 ? v : [],
                                u: arithmetic == .float64 ? u : [], alpha: alpha)
        fixedState = FixedState(count: arithmetic == .s1615 ? neuronCount : 0, idle: idle, v: arithmetic == .s1615 ? v : [],
                                u: arithmetic == .s1615 ? u : [], alpha: alpha)
        (dynamics, kernelObject) = Self.dynamics(model: model, parameters: p, dt: dt, settings: settings, core: core,
                                                 seed: image.network.seed, index: index)
        switch model {
        case _ where core.delayExtension != nil: neuronCycles = costs.sourceAtomCycles
        case .ifCurrExp, .ifCurrAlpha, .ifCurrDelta, .ifCondExp, .ifCondAlpha: neuronCycles = costs.lifNeuronCycles
        case .izhikevich: neuronCycles = costs.izhikevichNeuronCycles
        case .spikeSourceArray, .spikeSourcePoisson, .spikeInjector: neuronCycles = costs.sourceAtomCycles
        }
    }

    private static func dynamics(model: NeuronModel, parameters p: [String: Double], dt: Double, settings: CoreSettings,
                                 core: CoreImage, seed: UInt64, index: Int) -> (Dynamics, AnyObject?) {
        /// The case `make` holding `object` unretained, and the object to keep.
        func held<T: AnyObject>(_ make: (Unmanaged<T>) -> Dynamics, _ object: T) -> (Dynamics, AnyObject?) {
            (make(.passUnretained(object)), object)
        }
        let convention = settings.stepConvention, float = settings.arithmetic == .float64
        let inputFirst = convention.consumesInputFirst
        if core.delayExtension != nil { return (.delayRelay(DelayRelay()), nil) }
        switch model {
        case .spikeSourceArray:
            return held(Dynamics.spikeArray, SpikeArraySource(events: core.sourceEvents))
        case .spikeSourcePoisson:
            return held(Dynamics.poisson, PoissonSource(p, dt: dt, rng: RandomStream(seed: seed, stream: [0x504F_4953, UInt64(index)])))
        case .spikeInjector:
            return (.injector, nil)
        case .izhikevich:
            let integration: IzhikevichIntegration = convention == .spinnaker ? .rk2Midpoint : .euler
            return float ? held(Dynamics.izhikevich, FloatIzhikevich(p, dt: dt, integration: integration, inputFirst: inputFirst))
                : held(Dynamics.fixedIzhikevich, FixedIzhikevich(p, dt: dt, integration: integration, inputFirst: inputFirst))
        case .ifCurrExp, .ifCurrAlpha, .ifCurrDelta, .ifCondExp, .ifCondAlpha:
            let lif = LIFParameters(p)
            let refractory = convention.refractoryTicks(tauRefrac: lif.tauRefrac, dt: dt)
            let shape = model.synapseShape!, conductance = model.isConductanceBased
            if !float {
                return held(Dynamics.fixedLIF, FixedLIF(lif, dt: dt, conductance: conductance, shape: shape, inputFirst: inputFirst,
                                                        refractoryTicks: refractory,
                                                        weightShifts: (Int32(core.synapses.shifts[0]), Int32(core.synapses.shifts[1]))))
            }
            switch (convention, model) {
            case (.brian2, .ifCurrExp): return held(Dynamics.exactLIF, ExactCurrentLIF(lif, dt: dt, refractoryTicks: refractory))
            case (.brian2, .ifCurrAlpha): return held(Dynamics.exactAlphaLIF, ExactAlphaLIF(lif, dt: dt, refractoryTicks: refractory))
            case (.brian2, .ifCondExp), (.brian2, .ifCondAlpha):
                return held(Dynamics.exponentialEulerLIF, ExponentialEulerLIF(lif, dt: dt, alpha: shape == .alpha, refractoryTicks: refractory))
            default:
                return held(Dynamics.heldLIF, HeldInputLIF(lif, dt: dt, conductance: conductance, shape: shape, inputFirst: inputFirst,
                                                           refractoryTicks: refractory))
            }
        }
    }

    deinit {
        held16?.deallocate()
        held64?.deallocate()
    }

    /// Points the core at its region of a ring buffer laid out by `layout`.
    func attach(_ region: RingRegion) {
        self.region = region
    }

    /// From now on the due slot moves out of the ring at ``transfer(tick:)`` (the timer) and the
    /// next update reads it from there, as the chip does.
    func holdTransfers() {
        let entries = 1 << region.slotShift
        if region.ring16 != nil, held16 == nil {
            held16 = .allocate(capacity: entries)
            held16!.initialize(repeating: 0, count: entries)
        }
        if region.ring64 != nil, held64 == nil {
            held64 = .allocate(capacity: entries)
            held64!.initialize(repeating: 0, count: entries)
        }
    }

    /// The timer's transfer of tick `tick`'s ring-buffer slot into the synaptic inputs the next
    /// update takes (``holdTransfers()`` first). Transfers that meet before an update runs add
    /// up, as the chip's inputs do when updates run late or are lost; in the 16-bit arithmetic
    /// an addition that overflows saturates (the chip's 32-bit inputs would not). Returns the
    /// entries that saturated.
    func transfer(tick: Int) -> Int {
        var saturated = 0
        let entries = 1 << region.slotShift, offset = region.slotOffset(tick)
        if let held = held16, let ring = region.ring16 {
            let slot = ring + offset
            if holding {
                for k in 0..<entries where slot[k] != 0 {
                    let sum = UInt32(held[k]) + UInt32(slot[k])
                    if sum > 0xFFFF { saturated += 1 }
                    held[k] = UInt16(min(sum, 0xFFFF))
                }
            } else {
                held.update(from: slot, count: entries)
            }
            slot.update(repeating: 0, count: entries)
        }
        if let held = held64, let ring = region.ring64 {
            let slot = ring + offset
            if holding {
                for k in 0..<entries { held[k] += slot[k] }
            } else {
                held.update(from: slot, count: entries)
            }
            slot.update(repeating: 0, count: entries)
        }
        holding = true
        return saturated
    }

    // MARK: Tick steps

    /// Updates every neuron for tick `tick` (or emits the source's spikes), consuming the inputs
    /// due in tick `tick` from the ring buffer, and sets `spikes` to the local indices of the
    /// neurons that fired, in index order (a source atom appears once per spike).
    public func update(tick: Int, spikes: inout SpikeList) {
        spikes.removeAll()
        switch dynamics {
        case .exactLIF(let k): k._withUnsafeGuaranteedRef { $0.update(&floatState, spikes: &spikes, slot: floatSlot(tick), kernels: kernels) }
        case .exactAlphaLIF(let k): k._withUnsafeGuaranteedRef { $0.update(&floatState, spikes: &spikes, slot: floatSlot(tick), kernels: kernels) }
        case .exponentialEulerLIF(let k):
            k._withUnsafeGuaranteedRef { $0.update(&floatState, spikes: &spikes, slot: floatSlot(tick), kernels: kernels) }
        case .heldLIF(let k): k._withUnsafeGuaranteedRef { $0.update(&floatState, spikes: &spikes, slot: floatSlot(tick), kernels: kernels) }
        case .fixedLIF(let k): k._withUnsafeGuaranteedRef { $0.update(&fixedState, spikes: &spikes, slot: fixedSlot(tick), kernels: kernels) }
        case .izhikevich(let k): k._withUnsafeGuaranteedRef { $0.update(&floatState, spikes: &spikes, slot: floatSlot(tick)) }
        case .fixedIzhikevich(let k): k._withUnsafeGuaranteedRef { $0.update(&fixedState, spikes: &spikes, slot: fixedSlot(tick)) }
        case .spikeArray(let s): s._withUnsafeGuaranteedRef { $0.emit(tick: tick, spikes: &spikes) }
        case .poisson(let s): s._withUnsafeGuaranteedRef { $0.emit(tick: tick, atoms: neuronCount, spikes: &spikes) }
        case .injector:
            spikes.append(contentsOf: injected)
            injected.removeAll(keepingCapacity: true)
        case .delayRelay(let r):
            // The due slot: in the ring, or where the timer moved it (cycle timing).
            if arithmetic == .s1615 { r.emit(fixedSlot(tick).excitatory, atoms: neuronCount, spikes: &spikes) } else {
                r.emit(floatSlot(tick).excitatory, atoms: neuronCount, spikes: &spikes)
            }
        }
        counters.spikesSent += spikes.count
        postHistory?.record(spikes.elements, tick: tick)
        holding = false
    }

    private func floatSlot(_ tick: Int) -> FloatSlot {
        let base = held64 ?? region.ring64! + region.slotOffset(tick)
        return FloatSlot(excitatory: base, inhibitory: base + region.typeStride)
    }

    private func fixedSlot(_ tick: Int) -> FixedSlot {
        let base = held16 ?? region.ring16! + region.slotOffset(tick)
        return FixedSlot(excitatory: base, inhibitory: base + region.typeStride, shiftE: weightShifts.0, shiftI: weightShifts.1)
    }

    /// Costs the tick's work with the machine's cycle model and counts an overrun when it does
    /// not fit the tick's budget.
    func finishTick(packets: Int, delivery: DeliveryTally, invalidKeys: Int) {
        count(delivery, packets: packets, invalidKeys: invalidKeys)
        let cycles = tickCycles(packets: packets + invalidKeys, events: delivery.events, plasticEvents: delivery.plasticEvents,
                                crossbarEvents: delivery.crossbarEvents, crossbarNanoseconds: delivery.crossbar.latencyNanoseconds)
        counters.totalCycles = min(counters.totalCycles + cycles, 1 << 61)
        counters.maxCyclesPerTick = max(counters.maxCyclesPerTick, cycles)
        if cycles > cycleBudget { counters.timerOverruns += 1 }
    }

    /// Adds what a delivery counted to the core's counters.
    func count(_ delivery: DeliveryTally, packets: Int, invalidKeys: Int) {
        counters.packetsReceived += packets
        counters.invalidKeys += invalidKeys
        counters.synapticEvents += delivery.events
        counters.plasticSynapticEvents += delivery.plasticEvents
        counters.saturations = counters.saturations + delivery.saturations
        counters.ringInput = counters.ringInput + delivery.input
        counters.clippedInput = counters.clippedInput + delivery.clipped
        counters.crossbarSynapticEvents += delivery.crossbarEvents
        // Every cost comes with a read (CrossbarTile.read returns a zero cost without one): the
        // seven additions per core and tick are skipped where no tile was read.
        if delivery.crossbar.reads > 0 { counters.crossbar += delivery.crossbar }
    }

    /// Adds ring-buffer input that delivery did not count as it went (``CoreCounters/ringInput``).
    func count(ringInput input: PerReceptor) {
        counters.ringInput = counters.ringInput + input
    }

    /// The cost model's cycles for a tick in which the core took `packets` packets (found in
    /// its master population table or not) and `events` synaptic events: the timer's overhead,
    /// every neuron's update, a row per packet and the events. Events a crossbar tile computed
    /// (`crossbarEvents`, of `events`) cost no cycles each: the core waits for its tiles' reads
    /// instead, `crossbarNanoseconds` at the core's clock. Saturates at 2^60, so that a crafted
    /// target's costs times a flood of events cannot trap.
    func tickCycles(packets: Int, events: Int, plasticEvents: Int = 0, crossbarEvents: Int = 0, crossbarNanoseconds: Double = 0) -> Int {
        @inline(__always) func product(_ a: Int, _ b: Int) -> Int {
            let (p, overflow) = a.multipliedReportingOverflow(by: b)
            return overflow || p > 1 << 60 ? 1 << 60 : p
        }
        return min(costs.tickOverheadCycles + product(neuronCycles, neuronCount) + product(costs.rowCycles, packets)
                   + product(costs.synapticEventCycles, events - plasticEvents - crossbarEvents) + product(costs.plasticSynapseCycles, plasticEvents)
                   + Int(min(crossbarNanoseconds * clockGHz, 0x1p60)), 1 << 60)
    }

    /// Records the cycles the core spent in all and its most loaded tick's demand, and how many
    /// ticks overran (the cycle engine's counts).
    func recordCycles(total: Int, maxPerTick: Int, overruns: Int) {
        counters.totalCycles = min(total, 1 << 61)
        counters.maxCyclesPerTick = maxPerTick
        counters.timerOverruns = overruns
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
        case ("v", .s1615): return fixedState.v.map { S1615.toDouble($0) }
        case ("u", .s1615): return fixedState.u.map { S1615.toDouble($0) }
        case ("gsyn_exc", .s1615): return fixedState.excitatory.map { S1615.toDouble($0) / conductanceScale }
        case ("gsyn_inh", .s1615): return fixedState.inhibitory.map { S1615.toDouble($0) / conductanceScale }
        default: return []
        }
    }
}
