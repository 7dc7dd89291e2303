import Foundation

/// A seeded, platform-independent random number generator (xoshiro256**, seeded by SplitMix64).
///
/// Every random draw in Neurite comes from a stream derived from the network's seed and a path
/// of integers naming what the draws are for (a projection and a presynaptic neuron, a Poisson
/// source core, …), so results never depend on the order in which work is scheduled.
public struct RandomStream: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A stream for `seed` and the given path of stream identifiers.
    public init(seed: UInt64, stream: [UInt64] = []) {
        var mix = seed
        for id in stream {
            var h = SplitMix64(state: mix ^ (id &* 0x9E37_79B9_7F4A_7C15))
            mix = h.next() ^ id
        }
        var sm = SplitMix64(state: mix)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform double in [lo, hi).
    public mutating func uniform(_ lo: Double, _ hi: Double) -> Double {
        lo + (hi - lo) * nextUnit()
    }

    /// A normal deviate (Box-Muller, one value per call so the stream stays simple to reason about).
    public mutating func normal(mean: Double, sd: Double) -> Double {
        let (radius, angle) = boxMuller()
        return mean + sd * radius * cos(angle)
    }

    /// Two independent standard normal deviates from the two uniforms one ``normal(mean:sd:)``
    /// call takes (the first is the value that call would give with mean 0 and sd 1).
    @inline(__always)
    public mutating func normalPair() -> (Double, Double) {
        let (radius, angle) = boxMuller()
        return (radius * cos(angle), radius * sin(angle))
    }

    @inline(__always)
    private mutating func boxMuller() -> (radius: Double, angle: Double) {
        var u1 = nextUnit()
        while u1 <= 0 { u1 = nextUnit() }
        let u2 = nextUnit()
        return ((-2 * log(u1)).squareRoot(), 2 * Double.pi * u2)
    }

    /// The number of failures before the first success of Bernoulli(p) trials (p in (0, 1]).
    public mutating func geometricSkip(p: Double) -> Int {
        if p >= 1 { return 0 }
        var u = nextUnit()
        while u <= 0 { u = nextUnit() }
        let k = log(u) / log1p(-p)
        return k >= Double(Int.max / 2) ? Int.max / 2 : Int(k)
    }
}

/// SplitMix64, used to seed and to derive streams.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

