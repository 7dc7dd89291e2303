import ChipSim
import Compiler
import DelayLearning
import Foundation
import Runtime

/// What running the motion detector on the chip model gave.
public struct ChipReport: Codable, Equatable, Sendable {
    /// Movies replayed, and the share the chip's spike-count readout got right (the class with
    /// the most `motion` spikes in the readout window; no spike is wrong).
    public var movies: Int
    public var accuracy: Double
    /// Per movie, the chip's decision (nil: no spike in the window).
    public var decisions: [Int?]
    /// `motion` spikes in the readout windows, and their rate per output neuron (spikes/s).
    public var windowSpikes: Int
    public var rateHz: Double
    /// Synapses compiled, cores used, synaptic events simulated.
    public var synapses: Int
    public var cores: Int
    public var synapticEvents: Int
    /// Wall seconds to compile and to simulate, and synaptic events per simulated wall second.
    public var compileSeconds: Double
    public var simulateSeconds: Double
    public var eventsPerSecond: Double
    /// Packets dropped, spikes late, ticks overrun: what the machine model reports (0 in ideal
    /// timing for the first two).
    public var droppedPackets: Int
    public var lateSpikes: Int
    public var timerOverruns: Int
    /// The busiest core's busiest tick over its cycle budget, and a time scale factor at which it
    /// would fit (nil when it fits): what running it in real time on SpiNNaker would take.
    public var maxCoreLoad: Double
    public var advisedTimeScaleFactor: Double?
}

/// Compiles ``HDSNNNetwork`` onto a target, runs it and reads the answers off `motion`.
public enum ChipEvaluation {
    /// Exports `network` into `directory`, compiles it onto `targets` (the first that holds it),
    /// runs it with `options` and returns the report and, per movie, `motion`'s spikes as the
    /// model's output spikes (step t = tick − the movie's start − ``HDSNNNetwork/latency``).
    public static func run(_ network: HDSNNNetwork, directory: String, targets: [MachineDescription] = MachineDescription.spinn5Machines,
                           options: RunOptions = RunOptions()) throws -> (report: ChipReport, spikes: [[OutputSpike]]) {
        let path = try network.export(to: directory)
        var clock = Date()
        let compilation = try NetworkCompiler.compile(try NetworkParser.parse(contentsOf: path), targets: targets)
        let compileSeconds = Date().timeIntervalSince(clock)
        var options = options
        options.collectSpikes = true
        clock = Date()
        let run = try Run.execute(compilation.image, options: options)
        let simulateSeconds = Date().timeIntervalSince(clock)
        guard let motion = compilation.image.populations.firstIndex(where: { $0.name == "motion" }) else {
            throw HDSNNChipError("the network has no 'motion' population")
        }
        let g = network.model.generator, classes = network.model.shape.classes
        var spikes = [[OutputSpike]](repeating: [], count: network.movies.count)
        for s in run.spikes where s.population == motion {
            let m = s.tick / network.periodMs, t = s.tick - m * network.periodMs - HDSNNNetwork.latency
            guard m < network.movies.count, t >= 0 else { continue }
            let c = s.neuron / (g.width * g.height), y = s.neuron / g.width % g.height, x = s.neuron % g.width
            spikes[m].append(OutputSpike(classIndex: c, t: t, x: x, y: y))
        }
        let window = network.model.readout.windowStartMs..<network.model.readout.windowEndMs
        var decisions: [Int?] = [], inWindow = 0
        for list in spikes {
            var counts = [Int](repeating: 0, count: classes)
            for s in list where window.contains(s.t) { counts[s.classIndex] += 1 }
            inWindow += counts.reduce(0, +)
            decisions.append(spikeCountDecision(counts))
        }
        let correct = zip(decisions, network.movies).filter { $0 == $1.labels[window.lowerBound] }.count
        let s = run.summary
        let report = ChipReport(
            movies: network.movies.count, accuracy: Double(correct) / Double(max(network.movies.count, 1)), decisions: decisions,
            windowSpikes: inWindow,
            rateHz: Double(inWindow) / (Double(classes * g.width * g.height) * Double(window.count) / 1000 * Double(max(network.movies.count, 1))),
            synapses: compilation.image.projections.reduce(0) { $0 + $1.synapses }, cores: compilation.image.cores.count, synapticEvents: s.synapticEvents,
            compileSeconds: compileSeconds, simulateSeconds: simulateSeconds,
            eventsPerSecond: s.wallSeconds > 0 ? Double(s.synapticEvents) / s.wallSeconds : 0,
            droppedPackets: s.provenance.droppedPackets, lateSpikes: s.provenance.lateSpikes, timerOverruns: s.provenance.timerOverruns,
            maxCoreLoad: s.maxCoreLoad, advisedTimeScaleFactor: s.advisedTimeScaleFactor)
        return (report, spikes)
    }
}
