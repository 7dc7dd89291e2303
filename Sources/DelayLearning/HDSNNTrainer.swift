import ChipSim
import Foundation

/// Trains an ``HDSNNModel`` as a multinomial logistic regression: cross-entropy between the softmax
/// of every sampled voxel's logits and the one-hot label of its step, minimised with Adam.
///
/// Each step draws ``TrainingSettings/batchMovies`` movies from the pool and
/// ``TrainingSettings/rowsPerMovie`` output rows (t, y) from each, t in the readout window, and
/// computes the logits of those rows' voxels from the events in their receptive fields
/// (``PackedKernel``). The batch is the stream `(seed, [1, step])`, movie slot b's rows
/// `(seed, [2, step, b])`; slots run on `workers` threads into their own gradient buffers, which are
/// summed in slot order, so the result does not depend on the number of threads. After every update
/// each weight is clamped to ±mask·max|K| (``ConeMask``); taps outside the mask's support stay zero.
public final class HDSNNTrainer {
    /// The settings.
    public let settings: TrainingSettings
    /// Threads for the movie slots of a step.
    public let workers: Int
    /// The model being trained (kernel and bias are current after every step).
    public var model: HDSNNModel {
        var m = base
        m.kernel = kernel.rowMajor()
        m.bias = bias
        return m
    }
    /// Steps taken and the loss (nats per voxel) of each.
    public private(set) var losses: [Double] = []

    private let base: HDSNNModel
    var kernel: PackedKernel
    var bias: [Float]
    /// The mask value of every packed weight (zero in padding lanes).
    private let bounds: [Float]
    private var weightOptimizer: Adam, biasOptimizer: Adam

    /// A trainer starting from `model`'s shape, mask, readout and generator, with fresh weights:
    /// each `initialWeightScale·N(0, 1)·mask` (stream `(seed, [0])`, file order), the delay-0 centre
    /// tap ±`centreTapWeight` (ON +, OFF −), zero bias; no threshold until one is calibrated.
    public init(model: HDSNNModel, settings: TrainingSettings, workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.settings = settings
        self.workers = workers
        var base = model
        base.threshold = nil
        base.training = nil
        self.base = base
        let shape = model.shape
        var rng = RandomStream(seed: settings.seed, stream: [0])
        var initial = [Float](repeating: 0, count: shape.count)
        for c in 0..<shape.classes {
            for p in 0..<KernelShape.polarities {
                for d in 0..<shape.delays {
                    for kx in 0..<shape.width {
                        for ky in 0..<shape.height {
                            let m = Double(model.mask[shape.maskIndex(delay: d, kx: kx, ky: ky)])
                            let w = rng.normal(mean: 0, sd: settings.initialWeightScale) * m
                            initial[shape.index(class: c, polarity: p, delay: d, kx: kx, ky: ky)] = Float(w)
                        }
                    }
                }
                let centre = Float(settings.centreTapWeight) * (p == Polarity.on ? 1 : -1)
                initial[shape.index(class: c, polarity: p, delay: 0, kx: shape.halfWidth, ky: shape.halfHeight)] = centre
            }
        }
        kernel = PackedKernel(shape: shape, kernel: initial, mask: model.mask)
        bias = [Float](repeating: 0, count: shape.classes)
        var bounds = [Float](repeating: 0, count: kernel.weights.count)
        for p in 0..<KernelShape.polarities {
            for d in 0..<shape.delays {
                for ky in 0..<shape.height {
                    for kx in 0..<shape.width {
                        let o = kernel.offset(polarity: p, delay: d, ky: ky, kx: kx)
                        for c in 0..<shape.classes { bounds[o + c] = model.mask[shape.maskIndex(delay: d, kx: kx, ky: ky)] }
                    }
                }
            }
        }
        self.bounds = bounds
        weightOptimizer = Adam(count: kernel.weights.count, settings: settings)
        biasOptimizer = Adam(count: shape.classes, settings: settings)
        clampToMask()
    }

    /// One output row of one movie.
    struct SampledRow: Equatable {
        var t: Int, y: Int
    }

    /// The movie slots of step `step`: a pool index and its sampled rows per slot.
    func batch(step: Int, poolSize: Int) -> [(movie: Int, rows: [SampledRow])] {
        var rng = RandomStream(seed: settings.seed, stream: [1, UInt64(step)])
        let start = base.readout.windowStartMs, end = base.readout.windowEndMs, height = base.generator.height
        return (0..<settings.batchMovies).map { slot in
            let movie = Int(rng.next() % UInt64(poolSize))
            var rowRng = RandomStream(seed: settings.seed, stream: [2, UInt64(step), UInt64(slot)])
            let rows = (0..<settings.rowsPerMovie).map { _ in
                SampledRow(t: start + Int(rowRng.next() % UInt64(end - start)), y: Int(rowRng.next() % UInt64(height)))
            }
            return (movie, rows)
        }
    }

