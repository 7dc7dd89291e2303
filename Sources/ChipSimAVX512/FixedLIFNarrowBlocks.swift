import ChipSimBlockTypes

/// The S16.15 IF_curr_exp, IF_curr_delta and IF_curr_alpha updates sixteen neurons at a time in
/// 32-bit lanes, under either step convention: the first stage of
/// ``updateFixedLIFBlocks(_:_:riseE:riseI:from:to:)`` (compiled for AVX-512 and, from the same
/// file, for AVX2).
///
/// It computes the scalar `FixedLIF`'s expressions with exact 64-bit products (`vpmuldq` on the
/// even and odd lanes) and every other operation in 32 bits. Instead of checking each
/// intermediate, it checks a block's state against the bounds of `narrowStateBounds()`: within
/// them no intermediate can leave Int32, so no clamp of the scalar kernel acts, and the results
/// are bit for bit the scalar kernel's: about 85 vector instructions per sixteen neurons for
/// IF_curr_exp, where the 64-bit kernel takes 85 per eight; IF_curr_delta takes two products
/// instead of six, IF_curr_alpha ten.

/// Sixteen S16.15 values.
typealias NarrowLanes = SIMD16<Int32>

/// Updates blocks of sixteen from `start` while a whole block fits before `end`, stopping at the
/// first block with a |v| above `k.narrowVoltageBound` or an |I| (or, for alpha, an |x|) above
/// `k.narrowCurrentBound`, without touching it. Returns where it stopped and whether any neuron
/// fired. The bounds must be `narrowStateBounds()` of `k`, nonzero. `riseE` and `riseI` are the
/// alpha shape's rise variables (untouched for the other shapes). The constants are read where
/// `constants` points (see ``updateFixedLIFBlocks(_:_:riseE:riseI:from:to:)``).
@inline(never)
public func updateFixedLIFNarrowBlocks(_ constants: UnsafePointer<FixedLIFBlockConstants>, _ b: BlockBuffers<Int32, UInt16>,
                                       riseE: UnsafeMutablePointer<Int32>, riseI: UnsafeMutablePointer<Int32>,
                                       from start: Int, to end: Int) -> (stop: Int, fired: Bool) {
    let k = constants.pointee
    let loop = NarrowLoop(k: k, b: b, riseE: riseE, riseI: riseI, start: start, end: end)
    switch (k.shape, k.inputFirst) {
    case (.exponential, true): return loop.run(ExponentialShape.self, Yes.self)
    case (.exponential, false): return loop.run(ExponentialShape.self, No.self)
    case (.delta, true): return loop.run(DeltaShape.self, Yes.self)
    case (.delta, false): return loop.run(DeltaShape.self, No.self)
    case (.alpha, true): return loop.run(AlphaShape.self, Yes.self)
    case (.alpha, false): return loop.run(AlphaShape.self, No.self)
    }
}

/// The loop of ``updateFixedLIFNarrowBlocks(_:_:riseE:riseI:from:to:)``.
private struct NarrowLoop {
    let k: FixedLIFBlockConstants, b: BlockBuffers<Int32, UInt16>, riseE: UnsafeMutablePointer<Int32>, riseI: UnsafeMutablePointer<Int32>
    let start: Int, end: Int

