import ChipSimBlockTypes
import Foundation

// The LIF kernels. Each updates all of a core's neurons for one tick and consumes the tick's
// ring-buffer slot in the same pass, at the place the step convention puts it
// (`StepConvention`, `docs/step-semantics.md`): before the membrane update (`spinnaker`) or after
// the update and the synaptic decay (`brian2`). `docs/arithmetic.md` gives the integration
// schemes.

/// Appends the indices whose flag (0 or 1) among `flags[0 ..< n]` is set, in index order. Tests
/// 32 flags at a time, then 8: a tick's spikes are few, most words are zero, and a branch per
/// 8 flags mispredicted wherever the few spikes fell (3.7 % of a CUBA run, against 2.3 %).
func collectSpikes(_ flags: UnsafeMutablePointer<UInt8>, _ n: Int, _ spikes: inout SpikeList) {
    let raw = UnsafeRawPointer(flags)
    spikes.reserve(n)
    @inline(__always) func word(_ i: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) }
    @inline(__always) func append(_ word: UInt64, _ i: Int) {
        var word = word
        while word != 0 {
            let byte = word.trailingZeroBitCount >> 3
            spikes.appendReserved(UInt16(truncatingIfNeeded: i + byte))
            word &= ~(0xFF << UInt64(byte << 3))
        }
    }
    var i = 0
    while i + 32 <= n {
        let a = word(i), b = word(i + 8), c = word(i + 16), d = word(i + 24)
        if a | b | c | d != 0 {
            append(a, i); append(b, i + 8); append(c, i + 16); append(d, i + 24)
        }
        i += 32
    }
    while i + 8 <= n {
        append(word(i), i)
        i += 8
    }
    for j in i..<n where flags[j] != 0 { spikes.appendReserved(UInt16(truncatingIfNeeded: j)) }
}

/// IF_curr_exp in `float64` under the `brian2` convention: the exact propagator of the linear
/// system (v, I_exc, I_inh), as Brian2's `exact` method and NEST's iaf_psc_exp compute it.
/// Arrivals join the inputs unscaled, after the update.
final class ExactCurrentLIF {
    let p22: Double, p21e: Double, p21i: Double, p20: Double
    let p11e: Double, p11i: Double
    let vRest: Double, vReset: Double, vThresh: Double, iOffset: Double
    let refractoryTicks: Int32

    init(_ p: LIFParameters, dt h: Double, refractoryTicks: Int32) {
        p22 = exp(-h / p.tauM)
        p20 = p.tauM / p.cm * (1 - p22)
        p11e = exp(-h / p.tauE)
        p11i = exp(-h / p.tauI)
        func p21(_ tauS: Double) -> Double {
            if abs(tauS - p.tauM) < 1e-9 * p.tauM { return h / p.cm * exp(-h / p.tauM) }
            return tauS * p.tauM / (p.cm * (tauS - p.tauM)) * (exp(-h / tauS) - exp(-h / p.tauM))
        }
        p21e = p21(p.tauE)
        p21i = p21(p.tauI)
        vRest = p.vRest; vReset = p.vReset; vThresh = p.vThresh; iOffset = p.iOffset
        self.refractoryTicks = refractoryTicks
    }

    /// Updates every neuron: with a block-kernel set, through the block kernel (idle lanes
    /// included, ``NeuronState/blockEnd(typeStride:)``), which computes the same expressions in
    /// the same order, and any last neurons short of a block here.
    func update(_ s: inout FloatState, spikes: inout SpikeList, slot: FloatSlot, kernels: KernelSet) {
        s.update(slot: slot, spikes: &spikes, blocks: { state, _, n in
            guard let blocks = kernels.exactLIFBlocks else { return (0, false) }
            let constants = ExactLIFBlockConstants(
                p22: p22, p21e: p21e, p21i: p21i, drive: p20 * iOffset, p11e: p11e, p11i: p11i, vRest: vRest,
                vReset: vReset, vThresh: vThresh, scaleE: 1, scaleI: 1, refractoryTicks: Int64(refractoryTicks))
            return blocks(constants, state, n)
        }, scalar: { range, state, _ in update(range, state, slot) })
    }

