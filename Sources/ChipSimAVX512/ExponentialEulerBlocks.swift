import ChipSimBlockTypes

/// IF_cond_exp and IF_cond_alpha in `float64` under the `brian2` convention (Brian2's
/// `exponential_euler`) eight neurons at a time, for ChipSim's `ExponentialEulerLIF` (compiled for
/// AVX-512 and for AVX2, like `FixedLIFBlocks.swift`): the same expressions in the same order as
/// its scalar loop, with the same e^x (``Exponential``), so the same results bit for bit.

/// Updates the neurons 0 ..< 8·⌊n/8⌋ and returns how many that is and whether any fired; the
/// caller updates the rest. `riseE` and `riseI` are the alpha conductances' rise variables
/// (untouched for exponential ones).
@inline(never)
public func updateExponentialEulerBlocks(_ k: ExponentialEulerBlockConstants, _ b: BlockBuffers<Double, Double>,
                                         riseE: UnsafeMutablePointer<Double>, riseI: UnsafeMutablePointer<Double>,
                                         count n: Int) -> (done: Int, fired: Bool) {
    typealias Values = SIMD8<Double>
    let leak = Values(repeating: -1 / k.tauM), drive = Values(repeating: k.vRest / k.tauM), cm = Values(repeating: k.cm)
    let eRevE = Values(repeating: k.eRevE), eRevI = Values(repeating: k.eRevI), offset = Values(repeating: k.iOffset)
    let dt = Values(repeating: k.dt), decayE = Values(repeating: k.decayE), decayI = Values(repeating: k.decayI)
    let reset = Values(repeating: k.vReset), thresh = Values(repeating: k.vThresh), arrival = Values(repeating: k.alphaArrival)
    let refractoryTicks = Lanes(repeating: k.refractoryTicks), zero = Lanes(), one = Lanes(repeating: 1)
    var anyFired = zero
    var i = 0
    while i + 8 <= n {
        let r = Lanes(widening: b.refractory.vector(at: i) as SIMD8<Int32>)
        let vi: Values = b.v.vector(at: i), gE: Values = b.excitatory.vector(at: i), gI: Values = b.inhibitory.vector(at: i)
        let bCoefficient = leak - (gE + gI) / cm
        let aCoefficient = drive + (gE * eRevE + gI * eRevI + offset) / cm
        let ratio = aCoefficient / bCoefficient
        let integrated = -ratio + (ratio + vi) * Exponential.of(bCoefficient * dt)
        let held = r .> zero
        let vn = integrated.replacing(with: vi, where: held)
        let inputE: Values = b.slotE.vector(at: i), inputI: Values = b.slotI.vector(at: i)
        if k.alpha {
            let xe: Values = riseE.vector(at: i), xi: Values = riseI.vector(at: i)
            b.excitatory.store(xe + (gE - xe) * decayE, at: i)
            b.inhibitory.store(xi + (gI - xi) * decayI, at: i)
            riseE.store(xe * decayE + inputE * arrival, at: i)
            riseI.store(xi * decayI + inputI * arrival, at: i)
        } else {
            b.excitatory.store(gE * decayE + inputE, at: i)
            b.inhibitory.store(gI * decayI + inputI, at: i)
        }
        let fire = vn .>= thresh
        b.v.store(vn.replacing(with: reset, where: fire), at: i)
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
