/// Checks that a decoded image is a whole, consistent machine program, so that a crafted or
/// damaged image whose checksums still match is refused with a message instead of crashing the
/// runtime or running as something else. Every limit the compiler enforces is enforced here too:
///
/// * each field: counts, ranges, finite numbers (parameters, initial state, float weights);
/// * uniqueness: population names, processors, key blocks, routing tables per chip;
/// * coverage: every population's neurons by exactly its cores, in order, each core listed once;
/// * capacity: neurons per core, ring-buffer index bits, row lengths, router entries, SDRAM per chip;
/// * routing: every core with synapses downstream is routed to every core whose master
///   population table expects it (a muted core is an error, not a silent run);
/// * order: master population tables and spike-source events sorted.
///
/// The synaptic matrices, most of the work (every row length and synapse word is read), are
/// checked core by core on `workers` threads (``ParallelIndices``); each core's finding is
/// thrown where a check in order would reach it, so an image gets the same message however many
/// threads check it.
enum ChipImageValidator {
    static func validate(_ image: ChipImage, workers: Int = 1) throws {
        func fail(_ id: String, _ why: String) -> ChipImageError {
            .malformedSection(ChipImageCodec.name(id), why)
        }
        let m = image.machine
        if let problem = m.problem { throw fail("MACH", problem) }
        guard image.cores.count <= IdealTimingEngine.maxCores else {
            throw fail("CORE", "\(image.cores.count) cores; the simulator addresses at most \(IdealTimingEngine.maxCores)")
        }
        try validateNetwork(image.network, fail: fail)
        if let ci = image.cores.indices.first(where: { !image.populations.indices.contains(image.cores[$0].population) }) {
            throw fail("CORE", "core \(ci) belongs to population \(image.cores[ci].population), the image has \(image.populations.count)")
        }
        try validatePopulations(image, fail: fail)
        for (k, projection) in image.projections.enumerated() {
            guard image.populations.indices.contains(projection.pre), image.populations.indices.contains(projection.post),
                  projection.synapses >= 0, projection.weightsRoundedToZero >= 0 else {
                throw fail("PROJ", "projection \(k) ('\(projection.label)') names a population the image lacks or counts below zero")
            }
        }
        try validateCores(image, workers: workers, fail: fail)
        try validateRouting(image, fail: fail)
        try validateCrossbar(image, fail: fail)
    }

    /// A crossbar image: settings a tile can be built with, and crossbar cores whose tiles can be
    /// programmed (full-precision weights) and that learn nothing (no plastic synapses).
    private static func validateCrossbar(_ image: ChipImage, fail: (String, String) -> ChipImageError) throws {
        guard let settings = image.machine.crossbar else { return }
        if let problem = settings.problem { throw fail("XBAR", "the crossbar settings have \(problem)") }
        for c in image.cores.indices where CrossbarCoreMatrix.isCrossbarCore(image, c) {
            let m = image.cores[c].synapses
            if !m.entries.isEmpty, m.floatWeights.isAbsent {
                throw fail("XBAR", "crossbar core \(c) (\(image.cores[c].location)) has no full-precision weights to program its tiles with")
            }
            if !m.plasticWords.isEmpty {
                throw fail("XBAR", "crossbar core \(c) (\(image.cores[c].location)) has plastic synapses; crossbar tiles do not learn")
            }
        }
    }

    private static func validateNetwork(_ n: NetworkInfo, fail: (String, String) -> ChipImageError) throws {
        guard n.timestepMs >= TimeSteps.minTimestepMs, n.timestepMs <= TimeSteps.maxTimestepMs, n.durationMs >= 0,
              (n.durationMs / n.timestepMs).rounded() <= Double(TimeSteps.maxTicks)
        else { throw fail("NETW", "a time step of \(n.timestepMs) ms and a duration of \(n.durationMs) ms; expected \(TimeSteps.minTimestepMs) ms ≤ time step ≤ \(TimeSteps.maxTimestepMs) ms and at most \(TimeSteps.maxTicks) time steps") }
        guard n.timeScaleFactor > 0, n.timeScaleFactor <= NetworkInfo.maxTimeScaleFactor else {
            throw fail("NETW", "a time scale factor of \(n.timeScaleFactor); expected > 0 and ≤ \(NetworkInfo.maxTimeScaleFactor)")
        }
    }

