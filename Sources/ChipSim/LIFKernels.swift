import ChipSimBlockTypes
import Foundation

/// Step convention shared by every kernel (documented in `docs/step-semantics.md`): in tick n
/// each neuron integrates from t_n to t_n+1 with its synaptic input as it stood at t_n,
/// is tested against threshold (a spike is stamped t_n), is reset, and its synaptic input decays.
/// Inputs due in tick n are then added from the ring buffer (after integration, as Brian2
/// applies them), in the same pass.
/// A refractory neuron is held for max(round(τ_refrac/h) − 1, 0) ticks after its spike tick.
public enum StepConvention {
    /// The longest run, delay or hold in time steps that the chip image and the engine count:
    /// 2^31 − 1.
    public static let maxTicks = Int(Int32.max)
    /// The shortest and the longest time step, ms.
    public static let minTimestepMs = 0.001, maxTimestepMs = 1000.0

    /// `ms` in time steps of `dt` ms, rounded to the nearest, clamped to 0 ... ``maxTicks``.
    public static func ticks(_ ms: Double, dt: Double) -> Int {
        let t = (ms / dt).rounded()
        guard t.isFinite else { return t > 0 ? maxTicks : 0 }
        return Int(min(max(t, 0), Double(maxTicks)))
    }

    static func refractoryTicks(tauRefrac: Double, dt: Double) -> Int64 {
        Int64(max(ticks(tauRefrac, dt: dt) - 1, 0))
    }
}

/// Appends the indices whose flag (0 or 1) among `flags[0 ..< n]` is set, in index order. Reads
/// eight flags at a time: a tick's spikes are few, and most words are zero.
func collectSpikes(_ flags: UnsafeMutablePointer<UInt8>, _ n: Int, _ spikes: inout [UInt16]) {
    let raw = UnsafeRawPointer(flags)
    var i = 0
    while i + 8 <= n {
        var word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        while word != 0 {
            let byte = word.trailingZeroBitCount >> 3
            spikes.append(UInt16(truncatingIfNeeded: i + byte))
            word &= ~(0xFF << UInt64(byte << 3))
        }
        i += 8
    }
    for j in i..<n where flags[j] != 0 { spikes.append(UInt16(truncatingIfNeeded: j)) }
}

/// IF_curr_exp in `float64`: the exact propagator of the linear system (v, I_exc, I_inh),
/// as Brian2's `exact` method and NEST's iaf_psc_exp compute it.
struct ExactCurrentLIF {
    let p22: Double, p21e: Double, p21i: Double, p20: Double
    let p11e: Double, p11i: Double
    let vRest: Double, vReset: Double, vThresh: Double, iOffset: Double
    let refractoryTicks: Int64

    init(_ p: [String: Double], dt h: Double) {
        let tauM = p["tau_m"]!, cm = p["cm"]!, tauE = p["tau_syn_E"]!, tauI = p["tau_syn_I"]!
        p22 = exp(-h / tauM)
        p20 = tauM / cm * (1 - p22)
        p11e = exp(-h / tauE)
        p11i = exp(-h / tauI)
        func p21(_ tauS: Double) -> Double {
            if abs(tauS - tauM) < 1e-9 * tauM { return h / cm * exp(-h / tauM) }
            return tauS * tauM / (cm * (tauS - tauM)) * (exp(-h / tauS) - exp(-h / tauM))
        }
        p21e = p21(tauE)
        p21i = p21(tauI)
        vRest = p["v_rest"]!; vReset = p["v_reset"]!; vThresh = p["v_thresh"]!; iOffset = p["i_offset"]!
        refractoryTicks = StepConvention.refractoryTicks(tauRefrac: p["tau_refrac"]!, dt: h)
    }

    /// Updates every neuron: with a block-kernel set, all but the last n mod 8 through the block
    /// kernel, which computes the same expressions in the same order.
    func update(_ s: inout FloatState, spikes: inout [UInt16], slot: FloatSlot, kernels: KernelSet) {
        let n = s.v.count
        s.withBuffers(slotE: slot.excitatory, slotI: slot.inhibitory) { state in
            var fired = false, done = 0
            if let blocks = kernels.exactLIFBlocks {
                let constants = ExactLIFBlockConstants(
                    p22: p22, p21e: p21e, p21i: p21i, drive: p20 * iOffset, p11e: p11e, p11i: p11i, vRest: vRest,
                    vReset: vReset, vThresh: vThresh, scaleE: slot.scaleE, scaleI: slot.scaleI, refractoryTicks: refractoryTicks)
                (done, fired) = blocks(constants, state, n)
            }
            fired = update(done..<n, state, slot) || fired
            if fired { collectSpikes(state.fired, n, &spikes) }
        }
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
            ie[i] = ie[i] * p11e + slot.excitatory[i] * slot.scaleE
            ii[i] = ii[i] * p11i + slot.inhibitory[i] * slot.scaleI
            slot.excitatory[i] = 0
            slot.inhibitory[i] = 0
        }
        return fired != 0
    }
}

