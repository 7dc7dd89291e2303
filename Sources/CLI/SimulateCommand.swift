import ArgumentParser
import ChipSim
import Compiler
import Foundation
import Runtime

extension Timing: ExpressibleByArgument {}
extension Arithmetic: ExpressibleByArgument {}
extension KernelSet: ExpressibleByArgument {}
extension StepConvention: ExpressibleByArgument {}

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a network (YAML, compiled in memory) or a chip image and write a run directory.")

    @Argument(help: "A network (.yaml) or a chip image (.nchip).")
    var input: String

    @Option(parsing: .unconditional, help: "Biological time to simulate, ms, a whole number of time steps (default: the network's duration).")
    var duration: Double?

    @Option(help: "Packet timing: ideal (every packet within its tick) or cycle.")
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

    @Flag(help: "Replace an earlier run in the run directory (without it, such a directory is refused).")
    var force = false

    @Option(name: .customLong("max-memory"), help: "The most memory the run may take, e.g. 8G or 512M (default: 80% of this host's).")
    var maxMemory: ByteSize?

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
        if let kernels, !kernels.isSupported {
            throw ValidationError("--kernels \(kernels) needs CPU features this one lacks (\(kernels.requiredFlags.sorted().joined(separator: ", "))); use --kernels scalar")
        }
        if timing == .cycle { throw ValidationError("--timing cycle (the cycle-level event engine) is not available yet; use --timing ideal") }
    }

    func run() throws {
        let image = try loadImage(input, target: target)
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
        let stop = StopRequest()
        StopRequest.stopOnSignals()
        options.stop = stop
        print(RunBudget.recording(image, ticks: TimeSteps.ticks(duration ?? image.network.durationMs, dt: dt)).description)
        let report = try Run.execute(image, options: options)
        print(SimulateCommand.format(report.summary, directory: out))
        if case .signal(let s) = stop.reason { throw StoppedBySignal(signal: s) }
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
        lines.append(String(format: "  synaptic events %ld (%.3g per wall second)", s.synapticEvents, s.synapticEventsPerSecond))
        lines.append(String(format: "  energy %.4g J (static %.4g J, packets %.4g J, synaptic %.4g J)",
                            s.energyJoules, s.energy.staticJoules, s.energy.packetJoules, s.energy.synapticJoules))
        let p = s.provenance
        lines.append("  provenance: dropped packets \(p.droppedPackets), late spikes \(p.lateSpikes), timer overruns \(p.timerOverruns), input buffer overflows \(p.inputBufferOverflows), saturations \(p.saturations), weights rounded to zero \(p.weightsRoundedToZero)")
        lines.append(String(format: "  busiest core tick: %.1f%% of its cycle budget", s.maxCoreLoad * 100))
        for w in s.warnings { lines.append("  warning: \(w)") }
        lines.append("  run directory: \(directory)")
        return lines.joined(separator: "\n")
    }
}
