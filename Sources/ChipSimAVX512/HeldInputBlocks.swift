import ChipSimBlockTypes

/// The chip's LIF in `float64` (every shape, current or conductance, either step convention)
/// eight neurons at a time, for ChipSim's `HeldInputLIF` (compiled for AVX-512 and for AVX2, like
/// `FixedLIFBlocks.swift`): the same expressions in the same order as its scalar loop, so the same
/// results bit for bit.

/// Updates the neurons 0 ..< 8·⌊n/8⌋ and returns how many that is and whether any fired; the
/// caller updates the rest. `riseE` and `riseI` are the alpha shape's rise variables (untouched
/// for the other shapes).
@inline(never)
public func updateHeldInputBlocks(_ k: HeldInputBlockConstants, _ b: BlockBuffers<Double, Double>, riseE: UnsafeMutablePointer<Double>,
                                  riseI: UnsafeMutablePointer<Double>, count n: Int) -> (done: Int, fired: Bool) {
    HeldInputLoop(k: k, b: b, riseE: riseE, riseI: riseI, n: n).run(shape: k.shape, inputFirst: k.inputFirst, conductance: k.conductance)
}

/// The loop of ``updateHeldInputBlocks(_:_:riseE:riseI:count:)``, one copy per ``BlockLoop`` combination.
private struct HeldInputLoop: BlockLoop {
    let k: HeldInputBlockConstants, b: BlockBuffers<Double, Double>, riseE: UnsafeMutablePointer<Double>, riseI: UnsafeMutablePointer<Double>
    let n: Int

    func run<Shape: StaticShape, InputFirst: StaticFlag, Conductance: StaticFlag>(
        _: Shape.Type, _: InputFirst.Type, _: Conductance.Type) -> (done: Int, fired: Bool) {
        typealias Values = SIMD8<Double>
        let expTC = Values(repeating: k.expTC), resistance = Values(repeating: k.resistance), rest = Values(repeating: k.vRest)
        let reset = Values(repeating: k.vReset), thresh = Values(repeating: k.vThresh), offset = Values(repeating: k.iOffset)
        let eRevE = Values(repeating: k.eRevE), eRevI = Values(repeating: k.eRevI)
        let decayE = Values(repeating: k.decayE), decayI = Values(repeating: k.decayI)
        let heldE = Values(repeating: k.heldArrivalE), heldI = Values(repeating: k.heldArrivalI)
        let riseStepE = Values(repeating: k.riseStepE), riseStepI = Values(repeating: k.riseStepI), arrival = Values(repeating: k.alphaArrival)
        let refractoryTicks = Lanes(repeating: k.refractoryTicks), zero = Lanes(), one = Lanes(repeating: 1)
        var anyFired = zero
        var i = 0
        while i + 8 <= n {
            let inE: Values = b.slotE.vector(at: i), inI: Values = b.slotI.vector(at: i)
            var e: Values = b.excitatory.vector(at: i), inh: Values = b.inhibitory.vector(at: i)
            var xe = Values(), xi = Values()
            if Shape.shape == .alpha { xe = riseE.vector(at: i); xi = riseI.vector(at: i) }
            /// The arrivals joining the synaptic state; a delta synapse's step.
            @inline(__always) func arrive() -> Values {
                switch Shape.shape {
                case .exponential:
                    e += inE * heldE
                    inh += inI * heldI
                case .alpha:
                    xe += inE * arrival
                    xi += inI * arrival
                case .delta:
                    return inE - inI
                }
                return Values()
            }
            let step = InputFirst.value ? arrive() : Values()
            let r = Lanes(widening: b.refractory.vector(at: i) as SIMD8<Int32>), vi: Values = b.v.vector(at: i)
            let current = Conductance.value ? e * (eRevE - vi) + inh * (eRevI - vi) + offset : e - inh + offset
            let alpha = current * resistance + rest
            let held = r .> zero
            let vn = (alpha - expTC * (alpha - vi) + step).replacing(with: vi, where: held)
            let fire = vn .>= thresh
            switch Shape.shape {
            case .exponential:
                e *= decayE
                inh *= decayI
            case .alpha:
                e = (e + xe * riseStepE) * decayE
                inh = (inh + xi * riseStepI) * decayI
                xe *= decayE
                xi *= decayI
            case .delta:
                break
            }
            let late = InputFirst.value ? Values() : arrive()
            // A late delta step moves a membrane that neither is held nor fired.
            let moved = Shape.shape == .delta && !InputFirst.value ? (vn + late).replacing(with: vn, where: held .| fire) : vn
            b.v.store(moved.replacing(with: reset, where: fire), at: i)
            b.excitatory.store(e, at: i)
            b.inhibitory.store(inh, at: i)
            if Shape.shape == .alpha {
                riseE.store(xe, at: i)
                riseI.store(xi, at: i)
            }
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
}