    private static func validatePopulations(_ image: ChipImage, fail: (String, String) -> ChipImageError) throws {
        var names: Set<String> = []
        var owner = [Int](repeating: -1, count: image.cores.count)
        for (pi, pop) in image.populations.enumerated() {
            if let problem = PopulationInfo.nameProblem(pop.name) { throw fail("POPS", "population name '\(pop.name)' \(problem)") }
            guard names.insert(pop.name).inserted else { throw fail("POPS", "two populations are named '\(pop.name)'") }
            guard pop.size > 0, pop.size <= 1 << 24 else { throw fail("POPS", "population '\(pop.name)' has size \(pop.size); expected 1...\(1 << 24)") }
            for variable in pop.record where variable != "spikes" && !pop.model.recordables.contains(variable) {
                throw fail("POPS", "population '\(pop.name)' records '\(variable)', which \(pop.model.rawValue) does not have")
            }
            for spec in pop.model.parameters {
                guard let v = pop.parameters[spec.name] else { throw fail("POPS", "population '\(pop.name)' lacks parameter \(spec.name)") }
                guard spec.admits(v) else { throw fail("POPS", "population '\(pop.name)' has \(spec.name) = \(v); expected \(spec.allowed)") }
            }
            if pop.model == .spikeSourcePoisson, pop.parameters["rate"]! * image.network.timestepMs / 1000 > PoissonLimits.maxSpikesPerTick {
                throw fail("POPS", "population '\(pop.name)' draws more than \(Int(PoissonLimits.maxSpikesPerTick)) spikes per atom and tick")
            }
            // Its cores: each its own, listed once, covering 0 ..< size in order without gaps.
            var next = 0
            for c in pop.cores {
                guard c >= 0, c < image.cores.count, image.cores[c].population == pi else {
                    throw fail("POPS", "population '\(pop.name)' lists core \(c), which is not one of its cores")
                }
                guard owner[c] < 0 else { throw fail("POPS", "population '\(pop.name)' lists core \(c) twice") }
                owner[c] = pi
                guard image.cores[c].firstNeuron == next else {
                    throw fail("POPS", "population '\(pop.name)': core \(c) starts at neuron \(image.cores[c].firstNeuron), expected \(next) (its cores must cover its neurons once, in order)")
                }
                next += image.cores[c].neuronCount
            }
            guard next == pop.size else {
                throw fail("POPS", "population '\(pop.name)' of \(pop.size) neurons: its cores hold \(next)")
            }
        }
        if let c = owner.indices.first(where: { owner[$0] < 0 && image.cores[$0].delayExtension == nil }) {
            throw fail("CORE", "core \(c) belongs to no population's core list and is not a delay extension")
        }
    }