/// The LIF as sPyNNaker integrates it (`neuron_model_lif_impl.h`): input held constant over
/// the step, V ← α − e^(−h/τm)(α − V) with α = I·R + V_rest; synaptic input decays by
/// e^(−h/τ) after the update and each arrival is scaled by (τ/h)(1 − e^(−h/τ)).
/// In `float64` it serves IF_cond_exp, for which no exact propagator exists.
struct HeldInputLIF {
    let expTC: Double, r: Double
    let decayE: Double, decayI: Double
    let vRest: Double, vReset: Double, vThresh: Double, iOffset: Double
    let eRevE: Double, eRevI: Double
    let conductance: Bool
    let refractoryTicks: Int64

    init(_ p: [String: Double], dt h: Double, conductance: Bool) {
        let tauM = p["tau_m"]!, cm = p["cm"]!
        expTC = exp(-h / tauM)
        r = tauM / cm
        decayE = exp(-h / p["tau_syn_E"]!)
        decayI = exp(-h / p["tau_syn_I"]!)
        vRest = p["v_rest"]!; vReset = p["v_reset"]!; vThresh = p["v_thresh"]!; iOffset = p["i_offset"]!
        eRevE = p["e_rev_E"] ?? 0; eRevI = p["e_rev_I"] ?? 0
        self.conductance = conductance
        refractoryTicks = StepConvention.refractoryTicks(tauRefrac: p["tau_refrac"]!, dt: h)
    }

    func update(_ s: inout FloatState, spikes: inout [UInt16], slot: FloatSlot) {
        let n = s.v.count
        s.v.withUnsafeMutableBufferPointer { v in
        s.excitatory.withUnsafeMutableBufferPointer { ie in
        s.inhibitory.withUnsafeMutableBufferPointer { ii in
        s.refractory.withUnsafeMutableBufferPointer { refr in
            for i in 0..<n {
                if refr[i] > 0 {
                    refr[i] -= 1
                } else {
                    let current = conductance
                        ? ie[i] * (eRevE - v[i]) + ii[i] * (eRevI - v[i]) + iOffset
                        : ie[i] - ii[i] + iOffset
                    let alpha = current * r + vRest
                    v[i] = alpha - expTC * (alpha - v[i])
                }
                if v[i] >= vThresh {
                    spikes.append(UInt16(truncatingIfNeeded: i))
                    v[i] = vReset
                    refr[i] = refractoryTicks
                }
                ie[i] *= decayE
                ii[i] *= decayI
                slot.take(i, &ie[i], &ii[i])
            }
        }}}}
    }
}

/// ``HeldInputLIF`` in the chip's arithmetic: S16.15 state, U0.32 decays. Conductances are held
/// scaled by 2^``FixedState/conductanceScaleBits`` (sPyNNaker's ×1024) for precision.
struct FixedLIF {
    let expTC: UInt32, r: Int32
    let decayE: UInt32, decayI: UInt32
    let vRest: Int32, vReset: Int32, vThresh: Int32, iOffset: Int32
    let eRevE: Int32, eRevI: Int32
    let conductance: Bool
    let refractoryTicks: Int64

    init(_ p: [String: Double], dt h: Double, conductance: Bool) {
        let tauM = p["tau_m"]!, cm = p["cm"]!
        expTC = U032.from(exp(-h / tauM))
        r = S1615.from(tauM / cm)
        decayE = U032.from(exp(-h / p["tau_syn_E"]!))
        decayI = U032.from(exp(-h / p["tau_syn_I"]!))
        vRest = S1615.from(p["v_rest"]!); vReset = S1615.from(p["v_reset"]!)
        vThresh = S1615.from(p["v_thresh"]!); iOffset = S1615.from(p["i_offset"]!)
        eRevE = S1615.from(p["e_rev_E"] ?? 0); eRevI = S1615.from(p["e_rev_I"] ?? 0)
        self.conductance = conductance
        refractoryTicks = StepConvention.refractoryTicks(tauRefrac: p["tau_refrac"]!, dt: h)
    }

