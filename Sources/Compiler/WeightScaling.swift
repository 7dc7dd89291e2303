import ChipSim
import Foundation

/// Chooses each synapse type's power-of-two weight shift on a core as sPyNNaker's
/// `_get_ring_buffer_to_input_left_shifts` does. The 16-bit ring buffer must hold the largest
/// input a neuron is expected to receive in one tick:
///
/// * when every incoming projection of the type has a single delay, the worst case — every
///   synapse's source firing its most spikes per tick into the same slot: Σ spikes/tick ×
///   largest weight × fan-in;
/// * otherwise the expected upper bound of Poisson arrivals, mean + σ·SD (σ =
///   `ring_buffer_sigma`), with the weights' mean and variance and the sources' mean rate, capped
///   by that worst case;
///
/// and at least the largest single weight. The shift is the smallest power of two above that
/// bound (one more when the bound is a power of two itself), and never below 0, as on the chip.
/// A weight w is stored as round(w · 2^(15 − shift)), so small weights round to zero when a core
/// also receives large ones, and a volley above the bound saturates.
struct WeightScaling {
    /// The shifts the chip image holds (an override may go below sPyNNaker's 0).
    static let shiftRange = -16...16
    /// sPyNNaker's `POSSION_SIGMA_SUMMATION_LIMIT`: the Poisson sum of the weight-variance term
    /// runs to mean + 3 SD.
    static let poissonSummationLimit = 3.0

    /// What one projection brings onto a core, per synapse type.
    struct Incoming {
        /// The most synapses of the projection onto any one neuron of the core.
        var fanIn: Int
        var weightMean: Double
        var weightVariance: Double
        var weightMax: Double
        var delayVariance: Double
        /// The source's mean rate, Hz, and the most spikes it sends in one tick.
        var spikesPerSecond: Double
        var spikesPerTick: Double
    }

    private var weights = [RunningStats(), RunningStats()]
    private var delays = [RunningStats(), RunningStats()]
    private var rates = [RunningStats(), RunningStats()]
    private var worstCase: [Double] = [0, 0]
    private var biggest: [Double] = [0, 0]
    let sigma: Double
    let timestepMs: Double

    init(sigma: Double, timestepMs: Double) {
        self.sigma = sigma
        self.timestepMs = timestepMs
    }

    mutating func add(_ p: Incoming, type t: Int) {
        weights[t].add(mean: p.weightMean, variance: p.weightVariance, count: p.fanIn)
        delays[t].add(mean: 0, variance: p.delayVariance, count: p.fanIn)
        rates[t].add(mean: p.spikesPerSecond, variance: 0, count: p.fanIn)
        worstCase[t] += p.spikesPerTick * p.weightMax * Double(p.fanIn)
        biggest[t] = max(biggest[t], p.weightMax)
    }

    /// The input the ring buffer must hold per neuron and tick, for type `t` (input units).
    func bound(_ t: Int) -> Double {
        if delays[t].variance == 0 { return max(worstCase[t], biggest[t]) }
        let expected = Self.expectedUpperBound(weightMean: weights[t].mean, weightSD: weights[t].variance.squareRoot(),
                                               spikesPerSecond: rates[t].mean, fanIn: weights[t].count, sigma: sigma,
                                               timestepMs: timestepMs)
        return max(min(expected, worstCase[t]), biggest[t])
    }

    /// The shift per type.
    func shifts() -> [Int8] { (0..<2).map { Self.shift(holding: bound($0)) } }

    /// sPyNNaker's shift for a bound: ceil(log2(bound)), one more if the bound is exactly that
    /// power of two, at least 0 (and at most 16, where 65535 · 2 = 131070 input units).
    static func shift(holding bound: Double) -> Int8 {
        guard bound > 0 else { return 0 }
        guard bound.isFinite, bound < 65536 else { return Int8(shiftRange.upperBound) }
        var s = Int(ceil(max(0, log2(bound))))
        if pow(2.0, Double(s)) <= bound { s += 1 }
        return Int8(min(s, shiftRange.upperBound))
    }