    private static func validateCores(_ image: ChipImage, workers: Int, fail: (String, String) -> ChipImageError) throws {
        let m = image.machine
        let matrixProblems = ParallelIndices.map(image.cores.count, workers: workers) { ci -> ChipImageError? in
            let core = image.cores[ci]
            do throws(ChipImageError) {
                try validate(core.synapses, core: ci, neurons: core.neuronCount, machine: m, fail: fail)
                return nil
            } catch {
                return error
            }
        }
        var processors: Set<CoreLocation> = []
        var sdram: [ChipCoordinate: Int] = [:]
        var keyBlocks: [(base: UInt32, last: UInt32, core: Int)] = []
        for (ci, core) in image.cores.enumerated() {
            let pop = image.populations[core.population]
            guard core.neuronCount > 0, core.neuronCount <= m.maxNeuronsPerCore, core.firstNeuron >= 0,
                  core.firstNeuron + core.neuronCount <= pop.size else {
                throw fail("CORE", "core \(ci) holds neurons \(core.firstNeuron)..<\(core.firstNeuron + core.neuronCount) of a population of \(pop.size)")
            }
            guard m.applicationProcessors(on: core.location.chip).contains(core.location.processor) else {
                throw fail("CORE", "core \(ci) sits at \(core.location), which is not a working application core of the machine")
            }
            if let d = core.delayExtension {
                guard d.source >= 0, d.source < image.cores.count, d.source != ci, d.stage >= 1, d.stageTicks >= 1,
                      d.stageTicks <= TimeSteps.maxTicks, image.cores[d.source].population == core.population else {
                    throw fail("CORE", "delay-extension core \(ci) relays from core \(d.source) at stage \(d.stage) of \(d.stageTicks) ticks, which the image does not have")
                }
            }
            guard processors.insert(core.location).inserted else { throw fail("CORE", "two cores sit on processor \(core.location)") }
            // The key block: the mask covers every neuron's key.
            let span = ~core.keyMask
            guard core.keyBase & span == 0, UInt64(core.neuronCount) <= UInt64(span) + 1 else {
                throw fail("CORE", "core \(ci)'s key \(hex(core.keyBase)) and mask \(hex(core.keyMask)) do not give its \(core.neuronCount) neurons keys of their own")
            }
            keyBlocks.append((core.keyBase, core.keyBase | span, ci))
            let variables = core.delayExtension == nil ? pop.model.stateVariables.count : 0
            guard core.initialState.count == variables,
                  core.initialState.allSatisfy({ $0.count == core.neuronCount && $0.allSatisfy(\.isFinite) }) else {
                throw fail("INIT", "core \(ci) has \(core.initialState.count) state arrays, it needs \(variables) of \(core.neuronCount) finite values")
            }
            for (k, e) in core.sourceEvents.enumerated() {
                guard Int(e.neuron) < core.neuronCount else { throw fail("SRCE", "core \(ci) has an event for neuron \(e.neuron) of \(core.neuronCount)") }
                if k > 0, e < core.sourceEvents[k - 1] { throw fail("SRCE", "core \(ci)'s events are not sorted by tick and neuron") }
            }
            if !core.sourceEvents.isEmpty, pop.model != .spikeSourceArray || core.delayExtension != nil {
                throw fail("SRCE", "core \(ci) is a \(pop.model.rawValue), not a spike source array, and has events")
            }
            if pop.model.isSource, core.delayExtension == nil, !core.synapses.entries.isEmpty {
                throw fail("SYNM", "core \(ci) is a spike source and has a master population table")
            }
            if let problem = matrixProblems[ci] { throw problem }
            for (k, p) in core.synapses.plasticWords.enumerated() {
                guard Int(p.word) < core.synapses.words.count, k == 0 || p.word > core.synapses.plasticWords[k - 1].word,
                      Int(p.projection) < image.projections.count, let rule = image.projections[Int(p.projection)].plasticity,
                      rule.problem == nil, image.projections[Int(p.projection)].post == core.population, core.delayExtension == nil else {
                    throw fail("PLAS", "core \(ci)'s plastic synapse \(k) (word \(p.word), projection \(p.projection)) names no plastic projection onto its population or no word of its matrix, or is out of order")
                }
            }
            let dtcm = m.memory.bytesNeeded(neurons: core.neuronCount, keepsNeuronState: core.delayExtension == nil,
                                            ringEntries: core.synapses.ringEntries, tableEntries: core.synapses.entries.count)
            guard dtcm <= m.memory.dtcmBytes else {
                throw fail("SYNM", "core \(ci) needs \(dtcm) bytes of DTCM (ring buffer, neuron state, master population table); a core has \(m.memory.dtcmBytes)")
            }
            sdram[core.location.chip, default: 0] += core.synapses.sdramBytes
        }
        keyBlocks.sort { $0.base < $1.base }
        for (a, b) in zip(keyBlocks, keyBlocks.dropFirst()) where b.base <= a.last {
            throw fail("CORE", "cores \(a.core) and \(b.core) share keys (\(hex(a.base)) and \(hex(b.base)))")
        }
        for (chip, bytes) in sdram where bytes > m.sdramBytesPerChip {
            throw fail("SYNM", "the synaptic matrices of chip \(chip) need \(bytes) bytes of SDRAM; the chip has \(m.sdramBytesPerChip)")
        }
    }

    private static func validate(_ s: SynapticMatrix, core ci: Int, neurons: Int, machine m: MachineDescription,
                                 fail: (String, String) -> ChipImageError) throws(ChipImageError) {
        guard s.indexBits >= 0, s.indexBits <= 16, (1 << s.indexBits) >= neurons, s.slotBits >= 0,
              s.slotBits + SynapticMatrix.typeBits + s.indexBits <= m.ringBufferIndexBits,
              s.slotBits <= 16 - SynapticMatrix.typeBits - s.indexBits, s.shifts.count == 2,
              s.shifts.allSatisfy({ abs(Int($0)) <= 16 }) else {
            throw fail("SYNM", "core \(ci) has an impossible ring-buffer layout")
        }
        guard s.rows.words == s.words.count else {
            throw fail("SYNM", "core \(ci)'s rows hold \(s.rows.words) synapse words, its matrix \(s.words.count)")
        }
        try validateFloatWeights(s, core: ci, fail: fail)
        var nextRow = 0
        for (k, e) in s.entries.enumerated() {
            if k > 0, s.entries[k - 1].key >= e.key { throw fail("SYNM", "core \(ci)'s master population table is not sorted") }
            guard Int(e.firstRow) == nextRow, Int(e.firstRow) + Int(e.rows) <= s.rows.count, e.rows >= 1,
                  Int(e.rows) - 1 <= Int(~e.mask), e.key & ~e.mask == 0 else {
                throw fail("SYNM", "core \(ci)'s table entry \(k) points past its synaptic matrix")
            }
            guard Int(e.rowLength) <= m.maxRowWords else {
                throw fail("SYNM", "core \(ci)'s table entry \(k) has rows of \(e.rowLength) words; the target's rows hold \(m.maxRowWords)")
            }
            nextRow += Int(e.rows)
            let longest = s.rows.longest(in: Int(e.firstRow)..<Int(e.firstRow) + Int(e.rows))
            guard longest <= Int(e.rowLength) else {
                throw fail("SYNM", "core \(ci) has a row of \(longest) synapses in a block of row length \(e.rowLength)")
            }
        }
        guard nextRow == s.rows.count else { throw fail("SYNM", "core \(ci) has rows that no table entry covers") }
        // The rows cover every word once: their targets are checked in one pass, the largest
        // index first (a reduction the compiler vectorizes), the culprit only if it is too large.
        let indexMask = UInt32(1 << s.indexBits - 1)
        let largest = s.words.withUnsafeWords { words in (0..<words.count).reduce(0) { max($0, words[$1] & indexMask) } }
        if Int(largest) >= neurons, let w = s.words.first(where: { Int($0 & indexMask) >= neurons }) {
            throw fail("SYNM", "core \(ci) has a synapse onto neuron \(w & indexMask) of \(neurons)")
        }
    }

