import ArgumentParser
import DelayLearning
import Foundation

/// Generates the movies, trains an HD-SNN (or loads one), evaluates it offline and writes the
/// pruning and shortening curves. See Benchmarks/README.md.
struct DelayBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neurite-delays-bench",
        abstract: "Train and evaluate the heterogeneous-delay motion detector offline (docs/delay-learning.md).")

    @Option(help: "Configuration: a (16 classes, kernel (16, 2, 11, 9, 9)) or b (36 classes, (36, 2, 16, 11, 11)).")
    var config = "a"
    @Option(name: .customLong("model"), help: "Evaluate this model file instead of training one.")
    var modelPath: String?
    @Option(help: "Training pool size (movies).")
    var pool = 1024
    @Option(help: "Training steps (default: TrainingSettings' 1500).")
    var steps: Int?
    @Option(help: "Adam's first and last step size (default: TrainingSettings').")
    var learningRate: Double?
    @Option(help: "Adam's last step size, reached along half a cosine (default: TrainingSettings').")
    var finalLearningRate: Double?
    @Option(help: "Output rows sampled per movie and step (default: TrainingSettings').")
    var rowsPerMovie: Int?
    @Option(help: "Constant-motion test movies.")
    var testMovies = 400
    @Option(help: "Switching-motion test movies for the per-step accuracy.")
    var switchingMovies = 100
    @Option(help: "Training-pool movies used to calibrate the spiking thresholds.")
    var calibrationMovies = 32
    @Option(help: "Test movies per point of the pruning and shortening curves (default: all).")
    var curveMovies: Int?
    @Option(help: "Generator seed.")
    var seed: UInt64 = 2023
    @Option(help: "Worker threads (results do not depend on it).")
    var workers = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Write the model (with its threshold and offline report) here.")
    var save: String?
    @Option(help: "Write report.json, pruning.svg, shortening.svg and the curve tables here.")
    var out: String?

    func run() throws {
        setvbuf(stdout, nil, _IOLBF, 0)  // progress lines appear as they are printed, even into a file
        let started = Date()
        func elapsed(_ since: Date) -> String { String(format: "%.1f s", Date().timeIntervalSince(since)) }
        var model: HDSNNModel
        if let path = modelPath {
            model = try ModelFile.load(path: path).model
            print("loaded \(path): \(model.name), kernel \(model.shape.dimensions)")
        } else {
            var generator = config.lowercased() == "b" ? GeneratorSettings.paperClasses : GeneratorSettings()
            generator.seed = seed
            let shape = config.lowercased() == "b" ? KernelShape.configB : KernelShape.configA
            model = HDSNNModel(name: "config-\(config.lowercased())", shape: shape, generator: generator)
        }
        let generator = MovieGenerator(settings: model.generator)

        var t = Date()
        let calibration = generator.movies(.training, count: calibrationMovies, workers: workers)
        let constant = generator.movies(.constantTest, count: testMovies, workers: workers)
        let switching = generator.movies(.switchingTest, count: switchingMovies, workers: workers)
        let events = (constant + switching).reduce(0) { $0 + $1.count }
        print("test movies: \(testMovies) constant + \(switchingMovies) switching in \(elapsed(t)); "
              + String(format: "%.1f%% of pixel-steps carry an event",
                       100 * Double(events) / Double((testMovies + switchingMovies) * model.generator.durationMs
                                                     * model.generator.width * model.generator.height)))

        if modelPath == nil {
            t = Date()
            let movies = generator.movies(.training, count: pool, workers: workers)
            let generation = Date().timeIntervalSince(t)
            print(String(format: "training pool: %d movies in %.1f s (%.1f ms per movie)", pool, generation,
                         1000 * generation / Double(pool)))
            var settings = TrainingSettings()
            if let steps { settings.steps = steps }
            if let learningRate { settings.learningRate = learningRate }
            if let finalLearningRate { settings.finalLearningRate = finalLearningRate }
            if let rowsPerMovie { settings.rowsPerMovie = rowsPerMovie }
            let trainer = HDSNNTrainer(model: model, settings: settings, workers: workers)
            var window = 0.0
            model = trainer.train(pool: movies) { step, loss in
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
        print(String(format: "  top-%.0f%% readout  %.2f%%   all voxels %.2f%%   per-step (switching) %.2f%%",
                     100 * model.readout.topFraction, 100 * report.topFractionAccuracy, 100 * report.allVoxelAccuracy,
                     100 * report.perStepAccuracy))
        for s in report.spiking {
            print(String(format: "  spiking @ %.0f spike/s: θ = %.3f, measured %.2f spike/s, accuracy %.2f%%",
                         s.targetRateHz, s.threshold, s.measuredRateHz, 100 * s.accuracy))
        }

        t = Date()
        let curveSet = Array(constant.prefix(curveMovies ?? constant.count))
        let fractions = [1, 0.3, 0.1, 0.05, 0.03, 0.02, 0.015, 0.01, 0.007, 0.005, 0.003, 0.002, 0.0015, 0.001, 0.0005]
        let pruning = OfflineEvaluation.pruningCurve(model: model, movies: curveSet, fractions: fractions, workers: workers)
        let shortening = OfflineEvaluation.shorteningCurve(model: model, movies: curveSet, workers: workers)
        print("curves on \(curveSet.count) movies in \(elapsed(t))")
        let pruningTable = table(pruning, header: "| fraction kept | weights | accuracy (%) |") { String(format: "%.4g", $0.kept) }
        let shorteningTable = table(shortening, header: "| delays kept | weights | accuracy (%) |") {
            String(Int(($0.kept * Double(model.shape.delays)).rounded()))
        }
        print("pruning (largest |w| kept):\n" + pruningTable)
        print("shortening (shortest delays kept):\n" + shorteningTable)

        if let path = save {
            try ModelFile.save(model, offline: report, path: path)
            print("model written to \(path)")
        }
        if let dir = out {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(Curves(report: report, pruning: pruning, shortening: shortening))
                .write(to: URL(fileURLWithPath: dir + "/report.json"))
            try (pruningTable + "\n\n" + shorteningTable + "\n").write(toFile: dir + "/curves.md", atomically: true, encoding: .utf8)
            let name = model.name
            try SVGLineChart(title: "Pruning (\(name))", xLabel: "fraction of weights kept", yLabel: "accuracy (%)", logX: true,
                             series: [.init(name: "largest |w| kept", points: pruning.map { ($0.kept, 100 * $0.accuracy) },
                                            color: "#1f77b4")])
                .render().write(toFile: dir + "/pruning.svg", atomically: true, encoding: .utf8)
            try SVGLineChart(title: "Shortening (\(name))", xLabel: "delays kept (shortest first)", yLabel: "accuracy (%)", logX: false,
                             series: [.init(name: "k shortest delays kept",
                                            points: shortening.map { ($0.kept * Double(model.shape.delays), 100 * $0.accuracy) },
                                            color: "#ff7f0e")])
                .render().write(toFile: dir + "/shortening.svg", atomically: true, encoding: .utf8)
            print("curves written to \(dir)")
        }
        print("total \(elapsed(started))")
    }

    /// A markdown table of a curve.
    func table(_ points: [CurvePoint], header: String, kept: (CurvePoint) -> String) -> String {
        ([header, "|---|---|---|"] + points.map { "| \(kept($0)) | \($0.nonzeroWeights) | \(String(format: "%.1f", 100 * $0.accuracy)) |" })
            .joined(separator: "\n")
    }
}

/// What `--out` writes to report.json.
struct Curves: Encodable {
    var report: OfflineReport
    var pruning: [CurvePoint]
    var shortening: [CurvePoint]
}

DelayBench.main()
