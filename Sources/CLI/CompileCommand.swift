import ArgumentParser
import ChipSim
import Compiler
import Foundation

struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Compile a network (YAML) to a chip image and print a mapping summary.")

    @Argument(help: "The network, a YAML file.")
    var network: String

    @Option(help: "Target machine: a built-in name (spinn-5, spinn-3), auto (the fewest SpiNN-5 boards that hold the network) or a target YAML file.")
    var target: String?

    @Option(name: .shortAndLong, help: "Where to write the image (default: the network's name with .nchip).")
    var output: String?

    @Option(help: "Also write the mapping report as JSON here.")
    var report: String?

    @Option(help: "The arithmetic the image is for: s1615 keeps only the chip's 16-bit weights (about 4 bytes per synapse; the image runs in s1615 only); float64 (the default) also keeps full-precision weights where they differ, so the image runs in both.")
    var arithmetic: Arithmetic = .float64

    @Flag(help: "Print the time each compiler phase took.")
    var timings = false

    @Option(name: .customLong("max-memory"), help: "The most memory compiling may take, e.g. 8G or 512M (default: 80% of this host's).")
    var maxMemory: ByteSize?

    func run() throws {
        let spec = try NetworkParser.parse(contentsOf: network)
        let options = CompileOptions(floatWeights: arithmetic == .float64, maxMemory: maxMemory?.bytes)
        let compilation = try NetworkCompiler.compile(spec, targets: try TargetParser.candidates(target), options: options)
        printWarnings(compilation)
        let out = output ?? ((network as NSString).deletingPathExtension + ".nchip")
        let start = DispatchTime.now().uptimeNanoseconds
        // The report first: a run that fails leaves no image behind. Each goes to a temporary
        // name beside its path and is renamed into place; a path that is not a regular file is
        // refused, never replaced.
        let size: Int
        do {
            if let report { try FileAccess.writeReplacing(report, Array((compilation.report.json() + "\n").utf8)) }
            size = try ChipImageCodec.write(compilation.image, to: out)
        } catch let e as FileAccess.WriteError {
            throw InputError(message: e.description)
        }
        print(compilation.report.summary)
        print("wrote \(out) (\(size) bytes)")
        if timings {
            let write = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            for (phase, seconds) in compilation.phaseSeconds + [("writing the image", write)] {
                print(String(format: "  %8.3f s  %@", seconds, phase))
            }
        }
    }
}
