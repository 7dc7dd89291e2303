import ChipSim
import Foundation

/// The outcome of a run: its summary, provenance and, if collected, its spikes.
public struct RunReport: Sendable {
    public var summary: RunSummary
    public var provenance: RunProvenance
    public var spikes: [RecordedSpike]
    /// Why a live run stopped early (nil for other runs, and for a live run that completed).
    public var liveStop: LiveStopReason?
}

/// Loads an image, runs it and writes the run directory: the one call the CLI makes.
///
/// Before anything is allocated it checks the options, the memory the run needs against the
/// budget and, with a run directory, the size of the traces against the free disk; it replaces
/// an earlier run in the directory only when asked. `summary.json` is written with
/// `"complete": false` when the run starts and replaced when it ends; a run stopped by a signal
/// or a full disk ends at a tick boundary with every file whole and says so in its summary.
public enum Run {
    public static func execute(_ image: ChipImage, options: RunOptions) throws -> RunReport {
        try Simulator.check(image, options: options)
        try RunBudget.checkMemory(image, options: options)
        if let dir = options.outputDirectory {
            try RunDirectory.prepare(dir, replacing: options.replaceEarlierRun)
            try RunBudget.checkDisk(RunBudget.recording(image, ticks: Simulator.ticks(image, options: options)), directory: dir)
        }
        let initialWeights = try options.initialWeights.map { try WeightsFile.read($0, image: image) }
        let simulator = try Simulator(image: image, options: options)
        if let initialWeights, let path = options.initialWeights {
            try WeightsFile.apply(initialWeights, to: simulator.chip, image: image, name: path)
        }
        let recorder = try Recorder(image: image, options: options)
        var live: LiveLink?
        if let liveOptions = options.live {
            guard LiveLink.hasStreams(image) else {
                throw RunError("--live: the network has no SpikeInjector population and no population with live_output: true")
            }
            live = try LiveLink(image: image, options: liveOptions, ticks: simulator.ticks, stop: options.stop)
        }
        let progress = options.showProgress ? ProgressLine.onTerminal(ticks: simulator.ticks, timestepMs: image.network.timestepMs) : nil
        if let live { progress?.clients = { live.server.counters().control.clientsReady - live.server.counters().control.clientsVanished } }
        let summaryFile = options.outputDirectory.map { SummaryFile(path: ($0 as NSString).appendingPathComponent("summary.json")) }
        if let summaryFile {
            let starting = RunTotals(ticks: 0, ticksRequested: simulator.ticks, ending: .stopped("running"), wallSeconds: 0,
                                     coreCounters: Array(repeating: CoreCounters(), count: image.cores.count), packetsSent: 0,
                                     routerCrossings: 0, droppedPackets: 0, chipTraffic: [:])
            try summaryFile.start(summarise(image: image, options: options, totals: starting, recorder: recorder).summary.json())
        }
        let totals = simulator.run(recorder: recorder, live: live, progress: progress)
        var report = summarise(image: image, options: options, totals: totals, recorder: recorder)
        if let live {
            report.summary.live = live.finish(complete: totals.ending == .complete, ticks: totals.ticks)
            report.liveStop = live.stop
        }
        if let dir = options.outputDirectory, let summaryFile {
            do {
                try write(report.provenance.json(), to: dir, "provenance.json")
                try write(image.mappingReport + "\n", to: dir, "mapping.json")
                if image.projections.contains(where: { $0.plasticity != nil }) {
                    try WeightsFile.write(simulator.chip.learnedWeights(image: image), image: image,
                                          to: (dir as NSString).appendingPathComponent("weights.csv"))
                }
            } catch where totals.ending != .complete {
                // The run failed already (a full disk): its own error is the one to report.
            }
            try summaryFile.finish(report.summary.json())
        }
        if case .failed(let why) = totals.ending { throw RunError(why) }
        return report
    }

    private static func write(_ text: String, to dir: String, _ name: String) throws {
        do { try FileAccess.writeReplacing((dir as NSString).appendingPathComponent(name), Array(text.utf8)) } catch let e as FileAccess.WriteError {
            throw RunError(e.description)
        }
    }

    /// `summary.json`: written when the run starts with room reserved after it (JSON allows
    /// trailing white space), so that the final summary can overwrite it in place when a full
    /// disk refuses a new file, and a failed run still says why.
    struct SummaryFile {
        let path: String
        /// Room kept for the final summary beyond the first one's size.
        static let slack = 1 << 16

        func start(_ text: String) throws {
            try write(Array(text.utf8) + Array(repeating: UInt8(ascii: " "), count: Self.slack))
        }

        func finish(_ text: String) throws {
            let bytes = Array(text.utf8)
            do { try write(bytes) } catch {
                guard overwriteInPlace(bytes) else { throw error }
            }
        }

        private func write(_ bytes: [UInt8]) throws {
            do { try FileAccess.writeReplacing(path, bytes) } catch let e as FileAccess.WriteError { throw RunError(e.description) }
        }