    /// The model's definition: updates `range` one neuron at a time, branch-free (selects, not
    /// jumps). Returns whether any neuron fired.
    private func update(_ range: Range<Int>, _ b: BlockBuffers<Double, Double>, _ slot: FloatSlot) -> Bool {
        var fired: UInt8 = 0
        let v = b.v, ie = b.excitatory, ii = b.inhibitory, refr = b.refractory, flags = b.fired
        for i in range {
            let r = refr[i], vi = v[i]
            let integrated = vRest + p22 * (vi - vRest) + p21e * ie[i] - p21i * ii[i] + p20 * iOffset
            let vn = r > 0 ? vi : integrated
            let fire = vn >= vThresh
            v[i] = fire ? vReset : vn
            refr[i] = fire ? refractoryTicks : (r > 0 ? r &- 1 : r)
            flags[i] = fire ? 1 : 0
            fired |= fire ? 1 : 0
            let (inE, inI) = slot.take(i)
            ie[i] = ie[i] * p11e + inE
            ii[i] = ii[i] * p11i + inI
        }
        return fired != 0
    }
}

/// The LIF as sPyNNaker integrates it (`neuron_model_lif_impl.h`), in double precision: the
/// synaptic input is held over the step, V ← α − e^(−h/τm)(α − V) with α = I·R + V_rest, and
/// a refractory membrane is held. Synaptic inputs by shape:
///
/// * exponential: each arrival is scaled by (τ/h)(1 − e^(−h/τ)), the input decays by e^(−h/τ)
///   after the update;
/// * alpha: an arrival of weight w raises the drive x by w·e; each step the input I becomes
///   (I + x·h/τ)·e^(−h/τ) and x decays by e^(−h/τ), so I samples w·(t/τ)·e^(1 − t/τ) exactly;
/// * delta: the tick's arrivals step V by their weights (mV), dropped while refractory.
///
/// It is the `float64` model under the `spinnaker` convention, and IF_curr_delta's exact
/// integration under `brian2` (which consumes the slot after the update instead).
final class HeldInputLIF {
    let expTC: Double, resistance: Double
    let vRest: Double, vReset: Double, vThresh: Double, iOffset: Double
    let eRevE: Double, eRevI: Double
    let conductance: Bool
    let shape: SynapseShape
    let inputFirst: Bool
    let refractoryTicks: Int32
    let synapseE: SynapseFactors, synapseI: SynapseFactors

    init(_ p: LIFParameters, dt h: Double, conductance: Bool, shape: SynapseShape, inputFirst: Bool, refractoryTicks: Int32) {
        expTC = exp(-h / p.tauM)
        resistance = p.resistance
        vRest = p.vRest; vReset = p.vReset; vThresh = p.vThresh; iOffset = p.iOffset
        eRevE = p.eRevE; eRevI = p.eRevI
        self.conductance = conductance
        self.shape = shape
        self.inputFirst = inputFirst
        self.refractoryTicks = refractoryTicks
        synapseE = SynapseFactors(tau: p.tauE, dt: h)
        synapseI = SynapseFactors(tau: p.tauI, dt: h)
    }

    /// Updates every neuron: with a block-kernel set, through the block kernel (idle lanes
    /// included, ``NeuronState/blockEnd(typeStride:)``), which computes the same expressions in
    /// the same order, and any last neurons short of a block here.
    func update(_ s: inout FloatState, spikes: inout SpikeList, slot: FloatSlot, kernels: KernelSet) {
        s.update(slot: slot, spikes: &spikes, blocks: { state, extra, n in
            guard let blocks = kernels.heldInputBlocks else { return (0, false) }
            let constants = HeldInputBlockConstants(
                expTC: expTC, resistance: resistance, vRest: vRest, vReset: vReset, vThresh: vThresh, iOffset: iOffset, eRevE: eRevE,
                eRevI: eRevI, conductance: conductance, shape: shape.blockShape, inputFirst: inputFirst, refractoryTicks: Int64(refractoryTicks),
                decayE: synapseE.decay, decayI: synapseI.decay, heldArrivalE: synapseE.heldArrival, heldArrivalI: synapseI.heldArrival,
                riseStepE: synapseE.riseStep, riseStepI: synapseI.riseStep, alphaArrival: SynapseFactors.alphaArrival)
            return blocks(constants, state, extra.riseE, extra.riseI, n)
        }, scalar: { range, state, extra in update(range, state, extra, slot) })
    }

