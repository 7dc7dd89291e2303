import ChipSimBlockTypes

/// The S16.15 LIF update (IF_curr_exp, IF_cond_exp, IF_curr_alpha, IF_cond_alpha, IF_curr_delta)
/// eight neurons at a time in 64-bit lanes,
/// under either step convention (`k.inputFirst`).
/// This file is compiled twice, for AVX-512 (module ChipSimAVX512) and for AVX2 (ChipSimAVX2
/// links to it), and ChipSim calls either only after it has checked the host CPU.
///
/// It is the fast path of ChipSim's scalar `FixedLIF`, not a second definition of the model: it
/// computes the same expressions without the saturating clamps, and gives up on any block of
/// eight in which an intermediate value leaves the S16.15 (Int32) range. Where none does, every
/// clamp of the scalar kernel is the identity and the results are bit for bit the same; a block
/// it gives up on is left untouched for the scalar kernel to update.

/// Updates blocks of eight neurons from `start` while a whole block fits before `end`; stops at
/// the first block with an intermediate outside the Int32 range, without touching it. Returns
/// where it stopped (a multiple of 8 past `start`, or the last block boundary before `end`) and
/// whether any neuron fired. `riseE` and `riseI` are the alpha shape's rise variables (untouched
/// for the other shapes).
///
/// Where the constants allow it (`k.narrowVoltageBound` nonzero), blocks of sixteen go through
/// the 32-bit kernel (``updateFixedLIFNarrowBlocks(_:_:riseE:riseI:from:to:)``) first, and only a
/// block of sixteen it declines (a state beyond its bound) or the last eight come here.
///
/// The constants are read where `constants` points (the model's copy, written once), not passed
/// by value: the caller's copy of 200 bytes per core and tick was written with 16-byte stores and
/// read back at once with 32-byte loads, and on an Intel Xeon (Sapphire Rapids) host the first of
/// those loads held 87 % of this function's samples, 3 to 5 % of a two-thread CUBA run at 20k
/// neurons (`perf`); in place, the three wrappers' share fell by about 0.7 points.
@inline(never)
public func updateFixedLIFBlocks(_ constants: UnsafePointer<FixedLIFBlockConstants>, _ b: BlockBuffers<Int32, UInt16>,
                                 riseE: UnsafeMutablePointer<Int32>, riseI: UnsafeMutablePointer<Int32>,
                                 from start: Int, to end: Int) -> (stop: Int, fired: Bool) {
    let k = constants.pointee
    guard k.narrowVoltageBound > 0 else { return wideBlocks(k, b, riseE: riseE, riseI: riseI, from: start, to: end) }
    var i = start, fired = false
    while true {
        let narrow = updateFixedLIFNarrowBlocks(constants, b, riseE: riseE, riseI: riseI, from: i, to: end)
        fired = fired || narrow.fired
        // Usually the end: the 64-bit loop (and its copy of the constants) is not even set up.
        if narrow.stop + 8 > end { return (narrow.stop, fired) }
        let limit = min(narrow.stop + 16, end)
        let wide = wideBlocks(k, b, riseE: riseE, riseI: riseI, from: narrow.stop, to: limit)
        fired = fired || wide.fired
        // Done at the end, or where the 64-bit kernel declines a block too.
        if limit == end || wide.stop < limit { return (wide.stop, fired) }
        i = limit
    }
}

/// The 64-bit kernel alone.
@inline(__always)
private func wideBlocks(_ k: FixedLIFBlockConstants, _ b: BlockBuffers<Int32, UInt16>, riseE: UnsafeMutablePointer<Int32>,
                        riseI: UnsafeMutablePointer<Int32>, from start: Int, to end: Int) -> (stop: Int, fired: Bool) {
    FixedLIFLoop(k: k, b: b, riseE: riseE, riseI: riseI, start: start, end: end)
        .run(shape: k.shape, inputFirst: k.inputFirst, conductance: k.conductance)
}

