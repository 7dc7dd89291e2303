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

    func run() throws {
        let spec = try NetworkParser.parse(contentsOf: network)
        let compilation = try NetworkCompiler.compile(spec, target: try TargetParser.resolve(target))
        printWarnings(compilation)
        let out = output ?? ((network as NSString).deletingPathExtension + ".nchip")
        let bytes = ChipImageCodec.encode(compilation.image)
        // The report first: a run that fails leaves no image behind.
        if let report {
            do { try (compilation.report.json() + "\n").write(toFile: report, atomically: true, encoding: .utf8) } catch {
                throw InputError(message: "cannot write '\(report)': \(error.localizedDescription)")
            }
        }
        guard FileManager.default.createFile(atPath: out, contents: Data(bytes)) else {
            throw InputError(message: "cannot write '\(out)'")
        }
        print(compilation.report.summary)
        print("wrote \(out) (\(bytes.count) bytes)")
    }
}
