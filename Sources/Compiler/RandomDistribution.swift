import ChipSim
import Foundation

/// A distribution of weights, delays or initial values, by PyNN's `RandomDistribution` names and
/// parameters (`docs/models.md`). Draws come from the caller's seeded stream, so the values never
/// depend on how work is split.
public enum RandomDistribution: Equatable, Sendable {
    /// Uniform on [low, high).
    case uniform(low: Double, high: Double)
    /// Normal with mean `mu` and standard deviation `sigma`.
    case normal(mu: Double, sigma: Double)
    /// Normal, redrawn until it falls in [low, high] (PyNN's `normal_clipped`).
    case normalClipped(mu: Double, sigma: Double, low: Double, high: Double)
    /// Normal, values outside [low, high] set to the nearer bound (`normal_clipped_to_boundary`).
    case normalClippedToBoundary(mu: Double, sigma: Double, low: Double, high: Double)
    /// Exponential with mean `beta`.
    case exponential(beta: Double)
    /// e^X for X normal with mean `mu` and standard deviation `sigma`.
    case lognormal(mu: Double, sigma: Double)
    /// Gamma with shape `k` and scale `theta` (mean k·theta).
    case gamma(k: Double, theta: Double)

    /// The PyNN names and their parameters, in the order a list gives them.
    public static let names: [(name: String, parameters: [String])] = [
        ("uniform", ["low", "high"]), ("normal", ["mu", "sigma"]),
        ("normal_clipped", ["mu", "sigma", "low", "high"]), ("normal_clipped_to_boundary", ["mu", "sigma", "low", "high"]),
        ("exponential", ["beta"]), ("lognormal", ["mu", "sigma"]), ("gamma", ["k", "theta"]),
    ]

    /// The distribution `name` with parameters `p` (in the order of ``names``), or why not.
    public static func make(_ name: String, _ p: [Double]) -> Result<RandomDistribution, DistributionError> {
        func need(_ ok: Bool, _ why: String) -> DistributionError? { ok ? nil : DistributionError(why) }
        let problem: DistributionError?
        let made: RandomDistribution
        switch name {
        case "uniform":
            made = .uniform(low: p[0], high: p[1])
            problem = need(p[0] <= p[1], "uniform's low (\(p[0])) must not exceed its high (\(p[1]))")
        case "normal":
            made = .normal(mu: p[0], sigma: p[1])
            problem = need(p[1] >= 0, "normal's sigma must be ≥ 0, found \(p[1])")
        case "normal_clipped", "normal_clipped_to_boundary":
            made = name == "normal_clipped" ? .normalClipped(mu: p[0], sigma: p[1], low: p[2], high: p[3])
                : .normalClippedToBoundary(mu: p[0], sigma: p[1], low: p[2], high: p[3])
            if p[1] < 0 || p[2] > p[3] {
                problem = DistributionError("\(name) needs sigma ≥ 0 and low ≤ high, found sigma \(p[1]), low \(p[2]), high \(p[3])")
            } else if name == "normal_clipped", p[1] > 0, Self.normalMass(mu: p[0], sigma: p[1], low: p[2], high: p[3]) < 1e-6 {
                problem = DistributionError("normal_clipped keeps less than 1e-6 of its mass in [\(p[2]), \(p[3])]; redrawing would not end")
            } else if name == "normal_clipped", p[1] == 0, !(p[2]...p[3]).contains(p[0]) {
                problem = DistributionError("normal_clipped with sigma 0 at mu \(p[0]) never falls in [\(p[2]), \(p[3])]")
            } else {
                problem = nil
            }
        case "exponential":
            made = .exponential(beta: p[0])
            problem = need(p[0] > 0, "exponential's beta (its mean) must be > 0, found \(p[0])")
        case "lognormal":
            made = .lognormal(mu: p[0], sigma: p[1])
            problem = need(p[1] >= 0 && p[0] <= 20, "lognormal needs sigma ≥ 0 and mu ≤ 20, found mu \(p[0]), sigma \(p[1])")
        case "gamma":
            made = .gamma(k: p[0], theta: p[1])
            problem = need(p[0] > 0 && p[1] > 0, "gamma needs k > 0 and theta > 0, found k \(p[0]), theta \(p[1])")
        default:
            return .failure(DistributionError("unknown distribution '\(name)'; expected one of \(names.map(\.name).joined(separator: ", "))"))
        }
        if let problem { return .failure(problem) }
        return .success(made)
    }

    /// Why a distribution could not be made.
    public struct DistributionError: Error, Equatable {
        public var message: String
        init(_ message: String) { self.message = message }
    }