    /// The model's definition: updates `range` one neuron at a time. Returns whether any neuron fired.
    private func update(_ range: Range<Int>, _ b: BlockBuffers<Double, Double>, _ extra: ExtraBuffers<Double>, _ slot: FloatSlot) -> Bool {
        var fired: UInt8 = 0
        let riseE = extra.riseE, riseI = extra.riseI
        let v = b.v, ie = b.excitatory, ii = b.inhibitory, refr = b.refractory, flags = b.fired
        /// Adds the slot's entries to neuron i's synaptic state; returns a delta synapse's step.
        @inline(__always) func arrive(_ i: Int, _ inE: Double, _ inI: Double) -> Double {
            switch shape {
            case .exponential:
                ie[i] += inE * synapseE.heldArrival
                ii[i] += inI * synapseI.heldArrival
            case .alpha:
                riseE[i] += inE * SynapseFactors.alphaArrival
                riseI[i] += inI * SynapseFactors.alphaArrival
            case .delta:
                return inE - inI
            }
            return 0
        }
        for i in range {
            let (inE, inI) = slot.take(i)
            let step = inputFirst ? arrive(i, inE, inI) : 0
            let r = refr[i], vi = v[i]
            let current = conductance
                ? ie[i] * (eRevE - vi) + ii[i] * (eRevI - vi) + iOffset
                : ie[i] - ii[i] + iOffset
            let alpha = current * resistance + vRest
            let held = r > 0
            let vn = held ? vi : alpha - expTC * (alpha - vi) + step
            let fire = vn >= vThresh
            v[i] = fire ? vReset : vn
            refr[i] = fire ? refractoryTicks : (held ? r - 1 : r)
            flags[i] = fire ? 1 : 0
            fired |= fire ? 1 : 0
            switch shape {
            case .exponential:
                ie[i] *= synapseE.decay
                ii[i] *= synapseI.decay
            case .alpha:
                ie[i] = (ie[i] + riseE[i] * synapseE.riseStep) * synapseE.decay
                ii[i] = (ii[i] + riseI[i] * synapseI.riseStep) * synapseI.decay
                riseE[i] *= synapseE.decay
                riseI[i] *= synapseI.decay
            case .delta:
                break
            }
            if !inputFirst {
                let late = arrive(i, inE, inI)
                if !(held || fire) { v[i] += late }
            }
        }
        return fired != 0
    }
}

extension SynapseShape {
    /// The shape as the block kernels name it.
    var blockShape: BlockSynapseShape {
        switch self {
        case .exponential: .exponential
        case .alpha: .alpha
        case .delta: .delta
        }
    }
}

/// ``HeldInputLIF`` in the chip's arithmetic: S16.15 state, U0.32 decays, saturating operations
/// (``S1615``). Conductances are held scaled by 2^10 (sPyNNaker's ×1024) for precision. It runs
/// under both conventions. Every shape has block kernels (eight neurons at a time, bit for bit
/// the same).
final class FixedLIF {
    let expTC: UInt32, r: Int32
    let vRest: Int32, vReset: Int32, vThresh: Int32, iOffset: Int32
    let eRevE: Int32, eRevI: Int32
    let conductance: Bool
    let shape: SynapseShape
    let inputFirst: Bool
    let refractoryTicks: Int32
    let decayE: UInt32, decayI: UInt32
    /// Exponential shape: each arrival's U0.32 scale (τ/h)(1 − e^(−h/τ)).
    let arrivalE: UInt32, arrivalI: UInt32
    /// Alpha shape: h/τ per type and e, S16.15.
    let riseStepE: Int64, riseStepI: Int64
    let alphaArrival = Int64(S1615.from(SynapseFactors.alphaArrival))
    /// The block kernel's constants for the core's weight shifts, built once (built per tick,
    /// they cost 1 % of a CUBA run), at a fixed address: the kernel reads them in place
    /// (``ChipSimAVX512/updateFixedLIFBlocks(_:_:riseE:riseI:from:to:)`` says why).
    private let blockTemplate: UnsafeMutablePointer<FixedLIFBlockConstants>