    /// The largest shift whose resolution, 2^(shift − 15), is at most `minWeight` (sPyNNaker's
    /// `min_weights`): every multiple of it up to 65535 of them is then represented.
    static func shift(forMinimumWeight minWeight: Double) -> Int8 {
        let s = Int(floor(log2(minWeight))) + 15
        return Int8(min(max(s, shiftRange.lowerBound), shiftRange.upperBound))
    }

    /// mean + σ·SD of the input of `fanIn` Poisson sources at `spikesPerSecond` through weights
    /// of the given mean and SD, in one tick (sPyNNaker's `_ring_buffer_expected_upper_bound`).
    static func expectedUpperBound(weightMean: Double, weightSD: Double, spikesPerSecond: Double, fanIn: Int, sigma: Double,
                                   timestepMs: Double) -> Double {
        let average = Double(fanIn) * spikesPerSecond * timestepMs / 1000
        guard average > 0 else { return 0 }
        let poissonVariance = average * weightMean * weightMean
        let upper = Int((average + poissonSummationLimit * average.squareRoot()).rounded())
        var weightVariance = 0.0
        if weightSD > 0 {
            // e^λ·Q(1 + u, λ) − λ^u/u! = Σ_{k<u} λ^k/k!, summed in logarithms.
            let bigRatio = log(average) * Double(upper) - lgamma(Double(1 + upper))
            if bigRatio > -701 && bigRatio < 701 && bigRatio != 0 && upper > 0 {
                var logSum = -Double.infinity
                for k in 0..<upper {
                    let term = Double(k) * log(average) - lgamma(Double(k + 1))
                    logSum = max(logSum, term) + log1p(exp(-abs(logSum - term)))
                }
                weightVariance = exp(-average + log(average) + 2 * log(weightSD) + logSum)
            }
        }
        return average * weightMean + sigma * (poissonVariance + weightVariance).squareRoot()
    }

    /// The 16-bit ring-buffer weight of `weight` under `shift`, saturated to 0xFFFF.
    static func quantize(_ weight: Double, shift: Int8) -> UInt16 {
        let v = (weight * pow(2.0, Double(15 - Int(shift)))).rounded()
        return v >= 65535 ? 0xFFFF : UInt16(max(0, v))
    }

    /// The most spikes a Poisson source of `lambda` expected spikes per tick sends in one tick,
    /// as sPyNNaker sizes it: the 1 − 1/1000 quantile plus one (1 below 0.01 per tick).
    static func poissonSpikesPerTick(lambda: Double) -> Double {
        guard lambda >= 0.01 else { return 1 }
        var k = 0, term = exp(-lambda), cdf = term
        if term == 0 {
            // Beyond the reach of the series: the normal approximation.
            return (lambda + 3.09 * lambda.squareRoot()).rounded(.up) + 1
        }
        while cdf < 1 - 1.0 / 1000 {
            k += 1
            term *= lambda / Double(k)
            cdf += term
        }
        return Double(k) + 1
    }
}

/// Mean and variance of a set built from groups of items, each group given by its mean, its
/// variance and its size (sPyNNaker's `RunningStats.add_items`, Chan et al.'s parallel update).
struct RunningStats {
    private(set) var count = 0
    private(set) var mean = 0.0
    private var sumOfSquares = 0.0

    mutating func add(mean m: Double, variance v: Double, count n: Int) {
        guard n > 0 else { return }
        let total = count + n
        let delta = m - mean
        mean += delta * Double(n) / Double(total)
        sumOfSquares += v * Double(n - 1) + delta * delta * Double(count) * Double(n) / Double(total)
        count = total
    }

    /// The sample variance (0 for fewer than two items).
    var variance: Double { count > 1 ? max(sumOfSquares / Double(count - 1), 0) : 0 }
}
