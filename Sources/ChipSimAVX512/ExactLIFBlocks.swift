import ChipSimBlockTypes

/// IF_curr_exp in `float64` (the exact propagator) eight neurons at a time, for ChipSim's
/// `ExactCurrentLIF` (compiled for AVX-512 and for AVX2, like `FixedLIFBlocks.swift`): the same
/// expressions in the same order as its scalar loop, so the same results bit for bit (Swift does
/// not contract a·b + c into a fused multiply-add).

/// Updates the neurons 0 ..< 8·⌊n/8⌋ and returns how many that is and whether any fired; the
/// caller updates the rest.
@inline(never)
public func updateExactLIFBlocks(_ k: ExactLIFBlockConstants, _ b: BlockBuffers<Double, Double>, count n: Int) -> (done: Int, fired: Bool) {
    typealias Values = SIMD8<Double>
    let p22 = Values(repeating: k.p22), p21e = Values(repeating: k.p21e), p21i = Values(repeating: k.p21i)
    let drive = Values(repeating: k.drive), p11e = Values(repeating: k.p11e), p11i = Values(repeating: k.p11i)
    let rest = Values(repeating: k.vRest), reset = Values(repeating: k.vReset), thresh = Values(repeating: k.vThresh)
    let scaleE = Values(repeating: k.scaleE), scaleI = Values(repeating: k.scaleI)
    let refractoryTicks = Lanes(repeating: k.refractoryTicks), zero = Lanes(), one = Lanes(repeating: 1)
    var anyFired = zero
    var i = 0
    while i + 8 <= n {
        let r = Lanes(widening: b.refractory.vector(at: i) as SIMD8<Int32>)
        let vi: Values = b.v.vector(at: i), e: Values = b.excitatory.vector(at: i), inh: Values = b.inhibitory.vector(at: i)
        let inputE: Values = b.slotE.vector(at: i), inputI: Values = b.slotI.vector(at: i)
        let integrated = rest + p22 * (vi - rest) + p21e * e - p21i * inh + drive
        let held = r .> zero
        let vn = integrated.replacing(with: vi, where: held)
        let fire = vn .>= thresh
        b.v.store(vn.replacing(with: reset, where: fire), at: i)
        b.excitatory.store(e * p11e + inputE * scaleE, at: i)
        b.inhibitory.store(inh * p11i + inputI * scaleI, at: i)
        let fired = zero.replacing(with: one, where: fire)
        anyFired |= fired
        b.refractory.store((r &- one).replacing(with: r, where: .!held).replacing(with: refractoryTicks, where: fire).narrowed, at: i)
        b.fired.store(fired.lowBytes, at: i)
        b.slotE.store(Values(), at: i)
        b.slotI.store(Values(), at: i)
        i += 8
    }
    return (i, anyFired.anyNonzero)
}
