import Foundation

/// How an Izhikevich kernel integrates over a step.
enum IzhikevichIntegration {
    /// Forward Euler from the old (v, u), as Brian2 and NEST (`consistent_integration`) do: the
    /// `brian2` convention.
    case euler
    /// sPyNNaker's RK2 midpoint (`neuron_model_izh_impl.h`), with the step taken as h × 1.85 in
    /// the tick after a spike (its threshold-timing correction): the `spinnaker` convention.
    case rk2Midpoint
}

/// Izhikevich (2003): v' = 0.04v² + 5v + 140 − u + I, u' = a(bv − u), spike at v ≥ 30 mV,
/// then v ← c, u ← u + d. Synaptic inputs are exponential, each arrival scaled by
/// (τ/h)(1 − e^(−h/τ)) as in ``HeldInputLIF``. The RK2 form uses sPyNNaker's coefficient
/// 0.040008544921875 (the S16.15 value it compensates with) so that the two arithmetics run one
/// algorithm.
final class FloatIzhikevich {
    static let vPeak = 30.0
    /// sPyNNaker's RK2 coefficient in place of 0.04, and its step stretch after a spike.
    static let rk2Coefficient = 0.040008544921875, stretchAfterSpike = 1.85
    let a: Double, b: Double, c: Double, d: Double, iOffset: Double, h: Double
    let integration: IzhikevichIntegration
    let inputFirst: Bool
    let synapseE: SynapseFactors, synapseI: SynapseFactors

    init(_ p: [String: Double], dt: Double, integration: IzhikevichIntegration, inputFirst: Bool) {
        a = p["a"]!; b = p["b"]!; c = p["c"]!; d = p["d"]!; iOffset = p["i_offset"]!; h = dt
        self.integration = integration
        self.inputFirst = inputFirst
        synapseE = SynapseFactors(tau: p["tau_syn_E"]!, dt: dt)
        synapseI = SynapseFactors(tau: p["tau_syn_I"]!, dt: dt)
    }

    func update(_ s: inout FloatState, spikes: inout SpikeList, slot: FloatSlot) {
        let n = s.count
        s.withBuffers(slotE: slot.excitatory, slotI: slot.inhibitory) { buffers, extra in
            let v = buffers.v, u = extra.u, ie = buffers.excitatory, ii = buffers.inhibitory, fired = buffers.fired
            for i in 0..<n {
                let (inE, inI) = slot.take(i)
                if inputFirst {
                    ie[i] += inE * synapseE.heldArrival
                    ii[i] += inI * synapseI.heldArrival
                }
                let vi = v[i], ui = u[i]
                let current = ie[i] - ii[i] + iOffset
                var vn: Double, un: Double
                switch integration {
                case .euler:
                    vn = vi + h * (0.04 * vi * vi + 5 * vi + 140 - ui + current)
                    un = ui + h * (a * (b * vi - ui))
                case .rk2Midpoint:
                    let step = fired[i] != 0 ? h * Self.stretchAfterSpike : h
                    let k = Self.rk2Coefficient
                    let preAlpha = 140 + current - ui
                    let slope = preAlpha + (5 + k * vi) * vi
                    let eta = vi + step * slope / 2
                    let beta = step * (b * vi - ui) * a / 2
                    vn = vi + step * (preAlpha - beta + (5 + k * eta) * eta)
                    un = ui + a * step * (-ui - beta + b * eta)
                }
                let fire = vn >= Self.vPeak
                if fire {
                    spikes.append(UInt16(truncatingIfNeeded: i))
                    vn = c
                    un += d
                }
                v[i] = vn
                u[i] = un
                fired[i] = fire ? 1 : 0
                ie[i] *= synapseE.decay
                ii[i] *= synapseI.decay
                if !inputFirst {
                    ie[i] += inE * synapseE.heldArrival
                    ii[i] += inI * synapseI.heldArrival
                }
            }
        }
    }
}

