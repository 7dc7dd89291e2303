import ChipSim
import Foundation

/// The result of compiling a network: the chip image, the mapping report, and what the user
/// should know about what was accepted.
public struct Compilation: Sendable {
    public var image: ChipImage
    public var report: MappingReport
    /// Warnings from reading the network and from mapping it (weights that round to zero, say).
    public var warnings: [Diagnostic]
    /// Wall-clock seconds of each compiler phase, in order (not part of the image or report,
    /// which do not depend on how long anything took).
    public var phaseSeconds: [(phase: String, seconds: Double)]
}

/// How to compile, beyond the network and the target.
public struct CompileOptions: Sendable {
    /// Keep the full-precision weights `float64` runs add, where the 16-bit ones lose them.
    /// Default true; false makes an image for `s1615` runs only, about 4 bytes per synapse.
    public var floatWeights = true
    /// Draw the synapses on every core of the host (Dispatch's concurrentPerform). Default true;
    /// the image is the same byte for byte either way.
    public var parallel = true
    /// The most memory compiling may take, bytes; nil takes ``HostMemory/defaultBudget``.
    public var maxMemory: Int?

    public init(floatWeights: Bool = true, parallel: Bool = true, maxMemory: Int? = nil) {
        self.floatWeights = floatWeights
        self.parallel = parallel
        self.maxMemory = maxMemory
    }
}

/// Lowers a network onto a machine:
///
/// 1. partition: populations into cores within DTCM and row limits (``Partitioner``);
/// 2. census: every synapse drawn once and counted into its row (``SynapseCensus``);
/// 3. delay extensions for delays beyond the ring buffers (``DelayExtensionPlanner``), keys
///    (``KeyAllocator``), each core's matrix laid out (``MatrixLayout``);
/// 4. placement (``Placer``), multicast routes (``MulticastRouter``), tables minimised
///    (``RoutingTableCompressor``) and checked (``RouteCheck``) — on each machine offered, in
///    order, until one holds the network (`--target auto`);
/// 5. fill: every synapse drawn again and written in place (``SynapseFill``);
/// 6. the image and the mapping report.
///
/// The same network and seed give the same image, byte for byte, whatever the number of threads.
public enum NetworkCompiler {
    /// The step convention of networks that do not name one: every target Neurite models is
    /// SpiNNaker-style, so what sPyNNaker runs on the machine.
    public static let defaultStepConvention = StepConvention.spinnaker

    /// Pieces the synapse passes are cut into (fixed, so that the image never depends on threads).
    static let expansionPieces = 64

    /// Compiles onto one machine. `maxMemory` bounds the compiler's memory (default
    /// ``HostMemory/defaultBudget``); a network whose synapses would not fit it, or the machine's
    /// SDRAM, is refused before any is drawn.
    public static func compile(_ network: NetworkSpec, target machine: MachineDescription, maxMemory: Int? = nil) throws -> Compilation {
        try compile(network, targets: [machine], options: CompileOptions(maxMemory: maxMemory))
    }

    /// Compiles onto the first of `targets` that holds the network (all must share the settings
    /// of a core: neurons, ring buffer, rows, DTCM). With more than one target the report says
    /// the target was chosen (`auto`).
    public static func compile(_ network: NetworkSpec, targets: [MachineDescription], options: CompileOptions = CompileOptions()) throws -> Compilation {
        precondition(!targets.isEmpty, "no target to compile onto")
        if targets[0].crossbar != nil { try CrossbarMapping.check(network, options: options) }
        var clock = PhaseClock()
        var caps: [Int: Int] = [:]
        var laid: Layout
        var replans = 0
        while true {
            do {
                laid = try layOut(network, targets: targets, caps: caps, options: options, clock: &clock)
                break
            } catch let full as CoreTooFull {
                // The estimate fell short: cores of at most half as many neurons for that
                // population, and again.
                guard full.neurons > 1, replans < maxReplans else { throw CompileError([full.diagnostic]) }
                caps[full.population] = (full.neurons + 1) / 2
                replans += 1
            }
        }
        let mapped = try map(slices: laid.slices, layouts: laid.layouts, targetsOf: laid.targetsOf, network: network, machines: targets,
                             clock: &clock)
        let perSynapse = laid.layouts.map { options.floatWeights && $0.weightTable == nil }
        let plasticTargets = Set(network.projections.filter { $0.plasticity != nil }.map(\.post.population))
        let receivesPlastic = mapped.slices.map { $0.delay == nil && plasticTargets.contains($0.population) }
        let fill = SynapseFill(layouts: laid.layouts, perSynapseWeights: perSynapse, receivesPlastic: receivesPlastic)
        let tally = fill.run(network: network, slices: mapped.slices, census: laid.census, layouts: laid.layouts, delays: laid.delays,
                             cores: laid.cores, expanders: laid.expanders, pieces: laid.pieces, parallel: options.parallel)
        clock.lap("fill (synapses drawn and written)")

        let result = assemble(network: network, slices: mapped.slices, plans: laid.plans, layouts: laid.layouts, fill: fill, tally: tally,
                              totals: laid.totals, mapped: mapped, options: options, choice: targets.count > 1 ? "auto" : "given", parallel: options.parallel)
        clock.lap("image and report")
        return Compilation(image: result.image, report: result.report, warnings: network.warnings + result.warnings,
                           phaseSeconds: clock.laps)
    }

