import ChipSim
import Foundation

/// Accuracy of a spiking readout at one threshold.
public struct SpikingResult: Codable, Equatable, Sendable {
    /// The rate θ was calibrated to (spikes/s per output neuron).
    public var targetRateHz: Double
    /// θ (logit units).
    public var threshold: Double
    /// The mean rate measured on the test movies (spikes/s per output neuron).
    public var measuredRateHz: Double
    /// Fraction of test movies whose most-spiking class is their label (no spike counts as wrong).
    public var accuracy: Double
}

/// One point of a pruning or shortening curve.
public struct CurvePoint: Codable, Equatable, Sendable {
    /// Fraction of the kernel's weights kept (pruning) or delays kept out of K_T (shortening).
    public var kept: Double
    /// Nonzero weights left.
    public var nonzeroWeights: Int
    /// Top-fraction accuracy on the constant-motion test movies.
    public var accuracy: Double
}

/// Offline accuracy of a model, computed from its kernel (not on the chip).
public struct OfflineReport: Codable, Equatable, Sendable {
    /// Constant-motion test movies.
    public var constantMovies: Int
    /// Accuracy of the top-fraction readout (``ReadoutSettings/topFraction``).
    public var topFractionAccuracy: Double
    /// Accuracy of the mean evidence over all voxels.
    public var allVoxelAccuracy: Double
    /// Spiking readouts, one per calibrated threshold.
    public var spiking: [SpikingResult]
    /// Switching-motion test movies.
    public var switchingMovies: Int
    /// Fraction of (movie, step) pairs of the switching movies whose per-step top-fraction decision
    /// is the step's label.
    public var perStepAccuracy: Double
}

/// The offline evaluation (models.md B.4, B.7): each movie's evidence volume is computed once and
/// read out several ways; movies run on `workers` threads, results do not depend on their number.
public enum OfflineEvaluation {
    /// The report of `model` on constant-motion `constant` and switching `switching` test movies,
    /// with a spiking readout at each of `thresholds` (θ calibrated to the paired rate, spikes/s).
    public static func report(model: HDSNNModel, constant: [EventMovie], switching: [EventMovie],
                              thresholds: [(rateHz: Double, threshold: Double)],
                              workers: Int = ProcessInfo.processInfo.activeProcessorCount) -> OfflineReport {
        let packed = model.packed, r = model.readout
        let perMovie = ParallelIndices.map(constant.count, workers: workers) { i -> (top: Bool, all: Bool, spikes: [(Bool, Int)]) in
            let movie = constant[i], label = movie.labels[r.windowStartMs]
            let volume = model.evidence(movie, packed: packed)
            let spikes = thresholds.map { pair -> (Bool, Int) in
                let counts = volume.spikeCounts(threshold: pair.threshold)
                return (spikeCountDecision(counts) == label, counts.reduce(0, +))
            }
            return (volume.topFractionDecision(r.topFraction) == label, volume.allVoxelDecision() == label, spikes)
        }
        let perStep = ParallelIndices.map(switching.count, workers: workers) { i -> Int in
            let movie = switching[i]
            let volume = model.evidence(movie, packed: packed)
            return zip(volume.perStepDecisions(r.topFraction), movie.labels[r.windowStartMs..<r.windowEndMs]).filter { $0 == $1 }.count
        }
        let n = Double(max(constant.count, 1))
        let outputNeurons = Double(model.shape.classes * model.generator.width * model.generator.height)
        let seconds = Double(r.windowEndMs - r.windowStartMs) / 1000 * n
        let spiking = thresholds.enumerated().map { k, pair in
            SpikingResult(targetRateHz: pair.rateHz, threshold: pair.threshold,
                          measuredRateHz: Double(perMovie.reduce(0) { $0 + $1.spikes[k].1 }) / (outputNeurons * seconds),
                          accuracy: Double(perMovie.filter { $0.spikes[k].0 }.count) / n)
        }
        let steps = Double(max(switching.count * (r.windowEndMs - r.windowStartMs), 1))
        return OfflineReport(constantMovies: constant.count, topFractionAccuracy: Double(perMovie.filter(\.top).count) / n,
                             allVoxelAccuracy: Double(perMovie.filter(\.all).count) / n, spiking: spiking,
                             switchingMovies: switching.count, perStepAccuracy: Double(perStep.reduce(0, +)) / steps)
    }

    /// The top-fraction accuracy of `model` on constant-motion `movies`.
    public static func topFractionAccuracy(model: HDSNNModel, movies: [EventMovie],
                                           workers: Int = ProcessInfo.processInfo.activeProcessorCount) -> Double {
        let packed = model.packed, r = model.readout
        let correct = ParallelIndices.map(movies.count, workers: workers) { i -> Bool in
            let volume = model.evidence(movies[i], packed: packed)
            return volume.topFractionDecision(r.topFraction) == movies[i].labels[r.windowStartMs]
        }
        return Double(correct.filter { $0 }.count) / Double(max(movies.count, 1))
    }

    /// Accuracy against the fraction of weights kept, keeping the largest |w| (``HDSNNModel/pruned(keepFraction:)``).
    public static func pruningCurve(model: HDSNNModel, movies: [EventMovie], fractions: [Double],
                                    workers: Int = ProcessInfo.processInfo.activeProcessorCount) -> [CurvePoint] {
        fractions.map { f in
            let pruned = model.pruned(keepFraction: f)
            return CurvePoint(kept: f, nonzeroWeights: pruned.nonzeroWeights,
                              accuracy: topFractionAccuracy(model: pruned, movies: movies, workers: workers))
        }
    }

    /// Accuracy against the number of shortest delays kept, 1 ... K_T (``HDSNNModel/shortened(delaysKept:)``);
    /// `kept` is the delays kept out of K_T. Every cut comes from one pass over each movie.
    public static func shorteningCurve(model: HDSNNModel, movies: [EventMovie],
                                       workers: Int = ProcessInfo.processInfo.activeProcessorCount) -> [CurvePoint] {
        let packed = model.packed, r = model.readout, cuts = Array(1...model.shape.delays)
        let correct = ParallelIndices.map(movies.count, workers: workers) { i -> [Bool] in
            EvidenceVolume.cuts(kernel: packed, bias: model.bias, movie: movies[i], start: r.windowStartMs, end: r.windowEndMs, delays: cuts)
                .map { $0.topFractionDecision(r.topFraction) == movies[i].labels[r.windowStartMs] }
        }
        return cuts.map { k in
            CurvePoint(kept: Double(k) / Double(model.shape.delays), nonzeroWeights: model.shortened(delaysKept: k).nonzeroWeights,
                       accuracy: Double(correct.filter { $0[k - 1] }.count) / Double(max(movies.count, 1)))
        }
    }
}
