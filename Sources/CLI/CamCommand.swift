import ArgumentParser
import ChipSim
import Compiler
import Foundation
import HippocampusCAM
import Runtime

/// `neurite cam EXPERIMENT.yaml`: runs a memory experiment on the hippocampal CA3
/// content-addressable memory and prints what it answered to each operation.
struct CamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cam",
        abstract: "Run a memory experiment on the CA3 content-addressable memory and print its answers.",
        discussion: """
            EXPERIMENT.yaml gives the memory's size (cues, content_bits) and its operations (learn a cue's content, recall \
            by cue, recall by content), with optional start times (docs/hippocampus-cam.md, Examples/hippocampus-cam/). \
            The network is built for that size, compiled, and simulated; each operation's answer is read off the output \
            layer and checked against what a content-addressable memory must answer.
            """)

    @Argument(help: "The experiment (YAML or JSON).")
    var experiment: String

    @Option(help: "Arithmetic: s1615 (bit-faithful to the chip) or float64.")
    var arithmetic: Arithmetic = .s1615

    @Option(help: "Packet timing: ideal or cycle.")
    var timing: Timing = .ideal

    @Option(help: "Target machine: spinn-5, spinn-3 or a target YAML file.")
    var target: String?

    @Option(help: "Run directory to write (spikes of every population, learned weights, summary).")
    var out: String = "run-cam"

    @Option(name: .customLong("network-out"), help: "Also write the network the experiment ran as YAML here.")
    var networkOut: String?

    @Flag(help: "Replace an earlier run in the run directory.")
    var force = false

    func run() throws {
        let bytes = try readInput(experiment)
        let text = String(decoding: bytes, as: UTF8.self)
        let parsed: CAMExperiment
        do { parsed = try CAMExperiment.parse(text, file: experiment) } catch let e as CAMError { throw InputError(message: e.description) }
        var options = RunOptions(arithmetic: arithmetic, timing: timing, outputDirectory: out)
        options.replaceEarlierRun = force
        let result: CAMRun.Result
        do {
            result = try CAMRun.run(parsed, target: try TargetParser.resolve(target), options: options)
        } catch let e as CAMError {
            throw RunError(e.description)
        }
        if let networkOut {
            do { try FileAccess.writeReplacing(networkOut, Array(result.network.utf8)) } catch let e as FileAccess.WriteError {
                throw InputError(message: e.description)
            }
        }
        let correct = result.answers.filter(\.isCorrect).count
        print("CA3 memory, \(parsed.cues) cues × \(parsed.contentBits) content bits, \(parsed.operations.count) operations over \(parsed.duration) ms (\(arithmetic), \(timing) timing)")
        print(CAMReadout.describe(result.answers))
        print("\(correct) of \(result.answers.count) operations answered as a content-addressable memory must; run directory: \(out)")
    }
}