    /// Times the compiler cuts a population into smaller cores after a core turned out too full.
    static let maxReplans = 8

    /// Larger machines `--target auto` tries after the first that holds the network's cores but
    /// not its routes.
    static let largerMachinesTried = 3

    /// Everything up to the machine: how populations are cut, the census, delay extensions, keys
    /// and the matrices' layout.
    struct Layout {
        var plans: [PopulationPlan]
        var slices: [CoreSlice]
        var cores: NeuronCores
        var expanders: [ProjectionExpander]
        var pieces: [Range<Int>]
        var census: [SourceCensus]
        var totals: CensusTotals
        var delays: DelayPlan
        var layouts: [CoreLayout]
        /// Per core, the cores whose master population tables take its packets.
        var targetsOf: [[Int]]
    }

    private static func layOut(_ network: NetworkSpec, targets: [MachineDescription], caps: [Int: Int], options: CompileOptions,
                               clock: inout PhaseClock) throws -> Layout {
        let core = targets[0]
        let plans = try Partitioner.plan(network, machine: core, caps: caps)
        try Partitioner.checkCores(network, plans: plans, machines: targets)
        var slices = Partitioner.slices(network, plans: plans)
        let neuronCores = slices.count
        try ExpansionBudget.check(network, plans: plans, machines: targets, floatWeights: options.floatWeights,
                                  maxMemory: options.maxMemory ?? HostMemory.defaultBudget)
        clock.lap("partition")

        let cores = NeuronCores(network: network, plans: plans)
        try checkPlasticDelays(network, cores: cores)
        let expanders = ParallelWork.map(network.projections.count, parallel: options.parallel) {
            ProjectionExpander(network: network, projectionIndex: $0)
        }
        let outgoing = SynapseCensus.outgoing(network)
        let expected = ExpansionBudget.expectedSynapses(network)
        let pieces = ParallelWork.ranges(count: neuronCores, pieces: expansionPieces) { s in
            let p = slices[s].population
            return Int(outgoing[p].reduce(0.0) { $0 + expected[$1] / Double(max(network.projections[$1].pre.count, 1)) } * Double(slices[s].count))
        }
        let (census, totals) = SynapseCensus.run(network: network, slices: slices, cores: cores, expanders: expanders,
                                                 pieces: pieces, parallel: options.parallel)
        clock.lap("census (synapses drawn and counted)")

        let capacity = min(targets.map(\.workingApplicationCores).max()!, IdealTimingEngine.maxCores)
        let delays = try DelayExtensionPlanner.plan(slices: &slices, census: census, cores: cores, machine: core, capacity: capacity,
                                                    network: network)
        try KeyAllocator.allocate(&slices, populations: network.populations.count)
        let layouts = try MatrixLayout.build(network: network, slices: slices, census: census, totals: totals, delays: delays, cores: cores,
                                             machine: core, floatWeights: options.floatWeights, parallel: options.parallel)
        var targetsOf = [[Int]](repeating: [], count: slices.count)
        for (t, layout) in layouts.enumerated() { for s in layout.entrySources { targetsOf[s].append(t) } }
        clock.lap("delay extensions, keys and matrix layout")
        return Layout(plans: plans, slices: slices, cores: cores, expanders: expanders, pieces: pieces, census: census, totals: totals,
                      delays: delays, layouts: layouts, targetsOf: targetsOf)
    }

