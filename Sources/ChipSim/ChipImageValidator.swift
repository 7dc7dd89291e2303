/// Checks that a decoded image is internally consistent, so that a crafted or damaged image
/// whose checksums still match is refused with a message instead of crashing the runtime.
enum ChipImageValidator {
    static func validate(_ image: ChipImage) throws {
        func fail(_ id: String, _ why: String) -> ChipImageError {
            .malformedSection(ChipImageCodec.name(id), why)
        }
        let m = image.machine
        if let problem = m.problem { throw fail("MACH", problem) }
        guard image.cores.count <= IdealTimingEngine.maxCores else {
            throw fail("CORE", "\(image.cores.count) cores; the simulator addresses at most \(IdealTimingEngine.maxCores)")
        }
        let n = image.network
        guard n.timestepMs >= TimeSteps.minTimestepMs, n.timestepMs <= TimeSteps.maxTimestepMs, n.durationMs >= 0,
              (n.durationMs / n.timestepMs).rounded() <= Double(TimeSteps.maxTicks)
        else { throw fail("NETW", "a time step of \(n.timestepMs) ms and a duration of \(n.durationMs) ms; expected \(TimeSteps.minTimestepMs) ms ≤ time step ≤ \(TimeSteps.maxTimestepMs) ms and at most \(TimeSteps.maxTicks) time steps") }
        guard n.timeScaleFactor > 0, n.timeScaleFactor <= NetworkInfo.maxTimeScaleFactor else {
            throw fail("NETW", "a time scale factor of \(n.timeScaleFactor); expected > 0 and ≤ \(NetworkInfo.maxTimeScaleFactor)")
        }
        for (pi, pop) in image.populations.enumerated() {
            if let problem = PopulationInfo.nameProblem(pop.name) { throw fail("POPS", "population name '\(pop.name)' \(problem)") }
            for variable in pop.record where variable != "spikes" && !pop.model.recordables.contains(variable) {
                throw fail("POPS", "population '\(pop.name)' records '\(variable)', which \(pop.model.rawValue) does not have")
            }
            for spec in pop.model.parameters {
                guard let v = pop.parameters[spec.name] else { throw fail("POPS", "population '\(pop.name)' lacks parameter \(spec.name)") }
                guard spec.admits(v) else { throw fail("POPS", "population '\(pop.name)' has \(spec.name) = \(v); expected \(spec.allowed)") }
            }
            for c in pop.cores where c < 0 || c >= image.cores.count || image.cores[c].population != pi {
                throw fail("POPS", "population '\(pop.name)' lists core \(c), which is not one of its cores")
            }
        }
        for (k, projection) in image.projections.enumerated() {
            guard image.populations.indices.contains(projection.pre), image.populations.indices.contains(projection.post),
                  projection.synapses >= 0, projection.weightsRoundedToZero >= 0 else {
                throw fail("PROJ", "projection \(k) ('\(projection.label)') names a population the image lacks or counts below zero")
            }
        }
        for (ci, core) in image.cores.enumerated() {
            guard core.population >= 0, core.population < image.populations.count else {
                throw fail("CORE", "core \(ci) belongs to population \(core.population), the image has \(image.populations.count)")
            }
            let pop = image.populations[core.population]
            guard core.neuronCount > 0, core.neuronCount <= m.maxNeuronsPerCore, core.firstNeuron >= 0,
                  core.firstNeuron + core.neuronCount <= pop.size else {
                throw fail("CORE", "core \(ci) holds neurons \(core.firstNeuron)..<\(core.firstNeuron + core.neuronCount) of a population of \(pop.size)")
            }
            guard m.exists(core.location.chip), core.location.processor >= m.monitorCoresPerChip, core.location.processor < m.coresPerChip else {
                throw fail("CORE", "core \(ci) sits at \(core.location), which is not an application core of the machine")
            }
            guard core.initialState.count == pop.model.stateVariables.count,
                  core.initialState.allSatisfy({ $0.count == core.neuronCount && $0.allSatisfy(\.isFinite) }) else {
                throw fail("INIT", "core \(ci) has \(core.initialState.count) state arrays, its model needs \(pop.model.stateVariables.count) of \(core.neuronCount) finite values")
            }
            for e in core.sourceEvents where Int(e.neuron) >= core.neuronCount {
                throw fail("SRCE", "core \(ci) has an event for neuron \(e.neuron) of \(core.neuronCount)")
            }
            if pop.model.isSource, !core.synapses.entries.isEmpty {
                throw fail("SYNM", "core \(ci) is a spike source and has a master population table")
            }
            try validate(core.synapses, core: ci, neurons: core.neuronCount, machine: m, fail: fail)
        }
        for t in image.routingTables {
            guard m.exists(t.chip) else { throw fail("ROUT", "a table for chip \(t.chip), which the machine does not have") }
            for e in t.entries where e.route >> UInt32(6 + m.coresPerChip) != 0 {
                throw fail("ROUT", "an entry on chip \(t.chip) routes to a core the chip does not have")
            }
        }
    }

    private static func validate(_ s: SynapticMatrix, core ci: Int, neurons: Int, machine m: MachineDescription,
                                 fail: (String, String) -> ChipImageError) throws {
        guard s.indexBits >= 0, s.indexBits <= 16, (1 << s.indexBits) >= neurons, s.slotBits >= 0,
              s.slotBits + SynapticMatrix.typeBits + s.indexBits <= m.ringBufferIndexBits,
              s.slotBits <= 16 - SynapticMatrix.typeBits - s.indexBits, s.shifts.count == 2,
              s.shifts.allSatisfy({ abs(Int($0)) <= 16 }), s.weights.count == s.words.count else {
            throw fail("SYNM", "core \(ci) has an impossible ring-buffer layout or weight table")
        }
        guard s.rowStarts.first == 0, s.rowStarts.last.map(Int.init) == s.words.count,
              zip(s.rowStarts, s.rowStarts.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw fail("SYNM", "core \(ci)'s row starts do not run from 0 to its \(s.words.count) synapse words")
        }
        var nextRow = 0
        for (k, e) in s.entries.enumerated() {
            if k > 0, s.entries[k - 1].key >= e.key { throw fail("SYNM", "core \(ci)'s master population table is not sorted") }
            guard Int(e.firstRow) == nextRow, Int(e.firstRow) + Int(e.rows) < s.rowStarts.count, e.rows >= 1,
                  Int(e.rows) - 1 <= Int(~e.mask) else {
                throw fail("SYNM", "core \(ci)'s table entry \(k) points past its synaptic matrix")
            }
            nextRow += Int(e.rows)
            for r in 0..<Int(e.rows) {
                let range = s.row(e, r)
                guard range.count <= Int(e.rowLength) else { throw fail("SYNM", "core \(ci) has a row of \(range.count) synapses in a block of row length \(e.rowLength)") }
                for w in s.words[range] where Int(w & ((1 << UInt32(s.indexBits)) - 1)) >= neurons {
                    throw fail("SYNM", "core \(ci) has a synapse onto neuron \(w & 0xFFFF) of \(neurons)")
                }
            }
        }
        guard nextRow == s.rowStarts.count - 1 else { throw fail("SYNM", "core \(ci) has rows that no table entry covers") }
    }
}
