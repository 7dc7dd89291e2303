import ChipSimBlockTypes

/// IF_curr_alpha in `float64` under the `brian2` convention (the exact propagator of the alpha
/// synapses) eight neurons at a time, for ChipSim's `ExactAlphaLIF` (compiled for AVX-512 and for
/// AVX2, like `FixedLIFBlocks.swift`): the same expressions in the same order as its scalar loop,
/// so the same results bit for bit.

/// Updates the neurons 0 ..< 8·⌊n/8⌋ and returns how many that is and whether any fired; the
/// caller updates the rest. `riseE` and `riseI` are the rise variables x_exc and x_inh.
@inline(never)
public func updateExactAlphaBlocks(_ k: ExactAlphaBlockConstants, _ b: BlockBuffers<Double, Double>, riseE: UnsafeMutablePointer<Double>,
                                   riseI: UnsafeMutablePointer<Double>, count n: Int) -> (done: Int, fired: Bool) {
    typealias Values = SIMD8<Double>
    /// The membrane's propagator row, each coefficient in every lane.
    struct Row {
        let p0: Values, p1: Values, p2: Values, p3: Values, p4: Values, p5: Values
        init(_ p: Values) {
            p0 = Values(repeating: p[0]); p1 = Values(repeating: p[1]); p2 = Values(repeating: p[2])
            p3 = Values(repeating: p[3]); p4 = Values(repeating: p[4]); p5 = Values(repeating: p[5])
        }
        /// The row times the state (v, I_e, x_e, I_i, x_i, 1), summed left to right as the scalar loop does.
        @inline(__always)
        func apply(_ v: Values, _ ie: Values, _ xe: Values, _ ii: Values, _ xi: Values) -> Values {
            p0 * v + p1 * ie + p2 * xe + p3 * ii + p4 * xi + p5
        }
    }
    /// A synapse type's nonzero entries, each in every lane.
    struct Synapse {
        let own: Values, feed: Values, rise: Values
        init(_ s: AlphaSynapseRows) {
            own = Values(repeating: s.own); feed = Values(repeating: s.feed); rise = Values(repeating: s.rise)
        }
    }
    let pv = Row(k.v), pe = Synapse(k.excitatory), pi = Synapse(k.inhibitory)
    let reset = Values(repeating: k.vReset), thresh = Values(repeating: k.vThresh), arrival = Values(repeating: k.alphaArrival)
    let refractoryTicks = Lanes(repeating: k.refractoryTicks), zero = Lanes(), one = Lanes(repeating: 1)
    var anyFired = zero
    var i = 0
    while i + 8 <= n {
        let r = Lanes(widening: b.refractory.vector(at: i) as SIMD8<Int32>)
        let vi: Values = b.v.vector(at: i), ie: Values = b.excitatory.vector(at: i), ii: Values = b.inhibitory.vector(at: i)
        let xe: Values = riseE.vector(at: i), xi: Values = riseI.vector(at: i)
        let held = r .> zero
        let vn = pv.apply(vi, ie, xe, ii, xi).replacing(with: vi, where: held)
        let fire = vn .>= thresh
        b.excitatory.store(pe.own * ie + pe.feed * xe, at: i)
        b.inhibitory.store(pi.own * ii + pi.feed * xi, at: i)
        let inE: Values = b.slotE.vector(at: i), inI: Values = b.slotI.vector(at: i)
        riseE.store(pe.rise * xe + inE * arrival, at: i)
        riseI.store(pi.rise * xi + inI * arrival, at: i)
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