        /// Writes `bytes` over the reserved file, padding with spaces to its length.
        private func overwriteInPlace(_ bytes: [UInt8]) -> Bool {
            guard let handle = FileHandle(forUpdatingAtPath: path), let size = try? handle.seekToEnd(), bytes.count <= Int(size) else {
                return false
            }
            defer { try? handle.close() }
            do {
                try handle.seek(toOffset: 0)
                try handle.write(contentsOf: bytes + Array(repeating: UInt8(ascii: " "), count: Int(size) - bytes.count))
                return true
            } catch {
                return false
            }
        }
    }

    static func cycleSummary(_ c: CycleReport, runCycles: Int, wallSeconds: Double) -> RunSummary.Cycle {
        let busy = c.cores.map { Double($0.busyCycles) / Double(runCycles) }
        return RunSummary.Cycle(
            endCycle: c.endCycle, events: c.events, eventsPerSecond: wallSeconds > 0 ? Double(c.events) / wallSeconds : 0,
            meanCoreBusy: busy.isEmpty ? 0 : busy.reduce(0, +) / Double(busy.count), maxCoreBusy: busy.max() ?? 0,
            linkPackets: c.links.reduce(0) { $0 + $1.packets },
            maxLinkBusy: c.links.map { Double($0.busyCycles) / Double(runCycles) }.max() ?? 0,
            maxLateTicks: c.cores.map(\.maxLateTicks).max() ?? 0, maxRouterWaitCycles: c.routers.map(\.maxWaitCycles).max() ?? 0,
            transmitStalls: c.cores.reduce(0) { $0 + $1.transmitStalls }, dmaBytes: c.cores.reduce(0) { $0 + $1.dmaBytes },
            copies: RunSummary.Copies(sent: c.copiesSent, arrived: c.copiesArrived, lost: c.copiesLost, inFlight: c.copiesInFlight,
                                      rowsProcessed: c.rowsProcessed, invalidKeys: c.invalidKeys,
                                      inputBufferOverflows: c.inputBufferOverflows, queuedAtEnd: c.queuedAtEnd, balances: c.balances))
    }

