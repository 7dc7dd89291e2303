import ChipSim
import Foundation

/// The result of compiling a network: the chip image, the mapping report, and what the user
/// should know about what was accepted.
public struct Compilation: Sendable {
    public var image: ChipImage
    public var report: MappingReport
    /// Warnings from reading the network and from mapping it (weights that round to zero, say).
    public var warnings: [Diagnostic]
}

/// Lowers a network onto a machine: partition → place → allocate keys → expand connectors →
/// build synaptic matrices and master population tables → route → remove default routes →
/// emit the image. Each pass is a separate step over the core slices; the same network and
/// seed give the same image, byte for byte.
public enum NetworkCompiler {
    /// The step convention of networks that do not name one: every target Neurite models is
    /// SpiNNaker-style, so what sPyNNaker runs on the machine.
    public static let defaultStepConvention = StepConvention.spinnaker

    /// `maxMemory` bounds the compiler's memory (default ``HostMemory/defaultBudget``); a
    /// network whose synapses would not fit, or would not fit a chip's SDRAM, is refused before
    /// any is drawn.
    public static func compile(_ network: NetworkSpec, target machine: MachineDescription, maxMemory: Int? = nil) throws -> Compilation {
        let perCore = try Partitioner.neuronsPerCore(network, machine: machine)
        var slices = try Partitioner.partition(network, perCore: perCore, machine: machine)
        Placer.place(&slices, machine: machine)
        try KeyAllocator.allocate(&slices, machine: machine)
        try ExpansionBudget.check(network, slices: slices, perCore: perCore, machine: machine, maxMemory: maxMemory ?? HostMemory.defaultBudget)

        let coresOf = coresByPopulation(slices, count: network.populations.count)
        let rates = slices.map { expectedSpikesPerTick($0, network: network) }
        let sources = network.projections.map { sourceRates($0, network: network) }

        // Expand every projection into the incoming lists of its target cores.
        var incoming = [[IncomingSynapse]](repeating: [], count: slices.count)
        var counts = ExpansionCounts()
        var projectionSynapses = [Int](repeating: 0, count: network.projections.count)
        for k in network.projections.indices {
            let p = network.projections[k]
            let preCores = coresOf[p.pre.population], postCores = coresOf[p.post.population]
            let preSize = perCore[p.pre.population], postSize = perCore[p.post.population]
            let conductanceScale = network.populations[p.post.population].model.isConductanceBased
                ? Double(1 << SynapticMatrix.conductanceScaleBits) : 1
            var expansion = ConnectorExpansion(network: network, projectionIndex: k)
            expansion.expand { s in
                let preNeuron = p.pre.neuron(Int(s.pre)), postNeuron = p.post.neuron(Int(s.post))
                let source = preCores[preNeuron / preSize], dest = postCores[postNeuron / postSize]
                incoming[dest].append(IncomingSynapse(
                    sourceCore: Int32(source), sourceIndex: UInt16(preNeuron - slices[source].firstNeuron),
                    target: UInt16(postNeuron - slices[dest].firstNeuron), type: UInt8(p.receptor.rawValue),
                    delayTicks: s.delayTicks, projection: UInt16(truncatingIfNeeded: k),
                    weight: s.weight * conductanceScale, rawWeight: s.weight))
                projectionSynapses[k] += 1
            }
            counts.weightsClipped += expansion.counts.weightsClipped
            counts.delaysClipped += expansion.counts.delaysClipped
        }

        var matrices: [SynapticMatrix] = []
        var stats: [MatrixStats] = []
        var targets = [[Int]](repeating: [], count: slices.count)
        for c in slices.indices {
            let (m, s) = try SynapticMatrixBuilder.build(core: c, slices: slices, incoming: incoming[c], sources: sources, machine: machine, network: network)
            matrices.append(m)
            stats.append(s)
            for e in m.entries { targets[Int(e.key >> UInt32(KeyAllocator.indexBits(machine)))].append(c) }
            incoming[c] = []
        }

        var sdram: [ChipCoordinate: Int] = [:]
        for (c, m) in matrices.enumerated() { sdram[slices[c].location.chip, default: 0] += m.sdramBytes }
        for chip in sdram.keys.sorted() where sdram[chip]! > machine.sdramBytesPerChip {
            let heaviest = slices.indices.filter { slices[$0].location.chip == chip }.max { matrices[$0].sdramBytes < matrices[$1].sdramBytes }!
            let pop = network.populations[slices[heaviest].population]
            throw CompileError([Diagnostic(
                "the synaptic matrices of chip \(chip) need \(sdram[chip]!) bytes of SDRAM; the chip has \(machine.sdramBytesPerChip) (population '\(pop.name)' has the largest share); use fewer synapses per neuron or a larger target",
                at: pop.location)])
        }

        var tables = RoutingTableBuilder.build(slices: slices, targets: targets, machine: machine)
        let before = tables.values.reduce(0) { $0 + $1.entries.count }
        RoutingTableBuilder.removeDefaultRoutes(&tables, machine: machine)
        let after = tables.values.reduce(0) { $0 + $1.entries.count }
        for chip in tables.keys.sorted() where tables[chip]!.entries.count > machine.routerEntries {
            throw CompileError([Diagnostic(
                "chip \(chip) needs \(tables[chip]!.entries.count) routing entries; its router holds \(machine.routerEntries) (routing-table compression is not supported yet; spread the network over fewer source cores)",
                at: nil)])
        }

        let populations = network.populations.enumerated().map { p, pop in
            PopulationInfo(name: pop.name, model: pop.model, size: pop.size, parameters: pop.parameters, record: pop.record,
                           liveOutput: pop.liveOutput, cores: coresOf[p])
        }
        var roundedByProjection = [Int](repeating: 0, count: network.projections.count)
        for s in stats { for (k, n) in s.roundedToZero { roundedByProjection[k] += n } }
        let projections = network.projections.enumerated().map { k, p in
            ProjectionInfo(label: p.label, pre: p.pre.population, post: p.post.population, receptor: p.receptor,
                           synapses: projectionSynapses[k], weightsRoundedToZero: roundedByProjection[k])
        }
        let initial = initialStates(network)
        let cores: [CoreImage] = slices.indices.map { c in
            let s = slices[c]
            return CoreImage(
                population: s.population, location: s.location, firstNeuron: s.firstNeuron, neuronCount: s.count,
                keyBase: s.keyBase, keyMask: KeyAllocator.mask(machine),
                initialState: initial[s.population].map { Array($0[s.firstNeuron..<(s.firstNeuron + s.count)]) },
                synapses: matrices[c], sourceEvents: sourceEvents(s, network: network))
        }
        let routing = tables.keys.sorted().map { tables[$0]! }.filter { !$0.entries.isEmpty }
        let convention = network.stepConvention ?? defaultStepConvention
        let budget = Double(machine.cycleBudget(timestepMs: network.timestep, timeScaleFactor: network.timeScaleFactor))
        var report = MappingReport(
            network: network.name, target: machine.name, timestepMs: network.timestep, stepConvention: convention.rawValue,
            timeScaleFactor: network.timeScaleFactor,
            chipsUsed: Set(slices.map(\.location.chip)).count, coresUsed: slices.count,
            neurons: network.populations.reduce(0) { $0 + $1.size }, synapses: stats.reduce(0) { $0 + $1.synapses },
            maxRoutingEntries: routing.map(\.entries.count).max() ?? 0, routingEntryLimit: machine.routerEntries,
            defaultRoutesRemoved: before - after, delayExtensionCores: 0,
            weightsRoundedToZero: stats.reduce(0) { $0 + $1.weightsRoundedToZero },
            weightsSaturated: stats.reduce(0) { $0 + $1.weightsSaturated },
            weightsClipped: counts.weightsClipped, delaysClipped: counts.delaysClipped,
            maxRowLength: stats.map(\.maxRowLength).max() ?? 0,
            maxPredictedLoad: 0,
            populations: network.populations.enumerated().map { p, pop in
                MappingReport.Population(name: pop.name, model: pop.model.rawValue, size: pop.size, neuronsPerCore: perCore[p],
                                         cores: coresOf[p].map { slices[$0].location.description })
            },
            projections: projections.map {
                MappingReport.Projection(label: $0.label, pre: network.populations[$0.pre].name, post: network.populations[$0.post].name,
                                         receptor: $0.receptor.name, synapses: $0.synapses, weightsRoundedToZero: $0.weightsRoundedToZero)
            },
            cores: slices.indices.map { c in
                let s = slices[c], m = matrices[c]
                return MappingReport.Core(
                    location: s.location.description, population: network.populations[s.population].name,
                    firstNeuron: s.firstNeuron, neurons: s.count, incomingSynapses: stats[c].synapses,
                    masterPopulationEntries: m.entries.count, ringBufferSlots: network.populations[s.population].model.isSource ? 0 : m.slots,
                    weightShifts: m.shifts.map(Int.init),
                    predictedLoad: predictedCycles(core: c, slices: slices, matrices: matrices, rates: rates, network: network, machine: machine) / budget)
            },
            routingEntries: Dictionary(uniqueKeysWithValues: routing.map { ("\($0.chip.x),\($0.chip.y)", $0.entries.count) }))
        report.maxPredictedLoad = report.cores.map(\.predictedLoad).max() ?? 0
        let image = ChipImage(
            machine: machine,
            network: NetworkInfo(name: network.name, timestepMs: network.timestep, durationMs: network.duration, seed: network.seed,
                                 stepConvention: convention, timeScaleFactor: network.timeScaleFactor),
            populations: populations, projections: projections, cores: cores, routingTables: routing, mappingReport: report.json())
        return Compilation(image: image, report: report, warnings: network.warnings + mappingWarnings(network, report: report, slices: slices, matrices: matrices))
    }