    /// Updates every neuron: with a block-kernel set, eight at a time through the block kernel,
    /// and here any block it gives up on (a value saturates) and the last n mod 8 neurons.
    func update(_ s: inout FixedState, spikes: inout [UInt16], slot: FixedSlot, kernels: KernelSet) {
        let n = s.v.count
        s.withBuffers(slotE: slot.excitatory, slotI: slot.inhibitory) { state in
            var fired = false, i = 0
            if let blocks = kernels.fixedLIFBlocks {
                let constants = blockConstants(slot)
                while i + 8 <= n {
                    let (stop, blockFired) = blocks(constants, state, i, n)
                    fired = fired || blockFired
                    i = stop
                    if i + 8 <= n {
                        fired = update(i..<(i + 8), state, slot) || fired
                        i += 8
                    }
                }
            }
            fired = update(i..<n, state, slot) || fired
            if fired { collectSpikes(state.fired, n, &spikes) }
        }
    }

    /// The constants of ``updateFixedLIFBlocks(_:_:from:to:)``.
    func blockConstants(_ slot: FixedSlot) -> FixedLIFBlockConstants {
        FixedLIFBlockConstants(
            expTC: Int64(expTC), resistance: Int64(r), decayE: Int64(decayE), decayI: Int64(decayI), vRest: Int64(vRest),
            vReset: Int64(vReset), vThresh: Int64(vThresh), iOffset: Int64(iOffset), eRevE: Int64(eRevE), eRevI: Int64(eRevI),
            conductance: conductance, conductanceShift: Int64(SynapticMatrix.conductanceScaleBits), refractoryTicks: refractoryTicks,
            shiftE: Int64(slot.shiftE), shiftI: Int64(slot.shiftI), scaleE: Int64(slot.scaleE), scaleI: Int64(slot.scaleI))
    }

    /// The model's definition: updates `range` one neuron at a time, saturating as ``S1615``'s
    /// operations do (by clamping 64-bit intermediates), branch-free over the neurons. Returns
    /// whether any neuron fired.
    private func update(_ range: Range<Int>, _ b: BlockBuffers<Int64, UInt16>, _ slot: FixedSlot) -> Bool {
        let gBits = Int64(SynapticMatrix.conductanceScaleBits)
        var fired: UInt8 = 0
        @inline(__always) func sat(_ x: Int64) -> Int64 { min(max(x, Int64(Int32.min)), Int64(Int32.max)) }
        @inline(__always) func mul(_ a: Int64, _ b: Int64) -> Int64 { sat((a &* b &+ (1 << 14)) >> 15) }
        @inline(__always) func decay(_ x: Int64, _ d: UInt32) -> Int64 { (x &* Int64(d) &+ (1 << 31)) >> 32 }
        let rest = Int64(vRest), offset = Int64(iOffset), resistance = Int64(r)
        let excRev = Int64(eRevE), inhRev = Int64(eRevI)
        let v = b.v, ie = b.excitatory, ii = b.inhibitory, refr = b.refractory, flags = b.fired
        for i in range {
            let r = refr[i], vi = v[i], e = ie[i], inh = ii[i]
            let current: Int64
            if conductance {
                let exc = mul(e, sat(excRev &- vi)) >> gBits
                let inhibition = mul(inh, sat(inhRev &- vi)) >> gBits
                current = sat(sat(exc &+ inhibition) &+ offset)
            } else {
                current = sat(sat(e &- inh) &+ offset)
            }
            let alpha = sat(mul(current, resistance) &+ rest)
            let integrated = sat(alpha &- decay(sat(alpha &- vi), expTC))
            let vn = r > 0 ? vi : integrated
            let fire = vn >= Int64(vThresh)
            v[i] = fire ? Int64(vReset) : vn
            refr[i] = fire ? refractoryTicks : (r > 0 ? r &- 1 : r)
            flags[i] = fire ? 1 : 0
            fired |= fire ? 1 : 0
            ie[i] = decay(e, decayE)
            ii[i] = decay(inh, decayI)
            slot.take(i, &ie[i], &ii[i])
        }
        return fired != 0
    }
}