    /// Plastic rows are learned where their synapses arrive: a plastic synapse whose delay needs
    /// a delay extension (longer than its target's ring) is refused.
    static func checkPlasticDelays(_ network: NetworkSpec, cores: NeuronCores) throws {
        for p in network.projections where p.plasticity != nil {
            let slots = cores.slots[p.post.population]
            let longest = TimeSteps.ticks(p.delay.bounds.1, dt: network.timestep)
            guard longest <= slots else {
                let post = network.populations[p.post.population].name
                throw CompileError([Diagnostic("projection '\(p.label)': STDP synapses with delays up to \(p.delay.bounds.1) ms need \(longest) ring-buffer slots, and the cores of '\(post)' hold \(slots); plastic synapses cannot go through delay extensions: lower neurons_per_core of '\(post)' or the delays", at: p.location)])
            }
        }
    }

    /// Where everything went on the machine that holds the network.
    struct Mapping {
        var machine: MachineDescription
        var slices: [CoreSlice]
        var tables: [RoutingTable]
        var sizes: [MappingReport.RoutingTableSize]
        var defaultRoutesRemoved: Int
    }

    /// Places, routes and minimises on each machine in turn until one holds the network.
    private static func map(slices: [CoreSlice], layouts: [CoreLayout], targetsOf: [[Int]], network: NetworkSpec,
                            machines: [MachineDescription], clock: inout PhaseClock) throws -> Mapping {
        var failure: Diagnostic?
        // Once a machine has the cores and the SDRAM, a few larger ones may still route what it
        // cannot; beyond that more boards do not help.
        var triesLeft = Int.max
        for machine in machines where triesLeft > 0 {
            do {
                var placed = slices
                try Placer.place(&placed, layouts: layouts, network: network, machine: machine)
                clock.lap("placement on \(machine.name)")
                triesLeft = min(triesLeft, largerMachinesTried + 1)
                let planned = try MulticastRouter.tables(slices: placed, targets: targetsOf, machine: machine)
                clock.lap("routing")
                var tables: [RoutingTable] = [], sizes: [MappingReport.RoutingTableSize] = []
                var removed = 0
                var silent: [ChipCoordinate: [(key: UInt32, mask: UInt32)]] = [:]
                for (c, s) in placed.enumerated() where targetsOf[c].isEmpty { silent[s.location.chip, default: []].append((s.keyBase, s.keyMask)) }
                for chip in planned.keys.sorted() {
                    let full = planned[chip]!
                    guard let (entries, compressed) = RoutingTableCompressor.minimise(full, unmatched: silent[chip] ?? [],
                                                                                      limit: machine.routerEntries) else {
                        throw DoesNotFit(diagnostic: tableTooLong(chip, entries: full, slices: placed, network: network, machine: machine))
                    }
                    removed += full.count - full.count { !RoutingTableCompressor.isDefaultRoutable($0) }
                    sizes.append(MappingReport.RoutingTableSize(chip: "\(chip.x),\(chip.y)", before: full.count, after: entries.count,
                                                                compressed: compressed))
                    if !entries.isEmpty { tables.append(RoutingTable(chip: chip, entries: entries)) }
                }
                try RouteCheck.verify(slices: placed, targets: targetsOf, tables: Dictionary(uniqueKeysWithValues: tables.map { ($0.chip, $0) }),
                                      machine: machine, network: network)
                clock.lap("table minimisation and route check")
                return Mapping(machine: machine, slices: placed, tables: tables, sizes: sizes, defaultRoutesRemoved: removed)
            } catch let e as DoesNotFit {
                failure = e.diagnostic
                triesLeft -= 1
            }
        }
        throw CompileError([failure!])
    }

