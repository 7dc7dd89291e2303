import ChipSim
import DelayLearning
import Foundation
import HDSNNChip
import Runtime
import XCTest

/// The motion detector on the chip: the exported network's output spikes are the offline model's
/// thresholded output, voxel for voxel (`float64` exactly; `s1615` but for voxels within its
/// weight resolution of the threshold), and models the chip path cannot run are refused.
final class ChipExportTests: XCTestCase {
    static let modelPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples/delays/model-a.json").path

    /// The committed model pruned to 5 % of its weights, on 16 × 16 movies of 40 ms (the kernel
    /// is a convolution: any frame size works), its threshold calibrated to 20 spikes/s.
    func smallCase() throws -> (model: HDSNNModel, movies: [EventMovie]) {
        if let made = Self.made { return made }
        var model = try ModelFile.load(path: Self.modelPath).model.pruned(keepFraction: 0.05)
        var g = model.generator
        (g.width, g.height, g.durationMs, g.seed, g.textureSize) = (16, 16, 40, 7, 64)
        model.generator = g
        model.readout = ReadoutSettings(windowStartMs: model.shape.delays, windowEndMs: 40)
        let generator = MovieGenerator(settings: g)
        model = ChipCurves.deployed(model, calibration: generator.movies(.training, count: 2), rateHz: 20)
        Self.made = (model, generator.movies(.constantTest, count: 3))
        return Self.made!
    }

    /// The small case, made once for every test (movies take a while in a debug build).
    nonisolated(unsafe) static var made: (model: HDSNNModel, movies: [EventMovie])?

    func testTheChipsSpikesAreTheOfflineModelsThresholdedOutput() throws {
        let (model, movies) = try smallCase()
        let network = try HDSNNNetwork(model: model, movies: movies)
        for arithmetic in [Arithmetic.float64, .s1615] {
            let dir = NSTemporaryDirectory() + "hdsnn-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let (report, spikes) = try ChipEvaluation.run(network, directory: dir, options: RunOptions(arithmetic: arithmetic))
            XCTAssertEqual(report.movies, 3)
            var offlineTotal = 0, differing = 0
            for (m, movie) in movies.enumerated() {
                let volume = model.evidence(movie, window: 0..<40)
                let offline = Set(volume.spikes(threshold: model.threshold!)), chip = Set(spikes[m])
                offlineTotal += offline.count
                if arithmetic == .float64 {
                    XCTAssertEqual(chip, offline, "movie \(m)")
                    continue
                }
                for s in offline.symmetricDifference(chip) {
                    differing += 1
                    // The voxel's evidence for the class, E = max(B, B_swapped) + β: within 1 % of θ.
                    let k = ((s.t - volume.start) * 16 + s.y) * 16 + s.x
                    XCTAssertEqual(Double(volume.values[k * volume.classes + s.classIndex]), model.threshold!, accuracy: 0.01 * model.threshold!,
                                   "movie \(m): \(s) differs though its evidence is not at the threshold")
                }
            }
            XCTAssertGreaterThan(offlineTotal, 1000, "the case spikes")
            XCTAssertLessThan(Double(differing), 0.002 * Double(offlineTotal), "\(arithmetic)")
            XCTAssertEqual(report.accuracy, zip(movies, spikes).map { movie, list in
                var counts = [Int](repeating: 0, count: model.shape.classes)
                for s in list where (model.shape.delays..<40).contains(s.t) { counts[s.classIndex] += 1 }
                return spikeCountDecision(counts) == movie.labels[model.shape.delays] ? 1.0 : 0.0
            }.reduce(0, +) / 3)
        }
    }

    func testTheExportIsANetworkDirectory() throws {
        let (model, movies) = try smallCase()
        let dir = NSTemporaryDirectory() + "hdsnn-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let network = try HDSNNNetwork(model: model, movies: movies)
        let path = try network.export(to: dir)
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
        XCTAssertEqual(files, ["network.yaml", "events.json", "direct-excitatory.csv", "direct-inhibitory.csv", "swapped-excitatory.csv", "swapped-inhibitory.csv"])
        let yaml = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(yaml.contains("duration: \(3 * network.periodMs)"))
        XCTAssertEqual(network.periodMs, 40 + 11 + 3)
        XCTAssertEqual(network.tick(movie: 2, step: 5), 2 * 54 + 7)
        // Every nonzero weight of the kernel is a tap, once per branch.
        let tapLines = try ["direct-excitatory.csv", "direct-inhibitory.csv"].reduce(0) {
            $0 + (try String(contentsOfFile: dir + "/" + $1, encoding: .utf8)).split(separator: "\n").filter { !$0.hasPrefix("#") }.count
        }
        XCTAssertEqual(tapLines, model.nonzeroWeights)
    }

    func testModelsTheChipCannotRunAreRefused() throws {
        var (model, movies) = try smallCase()
        model.threshold = nil
        XCTAssertThrowsError(try HDSNNNetwork(model: model, movies: movies)) { XCTAssertEqual("\($0)", "the model has no threshold; calibrate it first") }
        model.threshold = -1
        XCTAssertThrowsError(try HDSNNNetwork(model: model, movies: movies)) {
            XCTAssertTrue("\($0)".contains("a threshold unit fires on no input; the chip path needs positive class thresholds"), "\($0)")
        }
    }
}