/// ``FloatIzhikevich`` in S16.15, bit for bit as sPyNNaker's fixed-point kernel computes it. In
/// the Euler form the coefficient 0.04 is applied as a U0.32 fraction (0.04 · v² =
/// decay(v², 0.04)): its nearest S16.15 value, 0.040008544921875, shifts spikes by 2.4 ms within
/// 1 s at h = 0.1 ms against Brian2. The RK2 form uses that S16.15 value, as sPyNNaker does.
final class FixedIzhikevich {
    let a: Int32, b: Int32, c: Int32, d: Int32, iOffset: Int32, h: Int32
    /// h × 1.85, the step after a spike in the RK2 form.
    let stretchedH: Int32
    let k004: UInt32 = U032.from(0.04), k5: Int32 = S1615.from(5), k140: Int32 = S1615.from(140)
    let rk2Coefficient: Int32 = S1615.from(FloatIzhikevich.rk2Coefficient), half: Int32 = S1615.from(0.5)
    let vPeak: Int32 = S1615.from(FloatIzhikevich.vPeak)
    let integration: IzhikevichIntegration
    let inputFirst: Bool
    let decayE: UInt32, decayI: UInt32
    let arrivalE: UInt32, arrivalI: UInt32

    init(_ p: [String: Double], dt: Double, integration: IzhikevichIntegration, inputFirst: Bool) {
        a = S1615.from(p["a"]!); b = S1615.from(p["b"]!); c = S1615.from(p["c"]!); d = S1615.from(p["d"]!)
        iOffset = S1615.from(p["i_offset"]!); h = S1615.from(dt)
        stretchedH = S1615.mul(h, S1615.from(FloatIzhikevich.stretchAfterSpike))
        self.integration = integration
        self.inputFirst = inputFirst
        let e = SynapseFactors(tau: p["tau_syn_E"]!, dt: dt), i = SynapseFactors(tau: p["tau_syn_I"]!, dt: dt)
        decayE = U032.from(e.decay); decayI = U032.from(i.decay)
        arrivalE = U032.from(e.heldArrival); arrivalI = U032.from(i.heldArrival)
    }

    func update(_ s: inout FixedState, spikes: inout SpikeList, slot: FixedSlot) {
        let n = s.count
        typealias Q = S1615
        s.withBuffers(slotE: slot.excitatory, slotI: slot.inhibitory) { buffers, extra in
            let v = buffers.v, u = extra.u, ie = buffers.excitatory, ii = buffers.inhibitory, fired = buffers.fired
            for i in 0..<n {
                let (inE, inI) = slot.take(i, scaleE: arrivalE, scaleI: arrivalI)
                if inputFirst {
                    ie[i] = Int32(min(Int64(ie[i]) + inE, Int64(Int32.max)))
                    ii[i] = Int32(min(Int64(ii[i]) + inI, Int64(Int32.max)))
                }
                let vi = v[i], ui = u[i], e = ie[i], inh = ii[i]
                let current = Q.add(Q.sub(e, inh), iOffset)
                var vn: Int32, un: Int32
                switch integration {
                case .euler:
                    var dv = Q.decay(Q.mul(vi, vi), k004)
                    dv = Q.add(dv, Q.mul(k5, vi))
                    dv = Q.add(Q.sub(Q.add(dv, k140), ui), current)
                    let du = Q.mul(a, Q.sub(Q.mul(b, vi), ui))
                    vn = Q.add(vi, Q.mul(h, dv))
                    un = Q.add(ui, Q.mul(h, du))
                case .rk2Midpoint:
                    let step = fired[i] != 0 ? stretchedH : h
                    let preAlpha = Q.sub(Q.add(k140, current), ui)
                    let slope = Q.add(preAlpha, Q.mul(Q.add(k5, Q.mul(rk2Coefficient, vi)), vi))
                    let eta = Q.add(vi, Q.mul(Q.mul(step, slope), half))
                    let beta = Q.mul(Q.mul(Q.mul(step, Q.sub(Q.mul(b, vi), ui)), a), half)
                    vn = Q.add(vi, Q.mul(step, Q.add(Q.sub(preAlpha, beta), Q.mul(Q.add(k5, Q.mul(rk2Coefficient, eta)), eta))))
                    un = Q.add(ui, Q.mul(Q.mul(a, step), Q.add(Q.sub(Q.sub(0, ui), beta), Q.mul(b, eta))))
                }
                let fire = vn >= vPeak
                if fire {
                    spikes.append(UInt16(truncatingIfNeeded: i))
                    vn = c
                    un = Q.add(un, d)
                }
                v[i] = vn
                u[i] = un
                fired[i] = fire ? 1 : 0
                ie[i] = Q.decay(e, decayE)
                ii[i] = Q.decay(inh, decayI)
                if !inputFirst {
                    ie[i] = Int32(min(Int64(ie[i]) + inE, Int64(Int32.max)))
                    ii[i] = Int32(min(Int64(ii[i]) + inI, Int64(Int32.max)))
                }
            }
        }
    }
}
