import ChipSim
import Compiler
import Foundation
import Runtime

/// Runs a memory experiment: writes the network for it (``CAMNetwork``), compiles it onto
/// `target`, simulates it with `options`, and reads the answers off OUT (``CAMReadout``).
public enum CAMRun {
    public struct Result: Sendable {
        public var answers: [CAMAnswer]
        public var report: RunReport
        /// The network that ran, as YAML.
        public var network: String
        public var image: ChipImage
    }

    public static func run(_ experiment: CAMExperiment, target: MachineDescription = .spinn5, options: RunOptions = RunOptions()) throws -> Result {
        let yaml = CAMNetwork.yaml(experiment)
        let compilation = try NetworkCompiler.compile(try NetworkParser.parse(yaml, file: "hippocampus-cam.yaml"), target: target)
        var options = options
        options.collectSpikes = true
        let report = try Run.execute(compilation.image, options: options)
        guard let out = compilation.image.populations.firstIndex(where: { $0.name == "OUT" }) else { throw CAMError("the network has no OUT") }
        let spikes = report.spikes.filter { $0.population == out }.map { (neuron: $0.neuron, tick: $0.tick) }
        return Result(answers: CAMReadout.answers(experiment, out: spikes), report: report, network: yaml, image: compilation.image)
    }
}
