/// What an image says about its weights as a whole.
extension ChipImage {
    /// Whether every core keeps the full-precision weights `float64` runs add (an image compiled
    /// for `s1615` only does not).
    public var hasFloatWeights: Bool { cores.allSatisfy { !$0.synapses.floatWeights.isAbsent } }

    /// Why the image cannot run in `float64`, if it cannot.
    public var float64Problem: String? {
        hasFloatWeights ? nil
            : "this image was compiled for s1615 only (neurite compile --arithmetic s1615) and holds no full-precision weights; run it with --arithmetic s1615, or compile the network again without --arithmetic s1615"
    }

    /// Synapses whose non-zero weight has a zero 16-bit weight field: the compiler's count per
    /// projection, or, for an image without a projection list (format 1.0), counted from the
    /// synaptic matrices.
    public var weightsRoundedToZero: Int {
        if !projections.isEmpty { return projections.reduce(0) { $0 + $1.weightsRoundedToZero } }
        var n = 0
        for core in cores where !core.synapses.floatWeights.isAbsent {
            let m = core.synapses
            for k in m.words.indices where m.words[k] >> 16 == 0 && m.floatWeight(k) != 0 { n += 1 }
        }
        return n
    }
}