    /// The mean cross-entropy over the voxels of `batch` and its gradient with respect to the
    /// packed weights and the bias.
    func lossAndGradient(pool: [EventMovie], batch: [(movie: Int, rows: [SampledRow])]) -> (loss: Double, weights: [Float], bias: [Float]) {
        let voxels = batch.reduce(0) { $0 + $1.rows.count * pool[$1.movie].width }
        let scale = 1 / Float(voxels)
        let slots = ParallelIndices.map(batch.count, workers: workers) { slot in
            slotGradient(movie: pool[batch[slot].movie], rows: batch[slot].rows, scale: scale)
        }
        var weights = [Float](repeating: 0, count: kernel.weights.count), bias = [Float](repeating: 0, count: self.bias.count)
        var loss = 0.0
        for s in slots {
            loss += s.loss
            for i in weights.indices { weights[i] += s.weights[i] }
            for c in bias.indices { bias[c] += s.bias[c] }
        }
        return (loss / Double(voxels), weights, bias)
    }

    /// The summed loss of one movie's rows and its gradient, each voxel's term scaled by `scale`.
    private func slotGradient(movie: EventMovie, rows: [SampledRow], scale: Float) -> (loss: Double, weights: [Float], bias: [Float]) {
        let shape = kernel.shape, lanes = kernel.lanes, half = shape.halfWidth, classes = shape.classes
        let length = kernel.tileLength(frameWidth: movie.width)
        var original = [Float](repeating: 0, count: length), swapped = original, gradOriginal = original, gradSwapped = original
        var weights = [Float](repeating: 0, count: kernel.weights.count), biasGradient = [Float](repeating: 0, count: classes)
        var logits = [Float](repeating: 0, count: classes)
        var loss = 0.0
        for row in rows {
            let label = movie.labels[row.t]
            original.withUnsafeMutableBufferPointer { o in
                swapped.withUnsafeMutableBufferPointer { s in
                    gradOriginal.withUnsafeMutableBufferPointer { go in
                        gradSwapped.withUnsafeMutableBufferPointer { gs in
                            o.update(repeating: 0)
                            s.update(repeating: 0)
                            go.update(repeating: 0)
                            gs.update(repeating: 0)
                            kernel.accumulate(movie: movie, t: row.t, y: row.y, original: o.baseAddress!, swapped: s.baseAddress!)
                            for x in 0..<movie.width {
                                let tile = (x + half) * lanes
                                var largest = -Float.infinity
                                for c in 0..<classes {
                                    logits[c] = max(o[tile + c], s[tile + c]) + bias[c]
                                    largest = max(largest, logits[c])
                                }
                                let target = logits[label] - largest
                                var sum: Float = 0
                                for c in 0..<classes {
                                    logits[c] = exp(logits[c] - largest)
                                    sum += logits[c]
                                }
                                loss += Double(log(sum) - target)
                                for c in 0..<classes {
                                    let g = (logits[c] / sum - (c == label ? 1 : 0)) * scale
                                    if o[tile + c] >= s[tile + c] { go[tile + c] = g } else { gs[tile + c] = g }
                                    biasGradient[c] += g
                                }
                            }
                            weights.withUnsafeMutableBufferPointer { w in
                                kernel.accumulateGradient(movie: movie, t: row.t, y: row.y, original: go.baseAddress!,
                                                          swapped: gs.baseAddress!, into: w.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        return (loss, weights, biasGradient)
    }

    /// One Adam step on a batch of `pool`; returns the batch's loss before the step.
    @discardableResult
    public func step(pool: [EventMovie]) -> Double {
        let (loss, weightGradient, biasGradient) = lossAndGradient(pool: pool, batch: batch(step: losses.count, poolSize: pool.count))
        let rate = learningRate(step: losses.count)
        weightOptimizer.update(&kernel.weights, gradient: weightGradient, learningRate: rate)
        biasOptimizer.update(&bias, gradient: biasGradient, learningRate: rate)
        clampToMask()
        losses.append(loss)
        return loss
    }

    /// The step size of step `step`: from `learningRate` at step 0 to `finalLearningRate` at the
    /// last step along half a cosine.
    func learningRate(step: Int) -> Double {
        guard let final = settings.finalLearningRate else { return settings.learningRate }
        let progress = settings.steps > 1 ? min(Double(step) / Double(settings.steps - 1), 1) : 1
        return final + (settings.learningRate - final) * (1 + cos(Double.pi * progress)) / 2
    }

    /// Keeps every weight within ±mask·max|K|.
    private func clampToMask() {
        let largest = kernel.weights.reduce(0) { max($0, abs($1)) }
        for i in kernel.weights.indices {
            let bound = bounds[i] * largest
            kernel.weights[i] = bound > 0 ? min(max(kernel.weights[i], -bound), bound) : 0
        }
    }

    /// Trains for `settings.steps` steps on `pool` and returns the model with its ``TrainingRecord``;
    /// `progress(step, loss)` is called after every step.
    public func train(pool: [EventMovie], progress: (Int, Double) -> Void = { _, _ in }) -> HDSNNModel {
        let started = Date()
        while losses.count < settings.steps { progress(losses.count, step(pool: pool)) }
        var trained = model
        let tail = losses.suffix(50)
        trained.training = TrainingRecord(settings: settings, poolMovies: pool.count, stepsDone: losses.count,
                                          finalLoss: tail.reduce(0, +) / Double(max(tail.count, 1)),
                                          seconds: Date().timeIntervalSince(started))
        return trained
    }
}