    /// One copy per shape and step convention.
    @inline(__always)
    func run<Shape: StaticShape, InputFirst: StaticFlag>(_: Shape.Type, _: InputFirst.Type) -> (stop: Int, fired: Bool) {
        typealias Quads = SIMD8<Int64>
        typealias UQuads = SIMD8<UInt64>
        let inputFirst = InputFirst.value, delta = Shape.shape == .delta, alphaShape = Shape.shape == .alpha
        @inline(__always) func quads(_ x: NarrowLanes) -> Quads { unsafeBitCast(x, to: Quads.self) }
        @inline(__always) func lanes(_ q: Quads) -> NarrowLanes { unsafeBitCast(q, to: NarrowLanes.self) }
        @inline(__always) func unsigned(_ x: NarrowLanes) -> SIMD16<UInt32> { unsafeBitCast(x, to: SIMD16<UInt32>.self) }
        let low32 = Quads(repeating: 0xFFFF_FFFF), high32 = Quads(repeating: ~0xFFFF_FFFF)
        let half31 = Quads(repeating: 1 << 31), half14 = Quads(repeating: 1 << 14)
        /// The even lanes sign-extended to 64 bits, and the odd ones: the operands of `vpmuldq`.
        @inline(__always) func even(_ x: NarrowLanes) -> Quads { (quads(x) &<< 32) &>> 32 }
        @inline(__always) func odd(_ x: NarrowLanes) -> Quads { quads(x) &>> 32 }
        /// Bits 32 ... 63 of the rounded products x · m + 2^31 (m a signed 32-bit multiplier).
        @inline(__always) func highProduct(_ x: NarrowLanes, _ m: Quads) -> NarrowLanes {
            lanes(((even(x) &* m &+ half31) &>> 32) & low32 | (odd(x) &* m &+ half31) & high32)
        }
        /// A multiplier for ``highProduct``: a U0.32 factor's bits read as signed, and the lanes to
        /// add back (x itself where the factor is 2^31 or more: x · d = x · (d − 2^32) + x · 2^32).
        @inline(__always) func factor(_ d: Int64) -> (Quads, NarrowLanes) {
            (Quads(repeating: Int64(Int32(truncatingIfNeeded: d))), NarrowLanes(repeating: d >= 1 << 31 ? -1 : 0))
        }
        /// x · d for a U0.32 d, rounded to nearest (as the scalar kernel's `decay`).
        @inline(__always) func decay(_ x: NarrowLanes, _ d: (Quads, NarrowLanes)) -> NarrowLanes { highProduct(x, d.0) &+ (x & d.1) }
        /// S16.15 product x · m, rounded to nearest: bits 15 ... 46 of x · m + 2^14.
        @inline(__always) func mul(_ x: NarrowLanes, _ m: Quads) -> NarrowLanes {
            lanes(((even(x) &* m &+ half14) &>> 15) & low32 | ((odd(x) &* m &+ half14) &<< 17) & high32)
        }
        /// A type's weight shift as a left and a right shift of the entries (one of them 0).
        @inline(__always) func shifts(_ shift: Int64) -> (left: SIMD16<UInt32>, right: SIMD16<UInt32>) {
            (SIMD16(repeating: UInt32(max(shift, 0))), SIMD16(repeating: UInt32(max(-shift, 0))))
        }
        /// Sixteen ring entries shifted, w · 2^shift (unsigned, below 2^32).
        @inline(__always) func shifted(_ p: UnsafeMutablePointer<UInt16>, _ i: Int,
                                       _ shift: (left: SIMD16<UInt32>, right: SIMD16<UInt32>)) -> SIMD16<UInt32> {
            (SIMD16<UInt32>(widening: p.vector(at: i)) &<< shift.left) &>> shift.right
        }
        /// Sixteen ring entries as S16.15 input: (w · 2^shift) · scale / 2^32, rounded (unsigned).
        @inline(__always) func input(_ p: UnsafeMutablePointer<UInt16>, _ i: Int, _ shift: (left: SIMD16<UInt32>, right: SIMD16<UInt32>),
                                     _ scale: UQuads) -> NarrowLanes {
            let q = unsafeBitCast(shifted(p, i, shift), to: UQuads.self)
            let halfU = UQuads(repeating: 1 << 31), low32U = UQuads(repeating: 0xFFFF_FFFF)
            let evens = ((q & low32U) &* scale &+ halfU) &>> 32, odds = ((q &>> 32) &* scale &+ halfU) & ~low32U
            return unsafeBitCast(evens | odds, to: NarrowLanes.self)
        }

        let voltageBound = NarrowLanes(repeating: Int32(k.narrowVoltageBound))
        let voltageWidth = SIMD16<UInt32>(repeating: UInt32(2 * k.narrowVoltageBound))
        let currentBound = NarrowLanes(repeating: Int32(k.narrowCurrentBound))
        let currentWidth = SIMD16<UInt32>(repeating: UInt32(2 * k.narrowCurrentBound))
        let rest = NarrowLanes(repeating: Int32(k.vRest)), offset = NarrowLanes(repeating: Int32(k.iOffset))
        let thresh = NarrowLanes(repeating: Int32(k.vThresh)), reset = NarrowLanes(repeating: Int32(k.vReset))
        let refractoryTicks = NarrowLanes(repeating: Int32(k.refractoryTicks))
        let resistance = Quads(repeating: Int64(Int32(truncatingIfNeeded: k.resistance)))
        let expTC = factor(k.expTC), decayE = factor(k.decayE), decayI = factor(k.decayI)
        let scaleE = UQuads(repeating: UInt64(k.scaleE)) & UQuads(repeating: 0xFFFF_FFFF)
        let scaleI = UQuads(repeating: UInt64(k.scaleI)) & UQuads(repeating: 0xFFFF_FFFF)
        let shiftE = shifts(k.shiftE), shiftI = shifts(k.shiftI)
        let arrival = Quads(repeating: Int64(Int32(truncatingIfNeeded: k.alphaArrival)))
        let riseStepE = Quads(repeating: Int64(Int32(truncatingIfNeeded: k.riseStepE)))
        let riseStepI = Quads(repeating: Int64(Int32(truncatingIfNeeded: k.riseStepI)))
        let riseE = self.riseE, riseI = self.riseI
        // The buffers' pointers as locals: read through `b` they were reloaded every block, since
        // the stores might have changed them.
        let v = b.v, excitatory = b.excitatory, inhibitory = b.inhibitory, refractory = b.refractory
        let flags = b.fired, slotE = b.slotE, slotI = b.slotI
        let zero = NarrowLanes(), one = NarrowLanes(repeating: 1)
        var anyFired = zero
        var i = start
        while i + 16 <= end {
            let vi: NarrowLanes = v.vector(at: i), stateE: NarrowLanes = excitatory.vector(at: i)
            let stateI: NarrowLanes = inhibitory.vector(at: i)
            let r: NarrowLanes = refractory.vector(at: i)
            var outside = (unsigned(vi &+ voltageBound) .> voltageWidth) .| (unsigned(stateE &+ currentBound) .> currentWidth)
                .| (unsigned(stateI &+ currentBound) .> currentWidth)
            var xE = zero, xI = zero
            if alphaShape {
                xE = riseE.vector(at: i)
                xI = riseI.vector(at: i)
                outside = outside .| (unsigned(xE &+ currentBound) .> currentWidth) .| (unsigned(xI &+ currentBound) .> currentWidth)
            }
            if any(outside) { break }
            // Exponential: the arrivals join the synaptic states (before the update, or after their
            // decay). Delta: the states stay as they are, and the arrivals step v (before the
            // threshold, or after it where the neuron neither is held nor fired). Alpha: the
            // arrivals, times e, join the rise variables (before the update, or after their decay).
            var inE = zero, inI = zero, step = zero, late = zero
            if delta || alphaShape {
                let entriesE = unsafeBitCast(shifted(slotE, i, shiftE), to: NarrowLanes.self)
                let entriesI = unsafeBitCast(shifted(slotI, i, shiftI), to: NarrowLanes.self)
                if alphaShape {
                    inE = mul(entriesE, arrival)
                    inI = mul(entriesI, arrival)
                    if inputFirst { xE = xE &+ inE; xI = xI &+ inI }
                } else if inputFirst {
                    step = entriesE &- entriesI
                } else {
                    late = entriesE &- entriesI
                }
            } else {
                inE = input(slotE, i, shiftE, scaleE)
                inI = input(slotI, i, shiftI, scaleI)
            }
            let e = inputFirst && !alphaShape ? stateE &+ inE : stateE, inh = inputFirst && !alphaShape ? stateI &+ inI : stateI
            let alpha = mul((e &- inh) &+ offset, resistance) &+ rest
            let relaxed = alpha &- decay(alpha &- vi, expTC) &+ step
            let held = r .> zero
            let vn = relaxed.replacing(with: vi, where: held)
            let fire = vn .>= thresh
            switch Shape.shape {
            case .exponential:
                v.store(vn.replacing(with: reset, where: fire), at: i)
                excitatory.store(inputFirst ? decay(e, decayE) : decay(e, decayE) &+ inE, at: i)
                inhibitory.store(inputFirst ? decay(inh, decayI) : decay(inh, decayI) &+ inI, at: i)
            case .delta:
                v.store((vn &+ late).replacing(with: vn, where: held .| fire).replacing(with: reset, where: fire), at: i)
            case .alpha:
                v.store(vn.replacing(with: reset, where: fire), at: i)
                excitatory.store(decay(e &+ mul(xE, riseStepE), decayE), at: i)
                inhibitory.store(decay(inh &+ mul(xI, riseStepI), decayI), at: i)
                riseE.store(inputFirst ? decay(xE, decayE) : decay(xE, decayE) &+ inE, at: i)
                riseI.store(inputFirst ? decay(xI, decayI) : decay(xI, decayI) &+ inI, at: i)
            }
            let counted = (r &- one).replacing(with: r, where: .!held).replacing(with: refractoryTicks, where: fire)
            refractory.store(counted, at: i)
            let fired = zero.replacing(with: one, where: fire)
            anyFired |= fired
            flags.store(fired.lowBytes, at: i)
            slotE.store(SIMD16<UInt16>(), at: i)
            slotI.store(SIMD16<UInt16>(), at: i)
            i += 16
        }
        return (i, any(anyFired .!= zero))
    }
}

/// Lane-by-lane conversions that LLVM folds into single instructions (see `Lanes.swift`).
extension SIMD16 where Scalar == UInt32 {
    /// Zero-extends sixteen 16-bit ring entries.
    @inline(__always)
    init(widening w: SIMD16<UInt16>) {
        self.init(UInt32(w[0]), UInt32(w[1]), UInt32(w[2]), UInt32(w[3]), UInt32(w[4]), UInt32(w[5]), UInt32(w[6]), UInt32(w[7]),
                  UInt32(w[8]), UInt32(w[9]), UInt32(w[10]), UInt32(w[11]), UInt32(w[12]), UInt32(w[13]), UInt32(w[14]), UInt32(w[15]))
    }
}

extension SIMD16 where Scalar == Int32 {
    /// The low byte of each lane (one `vpmovdb`).
    @inline(__always)
    var lowBytes: SIMD16<UInt8> {
        func b(_ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: self[i]) }
        return SIMD16<UInt8>(b(0), b(1), b(2), b(3), b(4), b(5), b(6), b(7), b(8), b(9), b(10), b(11), b(12), b(13), b(14), b(15))
    }
}
