@testable import DelayLearning
import XCTest

final class TrainingTests: XCTestCase {
    private func settings(steps: Int = 1) -> TrainingSettings {
        var s = TrainingSettings()
        s.steps = steps
        s.batchMovies = 3
        s.rowsPerMovie = 4
        s.initialWeightScale = 0.3
        s.centreTapWeight = 1
        s.learningRate = 0.01
        s.finalLearningRate = nil
        return s
    }

    func testGradientMatchesFiniteDifferences() {
        let pool = (0..<3).map { Tiny.randomMovie(seed: UInt64(20 + $0), width: 16, height: 16, label: $0 + 1) }
        var model = Tiny.randomModel(seed: 8)
        model.readout = ReadoutSettings(windowStartMs: 5, windowEndMs: 12)
        let trainer = HDSNNTrainer(model: model, settings: settings(), workers: 1)
        trainer.kernel.weights = PackedKernel(shape: model.shape, kernel: model.kernel, mask: model.mask).weights
        trainer.bias = model.bias
        let batch = trainer.batch(step: 0, poolSize: pool.count)
        let (loss, gradient, biasGradient) = trainer.lossAndGradient(pool: pool, batch: batch)
        XCTAssert(loss.isFinite && loss > 0)
        func lossAt(weight i: Int, _ delta: Float) -> Double {
            let saved = trainer.kernel.weights[i]
            trainer.kernel.weights[i] = saved + delta
            defer { trainer.kernel.weights[i] = saved }
            return trainer.lossAndGradient(pool: pool, batch: batch).loss
        }
        let h: Float = 1e-3
        let largest = gradient.indices.sorted { abs(gradient[$0]) > abs(gradient[$1]) }.prefix(12)
        for i in largest {
            let numeric = (lossAt(weight: i, h) - lossAt(weight: i, -h)) / Double(2 * h)
            XCTAssertEqual(Double(gradient[i]), numeric, accuracy: 0.02 * abs(numeric) + 1e-4, "weight \(i)")
        }
        XCTAssertGreaterThan(abs(gradient[largest.first!]), 1e-3)
        for c in 0..<model.shape.classes {
            let saved = trainer.bias[c]
            trainer.bias[c] = saved + h
            let up = trainer.lossAndGradient(pool: pool, batch: batch).loss
            trainer.bias[c] = saved - h
            let down = trainer.lossAndGradient(pool: pool, batch: batch).loss
            trainer.bias[c] = saved
            XCTAssertEqual(Double(biasGradient[c]), (up - down) / Double(2 * h), accuracy: 1e-3, "bias \(c)")
        }
        // Softmax gradients sum to zero over the classes of every voxel.
        XCTAssertEqual(biasGradient.reduce(0, +), 0, accuracy: 1e-5)
    }

    func testTrainingLowersTheLossOnGeneratedMovies() {
        let generator = MovieGenerator(settings: Tiny.generator)
        let pool = generator.movies(.training, count: 6)
        let model = HDSNNModel(name: "tiny", shape: Tiny.shape, generator: Tiny.generator)
        let trainer = HDSNNTrainer(model: model, settings: settings(steps: 25))
        let probe = (0..<4).flatMap { trainer.batch(step: 1000 + $0, poolSize: pool.count) }
        let before = trainer.lossAndGradient(pool: pool, batch: probe).loss
        let trained = trainer.train(pool: pool)
        let after = trainer.lossAndGradient(pool: pool, batch: probe).loss
        XCTAssertLessThan(after, 0.9 * before, "loss \(before) → \(after)")
        XCTAssertEqual(trained.training?.stepsDone, 25)
        XCTAssertNotEqual(trained.bias, model.bias)
        // Every weight stays inside the mask's bound and its support.
        let largest = trained.kernel.map(abs).max()!
        for c in 0..<Tiny.shape.classes {
            for p in 0..<2 {
                for d in 0..<Tiny.shape.delays {
                    for kx in 0..<Tiny.shape.width {
                        for ky in 0..<Tiny.shape.height {
                            let w = trained.kernel[Tiny.shape.index(class: c, polarity: p, delay: d, kx: kx, ky: ky)]
                            XCTAssertLessThanOrEqual(abs(w), trained.mask[Tiny.shape.maskIndex(delay: d, kx: kx, ky: ky)] * largest)
                        }
                    }
                }
            }
        }
    }

    func testStepSizeFollowsHalfACosine() {
        var s = settings(steps: 101)
        XCTAssertEqual(HDSNNTrainer(model: Tiny.randomModel(seed: 1), settings: s).learningRate(step: 50), 0.01)
        s.finalLearningRate = 0.001
        let trainer = HDSNNTrainer(model: Tiny.randomModel(seed: 1), settings: s)
        XCTAssertEqual(trainer.learningRate(step: 0), 0.01, accuracy: 1e-15)
        XCTAssertEqual(trainer.learningRate(step: 50), 0.0055, accuracy: 1e-15)
        XCTAssertEqual(trainer.learningRate(step: 100), 0.001, accuracy: 1e-15)
        XCTAssertGreaterThan(trainer.learningRate(step: 25), 0.0055 + 0.0045 / 2)  // slow at first
    }

    func testTrainingDoesNotDependOnTheNumberOfThreads() {
        let pool = MovieGenerator(settings: Tiny.generator).movies(.training, count: 4)
        let model = HDSNNModel(name: "tiny", shape: Tiny.shape, generator: Tiny.generator)
        let one = HDSNNTrainer(model: model, settings: settings(steps: 3), workers: 1).train(pool: pool)
        let two = HDSNNTrainer(model: model, settings: settings(steps: 3), workers: 2).train(pool: pool)
        XCTAssertEqual(one.kernel, two.kernel)
        XCTAssertEqual(one.bias, two.bias)
    }
}
