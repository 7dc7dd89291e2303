/// How far from zero a neuron's state may be for the S16.15 LIF update to run in 32-bit lanes
/// (sixteen neurons per AVX-512 vector instead of eight) with the same result as the saturating
/// scalar kernel.
///
/// The 64-bit kernel checks every intermediate value of every block against the Int32 range.
/// The 32-bit kernel cannot see an overflow after the fact, so it checks the block's inputs
/// instead: if |v| ≤ B_v and |I_exc|, |I_inh| ≤ B_I, every intermediate is bounded by a sum of
/// B_v, B_I, the constants and the largest input a ring entry (0xFFFF) can bring, and the bounds
/// are chosen so that each of those sums stays inside Int32. Then no clamp of the scalar kernel
/// acts, and the 32-bit lanes (with exact 64-bit products) compute the same numbers.
///
/// The current-based shapes (IF_curr_exp, IF_curr_delta, IF_curr_alpha) run in 32-bit lanes;
/// conductances do not (their chain multiplies the state by the driving force). A delta cell's
/// synaptic states never change (its arrivals step v), so its I_exc and I_inh are bounded as the
/// exponential cell's are, and its step, a ring entry shifted (at most 0xFFFF · 2^15), joins the
/// chain at the membrane. An alpha cell's rise variables x_exc and x_inh are held to B_I as its
/// currents are: an arrival adds e times the shifted entry to x, and x feeds I by h/τ.
extension FixedLIFBlockConstants {
    /// (B_v, B_I) in S16.15, or (0, 0) where the 32-bit kernel does not apply: conductances, a
    /// shift outside −15 ... 16 (−15 ... 15 for delta and alpha, whose entries are used shifted
    /// but unscaled), a scale or constant outside 32 bits, or constants so large that no useful
    /// bounds exist (B_v of 128 mV and B_I of 1/8 nA at least).
    ///
    /// B_v is the largest of 512, 256 and 128 mV that leaves a B_I; B_I is then the largest power
    /// of two that holds.
    public func narrowStateBounds() -> (voltage: Int64, current: Int64) {
        let limit: Int64 = (1 << 31) - 1
        func fits32(_ x: Int64) -> Bool { x >= -limit && x <= limit }
        func unsigned32(_ x: Int64) -> Bool { (0..<(1 << 32)).contains(x) }
        let delta = shape == .delta, alpha = shape == .alpha
        let shifts: ClosedRange<Int64> = -15...(shape == .exponential ? 16 : 15)
        guard !conductance, shifts.contains(shiftE), shifts.contains(shiftI),
              unsigned32(scaleE), unsigned32(scaleI), unsigned32(expTC), unsigned32(decayE), unsigned32(decayI),
              fits32(resistance), fits32(vRest), fits32(iOffset), fits32(vThresh), fits32(vReset),
              fits32(alphaArrival), fits32(riseStepE), fits32(riseStepI),
              (0...Int64(Int32.max)).contains(refractoryTicks) else { return (0, 0) }
        /// The largest input one ring entry brings: (0xFFFF · 2^shift) · scale / 2^32, rounded.
        func largestInput(_ shift: Int64, _ scale: Int64) -> Int64 {
            let shifted = shift >= 0 ? UInt64(0xFFFF) << UInt64(shift) : UInt64(0xFFFF) >> UInt64(-shift)
            return Int64((shifted * UInt64(scale) + (1 << 31)) >> 32)
        }
        /// The largest delta step one ring entry brings: 0xFFFF · 2^shift.
        func largestStep(_ shift: Int64) -> Int64 { shift >= 0 ? 0xFFFF << shift : 0xFFFF >> -shift }
        // Exponential: what an entry adds to a synaptic state. Delta: to the membrane (the
        // step is the excitatory entry less the inhibitory one, so at most the larger). Alpha:
        // to a rise variable, the entry times e, rounded.
        let exponential = shape == .exponential, entry = max(largestStep(shiftE), largestStep(shiftI))
        let inE = exponential ? largestInput(shiftE, scaleE) : 0, inI = exponential ? largestInput(shiftI, scaleI) : 0
        let step = delta ? entry : 0
        let arrival = alpha ? (entry * abs(alphaArrival)) >> 15 + 1 : 0
        let riseStep = max(abs(riseStepE), abs(riseStepI))
        let r = abs(resistance), rest = abs(vRest)
        // The inputs join before the update (`inputFirst`) or after the decay; either way a
        // synaptic state stays within B_I + the largest input.
        let carried = inputFirst ? inE + inI : 0
        /// Whether every intermediate of the update is inside Int32 for |v| ≤ bv, |I| ≤ bi.
        func holds(_ bv: Int64, _ bi: Int64) -> Bool {
            let current = 2 * bi + carried + abs(iOffset)              // I_exc − I_inh + offset
            guard bi + max(inE, inI) <= limit, current <= limit else { return false }
            if alpha {
                let risen = bi + arrival                                 // x after an arrival, before or after its decay
                let fed = bi + (risen * riseStep) >> 15 + 1              // I + x · h/τ, rounded
                guard arrival <= limit, risen <= limit, fed <= limit else { return false }
            }
            let target = (current * r) >> 15 + 1 + rest                 // current · R, rounded, + v_rest
            // target − decay(target − v), |decay(x)| ≤ |x|; then a delta step, taken before the
            // threshold or after it (not both), or none.
            return 2 * target + bv + step <= limit
        }
        for voltageBits in [24, 23, 22] {
            // The chain is monotone in the current bound.
            var currentBits = 30
            while currentBits >= 12, !holds(1 << voltageBits, 1 << Int64(currentBits)) { currentBits -= 1 }
            if currentBits >= 12 { return (1 << voltageBits, 1 << Int64(currentBits)) }
        }
        return (0, 0)
    }
}