    /// Weights that round to zero or saturate the 16-bit field: by projection, with the settings
    /// that fix them.
    private static func mappingWarnings(_ network: NetworkSpec, report: MappingReport, slices: [CoreSlice], matrices: [SynapticMatrix]) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        for (k, p) in report.projections.enumerated() where p.weightsRoundedToZero > 0 {
            let spec = network.projections[k]
            let post = network.populations[spec.post.population]
            let shifts = slices.indices.filter { slices[$0].population == spec.post.population }
                .map { Int(matrices[$0].shifts[spec.receptor.rawValue]) }
            let resolution = shifts.min().map { " (weight resolution 2^\($0 - 15) \(post.model.weightUnit) there)" } ?? ""
            warnings.append(Diagnostic(
                "\(p.weightsRoundedToZero) of the \(p.synapses) weights of projection '\(p.label)' round to zero in 16 bits on '\(post.name)'\(resolution), where larger weights set the scale: they have no effect on the chip; lower ring_buffer_sigma or spikes_per_second of '\(post.name)', set its min_weights (\(spec.receptor.name): the smallest weight to keep), or give the small weights a population of their own",
                at: spec.location, severity: .warning))
        }
        if report.weightsSaturated > 0 {
            warnings.append(Diagnostic(
                "\(report.weightsSaturated) weights exceed the 16-bit range of a ring_buffer_shifts or min_weights override and are clipped to its largest value; raise the shift (or the minimum weight)",
                at: nil, severity: .warning))
        }
        return warnings
    }

    private static func coresByPopulation(_ slices: [CoreSlice], count: Int) -> [[Int]] {
        var result = [[Int]](repeating: [], count: count)
        for (c, s) in slices.enumerated() { result[s.population].append(c) }
        return result
    }

    /// The rates a projection's source is assumed to fire at when its target's ring buffer is
    /// sized (sPyNNaker's): a Poisson source's rate, and its 1 − 1/1000 quantile of spikes per
    /// tick plus one; a spike array's busiest neuron; any other neuron the target population's
    /// `spikes_per_second` (default 30 Hz), at least one spike per tick.
    static func sourceRates(_ p: ProjectionSpec, network: NetworkSpec) -> SourceRates {
        let pre = network.populations[p.pre.population], dt = network.timestep
        switch pre.model {
        case .spikeSourcePoisson:
            let rate = pre.parameters["rate"]!
            return SourceRates(spikesPerSecond: rate, spikesPerTick: WeightScaling.poissonSpikesPerTick(lambda: rate * dt / 1000))
        case .spikeSourceArray:
            var busiest = 0, perTick = 1
            for i in 0..<p.pre.count {
                let times = pre.spikeTimes[p.pre.neuron(i)]
                busiest = max(busiest, times.count)
                var run = 0, last = -1
                for t in times {
                    let tick = TimeSteps.ticks(t, dt: dt)
                    run = tick == last ? run + 1 : 1
                    last = tick
                    perTick = max(perTick, run)
                }
            }
            return SourceRates(spikesPerSecond: Double(busiest) / max(network.duration / 1000, dt / 1000), spikesPerTick: Double(perTick))
        default:
            let post = network.populations[p.post.population]
            let rate = post.spikesPerSecond ?? network.spikesPerSecond
            return SourceRates(spikesPerSecond: rate, spikesPerTick: max(1, rate * dt / 1000))
        }
    }

    /// Expected spikes per tick of one atom of the core's population (the busiest one for arrays),
    /// for the load prediction.
    private static func expectedSpikesPerTick(_ s: CoreSlice, network: NetworkSpec) -> Double {
        let pop = network.populations[s.population]
        let dt = network.timestep
        switch pop.model {
        case .spikeSourcePoisson: return pop.parameters["rate"]! * dt / 1000
        case .spikeSourceArray:
            let busiest = pop.spikeTimes[s.firstNeuron..<(s.firstNeuron + s.count)].map(\.count).max() ?? 0
            return Double(busiest) / max(network.duration / dt, 1)
        default: return (pop.spikesPerSecond ?? network.spikesPerSecond) * dt / 1000
        }
    }

    private static func predictedCycles(core c: Int, slices: [CoreSlice], matrices: [SynapticMatrix], rates: [Double], network: NetworkSpec, machine: MachineDescription) -> Double {
        let s = slices[c]
        let costs = machine.costs
        let perAtom: Int
        switch network.populations[s.population].model {
        case .ifCurrExp, .ifCurrAlpha, .ifCurrDelta, .ifCondExp, .ifCondAlpha: perAtom = costs.lifNeuronCycles
        case .izhikevich: perAtom = costs.izhikevichNeuronCycles
        case .spikeSourceArray, .spikeSourcePoisson, .spikeInjector: perAtom = costs.sourceAtomCycles
        }
        var packets = 0.0, events = 0.0
        let m = matrices[c]
        for e in m.entries {
            let source = Int(e.key >> UInt32(KeyAllocator.indexBits(machine)))
            for r in 0..<Int(e.rows) {
                packets += rates[source]
                events += rates[source] * Double(m.row(e, r).count)
            }
        }
        return Double(costs.tickOverheadCycles + perAtom * s.count) + packets * Double(costs.rowCycles) + events * Double(costs.synapticEventCycles)
    }

    /// Initial values per population and state variable, drawn from stream (seed, population, variable).
    private static func initialStates(_ network: NetworkSpec) -> [[[Double]]] {
        network.populations.enumerated().map { p, pop in
            pop.model.stateVariables.enumerated().map { v, name in
                let spec = pop.initial[name] ?? .constant(pop.model.defaultInitialValue(name, parameters: pop.parameters))
                var rng = RandomStream(seed: network.seed, stream: [0x494E_4954, UInt64(p), UInt64(v)])
                return (0..<pop.size).map { _ in spec.draw(&rng) }
            }
        }
    }

    private static func sourceEvents(_ s: CoreSlice, network: NetworkSpec) -> [SourceEvent] {
        let pop = network.populations[s.population]
        guard pop.model == .spikeSourceArray else { return [] }
        var events: [SourceEvent] = []
        for i in 0..<s.count {
            for t in pop.spikeTimes[s.firstNeuron + i] {
                let tick = (t / network.timestep).rounded()
                if tick < Double(UInt32.max) { events.append(SourceEvent(tick: UInt32(tick), neuron: UInt16(i))) }
            }
        }
        return events.sorted()
    }
}
