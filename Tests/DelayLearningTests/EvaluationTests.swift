import ChipSim
@testable import DelayLearning
import XCTest

final class EvaluationTests: XCTestCase {
    /// Two steps of two voxels, three classes.
    private var handMade: EvidenceVolume {
        var v = EvidenceVolume(classes: 3, width: 2, height: 1, start: 4, end: 6)
        v.values = [2, 0, 0, 0, 1, 0, 0, 1.2, 0, 0, 1.1, 0.5]
        return v
    }

    func testReadoutsOfAHandMadeVolume() {
        let v = handMade
        XCTAssertEqual(v.allVoxelDecision(), 1)  // class sums 2, 3.3, 0.5
        XCTAssertEqual(v.topFractionDecision(0.5), 0)  // confidences 2, 1, 1.2, 1.1: the median is 1.15
        XCTAssertEqual(v.perStepDecisions(0.5), [0, 1])
        XCTAssertEqual(v.spikeCounts(threshold: 1.1), [1, 2, 0])
        XCTAssertEqual(v.spikes(threshold: 1.1), [
            OutputSpike(classIndex: 0, t: 4, x: 0, y: 0), OutputSpike(classIndex: 1, t: 5, x: 0, y: 0),
            OutputSpike(classIndex: 1, t: 5, x: 1, y: 0),
        ])
        XCTAssertEqual(OutputSpike(classIndex: 2, t: 0, x: 1, y: 3).neuron(width: 4, height: 5), (2 * 5 + 3) * 4 + 1)
        XCTAssertEqual(spikeCountDecision([1, 3, 3]), 1)
        XCTAssertNil(spikeCountDecision([0, 0, 0]))
    }

    func testQuantileBySelectionMatchesSorting() {
        XCTAssertEqual(quantile([4, 1, 3, 2], 0.5), 2.5)
        XCTAssertEqual(quantile([7], 0.3), 7)
        var rng = RandomStream(seed: 12)
        let values = (0..<501).map { _ in Float(rng.normal(mean: 0, sd: 1)) }
        let sorted = values.sorted()
        for q in [0, 0.15, 0.5, 0.85, 0.999, 1] {
            let position = q * 500, below = Int(position.rounded(.down))
            let expected = below == 500 ? sorted[500] : sorted[below] + Float(position - Double(below)) * (sorted[below + 1] - sorted[below])
            XCTAssertEqual(quantile(values, q), expected, accuracy: 1e-6, "q \(q)")
        }
    }

    func testSelectionOfTheLargestValues() {
        var rng = RandomStream(seed: 4)
        let values = (0..<1000).map { _ in Float(Int(rng.next() % 300)) }  // many ties
        for count in [1, 37, 999, 1000, 2000] {
            XCTAssertEqual(largestValues(values, count: count).sorted(), Array(values.sorted().suffix(count)))
        }
    }

    func testCalibratedThresholdGivesTheTargetRate() {
        let model = Tiny.randomModel(seed: 6)
        let movies = (0..<3).map { Tiny.randomMovie(seed: UInt64(40 + $0), width: 16, height: 16, duration: 30) }
        let rate = 50.0  // spikes/s: 5 % of the outputs in 1 ms steps
        let theta = ThresholdCalibration.threshold(model: model, movies: movies, rateHz: rate, workers: 2)
        let spikes = movies.reduce(0) { $0 + model.evidence($1).spikeCounts(threshold: theta).reduce(0, +) }
        let outputs = 3 * (30 - Tiny.shape.delays) * 16 * 16 * Tiny.shape.classes
        XCTAssertEqual(spikes, Int((rate / 1000 * Double(outputs)).rounded()))
        XCTAssertEqual(ThresholdCalibration.threshold(model: model, movies: movies, rateHz: rate, workers: 1), theta)
    }

    func testReportOfABiasOnlyModel() {
        // A zero kernel with the largest bias on class 2 decides 2 everywhere and spikes only there.
        var model = HDSNNModel(name: "bias", shape: Tiny.shape, generator: Tiny.generator)
        model.bias = [0, -1, 1, 0.5]
        let constant = [2, 0, 2, 3].map { Tiny.randomMovie(seed: UInt64($0), width: 16, height: 16, duration: 30, label: $0) }
        var switching = Tiny.randomMovie(seed: 9, width: 16, height: 16, duration: 30)
        let labels = (0..<30).map { $0 < 20 ? 2 : 1 }
        switching = EventMovie(width: 16, height: 16, durationMs: 30, t: switching.t, x: switching.x, y: switching.y,
                               polarity: switching.polarity, labels: labels)
        let report = OfflineEvaluation.report(model: model, constant: constant, switching: [switching],
                                              thresholds: [(rateHz: 250, threshold: 0.75), (rateHz: 1, threshold: 5)], workers: 2)
        XCTAssertEqual(report.topFractionAccuracy, 0.5)
        XCTAssertEqual(report.allVoxelAccuracy, 0.5)
        XCTAssertEqual(report.spiking[0].accuracy, 0.5)
        XCTAssertEqual(report.spiking[0].measuredRateHz, 250)  // one class in four spikes every ms
        XCTAssertEqual(report.spiking[1].accuracy, 0)  // nothing spikes
        XCTAssertEqual(report.perStepAccuracy, 15.0 / 25)  // steps 5 ..< 20 of 5 ..< 30 are class 2
        let pruning = OfflineEvaluation.pruningCurve(model: Tiny.randomModel(seed: 1), movies: constant, fractions: [1, 0.01, 0])
        XCTAssertEqual(pruning.map(\.nonzeroWeights)[1...], [Tiny.randomModel(seed: 1).keptWeights(fraction: 0.01), 0])
        let shortening = OfflineEvaluation.shorteningCurve(model: model, movies: constant)
        XCTAssertEqual(shortening.map(\.kept).last, 1)
        XCTAssertEqual(shortening.count, Tiny.shape.delays)
    }
}
