import ChipSim
import Foundation

/// The spiking threshold θ that gives a target mean output rate.
///
/// Over the readout windows of the calibration movies, a fraction `rateHz · 1 ms / 1000` of all
/// (class, voxel) outputs must reach θ: θ is the k-th largest evidence, k = round(rate · outputs ·
/// 1 ms / 1 s). Each movie contributes its k largest values (found by selection, not sorting), so
/// the result does not depend on the number of threads.
public enum ThresholdCalibration {
    /// θ for `rateHz` spikes/s per output neuron on `movies` (1 ms steps).
    public static func threshold(model: HDSNNModel, movies: [EventMovie], rateHz: Double,
                                 workers: Int = ProcessInfo.processInfo.activeProcessorCount) -> Double {
        thresholds(model: model, movies: movies, ratesHz: [rateHz], workers: workers)[0]
    }

    /// θ for each of `ratesHz`, from one pass over `movies`.
    public static func thresholds(model: HDSNNModel, movies: [EventMovie], ratesHz: [Double],
                                  workers: Int = ProcessInfo.processInfo.activeProcessorCount) -> [Double] {
        precondition(!movies.isEmpty && !ratesHz.isEmpty)
        let packed = model.packed
        let outputs = movies.count * (model.readout.windowEndMs - model.readout.windowStartMs) * model.shape.classes
            * model.generator.width * model.generator.height
        let ranks = ratesHz.map { min(outputs, max(1, Int(($0 / 1000 * Double(outputs)).rounded()))) }
        let keep = ranks.max()!
        let candidates = ParallelIndices.map(movies.count, workers: workers) { i -> [Float] in
            largestValues(model.evidence(movies[i], packed: packed).values, count: keep)
        }
        let merged = largestValues(candidates.flatMap { $0 }, count: keep).sorted(by: >)
        return ranks.map { Double(merged[$0 - 1]) }
    }
}
