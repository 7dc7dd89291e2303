import ChipSim
import Foundation

/// Chooses each synapse type's power-of-two weight shift on a core, as sPyNNaker does: the
/// 16-bit ring buffer must hold the largest input a neuron is expected to receive in one tick,
/// estimated as mean + σ·SD of Poisson arrivals (every source at its expected rate), and at
/// least the largest single weight. A weight w is stored as round(w · 2^(15 − shift)), so
/// small weights round to zero when a core also receives large ones.
struct WeightScaling {
    /// Standard deviations above the mean input the ring buffer must hold. Default 5.
    static let sigma = 5.0

    /// Expected input statistics of one (neuron, type).
    private var mean: [[Double]]
    private var variance: [[Double]]
    private var largest: [Double] = [0, 0]

    init(neurons: Int) {
        mean = Array(repeating: Array(repeating: 0, count: neurons), count: 2)
        variance = mean
    }

    /// Accounts one synapse of `weight` (scaled input units) from a source firing
    /// `spikesPerTick` on average.
    mutating func add(weight: Double, type: Int, target: Int, spikesPerTick: Double) {
        mean[type][target] += weight * spikesPerTick
        variance[type][target] += weight * weight * spikesPerTick
        largest[type] = max(largest[type], weight)
    }

    /// The shift per type, in −16…16; the smallest that holds the expected upper bound.
    func shifts() -> [Int8] {
        (0..<2).map { t in
            var bound = largest[t]
            for j in mean[t].indices { bound = max(bound, mean[t][j] + Self.sigma * variance[t][j].squareRoot()) }
            guard bound > 0 else { return 0 }
            guard bound.isFinite else { return 16 }
            // 65535 · 2^(s − 15) ≥ bound
            let s = Int(ceil(log2(bound / 65535.0))) + 15
            return Int8(min(16, max(-16, s)))
        }
    }

    /// The 16-bit ring-buffer weight of `weight` under `shift`, saturated to 0xFFFF.
    static func quantize(_ weight: Double, shift: Int8) -> UInt16 {
        let v = (weight * pow(2.0, Double(15 - Int(shift)))).rounded()
        return v >= 65535 ? 0xFFFF : UInt16(max(0, v))
    }
}
