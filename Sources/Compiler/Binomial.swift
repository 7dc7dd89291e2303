import ChipSim

/// Exact binomial draws for any n: by counting geometric gaps when few successes are expected,
/// otherwise by Knuth's split at a beta-distributed order statistic (TAOCP vol. 2, 3.4.1), which
/// recurses O(log n) times.
enum Binomial {
    /// The number of successes in `n` Bernoulli(`p`) trials.
    static func draw(_ n: Int, _ p: Double, _ rng: inout RandomStream) -> Int {
        guard n > 0, p > 0 else { return 0 }
        if p >= 1 { return n }
        if p > 0.5 { return n - draw(n, 1 - p, &rng) }
        if Double(n) * p < 16 {
            var successes = 0
            var trial = rng.geometricSkip(p: p)
            while trial < n {
                successes += 1
                trial += 1 + rng.geometricSkip(p: p)
            }
            return successes
        }
        // X, the a-th smallest of n uniforms, is Beta(a, n + 1 − a): the successes are those of
        // the a − 1 below X (uniform on [0, X)) or, when X < p, the a up to X and those of the
        // b − 1 above it (uniform on (X, 1)).
        let a = 1 + n / 2, b = n + 1 - a
        let ga = RandomDistribution.gamma(shape: Double(a), &rng), gb = RandomDistribution.gamma(shape: Double(b), &rng)
        let x = ga / (ga + gb)
        if x >= p { return draw(a - 1, p / x, &rng) }
        return a + draw(b - 1, (p - x) / (1 - x), &rng)
    }
}