    /// `weightShifts` are the core's per synapse type (those its slots will carry).
    init(_ p: LIFParameters, dt h: Double, conductance: Bool, shape: SynapseShape, inputFirst: Bool, refractoryTicks: Int32,
         weightShifts: (Int32, Int32) = (0, 0)) {
        expTC = U032.from(exp(-h / p.tauM))
        r = S1615.from(p.resistance)
        vRest = S1615.from(p.vRest); vReset = S1615.from(p.vReset)
        vThresh = S1615.from(p.vThresh); iOffset = S1615.from(p.iOffset)
        eRevE = S1615.from(p.eRevE); eRevI = S1615.from(p.eRevI)
        self.conductance = conductance
        self.shape = shape
        self.inputFirst = inputFirst
        self.refractoryTicks = refractoryTicks
        let e = SynapseFactors(tau: p.tauE, dt: h), i = SynapseFactors(tau: p.tauI, dt: h)
        decayE = U032.from(e.decay); decayI = U032.from(i.decay)
        arrivalE = U032.from(e.heldArrival); arrivalI = U032.from(i.heldArrival)
        riseStepE = Int64(S1615.from(e.riseStep)); riseStepI = Int64(S1615.from(i.riseStep))
        blockTemplate = .allocate(capacity: 1)
        blockTemplate.initialize(to: Self.blockConstants(FixedLIFBlockConstants(
            expTC: Int64(expTC), resistance: Int64(r), decayE: Int64(decayE), decayI: Int64(decayI), vRest: Int64(vRest),
            vReset: Int64(vReset), vThresh: Int64(vThresh), iOffset: Int64(iOffset), eRevE: Int64(eRevE), eRevI: Int64(eRevI),
            conductance: conductance, conductanceShift: Int64(SynapticMatrix.conductanceScaleBits), refractoryTicks: Int64(refractoryTicks),
            shiftE: 0, shiftI: 0, scaleE: Int64(arrivalE), scaleI: Int64(arrivalI), inputFirst: inputFirst, shape: shape.blockShape,
            alphaArrival: alphaArrival, riseStepE: riseStepE, riseStepI: riseStepI), shifts: weightShifts))
    }

    deinit {
        blockTemplate.deinitialize(count: 1)
        blockTemplate.deallocate()
    }

    /// Updates every neuron: with a block-kernel set, eight or sixteen at a time through the
    /// block kernel, idle lanes included (``NeuronState/blockEnd(typeStride:)``), and here any
    /// block it gives up on (a value saturates) and any last neurons short of a block.
    func update(_ s: inout FixedState, spikes: inout SpikeList, slot: FixedSlot, kernels: KernelSet) {
        let n = s.count, blocks = kernels.fixedLIFBlocks
        let end = blocks == nil ? n : s.blockEnd(typeStride: slot.inhibitory - slot.excitatory)
        s.withBuffers(slotE: slot.excitatory, slotI: slot.inhibitory) { state, extra in
            let riseE = extra.riseE, riseI = extra.riseI
            var fired = false, i = 0
            if let blocks {
                withBlockConstants(slot) { constants in
                    while i + 8 <= end {
                        let (stop, blockFired) = blocks(constants, state, riseE, riseI, i, end)
                        fired = fired || blockFired
                        i = stop
                        if i + 8 <= end {
                            fired = update(i..<(i + 8), state, riseE, riseI, slot) || fired
                            i += 8
                        }
                    }
                }
            }
            fired = update(i..<end, state, riseE, riseI, slot) || fired
            if fired { collectSpikes(state.fired, n, &spikes) }
        }
    }

    /// Calls `body` with the address of the constants of
    /// ``updateFixedLIFBlocks(_:_:riseE:riseI:from:to:)``: the template when the slot has its
    /// shifts (the core's own, every tick of a run), else constants built for the slot's.
    func withBlockConstants<R>(_ slot: FixedSlot, _ body: (UnsafePointer<FixedLIFBlockConstants>) -> R) -> R {
        let template = blockTemplate
        if Int64(slot.shiftE) == template.pointee.shiftE, Int64(slot.shiftI) == template.pointee.shiftI { return body(template) }
        return withUnsafePointer(to: Self.blockConstants(template.pointee, shifts: (slot.shiftE, slot.shiftI)), body)
    }

