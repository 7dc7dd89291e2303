import Foundation

/// Izhikevich (2003): v' = 0.04v² + 5v + 140 − u + I, u' = a(bv − u), spike at v ≥ 30 mV,
/// then v ← c, u ← u + d. Integrated by forward Euler from the old (v, u), as Brian2 and
/// NEST (`consistent_integration`) do; synaptic input as in ``HeldInputLIF``.
struct FloatIzhikevich {
    static let vPeak = 30.0
    let a: Double, b: Double, c: Double, d: Double, iOffset: Double, h: Double
    let decayE: Double, decayI: Double

    init(_ p: [String: Double], dt: Double) {
        a = p["a"]!; b = p["b"]!; c = p["c"]!; d = p["d"]!; iOffset = p["i_offset"]!; h = dt
        decayE = exp(-dt / p["tau_syn_E"]!)
        decayI = exp(-dt / p["tau_syn_I"]!)
    }

    func update(_ s: inout FloatState, spikes: inout [UInt16], slot: FloatSlot) {
        let n = s.v.count
        s.v.withUnsafeMutableBufferPointer { v in
        s.u.withUnsafeMutableBufferPointer { u in
        s.excitatory.withUnsafeMutableBufferPointer { ie in
        s.inhibitory.withUnsafeMutableBufferPointer { ii in
            for i in 0..<n {
                let vi = v[i], ui = u[i]
                let current = ie[i] - ii[i] + iOffset
                v[i] = vi + h * (0.04 * vi * vi + 5 * vi + 140 - ui + current)
                u[i] = ui + h * (a * (b * vi - ui))
                if v[i] >= Self.vPeak {
                    spikes.append(UInt16(truncatingIfNeeded: i))
                    v[i] = c
                    u[i] += d
                }
                ie[i] *= decayE
                ii[i] *= decayI
                slot.take(i, &ie[i], &ii[i])
            }
        }}}}
    }
}

/// ``FloatIzhikevich`` in S16.15. The coefficient 0.04 is applied as a U0.32 fraction
/// (0.04 · v² = decay(v², 0.04)): its nearest S16.15 value, 0.040008544921875 (the constant
/// sPyNNaker's RK2 kernel uses), shifts spikes by 2.4 ms within 1 s at h = 0.1 ms.
struct FixedIzhikevich {
    let a: Int32, b: Int32, c: Int32, d: Int32, iOffset: Int32, h: Int32
    let k004: UInt32 = U032.from(0.04), k5: Int32 = S1615.from(5), k140: Int32 = S1615.from(140)
    let vPeak: Int32 = S1615.from(FloatIzhikevich.vPeak)
    let decayE: UInt32, decayI: UInt32

    init(_ p: [String: Double], dt: Double) {
        a = S1615.from(p["a"]!); b = S1615.from(p["b"]!); c = S1615.from(p["c"]!); d = S1615.from(p["d"]!)
        iOffset = S1615.from(p["i_offset"]!); h = S1615.from(dt)
        decayE = U032.from(exp(-dt / p["tau_syn_E"]!))
        decayI = U032.from(exp(-dt / p["tau_syn_I"]!))
    }

    func update(_ s: inout FixedState, spikes: inout [UInt16], slot: FixedSlot) {
        let n = s.v.count
        s.v.withUnsafeMutableBufferPointer { v in
        s.u.withUnsafeMutableBufferPointer { u in
        s.excitatory.withUnsafeMutableBufferPointer { ie in
        s.inhibitory.withUnsafeMutableBufferPointer { ii in
            for i in 0..<n {
                let vi = Int32(truncatingIfNeeded: v[i]), ui = Int32(truncatingIfNeeded: u[i])
                let e = Int32(truncatingIfNeeded: ie[i]), inh = Int32(truncatingIfNeeded: ii[i])
                let current = S1615.add(S1615.sub(e, inh), iOffset)
                var dv = S1615.decay(S1615.mul(vi, vi), k004)
                dv = S1615.add(dv, S1615.mul(k5, vi))
                dv = S1615.add(S1615.sub(S1615.add(dv, k140), ui), current)
                let du = S1615.mul(a, S1615.sub(S1615.mul(b, vi), ui))
                var vn = S1615.add(vi, S1615.mul(h, dv))
                var un = S1615.add(ui, S1615.mul(h, du))
                if vn >= vPeak {
                    spikes.append(UInt16(truncatingIfNeeded: i))
                    vn = c
                    un = S1615.add(un, d)
                }
                v[i] = Int64(vn)
                u[i] = Int64(un)
                ie[i] = Int64(S1615.decay(e, decayE))
                ii[i] = Int64(S1615.decay(inh, decayI))
                slot.take(i, &ie[i], &ii[i])
            }
        }}}}
    }
}
