import ArgumentParser
import ChipSim
import Compiler
import Foundation
import Runtime

/// The `neurite` command: compile, inspect and simulate spiking networks on a chip model.
struct NeuriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neurite",
        abstract: "Compile spiking networks onto a SpiNNaker-style chip model and simulate them.",
        version: "0.1.0",
        subcommands: [CompileCommand.self, InspectCommand.self, SimulateCommand.self, ReportCommand.self, CrossbarCommand.self, KeygenCommand.self,
                      WorkerCommand.self, CamCommand.self, DelaysCommand.self])

    /// Runs the command line and returns the process exit code.
    static func runMain(_ arguments: [String]) -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            return 0
        } catch let error as CompileError {
            printError(error.description)
            return 1
        } catch let error as ChipImageError {
            printError("error: \(error.description)")
            return 1
        } catch let error as InputError {
            printError("error: \(error.message)")
            return 1
        } catch let error as StoppedBySignal {
            return 128 + error.signal
        } catch let error as UsageError {
            printError("Error: \(error.message)")
            return 2
        } catch let error as RunError {
            printError("error: \(error.description)")
            return 3
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                return 0
            }
            printError(fullMessage(for: error))
            return 2
        }
    }
}

/// Input the user gave that cannot be used (a file that cannot be read, say).
struct InputError: Error {
    var message: String
}

/// A run stopped by SIGINT or SIGTERM and ended cleanly: the process exits with 128 + the signal
/// (130, 143), as a shell expects of a program the signal ended.
struct StoppedBySignal: Error {
    var signal: Int32
}

/// An amount of memory on the command line: bytes, or a number with K, M, G or T (powers of 1024).
struct ByteSize: ExpressibleByArgument {
    var bytes: Int

    init?(argument: String) {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var text = argument.uppercased()
        if text.hasSuffix("B") { text.removeLast() }
        var scale = 1
        if let last = text.last, let unit = units[last] {
            scale = unit
            text.removeLast()
        }
        guard let value = Double(text), value > 0, value * Double(scale) < 1e18 else { return nil }
        bytes = Int(value * Double(scale))
    }
}

/// An option's value that is out of range for what it applies to, found only once the input is
/// read (a duration beyond the image's longest run, say): a usage error, exit code 2.
struct UsageError: Error {
    var message: String
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// The bytes of a file the user named, or an input error that says why they cannot be read.
func readInput(_ path: String) throws -> [UInt8] {
    do { return try FileAccess.read(path) } catch let e as FileAccess.ReadError { throw InputError(message: e.description) }
}

/// The bytes of an input file, mapped rather than copied where it is a regular file (an image
/// of a gigabyte is decoded in place), with the same messages as ``readInput(_:)``.
func mapInput(_ path: String) throws -> MappedFile {
    do { return try MappedFile(path) } catch let e as FileAccess.ReadError { throw InputError(message: e.description) }
}

/// Prints a compilation's warnings to standard error.
func printWarnings(_ compilation: Compilation) {
    for w in compilation.warnings { printError(w.description) }
}

/// Reads a network (YAML) or a chip image and returns an image. A file is an image if it starts
/// with the image's magic bytes or is named `*.nchip`, so that a damaged image is reported as one.
/// A network's compile warnings go to standard error. An image's matrices are indexed and checked
/// on `workers` threads (the run's).
func loadImage(_ path: String, target: String?, workers: Int = 1) throws -> ChipImage {
    let file = try mapInput(path)
    if file.withUnsafeBytes({ $0.starts(with: ChipImageCodec.magic) }) || path.hasSuffix(".nchip") {
        if target != nil { throw InputError(message: "--target applies when compiling a network, not to an image (\(path))") }
        return try ChipImageCodec.decode(file, workers: workers)
    }
    let network = try NetworkParser.parse(contentsOf: path)
    let compilation = try NetworkCompiler.compile(network, targets: try TargetParser.candidates(target))
    printWarnings(compilation)
    return compilation.image
}