    /// `template` with the shifts `shifts` and the 32-bit kernel's state bound for them.
    private static func blockConstants(_ template: FixedLIFBlockConstants, shifts: (Int32, Int32)) -> FixedLIFBlockConstants {
        var k = template
        k.shiftE = Int64(shifts.0)
        k.shiftI = Int64(shifts.1)
        (k.narrowVoltageBound, k.narrowCurrentBound) = k.narrowStateBounds()
        return k
    }

    /// The model's definition: updates `range` one neuron at a time, saturating as ``S1615``'s
    /// operations do (by clamping 64-bit intermediates). Returns whether any neuron fired.
    private func update(_ range: Range<Int>, _ b: BlockBuffers<Int32, UInt16>, _ riseE: UnsafeMutablePointer<Int32>,
                        _ riseI: UnsafeMutablePointer<Int32>, _ slot: FixedSlot) -> Bool {
        let gBits = Int64(SynapticMatrix.conductanceScaleBits)
        var fired: UInt8 = 0
        @inline(__always) func sat(_ x: Int64) -> Int64 { min(max(x, Int64(Int32.min)), Int64(Int32.max)) }
        @inline(__always) func mul(_ a: Int64, _ b: Int64) -> Int64 { sat((a &* b &+ (1 << 14)) >> 15) }
        @inline(__always) func decay(_ x: Int64, _ d: UInt32) -> Int64 { (x &* Int64(d) &+ (1 << 31)) >> 32 }
        let rest = Int64(vRest), offset = Int64(iOffset), resistance = Int64(r)
        let excRev = Int64(eRevE), inhRev = Int64(eRevI)
        let v = b.v, ie = b.excitatory, ii = b.inhibitory, refr = b.refractory, flags = b.fired
        /// Adds neuron i's entries to its synaptic state; returns a delta synapse's step.
        @inline(__always) func arrive(_ i: Int) -> Int64 {
            switch shape {
            case .exponential:
                let (inE, inI) = slot.take(i, scaleE: arrivalE, scaleI: arrivalI)
                ie[i] = Int32(min(Int64(ie[i]) + inE, Int64(Int32.max)))
                ii[i] = Int32(min(Int64(ii[i]) + inI, Int64(Int32.max)))
            case .alpha:
                let (inE, inI) = slot.takeShifted(i)
                riseE[i] = Int32(sat(Int64(riseE[i]) + mul(inE, alphaArrival)))
                riseI[i] = Int32(sat(Int64(riseI[i]) + mul(inI, alphaArrival)))
            case .delta:
                let (inE, inI) = slot.takeShifted(i)
                return sat(inE - inI)
            }
            return 0
        }
        for i in range {
            let step = inputFirst ? arrive(i) : 0
            let r = refr[i], vi = Int64(v[i]), e = Int64(ie[i]), inh = Int64(ii[i])
            let current: Int64
            if conductance {
                let exc = mul(e, sat(excRev &- vi)) >> gBits
                let inhibition = mul(inh, sat(inhRev &- vi)) >> gBits
                current = sat(sat(exc &+ inhibition) &+ offset)
            } else {
                current = sat(sat(e &- inh) &+ offset)
            }
            let alpha = sat(mul(current, resistance) &+ rest)
            let integrated = sat(sat(alpha &- decay(sat(alpha &- vi), expTC)) &+ step)
            let held = r > 0
            let vn = held ? vi : integrated
            let fire = vn >= Int64(vThresh)
            v[i] = fire ? vReset : Int32(vn)
            refr[i] = fire ? refractoryTicks : (held ? r &- 1 : r)
            flags[i] = fire ? 1 : 0
            fired |= fire ? 1 : 0
            switch shape {
            case .exponential:
                ie[i] = Int32(decay(e, decayE))
                ii[i] = Int32(decay(inh, decayI))
            case .alpha:
                ie[i] = Int32(decay(sat(e &+ mul(Int64(riseE[i]), riseStepE)), decayE))
                ii[i] = Int32(decay(sat(inh &+ mul(Int64(riseI[i]), riseStepI)), decayI))
                riseE[i] = Int32(decay(Int64(riseE[i]), decayE))
                riseI[i] = Int32(decay(Int64(riseI[i]), decayI))
            case .delta:
                break
            }
            if !inputFirst {
                let late = arrive(i)
                if !(held || fire) { v[i] = Int32(sat(Int64(v[i]) &+ late)) }
            }
        }
        return fired != 0
    }
}
