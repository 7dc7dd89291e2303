import ArgumentParser
import ChipSim
import DelayLearning
import Foundation
import HDSNNChip
import Runtime

/// `neurite delays`: the heterogeneous-delay motion detector (HD-SNN, Grimaldi & Perrinet 2023),
/// trained in Swift and run on the chip model (`docs/delay-learning.md`).
struct DelaysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delays",
        abstract: "Train the heterogeneous-delay motion detector and run it on the chip (docs/delay-learning.md).",
        subcommands: [DelaysTrainCommand.self, DelaysEvaluateCommand.self])
}

/// The chip run's settings, shared by both subcommands.
struct ChipRunOptions: ParsableArguments {
    @Option(help: "Chip arithmetic: s1615 or float64.")
    var arithmetic: Arithmetic = .s1615

    @Option(help: "Packet timing on the chip: ideal or cycle.")
    var timing: Timing = .ideal

    @Option(parsing: .unconditional, help: "Simulation threads.")
    var threads = 1

    var run: RunOptions { RunOptions(arithmetic: arithmetic, timing: timing, threads: threads) }
}

/// Errors of the delay-learning libraries as the command line reports them: bad input, exit 1.
func delayInput<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as ModelFileError { throw InputError(message: e.description) } catch let e as HDSNNChipError {
        throw InputError(message: e.description)
    }
}

/// A working directory for chip runs: `dir`, or a fresh temporary one removed afterwards.
func withWorkDirectory<T>(_ dir: String?, _ body: (String) throws -> T) throws -> T {
    if let dir { return try body(dir) }
    let temporary = (NSTemporaryDirectory() as NSString).appendingPathComponent("neurite-delays-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(atPath: temporary) }
    return try body(temporary)
}

struct DelaysEvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Run a trained model's test movies offline and on the chip; print both accuracies.",
        discussion: """
            Makes MOVIES constant-motion test movies with generator seed SEED, deploys the model (pruned to --keep of \
            its weights, its threshold recalibrated to --rate spikes/s per output neuron when pruned or when --rate is \
            given), compiles it onto the chip and replays the movies, and reads each movie's decision off the chip's \
            output spikes. Prints the offline and chip accuracies (--json: one JSON object).
            """)

    @Option(help: "A model file (neurite delays train --out, or Examples/delays/model-a.json).")
    var model: String

    @Option(parsing: .unconditional, help: "Constant-motion test movies.")
    var movies = 20

    @Option(parsing: .unconditional, help: "Generator seed of the test movies (default: the model's test set).")
    var seed: UInt64?

    @Option(parsing: .unconditional, help: "Fraction of the weights kept, largest |w| first, 0 < F ≤ 1.")
    var keep = 1.0

    @Option(parsing: .unconditional, help: "Output rate the threshold is calibrated to, spikes/s per output neuron (default: the model's).")
    var rate: Double?

    @Option(name: .customLong("calibration-movies"), parsing: .unconditional, help: "Training movies the threshold is recalibrated on.")
    var calibrationMovies = 32

    @Option(help: "Keep the exported network (network.yaml, taps, events) and the run here.")
    var work: String?

    @Flag(help: "Print one JSON object.")
    var json = false

    @OptionGroup var chip: ChipRunOptions

    func validate() throws {
        guard (1...100_000).contains(movies) else { throw ValidationError("--movies must be in 1...100000, found \(movies)") }
        guard (1...100_000).contains(calibrationMovies) else { throw ValidationError("--calibration-movies must be in 1...100000, found \(calibrationMovies)") }
        guard keep > 0 && keep <= 1 else { throw ValidationError("--keep must be in (0, 1], found \(keep)") }
        if let rate, !(rate > 0 && rate <= 1000) { throw ValidationError("--rate must be in (0, 1000] spikes/s, found \(rate)") }
    }

    func run() throws {
        let loaded = try delayInput { try ModelFile.load(path: model).model }
        var settings = loaded.generator
        if let seed { settings.seed = seed }
        let generator = MovieGenerator(settings: settings)
        let test = generator.movies(.constantTest, count: movies)
        var deployed = keep < 1 ? loaded.pruned(keepFraction: keep) : loaded
        if keep < 1 || rate != nil || deployed.threshold == nil {
            deployed = ChipCurves.deployed(deployed, calibration: generator.movies(.training, count: calibrationMovies), rateHz: rate ?? loaded.thresholdRateHz)
        }
        let offlineTop = OfflineEvaluation.topFractionAccuracy(model: deployed, movies: test)
        let offlineSpiking = ChipCurves.offlineSpikingAccuracy(deployed, movies: test)
        let report = try delayInput {
            try withWorkDirectory(work) { try ChipEvaluation.run(try HDSNNNetwork(model: deployed, movies: test), directory: $0, options: chip.run).report }
        }
        let result = EvaluateResult(model: deployed.name, movies: movies, seed: settings.seed, keepFraction: keep, nonzeroWeights: deployed.nonzeroWeights,
                                    threshold: deployed.threshold!, rateHz: deployed.thresholdRateHz, accuracyOffline: offlineSpiking,
                                    accuracyOfflineTopFraction: offlineTop, accuracyChip: report.accuracy, chip: report,
                                    arithmetic: chip.arithmetic.rawValue, timing: chip.timing.rawValue)
        if json {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
            return
        }
        print("\(deployed.name): \(deployed.nonzeroWeights) weights (\(String(format: "%.3g", 100 * keep)) % kept), θ = \(String(format: "%.4g", deployed.threshold!)) for \(String(format: "%g", deployed.thresholdRateHz)) spikes/s; \(movies) movies, seed \(settings.seed)")
        print(String(format: "  offline: spiking readout %.2f %%, top-%.0f %% readout %.2f %%", 100 * offlineSpiking, 100 * deployed.readout.topFraction, 100 * offlineTop))
        print(String(format: "  chip (%@, %@): spiking readout %.2f %%, %d synapses on %d cores, %.3g synaptic events/s, %.2f spikes/s per output",
                     chip.arithmetic.rawValue, chip.timing.rawValue, 100 * report.accuracy, report.synapses, report.cores, report.eventsPerSecond, report.rateHz))
        if let factor = report.advisedTimeScaleFactor {
            print(String(format: "  in real time the busiest core needs %.3g× its cycle budget (%d timer overruns): run it at a time scale factor of %.3g",
                         report.maxCoreLoad, report.timerOverruns, factor))
        }
    }
}