    /// The error for a table that does not fit even compressed: the chip, and the projections
    /// whose packets need the most of its entries.
    private static func tableTooLong(_ chip: ChipCoordinate, entries: [PlannedEntry], slices: [CoreSlice], network: NetworkSpec,
                                     machine: MachineDescription) -> Diagnostic {
        var coreOfKey: [UInt32: Int] = [:]
        for (c, s) in slices.enumerated() { coreOfKey[s.keyBase] = c }
        var byPopulation: [Int: Int] = [:]
        for e in entries { if let c = coreOfKey[e.key] { byPopulation[slices[c].population, default: 0] += 1 } }
        let heavy = byPopulation.sorted { ($0.value, -$0.key) > ($1.value, -$1.key) }
        let named = heavy.prefix(4).flatMap { p, n in
            network.projections.filter { $0.pre.population == p }.prefix(2).map { "'\($0.label)' (\(n) source cores)" }
        }
        return Diagnostic(
            "chip \(chip) needs \(entries.count) routing entries for the packets that cross it, and ordered covering cannot bring them under the \(machine.routerEntries) its router holds; most come from \(named.joined(separator: ", ")): use fewer, larger source cores (a larger neurons_per_core on their populations), fewer projections, or a larger machine over which they spread",
            at: nil)
    }

    private static func assemble(network: NetworkSpec, slices: [CoreSlice], plans: [PopulationPlan], layouts: [CoreLayout],
                                 fill: SynapseFill, tally: SynapseFill.Tally, totals: CensusTotals, mapped: Mapping,
                                 options: CompileOptions, choice: String, parallel: Bool)
        -> (image: ChipImage, report: MappingReport, warnings: [Diagnostic]) {
        let machine = mapped.machine
        let initial = initialStates(network)
        let matrices = ParallelWork.map(slices.count, parallel: parallel) { c -> SynapticMatrix in
            let layout = layouts[c]
            let (words, perWord, plasticWords) = fill.take(core: c)
            let weights: FloatWeights
            if !options.floatWeights {
                weights = .absent
            } else if let table = layout.weightTable {
                weights = .byWeightField(table)
            } else {
                weights = .perWord(perWord)
            }
            var matrix = SynapticMatrix(indexBits: layout.indexBits, slotBits: layout.slotBits, shifts: layout.shifts, entries: layout.entries,
                                        rows: layout.takeRows(), words: SynapseWords(words), floatWeights: weights)
            matrix.plasticWords = plasticWords
            return matrix
        }
        var coresOf = [[Int]](repeating: [], count: network.populations.count)
        for (c, s) in slices.enumerated() where s.delay == nil { coresOf[s.population].append(c) }
        let cores: [CoreImage] = slices.indices.map { c in
            let s = slices[c]
            return CoreImage(
                population: s.population, location: s.location, firstNeuron: s.firstNeuron, neuronCount: s.count,
                keyBase: s.keyBase, keyMask: s.keyMask,
                initialState: s.delay == nil ? initial[s.population].map { Array($0[s.firstNeuron..<(s.firstNeuron + s.count)]) } : [],
                synapses: matrices[c], sourceEvents: s.delay == nil ? sourceEvents(s, network: network) : [], delayExtension: s.delay)
        }
        let populations = network.populations.enumerated().map { p, pop in
            PopulationInfo(name: pop.name, model: pop.model, size: pop.size, parameters: pop.parameters, record: pop.record,
                           liveOutput: pop.liveOutput, cores: coresOf[p])
        }
        let projections = network.projections.enumerated().map { k, p in
            ProjectionInfo(label: p.label, pre: p.pre.population, post: p.post.population, receptor: p.receptor,
                           synapses: totals.synapses[k], weightsRoundedToZero: tally.roundedToZero[k], plasticity: p.plasticity)
        }
        let convention = network.stepConvention ?? defaultStepConvention
        var report = MappingReportBuilder.report(network: network, slices: slices, plans: plans, layouts: layouts, matrices: matrices,
                                                 projections: projections, totals: totals, tally: tally, mapped: mapped,
                                                 floatWeights: options.floatWeights, choice: choice, convention: convention)
        var image = ChipImage(
            machine: machine,
            network: NetworkInfo(name: network.name, timestepMs: network.timestep, durationMs: network.duration, seed: network.seed,
                                 stepConvention: convention, timeScaleFactor: network.timeScaleFactor),
            populations: populations, projections: projections, cores: cores, routingTables: mapped.tables, mappingReport: "")
        if machine.crossbar != nil { report.crossbar = CrossbarMapping.report(image) }
        image.mappingReport = report.json()
        return (image, report, mappingWarnings(network, report: report, slices: slices, matrices: matrices))
    }

