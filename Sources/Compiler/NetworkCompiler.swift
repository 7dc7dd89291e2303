import ChipSim
import Foundation

/// The result of compiling a network: the chip image and the mapping report.
public struct Compilation: Sendable {
    public var image: ChipImage
    public var report: MappingReport
}

/// Lowers a network onto a machine: partition → place → allocate keys → expand connectors →
/// build synaptic matrices and master population tables → route → remove default routes →
/// emit the image. Each pass is a separate step over the core slices; the same network and
/// seed give the same image, byte for byte.
public enum NetworkCompiler {
    /// Spikes per second assumed of a neuron when sizing ring-buffer weights (sPyNNaker's
    /// `spikes_per_second` default).
    public static let assumedNeuronRateHz = 30.0

    public static func compile(_ network: NetworkSpec, target machine: MachineDescription) throws -> Compilation {
        var slices = try Partitioner.partition(network, machine: machine)
        Placer.place(&slices, machine: machine)
        try KeyAllocator.allocate(&slices, machine: machine)

        let coresOf = coresByPopulation(slices, count: network.populations.count)
        let rates = slices.map { expectedSpikesPerTick($0, network: network) }

        // Expand every projection into the incoming lists of its target cores.
        var incoming = [[IncomingSynapse]](repeating: [], count: slices.count)
        var counts = ExpansionCounts()
        for k in network.projections.indices {
            let p = network.projections[k]
            let preCores = coresOf[p.pre.population], postCores = coresOf[p.post.population]
            let coreSize = machine.maxNeuronsPerCore
            let conductanceScale = network.populations[p.post.population].model.isConductanceBased
                ? Double(1 << SynapticMatrix.conductanceScaleBits) : 1
            var expansion = ConnectorExpansion(network: network, projectionIndex: k)
            expansion.expand { s in
                let preNeuron = p.pre.range.lowerBound + Int(s.pre), postNeuron = p.post.range.lowerBound + Int(s.post)
                let source = preCores[preNeuron / coreSize], dest = postCores[postNeuron / coreSize]
                incoming[dest].append(IncomingSynapse(
                    sourceCore: Int32(source), sourceIndex: UInt16(preNeuron - slices[source].firstNeuron),
                    target: UInt16(postNeuron - slices[dest].firstNeuron), type: UInt8(p.receptor.rawValue),
                    delayTicks: s.delayTicks, projection: UInt16(truncatingIfNeeded: k),
                    weight: s.weight * conductanceScale, rawWeight: s.weight))
            }
            counts.weightsClipped += expansion.counts.weightsClipped
            counts.delaysClipped += expansion.counts.delaysClipped
        }

        var matrices: [SynapticMatrix] = []
        var stats: [MatrixStats] = []
        var targets = [[Int]](repeating: [], count: slices.count)
        for c in slices.indices {
            let (m, s) = try SynapticMatrixBuilder.build(core: c, slices: slices, incoming: incoming[c], spikesPerTick: rates, machine: machine, network: network)
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
        let budget = machine.clockHz * network.timestep / 1000
        let report = MappingReport(
            network: network.name, target: machine.name, timestepMs: network.timestep,
            chipsUsed: Set(slices.map(\.location.chip)).count, coresUsed: slices.count,
            neurons: network.populations.reduce(0) { $0 + $1.size }, synapses: stats.reduce(0) { $0 + $1.synapses },
            maxRoutingEntries: routing.map(\.entries.count).max() ?? 0, routingEntryLimit: machine.routerEntries,
            defaultRoutesRemoved: before - after, delayExtensionCores: 0,
            weightsRoundedToZero: stats.reduce(0) { $0 + $1.weightsRoundedToZero },
            weightsClipped: counts.weightsClipped, delaysClipped: counts.delaysClipped,
            maxRowLength: stats.map(\.maxRowLength).max() ?? 0,
            maxPredictedLoad: 0,
            populations: network.populations.enumerated().map { p, pop in
                MappingReport.Population(name: pop.name, model: pop.model.rawValue, size: pop.size, cores: coresOf[p].map { slices[$0].location.description })
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
        var finalReport = report
        finalReport.maxPredictedLoad = report.cores.map(\.predictedLoad).max() ?? 0
        let image = ChipImage(
            machine: machine,
            network: NetworkInfo(name: network.name, timestepMs: network.timestep, durationMs: network.duration, seed: network.seed),
            populations: populations, cores: cores, routingTables: routing, mappingReport: finalReport.json())
        return Compilation(image: image, report: finalReport)
    }

    private static func coresByPopulation(_ slices: [CoreSlice], count: Int) -> [[Int]] {
        var result = [[Int]](repeating: [], count: count)
        for (c, s) in slices.enumerated() { result[s.population].append(c) }
        return result
    }

    /// Expected spikes per tick of one atom of the core's population (the busiest one for arrays).
    private static func expectedSpikesPerTick(_ s: CoreSlice, network: NetworkSpec) -> Double {
        let pop = network.populations[s.population]
        let dt = network.timestep
        switch pop.model {
        case .spikeSourcePoisson: return pop.parameters["rate"]! * dt / 1000
        case .spikeSourceArray:
            let busiest = pop.spikeTimes[s.firstNeuron..<(s.firstNeuron + s.count)].map(\.count).max() ?? 0
            return Double(busiest) / max(network.duration / dt, 1)
        default: return assumedNeuronRateHz * dt / 1000
        }
    }

    private static func predictedCycles(core c: Int, slices: [CoreSlice], matrices: [SynapticMatrix], rates: [Double], network: NetworkSpec, machine: MachineDescription) -> Double {
        let s = slices[c]
        let costs = machine.costs
        let perAtom: Int
        switch network.populations[s.population].model {
        case .ifCurrExp, .ifCondExp: perAtom = costs.lifNeuronCycles
        case .izhikevich: perAtom = costs.izhikevichNeuronCycles
        case .spikeSourceArray, .spikeSourcePoisson: perAtom = costs.sourceAtomCycles
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