/// What `neurite delays evaluate --json` prints.
struct EvaluateResult: Encodable {
    var model: String
    var movies: Int
    var seed: UInt64
    var keepFraction: Double
    var nonzeroWeights: Int
    var threshold: Double
    var rateHz: Double
    var accuracyOffline: Double
    var accuracyOfflineTopFraction: Double
    var accuracyChip: Double
    var chip: ChipReport
    var arithmetic: String
    var timing: String
}

struct DelaysTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Generate movies, train the detector, evaluate it offline and on the chip, and write the curves.",
        discussion: """
            Generates the training pool and the test movies, trains the kernel with Adam (or loads --model), calibrates \
            the spiking threshold (1 and 10 spikes/s per output neuron), evaluates every offline readout, exports the \
            network, compiles it and replays --chip-movies test movies on the chip, and measures the pruning and \
            shortening curves offline (top-15 % readout) and on the chip (spiking readout, the threshold recalibrated \
            per point). With --out it writes model.json, report.json, curves.md, pruning.svg and shortening.svg.
            """)

    @Option(help: "Configuration: a (16 classes, kernel (16, 2, 11, 9, 9)) or b (36 classes, (36, 2, 16, 11, 11)).")
    var config = "a"
    @Option(help: "Evaluate this model file instead of training one.")
    var model: String?
    @Option(parsing: .unconditional, help: "Training pool size (movies).")
    var pool = 1024
    @Option(parsing: .unconditional, help: "Training steps (default: 1500).")
    var steps: Int?
    @Option(name: .customLong("learning-rate"), parsing: .unconditional, help: "Adam's first step size (default 1e-3).")
    var learningRate: Double?
    @Option(name: .customLong("final-learning-rate"), parsing: .unconditional, help: "Adam's last step size, reached along half a cosine (default 1e-5).")
    var finalLearningRate: Double?
    @Option(name: .customLong("rows-per-movie"), parsing: .unconditional, help: "Output rows sampled per movie and step (default 32).")
    var rowsPerMovie: Int?
    @Option(name: .customLong("test-movies"), parsing: .unconditional, help: "Constant-motion test movies (offline).")
    var testMovies = 400
    @Option(name: .customLong("switching-movies"), parsing: .unconditional, help: "Switching-motion test movies for the per-step accuracy.")
    var switchingMovies = 100
    @Option(name: .customLong("calibration-movies"), parsing: .unconditional, help: "Training-pool movies the spiking thresholds are calibrated on.")
    var calibrationMovies = 32
    @Option(name: .customLong("curve-movies"), parsing: .unconditional, help: "Test movies per point of the offline curves (default: all).")
    var curveMovies: Int?
    @Option(name: .customLong("chip-movies"), parsing: .unconditional, help: "Test movies replayed on the chip, for the model and every point of the chip curves (0: no chip runs).")
    var chipMovies = 20
    @Option(name: .customLong("chip-fractions"), help: "Fractions of the weights kept on the chip's pruning curve.")
    var chipFractions = "0.1,0.03,0.01,0.005,0.002"
    @Option(name: .customLong("chip-delays"), help: "Delays kept on the chip's shortening curve.")
    var chipDelays = "9,8,7,5,3,1"
    @Option(name: .customLong("chip-rate"), parsing: .unconditional,
            help: "Output rate the chip curves' thresholds are recalibrated to, spikes/s per output neuron (the top-15 % readout reads 150).")
    var chipRate = 50.0
    @Option(parsing: .unconditional, help: "Generator seed.")
    var seed: UInt64 = 2023
    @Option(parsing: .unconditional, help: "Worker threads for training and offline evaluation (results do not depend on it).")
    var workers = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Write the model, the report, the curve tables and plots here.")
    var out: String?
    @OptionGroup var chip: ChipRunOptions

    func numbers<T: LosslessStringConvertible>(_ text: String, _ name: String) throws -> [T] {
        let values = text.split(separator: ",").map { T(String($0.trimmingCharacters(in: .whitespaces))) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else { throw ValidationError("\(name) must be a comma-separated list of numbers, found '\(text)'") }
        return values.map { $0! }
    }

    func validate() throws {
        guard ["a", "b"].contains(config.lowercased()) else { throw ValidationError("--config must be a or b, found \(config)") }
        for (name, value) in [("--pool", pool), ("--test-movies", testMovies), ("--calibration-movies", calibrationMovies), ("--workers", workers)] where value < 1 {
            throw ValidationError("\(name) must be at least 1, found \(value)")
        }
        guard chipMovies >= 0, switchingMovies >= 0 else { throw ValidationError("--chip-movies and --switching-movies must be ≥ 0") }
        let fractions: [Double] = try numbers(chipFractions, "--chip-fractions")
        guard fractions.allSatisfy({ $0 > 0 && $0 <= 1 }) else { throw ValidationError("--chip-fractions must lie in (0, 1]") }
        let _: [Int] = try numbers(chipDelays, "--chip-delays")
        guard chipRate > 0, chipRate <= 1000 else { throw ValidationError("--chip-rate must lie in (0, 1000] spikes/s, found \(chipRate)") }
    }

    func run() throws {
        setvbuf(stdout, nil, _IOLBF, 0)  // progress lines appear as they are printed, even into a file
        let started = Date()
        func elapsed(_ since: Date) -> String { String(format: "%.1f s", Date().timeIntervalSince(since)) }
        var model: HDSNNModel
        if let path = self.model {
            model = try delayInput { try ModelFile.load(path: path).model }
            print("loaded \(path): \(model.name), kernel \(model.shape.dimensions)")
        } else {
            let b = config.lowercased() == "b"
            var generator = b ? GeneratorSettings.paperClasses : GeneratorSettings()
            generator.seed = seed
            model = HDSNNModel(name: "config-\(config.lowercased())", shape: b ? .configB : .configA, generator: generator)
        }
        let generator = MovieGenerator(settings: model.generator)
        var t = Date()
        let calibration = generator.movies(.training, count: calibrationMovies, workers: workers)
        let constant = generator.movies(.constantTest, count: testMovies, workers: workers)
        let switching = generator.movies(.switchingTest, count: switchingMovies, workers: workers)
        print("test movies: \(testMovies) constant + \(switchingMovies) switching in \(elapsed(t))")

        if self.model == nil {
            t = Date()
            let movies = generator.movies(.training, count: pool, workers: workers)
            let generation = Date().timeIntervalSince(t)
            print(String(format: "training pool: %d movies in %.1f s (%.1f ms per movie)", pool, generation, 1000 * generation / Double(pool)))
            var settings = TrainingSettings()
            if let steps { settings.steps = steps }
            if let learningRate { settings.learningRate = learningRate }
            if let finalLearningRate { settings.finalLearningRate = finalLearningRate }
            if let rowsPerMovie { settings.rowsPerMovie = rowsPerMovie }
            var window = 0.0
            model = HDSNNTrainer(model: model, settings: settings, workers: workers).train(pool: movies) { step, loss in
                window += loss
                if (step + 1) % 100 == 0 {
                    print(String(format: "  step %5d  loss %.4f (mean of last 100)", step + 1, window / 100))
                    window = 0
                }
            }
            print(String(format: "trained %d steps in %.1f s (%.1f ms per step)", settings.steps, model.training!.seconds,
                         1000 * model.training!.seconds / Double(settings.steps)))
        }

        t = Date()
        let rates = [1.0, 10.0]
        let thresholds = ThresholdCalibration.thresholds(model: model, movies: calibration, ratesHz: rates, workers: workers)
        model.threshold = thresholds[0]
        model.thresholdRateHz = rates[0]
        let report = OfflineEvaluation.report(model: model, constant: constant, switching: switching,
                                              thresholds: Array(zip(rates, thresholds)), workers: workers)
        print("offline evaluation in \(elapsed(t)):")
        print(String(format: "  top-%.0f%% readout %.2f%%   all voxels %.2f%%   per step (switching) %.2f%%",
                     100 * model.readout.topFraction, 100 * report.topFractionAccuracy, 100 * report.allVoxelAccuracy, 100 * report.perStepAccuracy))
        for s in report.spiking {
            print(String(format: "  spiking @ %.0f spike/s: θ = %.3f, measured %.2f spike/s, accuracy %.2f%%", s.targetRateHz, s.threshold,
                         s.measuredRateHz, 100 * s.accuracy))
        }

        t = Date()
        let curveSet = Array(constant.prefix(curveMovies ?? constant.count))
        let fractions = [1, 0.3, 0.1, 0.05, 0.03, 0.02, 0.015, 0.01, 0.007, 0.005, 0.003, 0.002, 0.0015, 0.001, 0.0005]
        let pruning = OfflineEvaluation.pruningCurve(model: model, movies: curveSet, fractions: fractions, workers: workers)
        let shortening = OfflineEvaluation.shorteningCurve(model: model, movies: curveSet, workers: workers)
        print("offline curves on \(curveSet.count) movies in \(elapsed(t))")

        var chipResult: ChipReport?
        var chipPruning: [ChipCurvePoint] = [], chipShortening: [ChipCurvePoint] = []
        if chipMovies > 0 {
            t = Date()
            let chipSet = Array(constant.prefix(chipMovies))
            try withWorkDirectory(out.map { ($0 as NSString).appendingPathComponent("chip") }) { work in
                chipResult = try delayInput {
                    try ChipEvaluation.run(try HDSNNNetwork(model: model, movies: chipSet), directory: (work as NSString).appendingPathComponent("model"),
                                           options: chip.run).report
                }
                let offline = ChipCurves.offlineSpikingAccuracy(model, movies: chipSet)
                print(String(format: "chip (%@, %@), %d movies in %@: spiking readout %.2f%% (offline on the same movies %.2f%%); %d synapses on %d cores, %.3g synaptic events/s",
                             chip.arithmetic.rawValue, chip.timing.rawValue, chipSet.count, elapsed(t), 100 * chipResult!.accuracy, 100 * offline,
                             chipResult!.synapses, chipResult!.cores, chipResult!.eventsPerSecond))
                t = Date()
                chipPruning = try delayInput {
                    try ChipCurves.pruning(model, fractions: try numbers(chipFractions, "--chip-fractions"), calibration: calibration, movies: chipSet,
                                           rateHz: chipRate, work: (work as NSString).appendingPathComponent("pruning"), options: chip.run)
                }
                chipShortening = try delayInput {
                    try ChipCurves.shortening(model, delays: try numbers(chipDelays, "--chip-delays"), calibration: calibration, movies: chipSet,
                                              rateHz: chipRate, work: (work as NSString).appendingPathComponent("shortening"), options: chip.run)
                }
                print("chip curves in \(elapsed(t))")
            }
        }
        let pruningTable = DelayTables.offline(pruning, header: "| fraction kept | weights | accuracy (%) |") { String(format: "%.4g", $0.kept) }
        let shorteningTable = DelayTables.offline(shortening, header: "| delays kept | weights | accuracy (%) |") {
            String(Int(($0.kept * Double(model.shape.delays)).rounded()))
        }
        print("pruning offline (largest |w| kept, top-15 % readout):\n" + pruningTable)
        print("shortening offline (shortest delays kept):\n" + shorteningTable)
        let chipTables = chipMovies > 0 ? [
            DelayTables.chip(chipPruning, header: "fraction kept") { String(format: "%.4g", $0.kept) },
            DelayTables.chip(chipShortening, header: "delays kept") { String(Int(($0.kept * Double(model.shape.delays)).rounded())) },
        ] : []
        if chipMovies > 0 {
            print("pruning on the chip (spiking readout, θ recalibrated per point to \(chipRate) spikes/s):\n" + chipTables[0])
            print("shortening on the chip:\n" + chipTables[1])
        }

        if let dir = out {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try ModelFile.save(model, offline: report, path: (dir as NSString).appendingPathComponent("model.json"))
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(TrainReport(offline: report, pruning: pruning, shortening: shortening, chip: chipResult,
                                           chipPruning: chipPruning, chipShortening: chipShortening))
                .write(to: URL(fileURLWithPath: (dir as NSString).appendingPathComponent("report.json")))
            try (([pruningTable, shorteningTable] + chipTables).joined(separator: "\n\n") + "\n")
                .write(toFile: (dir as NSString).appendingPathComponent("curves.md"), atomically: true, encoding: .utf8)
            let name = model.name
            try SVGLineChart(title: "Pruning (\(name))", xLabel: "fraction of weights kept", yLabel: "accuracy (%)", logX: true,
                             series: [.init(name: "offline, top 15 %", points: pruning.map { ($0.kept, 100 * $0.accuracy) }, color: "#1f77b4")]
                                + (chipPruning.isEmpty ? [] : [
                                    .init(name: "offline, spiking", points: chipPruning.map { ($0.kept, 100 * $0.offlineAccuracy) }, color: "#2ca02c"),
                                    .init(name: "chip, spiking", points: chipPruning.map { ($0.kept, 100 * $0.chipAccuracy) }, color: "#d62728"),
                                ]))
                .render().write(toFile: (dir as NSString).appendingPathComponent("pruning.svg"), atomically: true, encoding: .utf8)
            let delays = Double(model.shape.delays)
            try SVGLineChart(title: "Shortening (\(name))", xLabel: "delays kept (shortest first)", yLabel: "accuracy (%)", logX: false,
                             series: [.init(name: "offline, top 15 %", points: shortening.map { ($0.kept * delays, 100 * $0.accuracy) }, color: "#ff7f0e")]
                                + (chipShortening.isEmpty ? [] : [
                                    .init(name: "offline, spiking", points: chipShortening.map { ($0.kept * delays, 100 * $0.offlineAccuracy) }, color: "#2ca02c"),
                                    .init(name: "chip, spiking", points: chipShortening.map { ($0.kept * delays, 100 * $0.chipAccuracy) }, color: "#d62728"),
                                ]))
                .render().write(toFile: (dir as NSString).appendingPathComponent("shortening.svg"), atomically: true, encoding: .utf8)
            print("model, report and curves written to \(dir)")
        }
        print("total \(elapsed(started))")
    }
}

