import ArgumentParser
import ChipSim
import Compiler
import CrossbarClassifier
import Foundation

/// `neurite crossbar …`: the crossbar tile model on its own.
struct CrossbarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crossbar",
        abstract: "Run the memristor-crossbar tile model on its own, or compare a classifier on the crossbar and the digital target.",
        subcommands: [CrossbarMVMCommand.self, CrossbarClassifyCommand.self])
}

/// `neurite crossbar classify`: the classifier of `Examples/crossbar-classifier/` on both targets.
struct CrossbarClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Train a one-layer spiking classifier of 8×8 patterns, run it on the digital (spinn-5) and the crossbar target, and sweep programming noise and stuck-at rate.",
        discussion: """
            Prints a Markdown table of accuracy (mean ± sd over seeds, each seed reprogramming the tiles) and energy per \
            inference on each target; writes weights.csv (the trained weights, 64 rows × 10 columns, nA), results.md and \
            accuracy.svg into --out.
            """)

    @Option(help: "The crossbar target file.")
    var target = "configs/crossbar.yaml"

    @Option(help: "Network seeds per crossbar setting (1...100).")
    var seeds = 3

    @Option(help: "Training samples (10...100000).")
    var train = 500

    @Option(help: "Test samples shown to the chip per run (10...10000).")
    var test = 100

    @Option(help: "Programming noise values to sweep (fractions of Gmax), comma-separated.")
    var noises = "0,0.05,0.1,0.2,0.4"

    @Option(name: .customLong("stuck-rates"), help: "Stuck-at rates to sweep (on + off, split evenly), comma-separated.")
    var stuckRates = "0,0.05,0.1,0.2,0.4"

    @Option(help: "Where to write weights.csv, results.md and accuracy.svg.")
    var out = "crossbar-classifier"

    func validate() throws {
        guard (1...100).contains(seeds) else { throw ValidationError("--seeds must be in 1...100, found \(seeds)") }
        guard (10...100_000).contains(train) else { throw ValidationError("--train must be in 10...100000, found \(train)") }
        guard (10...10_000).contains(test) else { throw ValidationError("--test must be in 10...10000, found \(test)") }
    }

    func run() throws {
        let machine = try TargetParser.resolve(target)
        guard machine.crossbar != nil else { throw InputError(message: "\(target): the target has no 'crossbar:' block") }
        func values(_ text: String, _ option: String) throws -> [Double] {
            try text.split(separator: ",").map {
                guard let v = Double($0.trimmingCharacters(in: .whitespaces)), (0...1).contains(v) else {
                    throw InputError(message: "\(option): '\($0)' is not a number in 0...1")
                }
                return v
            }
        }
        let noiseValues = try values(noises, "--noises"), stuckValues = try values(stuckRates, "--stuck-rates")
        let dataSeed: UInt64 = 21
        let weights = CrossbarClassifier.train(CrossbarClassifier.samples(train, seed: dataSeed, stream: 0))
        let rows = try CrossbarClassifier.sweep(
            crossbar: machine, digital: .spinn5, weights: weights, test: CrossbarClassifier.samples(test, seed: dataSeed, stream: 1),
            seeds: seeds, noises: noiseValues, stuckRates: stuckValues)
        let table = CrossbarClassifier.table(rows)
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let n = CrossbarClassifier.classes
            let csv = (0..<(weights.count / n)).map { i in weights[(i * n)..<((i + 1) * n)].map { "\($0)" }.joined(separator: ",") }
            try FileAccess.writeReplacing(out + "/weights.csv", Array((csv.joined(separator: "\n") + "\n").utf8))
            try FileAccess.writeReplacing(out + "/results.md", Array((table + "\n").utf8))
            try FileAccess.writeReplacing(out + "/accuracy.svg", Array(CrossbarClassifier.svg(rows).utf8))
        } catch let e as FileAccess.WriteError {
            throw InputError(message: e.description)
        }
        print(table)
        print("wrote \(out)/weights.csv, \(out)/results.md, \(out)/accuracy.svg")
    }
}