    /// The rounding of a projection's weights to 16 bits, as a fraction of their sum, from which
    /// compiling warns: a per cent on every synapse of a recurrent network moves its rates by
    /// several (Brunel's model A: 0.1 mV weights held as 0.1016 mV raised the rates by 5 %).
    static let weightBiasWarning = 0.01

    /// Weights that round to zero, lose more than ``weightBiasWarning`` of their sum to rounding,
    /// or saturate the 16-bit field: by projection, with the settings that fix them.
    private static func mappingWarnings(_ network: NetworkSpec, report: MappingReport, slices: [CoreSlice], matrices: [SynapticMatrix]) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        /// The weight shifts of `spec`'s synapse type on its target population's neuron cores.
        func shifts(_ spec: ProjectionSpec) -> [Int] {
            slices.indices.filter { slices[$0].population == spec.post.population && slices[$0].delay == nil }
                .map { Int(matrices[$0].shifts[spec.receptor.rawValue]) }
        }
        for (k, p) in report.projections.enumerated() where p.weightsRoundedToZero > 0 {
            let spec = network.projections[k]
            let post = network.populations[spec.post.population]
            let resolution = shifts(spec).min().map { " (weight resolution 2^\($0 - 15) \(post.model.weightUnit) there)" } ?? ""
            warnings.append(Diagnostic(
                "\(p.weightsRoundedToZero) of the \(p.synapses) weights of projection '\(p.label)' round to zero in 16 bits on '\(post.name)'\(resolution), where larger weights set the scale: they have no effect on the chip; lower ring_buffer_sigma or spikes_per_second of '\(post.name)', set its min_weights (\(spec.receptor.name): the smallest weight to keep), or give the small weights a population of their own",
                at: spec.location, severity: .warning))
        }
        for (k, p) in report.projections.enumerated() {
            guard let ratio = p.chipWeightRatio, abs(ratio - 1) >= weightBiasWarning else { continue }
            let spec = network.projections[k]
            let post = network.populations[spec.post.population]
            let resolution = shifts(spec).min().map { " at the weight resolution 2^\($0 - 15) \(post.model.weightUnit) of '\(post.name)'" } ?? ""
            warnings.append(Diagnostic(
                "in s1615 the weights of projection '\(p.label)' are \(String(format: "%.1f", abs(ratio - 1) * 100)) % \(ratio > 1 ? "stronger" : "weaker") on the chip than written, rounded\(resolution): rates can move with them; a lower ring_buffer_shifts on '\(post.name)' (\(spec.receptor.name): S) or its min_weights gives a finer resolution",
                at: spec.location, severity: .warning))
        }
        for spec in network.projections {
            guard let rule = spec.plasticity else { continue }
            let post = network.populations[spec.post.population]
            guard let shift = shifts(spec).max() else { continue }
            if let coarse = STDPResolution.problem(rule, weightShift: shift, unit: post.model.weightUnit) {
                warnings.append(Diagnostic(
                    "in s1615 the STDP rule of projection '\(spec.label)' on '\(post.name)' \(coarse); raise A_plus and A_minus, or refine the weight scale of '\(post.name)' (lower ring_buffer_sigma or spikes_per_second, or set ring_buffer_shifts)",
                    at: spec.location, severity: .warning))
            }
        }
        if report.weightsSaturated > 0 {
            warnings.append(Diagnostic(
                "\(report.weightsSaturated) weights exceed the 16-bit range of a ring_buffer_shifts or min_weights override and are clipped to its largest value; raise the shift (or the minimum weight)",
                at: nil, severity: .warning))
        }
        return warnings
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

/// The spike statistics of a projection's source, for sizing ring buffers: its mean rate (Hz)
/// and the most spikes one of its neurons sends in one tick.
struct SourceRates {
    var spikesPerSecond: Double
    var spikesPerTick: Double
}

/// Times the compiler's phases.
struct PhaseClock {
    private var last = DispatchTime.now().uptimeNanoseconds
    private(set) var laps: [(phase: String, seconds: Double)] = []

    mutating func lap(_ phase: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        laps.append((phase, Double(now - last) / 1e9))
        last = now
    }
}