    private static func validateFloatWeights(_ s: SynapticMatrix, core ci: Int, fail: (String, String) -> ChipImageError) throws(ChipImageError) {
        func check(_ values: [Double]) throws(ChipImageError) {
            if let bad = values.firstIndex(where: { !($0.isFinite && abs($0) <= 1e9) }) {
                throw fail("SYNM", "core \(ci) has the weight \(values[bad]) at \(bad); expected a finite value within ±1e9")
            }
        }
        switch s.floatWeights {
        case .absent: return
        case .perWord(let weights):
            guard weights.count == s.words.count else {
                throw fail("SYNM", "core \(ci) has \(weights.count) float weights for \(s.words.count) synapse words")
            }
            try check(weights)
        case .byWeightField(let table):
            guard table.keys.count == table.values.count, zip(table.keys, table.keys.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw fail("SYNM", "core \(ci)'s weight table is not sorted by its keys")
            }
            try check(table.values)
            // Consecutive words mostly share a weight: search only when the key changes.
            let missing: UInt32? = s.words.withUnsafeWords { words in
                var checked: UInt32?
                for k in 0..<words.count {
                    let key = SynapticMatrix.weightKey(words[k], indexBits: s.indexBits)
                    if key == checked { continue }
                    guard table.index(of: key) != nil else { return words[k] }
                    checked = key
                }
                return nil
            }
            if let w = missing { throw fail("SYNM", "core \(ci)'s weight table has no weight for the synapse word \(hex(w))") }
        }
    }

    private static func validateRouting(_ image: ChipImage, fail: (String, String) -> ChipImageError) throws {
        let m = image.machine
        var chips: Set<ChipCoordinate> = []
        for t in image.routingTables {
            guard m.exists(t.chip) else { throw fail("ROUT", "a table for chip \(t.chip), which the machine does not have") }
            guard chips.insert(t.chip).inserted else { throw fail("ROUT", "two tables for chip \(t.chip)") }
            guard t.entries.count <= m.routerEntries else {
                throw fail("ROUT", "chip \(t.chip) has \(t.entries.count) routing entries; its router holds \(m.routerEntries)")
            }
            for e in t.entries {
                if e.route >> UInt32(6 + m.coresPerChip) != 0 { throw fail("ROUT", "an entry on chip \(t.chip) routes to a core the chip does not have") }
                if e.key & ~e.mask != 0 { throw fail("ROUT", "an entry on chip \(t.chip) has key \(hex(e.key)) with bits outside its mask \(hex(e.mask)), which no packet matches") }
            }
        }
        // Every master population table entry must be reached by its source's packets.
        var coreByKey: [UInt32: Int] = [:]
        for (c, core) in image.cores.enumerated() { coreByKey[core.keyBase] = c }
        let routes = image.packetRoutes
        for (c, core) in image.cores.enumerated() {
            let reaching = Set(routes.incoming[c])
            for e in core.synapses.entries {
                guard let source = coreByKey[e.key] else {
                    throw fail("SYNM", "core \(c)'s table entry for key \(hex(e.key)) names no core of the image")
                }
                guard reaching.contains(source) else {
                    throw fail("ROUT", "core \(source) (\(image.cores[source].location)) has synapses onto core \(c) (\(core.location)), but no route brings its packets there")
                }
            }
        }
    }

    private static func hex(_ v: UInt32) -> String {
        "0x" + String(v, radix: 16, uppercase: false).leftPadded(to: 8)
    }
}

private extension String {
    func leftPadded(to n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
