import ChipSim
import DelayLearning
import Foundation
import Runtime

/// One point of a curve measured on the chip: a pruned or shortened model, its threshold
/// recalibrated to the same output rate, its spiking accuracy offline and on the chip on the same
/// movies.
public struct ChipCurvePoint: Codable, Equatable, Sendable {
    /// The fraction of weights kept (pruning) or of delays kept (shortening).
    public var kept: Double
    public var nonzeroWeights: Int
    public var threshold: Double
    public var offlineAccuracy: Double
    public var chipAccuracy: Double
    public var synapses: Int
    public var simulateSeconds: Double
}

/// The chip half of the delay-learning experiment: deploying a model (threshold calibrated to an
/// output rate) and the pruning and shortening curves on the chip.
public enum ChipCurves {
    /// `model` with its threshold recalibrated so that its outputs fire at `rateHz` on the
    /// calibration movies (a pruned or shortened kernel gives smaller evidence).
    public static func deployed(_ model: HDSNNModel, calibration: [EventMovie], rateHz: Double) -> HDSNNModel {
        var m = model
        m.threshold = ThresholdCalibration.threshold(model: m, movies: calibration, rateHz: rateHz)
        m.thresholdRateHz = rateHz
        return m
    }

    /// The offline spiking readout's accuracy of `model` at its threshold on `movies`.
    public static func offlineSpikingAccuracy(_ model: HDSNNModel, movies: [EventMovie]) -> Double {
        let report = OfflineEvaluation.report(model: model, constant: movies, switching: [],
                                              thresholds: [(rateHz: model.thresholdRateHz, threshold: model.threshold!)])
        return report.spiking[0].accuracy
    }

    /// A point: `model` deployed at `rateHz`, offline and on the chip (in a fresh directory under `work`).
    public static func point(_ model: HDSNNModel, kept: Double, calibration: [EventMovie], movies: [EventMovie], rateHz: Double,
                             work: String, options: RunOptions) throws -> ChipCurvePoint {
        let deployed = deployed(model, calibration: calibration, rateHz: rateHz)
        let dir = (work as NSString).appendingPathComponent(String(format: "kept-%.4g", kept))
        let chip = try ChipEvaluation.run(try HDSNNNetwork(model: deployed, movies: movies), directory: dir, options: options).report
        return ChipCurvePoint(kept: kept, nonzeroWeights: deployed.nonzeroWeights, threshold: deployed.threshold!,
                              offlineAccuracy: offlineSpikingAccuracy(deployed, movies: movies), chipAccuracy: chip.accuracy,
                              synapses: chip.synapses, simulateSeconds: chip.simulateSeconds)
    }

    /// Accuracy against the fraction of the largest |w| kept.
    public static func pruning(_ model: HDSNNModel, fractions: [Double], calibration: [EventMovie], movies: [EventMovie], rateHz: Double,
                               work: String, options: RunOptions) throws -> [ChipCurvePoint] {
        try fractions.map {
            try point(model.pruned(keepFraction: $0), kept: $0, calibration: calibration, movies: movies, rateHz: rateHz, work: work, options: options)
        }
    }

    /// Accuracy against the number of shortest delays kept (`kept` = delays / K_T).
    public static func shortening(_ model: HDSNNModel, delays: [Int], calibration: [EventMovie], movies: [EventMovie], rateHz: Double,
                                  work: String, options: RunOptions) throws -> [ChipCurvePoint] {
        try delays.map {
            try point(model.shortened(delaysKept: $0), kept: Double($0) / Double(model.shape.delays), calibration: calibration, movies: movies,
                      rateHz: rateHz, work: work, options: options)
        }
    }
}
