import ArgumentParser
import ChipSim
import Compiler
import Foundation

/// `neurite crossbar …`: the crossbar tile model on its own.
struct CrossbarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crossbar",
        abstract: "Run the memristor-crossbar tile model on its own.",
        subcommands: [CrossbarMVMCommand.self])
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