    public func draw<S: DeviateSource>(_ rng: inout S) -> Double {
        switch self {
        case let .uniform(lo, hi): return lo + (hi - lo) * rng.nextUnit()
        case let .normal(mu, sigma): return rng.normal(mean: mu, sd: sigma)
        case let .normalClipped(mu, sigma, lo, hi):
            if sigma == 0 { return mu }
            while true {
                let x = rng.normal(mean: mu, sd: sigma)
                if x >= lo && x <= hi { return x }
            }
        case let .normalClippedToBoundary(mu, sigma, lo, hi): return min(max(rng.normal(mean: mu, sd: sigma), lo), hi)
        case .exponential(let beta):
            var u = rng.nextUnit()
            while u <= 0 { u = rng.nextUnit() }
            return -beta * log(u)
        case let .lognormal(mu, sigma): return exp(rng.normal(mean: mu, sd: sigma))
        case let .gamma(k, theta): return Self.gamma(shape: k, &rng) * theta
        }
    }

    /// The smallest and largest values it can take.
    var bounds: (Double, Double) {
        switch self {
        case let .uniform(lo, hi): return (lo, hi)
        case let .normal(mu, sigma): return sigma == 0 ? (mu, mu) : (-.infinity, .infinity)
        case let .normalClipped(_, _, lo, hi), let .normalClippedToBoundary(_, _, lo, hi): return (lo, hi)
        case .exponential, .gamma: return (0, .infinity)
        case let .lognormal(mu, sigma): return sigma == 0 ? (exp(mu), exp(mu)) : (0, .infinity)
        }
    }

    /// A value draws exceed with negligible probability (below 10^-8), for sizing ring buffers;
    /// a larger draw still works (it takes a delay-extension stage more).
    var likelyMaximum: Double {
        switch self {
        case let .uniform(_, hi): return hi
        case let .normal(mu, sigma): return mu + 6 * sigma
        case let .normalClipped(mu, sigma, _, hi), let .normalClippedToBoundary(mu, sigma, _, hi): return min(hi, mu + 6 * sigma)
        case .exponential(let beta): return 20 * beta
        case let .lognormal(mu, sigma): return exp(mu + 6 * sigma)
        case let .gamma(k, theta): return (k + 10 * k.squareRoot() + 10) * theta
        }
    }

    /// The mean (of the unclipped normal for the clipped ones).
    var mean: Double {
        switch self {
        case let .uniform(lo, hi): return (lo + hi) / 2
        case let .normal(mu, _), let .normalClipped(mu, _, _, _), let .normalClippedToBoundary(mu, _, _, _): return mu
        case .exponential(let beta): return beta
        case let .lognormal(mu, sigma): return exp(mu + sigma * sigma / 2)
        case let .gamma(k, theta): return k * theta
        }
    }

    /// The probability a normal(mu, sigma) draw falls in [low, high].
    static func normalMass(mu: Double, sigma: Double, low: Double, high: Double) -> Double {
        func phi(_ x: Double) -> Double { 0.5 * erfc(-(x - mu) / (sigma * 2.0.squareRoot())) }
        return phi(high) - phi(low)
    }

    /// A gamma(shape, 1) deviate (Marsaglia and Tsang 2000; shape < 1 by the boost u^(1/shape)).
    static func gamma<S: DeviateSource>(shape: Double, _ rng: inout S) -> Double {
        if shape < 1 {
            var u = rng.nextUnit()
            while u <= 0 { u = rng.nextUnit() }
            return gamma(shape: shape + 1, &rng) * pow(u, 1 / shape)
        }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat {
                x = rng.normal(mean: 0, sd: 1)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = rng.nextUnit()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if u > 0, log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }
}

/// Where distributions take their uniform and normal deviates from: a ``RandomStream``, or a
/// ``PairedNormals`` that spends one Box-Muller transform on two normal deviates.
public protocol DeviateSource {
    mutating func next() -> UInt64
    mutating func nextUnit() -> Double
    mutating func normal(mean: Double, sd: Double) -> Double
}

extension RandomStream: DeviateSource {}

/// A stream whose normal deviates come in pairs by Marsaglia's polar method (no sine or cosine),
/// the second kept for the next call: a quarter of the transcendental work of a
/// ``RandomStream``'s one-at-a-time Box-Muller normals, for the synapse values connectors draw by
/// the hundred million.
public struct PairedNormals: DeviateSource {
    private var stream: RandomStream
    private var spare: Double?

    public init(_ stream: RandomStream) { self.stream = stream }

    public mutating func next() -> UInt64 { stream.next() }
    public mutating func nextUnit() -> Double { stream.nextUnit() }

    public mutating func normal(mean: Double, sd: Double) -> Double {
        if let z = spare {
            spare = nil
            return mean + sd * z
        }
        var u = 0.0, v = 0.0, s = 0.0
        repeat {
            u = 2 * stream.nextUnit() - 1
            v = 2 * stream.nextUnit() - 1
            s = u * u + v * v
        } while s >= 1 || s == 0
        let factor = (-2 * log(s) / s).squareRoot()
        spare = v * factor
        return mean + sd * u * factor
    }
}