/// The loop of ``updateFixedLIFBlocks(_:_:riseE:riseI:from:to:)``, one copy per ``BlockLoop`` combination.
private struct FixedLIFLoop: BlockLoop {
    let k: FixedLIFBlockConstants, b: BlockBuffers<Int32, UInt16>, riseE: UnsafeMutablePointer<Int32>, riseI: UnsafeMutablePointer<Int32>
    let start: Int, end: Int

    func run<Shape: StaticShape, InputFirst: StaticFlag, Conductance: StaticFlag>(
        _: Shape.Type, _: InputFirst.Type, _: Conductance.Type) -> (stop: Int, fired: Bool) {
        let shape = Shape.shape, inputFirst = InputFirst.value, conductance = Conductance.value
        /// Eight S16.15 values from `p + i`, widened to the 64-bit lanes the kernel computes in.
        @inline(__always) func load(_ p: UnsafeMutablePointer<Int32>) -> Lanes { Lanes(widening: p.vector(at: i) as SIMD8<Int32>) }
        /// Stores eight values the range check has found within Int32.
        @inline(__always) func store(_ x: Lanes, _ p: UnsafeMutablePointer<Int32>) { p.store(x.narrowed, at: i) }
        /// A ring entry as S16.15, w · 2^shift (a right shift when negative).
        @inline(__always) func shifted(_ p: UnsafeMutablePointer<UInt16>, _ i: Int, _ shift: Int64) -> Lanes {
            let w = Lanes(widening: p.vector(at: i))
            return shift >= 0 ? w &<< Lanes(repeating: shift) : w &>> Lanes(repeating: -shift)
        }
        @inline(__always) func input(_ p: UnsafeMutablePointer<UInt16>, _ i: Int, _ shift: Int64, _ scale: Lanes) -> Lanes {
            // Unsigned: shifted < 2^32 and scale < 2^32, so the product fits 64 bits; the logical
            // shift right is the arithmetic one with the sign bits masked off.
            ((shifted(p, i, shift) &* scale &+ half32) &>> 32) & low32
        }
        let half32 = Lanes(repeating: 1 << 31), half15 = Lanes(repeating: 1 << 14), low32 = Lanes(repeating: 0xFFFF_FFFF)
        /// x·d for a U0.32 d, rounded to nearest.
        @inline(__always) func decay(_ x: Lanes, _ d: Lanes) -> Lanes { (x &* d &+ half32) &>> 32 }
        /// S16.15 product, rounded to nearest.
        @inline(__always) func mul(_ a: Lanes, _ b: Lanes) -> Lanes { (a &* b &+ half15) &>> 15 }
        /// Nonzero in a lane whose x is outside the Int32 range (x + 2^31 outside 0 ..< 2^32).
        @inline(__always) func outside(_ x: Lanes) -> Lanes { x &+ half32 }

        let rest = Lanes(repeating: k.vRest), offset = Lanes(repeating: k.iOffset), resistance = Lanes(repeating: k.resistance)
        let expTC = Lanes(repeating: k.expTC), decayE = Lanes(repeating: k.decayE), decayI = Lanes(repeating: k.decayI)
        let thresh = Lanes(repeating: k.vThresh), reset = Lanes(repeating: k.vReset), refractoryTicks = Lanes(repeating: k.refractoryTicks)
        let excRev = Lanes(repeating: k.eRevE), inhRev = Lanes(repeating: k.eRevI), gShift = Lanes(repeating: k.conductanceShift)
        let scaleE = Lanes(repeating: k.scaleE), scaleI = Lanes(repeating: k.scaleI)
        let alphaArrival = Lanes(repeating: k.alphaArrival), riseStepE = Lanes(repeating: k.riseStepE), riseStepI = Lanes(repeating: k.riseStepI)
        let zero = Lanes(), one = Lanes(repeating: 1)
        var anyFired = zero
        var i = start
        while i + 8 <= end {
            let r = Lanes(widening: b.refractory.vector(at: i) as SIMD8<Int32>), vi = load(b.v)
            let stateE = load(b.excitatory), stateI = load(b.inhibitory)
            // The inputs the membrane sees (this tick's arrivals added first, or not yet), a delta
            // synapse's step, and the alpha shape's rise variables after any arrival.
            var e = stateE, inh = stateI, step = zero, late = zero, inE = zero, inI = zero
            var risenE = zero, risenI = zero
            var range = zero
            switch shape {
            case .exponential:
                inE = input(b.slotE, i, k.shiftE, scaleE)
                inI = input(b.slotI, i, k.shiftI, scaleI)
                if inputFirst { e = stateE &+ inE; inh = stateI &+ inI }
            case .alpha:
                inE = shifted(b.slotE, i, k.shiftE)
                inI = shifted(b.slotI, i, k.shiftI)
                risenE = load(riseE)
                risenI = load(riseI)
                if inputFirst {
                    let addE = mul(inE, alphaArrival), addI = mul(inI, alphaArrival)
                    risenE = risenE &+ addE
                    risenI = risenI &+ addI
                    range |= outside(addE) | outside(addI) | outside(risenE) | outside(risenI)
                }
            case .delta:
                let net = shifted(b.slotE, i, k.shiftE) &- shifted(b.slotI, i, k.shiftI)
                if inputFirst { step = net } else { late = net }
                range |= outside(net)
            }
            range |= outside(e) | outside(inh)
            let current: Lanes
            if conductance {
                let toE = excRev &- vi, toI = inhRev &- vi
                let pe = mul(e, toE), pi = mul(inh, toI)
                let sum = (pe &>> gShift) &+ (pi &>> gShift)
                current = sum &+ offset
                range |= outside(toE) | outside(toI) | outside(pe) | outside(pi) | outside(sum)
            } else {
                let net = e &- inh
                current = net &+ offset
                range |= outside(net)
            }
            let product = mul(current, resistance)
            let alpha = product &+ rest
            let gap = alpha &- vi
            let relaxed = alpha &- decay(gap, expTC)
            let integrated = relaxed &+ step
            range |= outside(current) | outside(product) | outside(alpha) | outside(gap) | outside(relaxed) | outside(integrated)
            var newE = e, newI = inh, newRiseE = zero, newRiseI = zero
            switch shape {
            case .exponential:
                newE = inputFirst ? decay(e, decayE) : decay(e, decayE) &+ inE
                newI = inputFirst ? decay(inh, decayI) : decay(inh, decayI) &+ inI
            case .alpha:
                let fedE = e &+ mul(risenE, riseStepE), fedI = inh &+ mul(risenI, riseStepI)
                range |= outside(mul(risenE, riseStepE)) | outside(mul(risenI, riseStepI)) | outside(fedE) | outside(fedI)
                newE = decay(fedE, decayE)
                newI = decay(fedI, decayI)
                newRiseE = decay(risenE, decayE)
                newRiseI = decay(risenI, decayI)
                if !inputFirst {
                    let addE = mul(inE, alphaArrival), addI = mul(inI, alphaArrival)
                    newRiseE = newRiseE &+ addE
                    newRiseI = newRiseI &+ addI
                    range |= outside(addE) | outside(addI) | outside(newRiseE) | outside(newRiseI)
                }
            case .delta:
                break
            }
            range |= outside(newE) | outside(newI)

            let held = r .> zero
            let vn = integrated.replacing(with: vi, where: held)
            let fire = vn .>= thresh
            // A late delta step moves a membrane that neither is held nor fired.
            let stepped = vn &+ late
            range |= outside(stepped)
            if (range &>> 32).anyNonzero { return (i, anyFired.anyNonzero) }

            store(stepped.replacing(with: vn, where: held .| fire).replacing(with: reset, where: fire), b.v)
            store(newE, b.excitatory)
            store(newI, b.inhibitory)
            if shape == .alpha {
                store(newRiseE, riseE)
                store(newRiseI, riseI)
            }
            let fired = zero.replacing(with: one, where: fire)
            anyFired |= fired
            b.refractory.store((r &- one).replacing(with: r, where: .!held).replacing(with: refractoryTicks, where: fire).narrowed, at: i)
            b.fired.store(fired.lowBytes, at: i)
            b.slotE.store(SIMD8<UInt16>(), at: i)
            b.slotI.store(SIMD8<UInt16>(), at: i)
            i += 8
        }
        return (i, anyFired.anyNonzero)
    }
}