struct CrossbarMVMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mvm",
        abstract: "Program one tile with W.csv, read it once per line of X.csv, and print the column outputs as CSV in the units of W·x.",
        discussion: """
            W.csv holds one line per input (tile row), one number per output (tile column). Each line of X.csv is one read: \
            one number per row of W.csv, 0/1 for spikes (real values scale the read voltage). Settings come from the target's \
            'crossbar:' block (default: the built-in defaults of configs/crossbar.yaml), then from --set.
            """)

    @Option(help: "The weight matrix, CSV: rows = inputs, columns = outputs.")
    var weights: String

    @Option(help: "The inputs, CSV: one read per line, one value per row of the weights.")
    var spikes: String

    @Option(help: "A crossbar target YAML file (its 'crossbar:' block).")
    var target: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a crossbar setting (repeatable).", valueName: "KEY=VALUE"))
    var overrides: [String] = []

    @Option(help: "Seed of the tile's random streams.")
    var seed: UInt64 = 0

    func run() throws {
        var settings = try target.map(CrossbarSettingsParser.parse(contentsOf:)) ?? CrossbarSettings()
        for o in overrides {
            do { try settings.apply(override: o) } catch let e as CrossbarError { throw InputError(message: "--set \(o): \(e.message)") }
        }
        if let problem = settings.problem { throw InputError(message: "the crossbar settings have \(problem)") }
        let w = try NumberTable(contentsOf: weights)
        let x = try NumberTable(contentsOf: spikes)
        guard w.rows <= settings.tileRows, w.columns <= settings.tileCols else {
            throw InputError(message: "\(weights): a \(w.rows) × \(w.columns) matrix does not fit one "
                + "\(settings.tileRows) × \(settings.tileCols) tile (set tile_rows and tile_cols)")
        }
        if x.columns != w.rows {
            throw InputError(message: "\(spikes):\(x.lines[0]): \(x.columns) values per line; expected \(w.rows), "
                + "one per row of \(weights)")
        }
        let tile: CrossbarTile
        do {
            tile = try CrossbarTile(weights: w.values, rows: w.rows, cols: w.columns, settings: settings, seed: seed)
        } catch let e as CrossbarError { throw InputError(message: e.message) }
        var out = ""
        for r in 0..<x.rows {
            let input = Array(x.values[(r * x.columns)..<((r + 1) * x.columns)])
            let spikes = input.allSatisfy { $0 == 0 || $0 == 1 }
            let y = spikes ? tile.read(activeRows: input.indices.filter { input[$0] == 1 }) : tile.read(input: input)
            out += y.map { "\($0)" }.joined(separator: ",") + "\n"
        }
        print(out, terminator: "")
    }
}

/// A CSV file of numbers: every nonblank line the same count of comma-separated finite numbers.
struct NumberTable {
    var values: [Double] = []
    var rows = 0, columns = 0
    /// The file line of each row, for messages.
    var lines: [Int] = []

    init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw InputError(message: "cannot read '\(path)'") }
        for (n, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy(\.isWhitespace) { continue }
            var column = 1, count = 0
            for field in line.split(separator: ",", omittingEmptySubsequences: false) {
                let text = field.trimmingCharacters(in: .whitespaces)
                guard let v = Double(text), v.isFinite else {
                    let at = column + field.prefix(while: \.isWhitespace).count
                    throw InputError(message: "\(path):\(n + 1):\(at): expected a finite number, found '\(text)'")
                }
                values.append(v)
                column += field.count + 1
                count += 1
            }
            if rows > 0 && count != columns {
                throw InputError(message: "\(path):\(n + 1): \(count) values; expected \(columns), as on line \(lines[0])")
            }
            columns = count
            rows += 1
            lines.append(n + 1)
        }
        if rows == 0 { throw InputError(message: "\(path): no numbers; expected one line per row, comma-separated") }
    }
}