/// Markdown tables of the curves.
enum DelayTables {
    static func offline(_ points: [CurvePoint], header: String, kept: (CurvePoint) -> String) -> String {
        ([header, "|---|---|---|"] + points.map { "| \(kept($0)) | \($0.nonzeroWeights) | \(String(format: "%.1f", 100 * $0.accuracy)) |" })
            .joined(separator: "\n")
    }

    static func chip(_ points: [ChipCurvePoint], header: String, kept: (ChipCurvePoint) -> String) -> String {
        (["| \(header) | weights | θ | offline spiking (%) | chip (%) | synapses | simulated in (s) |", "|---|---|---|---|---|---|---|"]
            + points.map {
                "| \(kept($0)) | \($0.nonzeroWeights) | \(String(format: "%.3f", $0.threshold)) | \(String(format: "%.1f", 100 * $0.offlineAccuracy)) | "
                    + "\(String(format: "%.1f", 100 * $0.chipAccuracy)) | \($0.synapses) | \(String(format: "%.2f", $0.simulateSeconds)) |"
            }).joined(separator: "\n")
    }
}

/// What `neurite delays train --out` writes to report.json.
struct TrainReport: Encodable {
    var offline: OfflineReport
    var pruning: [CurvePoint]
    var shortening: [CurvePoint]
    var chip: ChipReport?
    var chipPruning: [ChipCurvePoint]
    var chipShortening: [ChipCurvePoint]
}
