import ChipSim
import Foundation

/// The outcome of a run: its summary, provenance and, if collected, its spikes.
public struct RunReport: Sendable {
    public var summary: RunSummary
    public var provenance: RunProvenance
    public var spikes: [RecordedSpike]
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
        let simulator = try Simulator(image: image, options: options)
        let recorder = try Recorder(image: image, options: options)
        let summaryFile = options.outputDirectory.map { SummaryFile(path: ($0 as NSString).appendingPathComponent("summary.json")) }
        if let summaryFile {
            let starting = RunTotals(ticks: 0, ticksRequested: simulator.ticks, ending: .stopped("running"), wallSeconds: 0,
                                     coreCounters: Array(repeating: CoreCounters(), count: image.cores.count), packetsSent: 0,
                                     routerCrossings: 0, droppedPackets: 0, chipTraffic: [:])
            try summaryFile.start(summarise(image: image, options: options, totals: starting, recorder: recorder).summary.json())
        }
        let totals = simulator.run(recorder: recorder)
        let report = summarise(image: image, options: options, totals: totals, recorder: recorder)
        if let dir = options.outputDirectory, let summaryFile {
            do {
                try write(report.provenance.json(), to: dir, "provenance.json")
                try write(image.mappingReport + "\n", to: dir, "mapping.json")
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
        let energy = RunSummary.Energy(
            staticJoules: (Double(chips) * e.idleChipWatts + Double(image.cores.count) * e.activeCoreWatts) * durationMs / 1000,
            packetJoules: Double(totals.routerCrossings) * e.packetNanojoules * 1e-9,
            synapticJoules: Double(sum.synapticEvents) * e.synapticEventNanojoules * 1e-9)
        let saturated = fixed ? RunAdvice.saturatedInputs(image, counters: totals.coreCounters) : []
        let afterRun = image.cores.reduce(0) { n, core in n + core.sourceEvents.count { Int($0.tick) >= totals.ticks } }
        let provenance = RunSummary.Provenance(
            droppedPackets: totals.droppedPackets, lateSpikes: 0, timerOverruns: sum.timerOverruns,
            inputBufferOverflows: 0, saturations: fixed ? sum.saturations.total : 0,
            weightsRoundedToZero: fixed ? image.weightsRoundedToZero : 0,
            invalidKeys: sum.invalidKeys)
        let summary = RunSummary(
            network: image.network.name, target: image.machine.name, timing: options.timing.rawValue,
            arithmetic: options.arithmetic.rawValue, threads: min(options.threads, max(image.cores.count, 1)), kernels: options.kernels.rawValue, durationMs: durationMs, timestepMs: dt,
            stepConvention: settings.stepConvention.rawValue, timeScaleFactor: settings.timeScaleFactor,
            ticks: totals.ticks, ticksRequested: totals.ticksRequested, complete: totals.ending == .complete,
            ending: totals.ending.description, wallSeconds: totals.wallSeconds, populations: populations,
            synapticEvents: sum.synapticEvents,
            synapticEventsPerSecond: totals.wallSeconds > 0 ? Double(sum.synapticEvents) / totals.wallSeconds : 0,
            packetsSent: totals.packetsSent,
            sourceSpikesAfterRun: afterRun,
            provenance: provenance,
            saturatedInputs: Array(saturated.prefix(20)),
            warnings: RunAdvice.warnings(image, provenance: provenance, saturated: saturated, settings: settings)
                + (afterRun > 0 ? ["\(afterRun) spike-source-array spikes fall at or after the end of the run (\(durationMs) ms) and were not emitted; run longer (--duration) to include them"] : []),
            maxCoreLoad: budget > 0 ? Double(sum.maxCyclesPerTick) / Double(budget) : 0,
            energyJoules: energy.staticJoules + energy.packetJoules + energy.synapticJoules, energy: energy)
        var tableSizes: [ChipCoordinate: Int] = [:]
        for t in image.routingTables { tableSizes[t.chip, default: 0] += t.entries.count }
        let chipsSeen = Set(totals.chipTraffic.keys).union(tableSizes.keys).sorted()
        let runProvenance = RunProvenance(
            cycleBudgetPerTick: budget,
            cores: image.cores.indices.map { c in
                let k = totals.coreCounters[c], core = image.cores[c]
                return RunProvenance.Core(
                    location: core.location.description, population: image.populations[core.population].name,
                    firstNeuron: core.firstNeuron, neurons: core.neuronCount, spikesSent: k.spikesSent,
                    packetsReceived: k.packetsReceived, invalidKeys: k.invalidKeys, synapticEvents: k.synapticEvents,
                    saturations: fixed ? k.saturations.total : 0,
                    clippedFractions: fixed ? (0..<2).map { RunAdvice.fraction(k.clippedInput[$0], of: k.ringInput[$0]) } : [0, 0],
                    timerOverruns: k.timerOverruns, maxCyclesPerTick: k.maxCyclesPerTick,
                    meanLoad: totals.ticks > 0 && budget > 0 ? Double(k.totalCycles) / Double(totals.ticks) / Double(budget) : 0,
                    maxLoad: budget > 0 ? Double(k.maxCyclesPerTick) / Double(budget) : 0)
            },
            routers: chipsSeen.map { RunProvenance.Router(chip: "\($0.x),\($0.y)", packets: totals.chipTraffic[$0] ?? 0, routingEntries: tableSizes[$0] ?? 0) })
        return RunReport(summary: summary, provenance: runProvenance, spikes: recorder.spikes)
    }
}
