import ChipSim

/// Builds the mapping report from a finished mapping: per core what it holds and costs, and the
/// predicted cycles per tick at the expected rates, so that a user learns before a run whether
/// every core keeps real time.
enum MappingReportBuilder {
    static func report(network: NetworkSpec, slices: [CoreSlice], plans: [PopulationPlan], layouts: [CoreLayout],
                       matrices: [SynapticMatrix], projections: [ProjectionInfo], totals: CensusTotals, tally: SynapseFill.Tally,
                       mapped: NetworkCompiler.Mapping, floatWeights: Bool, choice: String, convention: StepConvention) -> MappingReport {
        let machine = mapped.machine
        let rates = slices.map { expectedSpikesPerTick($0, network: network) }
        let budget = Double(machine.cycleBudget(timestepMs: network.timestep, timeScaleFactor: network.timeScaleFactor))
        let cores: [MappingReport.Core] = slices.indices.map { c in
            let s = slices[c], layout = layouts[c]
            let (packets, events) = expectedInput(matrix: matrices[c], sources: layout.entrySources, rates: rates)
            let cycles = predictedCycles(slice: s, packets: packets, events: events, network: network, machine: machine)
            return MappingReport.Core(
                location: s.location.description, population: network.populations[s.population].name,
                role: s.delay == nil ? "neurons" : "delay extension", delayStage: s.delay?.stage ?? 0,
                firstNeuron: s.firstNeuron, neurons: s.count, incomingSynapses: layout.synapses,
                masterPopulationEntries: layout.entries.count,
                ringBufferSlots: layout.entries.isEmpty ? 0 : 1 << layout.slotBits, weightShifts: layout.shifts.map(Int.init),
                sdramBytes: layout.sdramBytes, dtcmBytes: layout.dtcmBytes,
                expectedPacketsPerTick: packets, expectedSynapticEventsPerTick: events,
                predictedCycles: cycles, predictedLoad: budget > 0 ? cycles / budget : 0)
        }
        var coresOf = [[Int]](repeating: [], count: network.populations.count)
        for (c, s) in slices.enumerated() where s.delay == nil { coresOf[s.population].append(c) }
        let used = Set(slices.map(\.location.chip))
        let boardsUsed = Set(used.compactMap { machine.board(of: $0) }).count
        let routing = mapped.tables
        return MappingReport(
            network: network.name, target: machine.name, targetChoice: choice, timestepMs: network.timestep,
            stepConvention: convention.rawValue, timeScaleFactor: network.timeScaleFactor,
            boards: machine.boards, boardsUsed: boardsUsed, chipsUsed: used.count, coresUsed: slices.count,
            neurons: network.populations.reduce(0) { $0 + ($1.model.isSource ? 0 : $1.size) },
            sourceAtoms: network.populations.reduce(0) { $0 + ($1.model.isSource ? $1.size : 0) }, synapses: totals.synapses.reduce(0, +),
            maxRoutingEntries: routing.map(\.entries.count).max() ?? 0, routingEntryLimit: machine.routerEntries,
            maxRoutingEntriesBefore: mapped.sizes.map(\.before).max() ?? 0,
            defaultRoutesRemoved: mapped.defaultRoutesRemoved, chipsCompressed: mapped.sizes.count(where: \.compressed),
            delayExtensionCores: slices.count { $0.delay != nil }, delayStages: slices.compactMap { $0.delay?.stage }.max() ?? 0,
            weightsRoundedToZero: tally.roundedToZero.reduce(0, +), weightsSaturated: tally.saturated,
            weightsClipped: totals.counts.weightsClipped, delaysClipped: totals.counts.delaysClipped,
            maxRowLength: layouts.map(\.longestRow).max() ?? 0,
            maxPredictedLoad: cores.map(\.predictedLoad).max() ?? 0,
            floatWeights: floatWeights,
            populations: network.populations.enumerated().map { p, pop in
                MappingReport.Population(name: pop.name, model: pop.model.rawValue, size: pop.size, neuronsPerCore: plans[p].neuronsPerCore,
                                         ringBufferSlots: pop.model.isSource ? 0 : plans[p].slots,
                                         fewerNeuronsPerCoreBecause: plans[p].reason,
                                         cores: coresOf[p].map { slices[$0].location.description })
            },
            projections: projections.enumerated().map { k, p in
                MappingReport.Projection(label: p.label, pre: network.populations[p.pre].name, post: network.populations[p.post].name,
                                         receptor: p.receptor.name, synapses: p.synapses, weightsRoundedToZero: p.weightsRoundedToZero,
                                         chipWeightRatio: tally.writtenWeight[k] > 0 ? tally.chipWeight[k] / tally.writtenWeight[k] : nil)
            },
            cores: cores,
            routingEntries: Dictionary(uniqueKeysWithValues: routing.map { ("\($0.chip.x),\($0.chip.y)", $0.entries.count) }),
            routingTables: mapped.sizes)
    }

    /// Packets and synaptic events per tick a core expects: every source atom whose core reaches
    /// it sends its packets there (one table search and row DMA each, empty rows too), and each
    /// row's synapses are events.
    static func expectedInput(matrix: SynapticMatrix, sources: [Int], rates: [Double]) -> (packets: Double, events: Double) {
        var packets = 0.0, events = 0.0
        for (e, entry) in matrix.entries.enumerated() {
            let rate = rates[sources[e]]
            packets += rate * Double(entry.rows)
            let first = Int(entry.firstRow)
            events += rate * Double(matrix.rows.words(in: first..<first + Int(entry.rows)))
        }
        return (packets, events)
    }

    /// The cost model's cycles for one tick of a core (``CoreCosts``).
    static func predictedCycles(slice s: CoreSlice, packets: Double, events: Double, network: NetworkSpec, machine: MachineDescription) -> Double {
        let costs = machine.costs
        let perAtom: Int
        switch network.populations[s.population].model {
        case _ where s.delay != nil: perAtom = costs.sourceAtomCycles
        case .ifCurrExp, .ifCurrAlpha, .ifCurrDelta, .ifCondExp, .ifCondAlpha: perAtom = costs.lifNeuronCycles
        case .izhikevich: perAtom = costs.izhikevichNeuronCycles
        case .spikeSourceArray, .spikeSourcePoisson, .spikeInjector: perAtom = costs.sourceAtomCycles
        }
        return Double(costs.tickOverheadCycles + perAtom * s.count) + packets * Double(costs.rowCycles) + events * Double(costs.synapticEventCycles)
    }

    /// Expected spikes per tick of one atom of the core's population (the busiest one for arrays),
    /// for the load prediction; a delay extension relays its population's.
    static func expectedSpikesPerTick(_ s: CoreSlice, network: NetworkSpec) -> Double {
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
}
