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

    @Option(help: "Target machine: a built-in name (spinn-5, spinn-3) or a target YAML file.")
    var target: String?

    @Option(name: .shortAndLong, help: "Where to write the image (default: the network's name with .nchip).")
    var output: String?

    @Option(help: "Also write the mapping report as JSON here.")
    var report: String?

    @Option(name: .customLong("max-memory"), help: "The most memory compiling may take, e.g. 8G or 512M (default: 80% of this host's).")
    var maxMemory: ByteSize?

    func run() throws {
        let spec = try NetworkParser.parse(contentsOf: network)
        let compilation = try NetworkCompiler.compile(spec, target: try TargetParser.resolve(target), maxMemory: maxMemory?.bytes)
        printWarnings(compilation)
        let out = output ?? ((network as NSString).deletingPathExtension + ".nchip")
        let bytes = ChipImageCodec.encode(compilation.image)
        // The report first: a run that fails leaves no image behind. Each goes to a temporary
        // name beside its path and is renamed into place; a path that is not a regular file is
        // refused, never replaced.
        do {
            if let report { try FileAccess.writeReplacing(report, Array((compilation.report.json() + "\n").utf8)) }
            try FileAccess.writeReplacing(out, bytes)
        } catch let e as FileAccess.WriteError {
            throw InputError(message: e.description)
        }
        print(compilation.report.summary)
        print("wrote \(out) (\(bytes.count) bytes)")
    }
}