    static func summarise(image: ChipImage, options: RunOptions, totals: RunTotals, recorder: Recorder) -> RunReport {
        let dt = image.network.timestepMs
        let settings = options.coreSettings(for: image)
        let durationMs = Double(totals.ticks) * dt
        let budget = image.machine.cycleBudget(timestepMs: dt, timeScaleFactor: settings.timeScaleFactor)
        let fixed = options.arithmetic == .s1615
        var sum = CoreCounters()
        for c in totals.coreCounters { sum.add(c) }
        var populations: [String: RunSummary.Population] = [:]
        for (p, pop) in image.populations.enumerated() {
            let spikes = recorder.spikeCounts[p]
            populations[pop.name] = RunSummary.Population(size: pop.size, spikes: spikes,
                                                          rateHz: durationMs > 0 && pop.size > 0 ? Double(spikes) / Double(pop.size) / (durationMs / 1000) : 0)
        }
        let e = image.machine.energy
        let chips = Set(image.cores.map(\.location.chip)).count
        let cycle = totals.cycle
        let dmaBytes = cycle?.cores.reduce(0) { $0 + $1.dmaBytes } ?? 0
        let idleChips = Double(chips) * e.idleChipWatts * durationMs / 1000
        let activeCores = Double(image.cores.count) * e.activeCoreWatts * durationMs / 1000
        let energy = RunSummary.Energy(
            staticJoules: idleChips + activeCores, idleChipJoules: idleChips, activeCoreJoules: activeCores,
            packetJoules: Double(totals.routerCrossings) * e.packetNanojoules * 1e-9,
            synapticJoules: Double(sum.synapticEvents - sum.crossbarSynapticEvents) * e.synapticEventNanojoules * 1e-9,
            dmaJoules: Double(dmaBytes) * e.dmaNanojoulesPerByte * 1e-9,
            crossbarRowJoules: sum.crossbar.rowDriverPicojoules * 1e-12, crossbarCellJoules: sum.crossbar.cellPicojoules * 1e-12,
            crossbarAdcJoules: sum.crossbar.adcPicojoules * 1e-12, crossbarReads: sum.crossbar.reads,
            crossbarRowPulses: sum.crossbar.rowPulses, crossbarAdcConversions: sum.crossbar.adcConversions)
        let saturated = fixed ? RunAdvice.saturatedInputs(image, counters: totals.coreCounters) : []
        let afterRun = image.cores.reduce(0) { n, core in n + core.sourceEvents.count { Int($0.tick) >= totals.ticks } }
        let cores = cycle?.cores ?? []
        let provenance = RunSummary.Provenance(
            droppedPackets: totals.droppedPackets, lateSpikes: cores.reduce(0) { $0 + $1.lateSpikes }, timerOverruns: sum.timerOverruns,
            inputBufferOverflows: cycle?.inputBufferOverflows ?? 0, backgroundOverloads: cores.reduce(0) { $0 + $1.backgroundOverloads },
            skippedSynapses: cores.reduce(0) { $0 + $1.skippedSynapses },
            reinjectedPackets: cycle?.routers.reduce(0) { $0 + $1.reinjected } ?? 0, lostPacketCopies: cycle?.copiesLost ?? 0,
            saturations: fixed ? sum.saturations.total : 0, weightsRoundedToZero: fixed ? image.weightsRoundedToZero : 0,
            invalidKeys: sum.invalidKeys)
        let maxLoad = budget > 0 ? Double(sum.maxCyclesPerTick) / Double(budget) : 0
        let advised = RunAdvice.advisedTimeScaleFactor(provenance, current: settings.timeScaleFactor, maxLoad: maxLoad)
        // The run's cycles: its ticks, or longer when the cores finished late.
        let runCycles = max(max(totals.ticks, 1) * max(budget, 1), totals.cycle?.endCycle ?? 0)
        let summary = RunSummary(
            network: image.network.name, target: image.machine.name, timing: options.timing.rawValue,
            arithmetic: options.arithmetic.rawValue, threads: options.timing == .cycle ? 1 : min(options.threads, max(image.cores.count, 1)),
            kernels: options.kernels.rawValue, durationMs: durationMs, timestepMs: dt,
            stepConvention: settings.stepConvention.rawValue, timeScaleFactor: settings.timeScaleFactor,
            ticks: totals.ticks, ticksRequested: totals.ticksRequested, complete: totals.ending == .complete,
            ending: totals.ending.description, wallSeconds: totals.wallSeconds, populations: populations,
            synapticEvents: sum.synapticEvents, plasticSynapticEvents: sum.plasticSynapticEvents,
            synapticEventsPerSecond: totals.wallSeconds > 0 ? Double(sum.synapticEvents) / totals.wallSeconds : 0,
            packetsSent: totals.packetsSent,
            sourceSpikesAfterRun: afterRun,
            provenance: provenance,
            saturatedInputs: Array(saturated.prefix(20)),
            warnings: RunAdvice.warnings(image, provenance: provenance, saturated: saturated, settings: settings, timing: options.timing,
                                         counters: totals.coreCounters, cycle: cycle, advised: advised)
                + (afterRun > 0 ? ["\(afterRun) spike-source-array spikes fall at or after the end of the run (\(durationMs) ms) and were not emitted; run longer (--duration) to include them"] : [])
                + (options.live == nil ? image.populations.filter { $0.model == .spikeInjector }.map {
                    "SpikeInjector population '\($0.name)' sent nothing: it takes its spikes from live clients (simulate --live)"
                } : []),
            maxCoreLoad: maxLoad, advisedTimeScaleFactor: advised,
            cycle: cycle.map { Self.cycleSummary($0, runCycles: runCycles, wallSeconds: totals.wallSeconds) },
            energyJoules: energy.totalJoules, energy: energy)
        var tableSizes: [ChipCoordinate: Int] = [:]
        for t in image.routingTables { tableSizes[t.chip, default: 0] += t.entries.count }
        let chipsSeen = Set(totals.chipTraffic.keys).union(tableSizes.keys).sorted()
        var routerCounters: [ChipCoordinate: RouterCycleCounters] = [:]
        if let cycle { for (r, chip) in image.machine.chips.enumerated() { routerCounters[chip] = cycle.routers[r] } }
        let runProvenance = RunProvenance(
            cycleBudgetPerTick: budget,
            cores: image.cores.indices.map { c in
                let k = totals.coreCounters[c], core = image.cores[c]
                let busy = cycle?.cores[c].busyCycles
                return RunProvenance.Core(
                    location: core.location.description, population: image.populations[core.population].name,
                    firstNeuron: core.firstNeuron, neurons: core.neuronCount, spikesSent: k.spikesSent,
                    packetsReceived: k.packetsReceived, invalidKeys: k.invalidKeys, synapticEvents: k.synapticEvents,
                    plasticSynapticEvents: k.plasticSynapticEvents,
                    saturations: fixed ? k.saturations.total : 0,
                    clippedFractions: fixed ? (0..<2).map { RunAdvice.fraction(k.clippedInput[$0], of: k.ringInput[$0]) } : [0, 0],
                    timerOverruns: k.timerOverruns, maxCyclesPerTick: k.maxCyclesPerTick,
                    meanLoad: totals.ticks > 0 && budget > 0 ? Double(k.totalCycles) / Double(totals.ticks) / Double(budget) : 0,
                    maxLoad: budget > 0 ? Double(k.maxCyclesPerTick) / Double(budget) : 0,
                    busyCycles: busy, idleCycles: busy.map { max(runCycles - $0, 0) }, cycle: cycle?.cores[c])
            },
            routers: chipsSeen.map {
                RunProvenance.Router(chip: "\($0.x),\($0.y)", packets: totals.chipTraffic[$0] ?? 0, routingEntries: tableSizes[$0] ?? 0,
                                     cycle: routerCounters[$0])
            },
            links: cycle.map { c in
                c.links.map { RunProvenance.Link(chip: "\($0.chip.x),\($0.chip.y)", link: $0.link.name, packets: $0.packets,
                                                 busy: Double($0.busyCycles) / Double(runCycles)) }
            })
        return RunReport(summary: summary, provenance: runProvenance, spikes: recorder.spikes)
    }
}
