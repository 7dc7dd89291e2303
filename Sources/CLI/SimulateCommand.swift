import ArgumentParser
import ChipSim
import Compiler
import Foundation
import Runtime

extension Timing: ExpressibleByArgument {}
extension Arithmetic: ExpressibleByArgument {}
extension KernelSet: ExpressibleByArgument {}
extension StepConvention: ExpressibleByArgument {}
extension LiveMode: ExpressibleByArgument {}

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a network (YAML, compiled in memory) or a chip image and write a run directory.")

    @Argument(help: "A network (.yaml) or a chip image (.nchip).")
    var input: String

    @Option(parsing: .unconditional, help: "Biological time to simulate, ms, a whole number of time steps (default: the network's duration).")
    var duration: Double?

    @Option(help: "Packet timing: ideal (every packet within its tick) or cycle (routers, links, DMA and every core's cycle budget, with drops, late spikes and overruns).")
    var timing: Timing = .ideal

    @Option(help: "Arithmetic: s1615 (bit-faithful to the chip) or float64 (the reference).")
    var arithmetic: Arithmetic = .s1615

    @Option(parsing: .unconditional, help: "Worker threads, 1...\(SimulateCommand.maxThreads) (the spikes do not depend on it; more pay off from about 50,000 neurons).")
    var threads: Int = 1

    @Option(help: "Neuron kernels: scalar, avx2 or avx512 (default: the fastest this CPU runs; the results are the same).")
    var kernels: KernelSet?

    @Option(help: "Run directory to write.")
    var out: String = "run"

    @Option(help: "Target machine when compiling a network: spinn-5, spinn-3 or a target YAML file.")
    var target: String?

    @Option(name: .customLong("step-convention"), help: "What happens inside a tick: spinnaker (the chip's) or brian2 (default: the network's).")
    var stepConvention: StepConvention?

    @Option(name: .customLong("time-scale-factor"), parsing: .unconditional,
            help: "Stretch of the chip's tick in wall-clock time, > 0 (default: the network's time_scale_factor, 1 if unset).")
    var timeScaleFactor: Double?

    @Option(name: .customLong("initial-weights"), help: "Start the plastic synapses from an earlier run's weights.csv (all of it or some rows).")
    var initialWeights: String?

    @Flag(help: "Replace an earlier run in the run directory (without it, such a directory is refused).")
    var force = false

    @Option(name: .customLong("max-memory"), help: "The most memory the run may take, e.g. 8G or 512M (default: 80% of this host's).")
    var maxMemory: ByteSize?

    @Flag(help: "Exchange spikes with live clients over ZeroMQ (SpikeInjector and live_output populations; docs/live-io.md).")
    var live = false

    @Option(help: "Live control endpoint (ROUTER). Port * picks a free one.")
    var control = "tcp://127.0.0.1:5560"

    @Option(name: .customLong("spikes-in"), help: "Live spikes-in endpoint (PULL).")
    var spikesIn = "tcp://127.0.0.1:5561"

    @Option(name: .customLong("spikes-out"), help: "Live spikes-out endpoint (PUB).")
    var spikesOut = "tcp://127.0.0.1:5562"

    @Option(name: .customLong("live-mode"), help: "lock-step (each tick waits for every input stream; deterministic) or free-run.")
    var liveMode: LiveMode = .lockStep

    @Option(name: .customLong("live-clients"), parsing: .unconditional, help: "Live clients to wait for before the run starts.")
    var liveClients = 1

    @Option(name: .customLong("start-timeout"), parsing: .unconditional, help: "Seconds to wait for the live clients.")
    var startTimeout = 60.0

    @Option(name: .customLong("input-timeout"), parsing: .unconditional, help: "Lock-step: seconds a tick waits for its live input.")
    var inputTimeout = 10.0

    @Option(name: .customLong("curve-keys"), help: "CURVE key pair BASE.pub/BASE.key (neurite keygen) for endpoints beyond loopback.")
    var curveKeys: String?

    @Option(name: .customLong("allow-client"), help: "A client's public key file (BASE.pub) allowed to connect under CURVE; repeat for each.")
    var allowClient: [String] = []

    @Option(parsing: .unconditional, help: "Split the run across this many processes on this host (ideal timing; spikes as in one process).")
    var partitions: Int?

    @Option(help: "Split the run across these workers (neurite worker --listen EP), comma-separated, besides this process.")
    var workers: String?

    @Option(name: .customLong("worker-key"), help: "Under CURVE (--curve-keys): a worker's public key file, in --workers order; repeat for each.")
    var workerKey: [String] = []

    @Option(help: "With --workers: where this process listens for the workers' spikes, an address they reach (default tcp://127.0.0.1:*).")
    var boundary = "tcp://127.0.0.1:*"

    /// The most worker threads a run takes.
    static let maxThreads = 1024

    func validate() throws {
        let longest = Double(TimeSteps.maxTicks) * TimeSteps.maxTimestepMs
        if let duration, !(duration >= 0 && duration <= longest) {
            throw ValidationError("--duration must be a number of ms in 0...\(longest) (at most \(TimeSteps.maxTicks) time steps), found \(duration)")
        }
        if !(1...Self.maxThreads).contains(threads) { throw ValidationError("--threads must be in 1...\(Self.maxThreads), found \(threads)") }
        if let timeScaleFactor, !(timeScaleFactor > 0 && timeScaleFactor <= NetworkInfo.maxTimeScaleFactor) {
            throw ValidationError("--time-scale-factor must be > 0 and ≤ \(NetworkInfo.maxTimeScaleFactor), found \(timeScaleFactor)")
        }
        if !live, let option = liveOnly.first(where: { $0.given }) {
            throw ValidationError("\(option.name) applies to live runs; add --live")
        }
        guard liveClients >= 1 && liveClients <= 1000 else { throw ValidationError("--live-clients must be in 1...1000, found \(liveClients)") }
        for (name, seconds) in [("--start-timeout", startTimeout), ("--input-timeout", inputTimeout)] where !(seconds > 0 && seconds <= 86_400) {
            throw ValidationError("\(name) must be > 0 and ≤ 86400 s, found \(seconds)")
        }
        if curveKeys == nil, !allowClient.isEmpty { throw ValidationError("--allow-client needs --curve-keys") }
        if let partitions, !(2...256).contains(partitions) { throw ValidationError("--partitions must be in 2...256, found \(partitions)") }
        if partitions != nil, workers != nil { throw ValidationError("give --partitions (workers on this host) or --workers (workers already listening), not both") }
        if !workerKey.isEmpty, workers == nil || curveKeys == nil { throw ValidationError("--worker-key goes with --workers and --curve-keys") }
        if let kernels, let why = kernels.unsupportedReason { throw ValidationError("--kernels \(kernels): \(why) (the default)") }
    }

    func run() throws {
        let image = try loadImage(input, target: target, workers: threads)
        let dt = image.network.timestepMs
        if let duration {
            guard (duration / dt).rounded() <= Double(TimeSteps.maxTicks) else {
                throw UsageError(message: "--duration must be at most \(Double(TimeSteps.maxTicks) * dt) ms (\(TimeSteps.maxTicks) time steps of \(dt) ms), found \(duration)")
            }
            guard TimeSteps.isWhole(duration, dt: dt) else {
                throw UsageError(message: "--duration \(duration) ms is not a whole number of \(dt) ms time steps")
            }
        }
        var options = RunOptions(durationMs: duration, arithmetic: arithmetic, timing: timing, threads: threads, outputDirectory: out,
                                 kernels: kernels ?? .best, stepConvention: stepConvention, timeScaleFactor: timeScaleFactor)
        options.replaceEarlierRun = force
        options.maxMemoryBytes = maxMemory?.bytes
        options.initialWeights = initialWeights
        options.showProgress = true
        if live { options.live = try liveOptions() }
        options.partitions = try partitionOptions()
        let stop = StopRequest()
        StopRequest.stopOnSignals()
        options.stop = stop
        print(RunBudget.recording(image, ticks: TimeSteps.ticks(duration ?? image.network.durationMs, dt: dt)).description)
        let report = try Run.execute(image, options: options)
        print(SimulateCommand.format(report.summary, directory: out))
        if case .signal(let s) = stop.reason { throw StoppedBySignal(signal: s) }
        if let why = report.liveStop, why != .clientStopped { throw RunError("the live run stopped early: \(why)") }
    }

    /// Live options given without --live, by name.
    private var liveOnly: [(name: String, given: Bool)] {
        [("--control", control != "tcp://127.0.0.1:5560"), ("--spikes-in", spikesIn != "tcp://127.0.0.1:5561"),
         ("--spikes-out", spikesOut != "tcp://127.0.0.1:5562"), ("--live-mode", liveMode != .lockStep), ("--live-clients", liveClients != 1),
         ("--curve-keys", curveKeys != nil && workers == nil), ("--allow-client", !allowClient.isEmpty)]
    }

    private func partitionOptions() throws -> PartitionOptions? {
        let remote = workers.map { $0.split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces)) } } ?? []
        guard partitions != nil || !remote.isEmpty else { return nil }
        var o = PartitionOptions(ranks: partitions ?? remote.count + 1)
        o.workers = remote
        o.executable = Bundle.main.executablePath
        o.boundary = boundary
        do {
            if workers != nil, let curveKeys {
                o.keys = try CurveKeyPair.read(from: curveKeys)
                o.workerKeys = try workerKey.map(CurveKeyPair.readKeyFile)
            }
        } catch let e as LiveIOError {
            throw InputError(message: e.description)
        }
        return o
    }

    private func liveOptions() throws -> LiveOptions {
        var o = LiveOptions()
        o.control = control
        o.spikesIn = spikesIn
        o.spikesOut = spikesOut
        o.mode = liveMode
        o.clients = liveClients
        o.startTimeout = startTimeout
        o.inputTimeout = inputTimeout
        if let curveKeys {
            do {
                o.curve = CurveServerSecurity(keys: try CurveKeyPair.read(from: curveKeys),
                                              allowedClientKeys: try allowClient.map { try CurveKeyPair.readKeyFile($0) })
            } catch let e as LiveIOError {
                throw InputError(message: e.description)
            }
        }
        let clients = liveClients
        o.onBound = { e in
            print("live: control \(e.control), spikes in \(e.spikesIn), spikes out \(e.spikesOut); waiting for \(clients) client\(clients == 1 ? "" : "s")")
            fflush(stdout)
        }
        return o
    }

    static func format(_ s: RunSummary, directory: String) -> String {
        var lines: [String] = []
        lines.append("\(s.network) on \(s.target): \(s.timing) timing, \(s.arithmetic) arithmetic, \(s.stepConvention) step convention, \(s.threads) thread\(s.threads == 1 ? "" : "s")")
        lines.append(String(format: "  simulated %.1f ms in %d ticks; wall %.3f s", s.durationMs, s.ticks, s.wallSeconds))
        if !s.complete { lines.append("  the run did not complete (\(s.ending)) after \(s.ticks) of \(s.ticksRequested) ticks; every file holds whole rows up to there") }
        let width = max(10, s.populations.keys.map(\.count).max() ?? 0)
        lines.append("  " + "population".padding(toLength: width, withPad: " ", startingAt: 0) + "      size    spikes  rate (Hz)")
        for name in s.populations.keys.sorted() {
            let p = s.populations[name]!
            lines.append("  " + name.padding(toLength: width, withPad: " ", startingAt: 0)
                + String(format: " %9ld %9ld %10.3f", p.size, p.spikes, p.rateHz))
        }
        let plastic = s.plasticSynapticEvents > 0 ? String(format: ", %ld of them plastic; learned weights in weights.csv", s.plasticSynapticEvents) : ""
        lines.append(String(format: "  synaptic events %ld (%.3g per wall second%@)", s.synapticEvents, s.synapticEventsPerSecond, plastic))
        var dma = s.energy.dmaJoules > 0 ? String(format: ", DMA %.4g J", s.energy.dmaJoules) : ""
        if s.energy.crossbarReads > 0 {
            dma += String(format: ", crossbar rows %.4g J, cells %.4g J, ADCs %.4g J", s.energy.crossbarRowJoules, s.energy.crossbarCellJoules,
                          s.energy.crossbarAdcJoules)
        }
        lines.append(String(format: "  energy %.4g J (static %.4g J, packets %.4g J, synaptic %.4g J%@)",
                            s.energyJoules, s.energy.staticJoules, s.energy.packetJoules, s.energy.synapticJoules, dma))
        let p = s.provenance
        var provenance = "  provenance: dropped packets \(p.droppedPackets), late spikes \(p.lateSpikes), timer overruns \(p.timerOverruns), input buffer overflows \(p.inputBufferOverflows)"
        if s.cycle != nil {
            provenance += ", lost updates \(p.backgroundOverloads), skipped synapses \(p.skippedSynapses), re-injected \(p.reinjectedPackets), lost copies \(p.lostPacketCopies)"
        }
        lines.append(provenance + ", saturations \(p.saturations), weights rounded to zero \(p.weightsRoundedToZero)")
        lines.append(String(format: "  busiest core tick: %.1f%% of its cycle budget", s.maxCoreLoad * 100))
        if let l = s.live {
            let t = l.totals
            lines.append("  live: \(t.received) spikes received = \(t.delivered) delivered + \(t.late) late + \(t.rejected) rejected + \(t.pending) pending; \(l.outputs.reduce(0) { $0 + $1.spikes }) spikes published")
        }
        if let c = s.cycle {
            lines.append(String(format: "  cycle engine: %d events (%.3g per wall second); cores busy %.1f%% on average, %.1f%% at most; %d link hops, busiest link %.1f%% busy",
                                c.events, c.eventsPerSecond, c.meanCoreBusy * 100, c.maxCoreBusy * 100, c.linkPackets, c.maxLinkBusy * 100))
            let k = c.copies
            lines.append("  packet copies: \(k.sent) sent = \(k.arrived) arrived + \(k.lost) lost + \(k.inFlight) in flight at the end\(k.balances ? "" : " (DOES NOT BALANCE)")")
        }
        for w in s.warnings { lines.append("  warning: \(w)") }
        lines.append("  run directory: \(directory)")
        return lines.joined(separator: "\n")
    }
}
