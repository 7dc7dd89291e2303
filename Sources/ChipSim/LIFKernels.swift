import Foundation

/// Step convention shared by every kernel (documented in `docs/step-semantics.md`): in tick n
/// each neuron integrates from t_n to t_n+1 with its synaptic input as it stood at t_n,
/// is tested against threshold (a spike is stamped t_n), is reset, and its synaptic input decays.
/// Inputs due in tick n are then added from the ring buffer (after integration, as Brian2
/// applies them), in the same pass.
/// A refractory neuron is held for max(round(τ_refrac/h) − 1, 0) ticks after its spike tick.
enum StepConvention {
    static func refractoryTicks(tauRefrac: Double, dt: Double) -> Int32 {
        Int32(max((tauRefrac / dt).rounded() - 1, 0))
    }
}

/// IF_curr_exp in `float64`: the exact propagator of the linear system (v, I_exc, I_inh),
/// as Brian2's `exact` method and NEST's iaf_psc_exp compute it.
struct ExactCurrentLIF {
    let p22: Double, p21e: Double, p21i: Double, p20: Double
    let p11e: Double, p11i: Double
    let vRest: Double, vReset: Double, vThresh: Double, iOffset: Double
    let refractoryTicks: Int32

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
                    let y = v[i] - vRest
                    v[i] = vRest + p22 * y + p21e * ie[i] - p21i * ii[i] + p20 * iOffset
                }
                if v[i] >= vThresh {
                    spikes.append(UInt16(truncatingIfNeeded: i))
                    v[i] = vReset
                    refr[i] = refractoryTicks
                }
                ie[i] *= p11e
                ii[i] *= p11i
                slot.take(i, &ie[i], &ii[i])
            }
        }}}}
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
    let refractoryTicks: Int32

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
    let refractoryTicks: Int32

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

    func update(_ s: inout FixedState, spikes: inout [UInt16], slot: FixedSlot) {
        let n = s.v.count
        let gBits = Int32(FixedState.conductanceScaleBits)
        s.v.withUnsafeMutableBufferPointer { v in
        s.excitatory.withUnsafeMutableBufferPointer { ie in
        s.inhibitory.withUnsafeMutableBufferPointer { ii in
        s.refractory.withUnsafeMutableBufferPointer { refr in
            for i in 0..<n {
                if refr[i] > 0 {
                    refr[i] -= 1
                } else {
                    let current: Int32
                    if conductance {
                        let exc = S1615.mul(ie[i], S1615.sub(eRevE, v[i])) >> gBits
                        let inh = S1615.mul(ii[i], S1615.sub(eRevI, v[i])) >> gBits
                        current = S1615.add(S1615.add(exc, inh), iOffset)
                    } else {
                        current = S1615.add(S1615.sub(ie[i], ii[i]), iOffset)
                    }
                    let alpha = S1615.add(S1615.mul(current, r), vRest)
                    v[i] = S1615.sub(alpha, S1615.decay(S1615.sub(alpha, v[i]), expTC))
                }
                if v[i] >= vThresh {
                    spikes.append(UInt16(truncatingIfNeeded: i))
                    v[i] = vReset
                    refr[i] = refractoryTicks
                }
                ie[i] = S1615.decay(ie[i], decayE)
                ii[i] = S1615.decay(ii[i], decayI)
                slot.take(i, &ie[i], &ii[i])
            }
        }}}}
    }
}
