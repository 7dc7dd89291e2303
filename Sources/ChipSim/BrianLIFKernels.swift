import ChipSimBlockTypes
import Foundation

// The `float64` kernels of the `brian2` convention for the models whose Brian2 integration is not
// IF_curr_exp's closed form: they follow Brian2's methods step for step (`exact` for linear
// equations, `exponential_euler` for conductance cells), consuming the slot after the update as
// Brian2's synapses act after its state update and thresholds.

/// IF_curr_alpha in `float64` under the `brian2` convention: the exact propagator of the linear
/// system (v, I_exc, x_exc, I_inh, x_inh), where each type's input I follows dI/dt = (x − I)/τ
/// and its drive dx/dt = −x/τ, an arrival of weight w raising x by w·e (so I is w·(t/τ)·e^(1−t/τ)).
/// A refractory membrane is held; the synapses go on.
final class ExactAlphaLIF {
    /// The membrane's row of e^(M·h) for (v, I_e, x_e, I_i, x_i, 1).
    let membrane: [Double]
    /// Each synapse type's rows of e^(M·h) (``AlphaSynapseRows``): I and x depend on nothing but
    /// that type's I and x (M is block-triangular, and the series and squarings of
    /// ``MatrixExponential`` keep its zero entries exactly 0), so each row is summed over its
    /// nonzero entries alone. Summing the zeros too gave the same numbers (x + 0·y is x) in 30
    /// products per neuron instead of 12.
    let excitatory: AlphaSynapseRows, inhibitory: AlphaSynapseRows
    let vReset: Double, vThresh: Double
    let refractoryTicks: Int32

    init(_ p: LIFParameters, dt h: Double, refractoryTicks: Int32) {
        // d/dt (v, Ie, xe, Ii, xi, 1); the constant state carries v_rest and i_offset.
        let m: [[Double]] = [
            [-1 / p.tauM, 1 / p.cm, 0, -1 / p.cm, 0, p.vRest / p.tauM + p.iOffset / p.cm],
            [0, -1 / p.tauE, 1 / p.tauE, 0, 0, 0],
            [0, 0, -1 / p.tauE, 0, 0, 0],
            [0, 0, 0, -1 / p.tauI, 1 / p.tauI, 0],
            [0, 0, 0, 0, -1 / p.tauI, 0],
            [0, 0, 0, 0, 0, 0],
        ]
        let propagator = MatrixExponential.exp(m, t: h)
        membrane = propagator[0]
        /// Type rows `i` (I) and `i + 1` (x): their other entries are 0 (checked in debug builds).
        func synapse(_ i: Int) -> AlphaSynapseRows {
            assert((0..<6).allSatisfy { ($0 == i || $0 == i + 1 || propagator[i][$0] == 0) && ($0 == i + 1 || propagator[i + 1][$0] == 0) })
            return (propagator[i][i], propagator[i][i + 1], propagator[i + 1][i + 1])
        }
        excitatory = synapse(1)
        inhibitory = synapse(3)
        vReset = p.vReset; vThresh = p.vThresh
        self.refractoryTicks = refractoryTicks
    }

    /// Updates every neuron: with a block-kernel set, through the block kernel (idle lanes
    /// included, ``NeuronState/blockEnd(typeStride:)``), which computes the same expressions in
    /// the same order, and any last neurons short of a block here.
    func update(_ s: inout FloatState, spikes: inout SpikeList, slot: FloatSlot, kernels: KernelSet) {
        s.update(slot: slot, spikes: &spikes, blocks: { state, extra, n in
            guard let blocks = kernels.exactAlphaBlocks else { return (0, false) }
            let p = membrane
            let constants = ExactAlphaBlockConstants(
                v: SIMD8(p[0], p[1], p[2], p[3], p[4], p[5], 0, 0), excitatory: excitatory, inhibitory: inhibitory,
                vReset: vReset, vThresh: vThresh, alphaArrival: SynapseFactors.alphaArrival, refractoryTicks: Int64(refractoryTicks))
            return blocks(constants, state, extra.riseE, extra.riseI, n)
        }, scalar: { range, state, extra in update(range, state, extra, slot) })
    }

    /// The model's definition: updates `range` one neuron at a time. Returns whether any neuron fired.
    private func update(_ range: Range<Int>, _ b: BlockBuffers<Double, Double>, _ extra: ExtraBuffers<Double>, _ slot: FloatSlot) -> Bool {
        let pv = membrane, pe = excitatory, pi = inhibitory
        let v = b.v, ie = b.excitatory, ii = b.inhibitory, refr = b.refractory, xe = extra.riseE, xi = extra.riseI
        var fired: UInt8 = 0
        for i in range {
            let z = (v[i], ie[i], xe[i], ii[i], xi[i])
            let r = refr[i]
            let vn = r > 0 ? z.0 : pv[0] * z.0 + pv[1] * z.1 + pv[2] * z.2 + pv[3] * z.3 + pv[4] * z.4 + pv[5]
            ie[i] = pe.own * z.1 + pe.feed * z.2; xe[i] = pe.rise * z.2
            ii[i] = pi.own * z.3 + pi.feed * z.4; xi[i] = pi.rise * z.4
            let fire = vn >= vThresh
            v[i] = fire ? vReset : vn
            refr[i] = fire ? refractoryTicks : (r > 0 ? r - 1 : r)
            b.fired[i] = fire ? 1 : 0
            fired |= b.fired[i]
            let (inE, inI) = slot.take(i)
            xe[i] += inE * SynapseFactors.alphaArrival
            xi[i] += inI * SynapseFactors.alphaArrival
        }
        return fired != 0
    }
}

/// IF_cond_exp and IF_cond_alpha in `float64` under the `brian2` convention: Brian2's
/// `exponential_euler`. Each variable's equation is linear in that variable with the others held
/// at their values from the start of the step: dv/dt = A + B·v with B = −1/τm − (g_e + g_i)/cm
/// and A = v_rest/τm + (g_e·E_e + g_i·E_i + i_offset)/cm gives v ← −A/B + (v + A/B)·e^(B·h);
/// an exponential conductance decays by e^(−h/τ); an alpha conductance (dg/dt = (x − g)/τ,
/// dx/dt = −x/τ) steps to x + (g − x)·e^(−h/τ). Arrivals join after the update: g += w, or
/// x += w·e for alpha.
final class ExponentialEulerLIF {
    let tauM: Double, cm: Double, vRest: Double, vReset: Double, vThresh: Double, iOffset: Double
    let eRevE: Double, eRevI: Double
    let dt: Double
    let alpha: Bool
    let decayE: Double, decayI: Double
    let refractoryTicks: Int32

    init(_ p: LIFParameters, dt h: Double, alpha: Bool, refractoryTicks: Int32) {
        tauM = p.tauM; cm = p.cm; vRest = p.vRest; vReset = p.vReset; vThresh = p.vThresh; iOffset = p.iOffset
        eRevE = p.eRevE; eRevI = p.eRevI
        dt = h
        self.alpha = alpha
        decayE = exp(-h / p.tauE); decayI = exp(-h / p.tauI)
        self.refractoryTicks = refractoryTicks
    }

    /// Updates every neuron: with a block-kernel set, through the block kernel (idle lanes
    /// included, ``NeuronState/blockEnd(typeStride:)``), which computes the same expressions in
    /// the same order (and the same e^x), and any last neurons short of a block here.
    func update(_ s: inout FloatState, spikes: inout SpikeList, slot: FloatSlot, kernels: KernelSet) {
        s.update(slot: slot, spikes: &spikes, blocks: { state, extra, n in
            guard let blocks = kernels.exponentialEulerBlocks else { return (0, false) }
            let constants = ExponentialEulerBlockConstants(
                tauM: tauM, cm: cm, vRest: vRest, vReset: vReset, vThresh: vThresh, iOffset: iOffset, eRevE: eRevE, eRevI: eRevI,
                dt: dt, alpha: alpha, decayE: decayE, decayI: decayI, alphaArrival: SynapseFactors.alphaArrival,
                refractoryTicks: Int64(refractoryTicks))
            return blocks(constants, state, extra.riseE, extra.riseI, n)
        }, scalar: { range, state, extra in update(range, state, extra, slot) })
    }

    /// The model's definition: updates `range` one neuron at a time. Returns whether any neuron fired.
    private func update(_ range: Range<Int>, _ b: BlockBuffers<Double, Double>, _ extra: ExtraBuffers<Double>, _ slot: FloatSlot) -> Bool {
        var fired: UInt8 = 0
        let v = b.v, ge = b.excitatory, gi = b.inhibitory, refr = b.refractory, flags = b.fired, xe = extra.riseE, xi = extra.riseI
        for i in range {
            let vi = v[i], gE = ge[i], gI = gi[i], r = refr[i]
            let bCoefficient = -1 / tauM - (gE + gI) / cm
            let aCoefficient = vRest / tauM + (gE * eRevE + gI * eRevI + iOffset) / cm
            let ratio = aCoefficient / bCoefficient
            let vn = r > 0 ? vi : -ratio + (ratio + vi) * Exponential.of(bCoefficient * dt)
            if alpha {
                ge[i] = xe[i] + (gE - xe[i]) * decayE
                gi[i] = xi[i] + (gI - xi[i]) * decayI
                xe[i] *= decayE
                xi[i] *= decayI
            } else {
                ge[i] = gE * decayE
                gi[i] = gI * decayI
            }
            let fire = vn >= vThresh
            v[i] = fire ? vReset : vn
            refr[i] = fire ? refractoryTicks : (r > 0 ? r - 1 : r)
            flags[i] = fire ? 1 : 0
            fired |= fire ? 1 : 0
            let (inE, inI) = slot.take(i)
            if alpha {
                xe[i] += inE * SynapseFactors.alphaArrival
                xi[i] += inI * SynapseFactors.alphaArrival
            } else {
                ge[i] += inE
                gi[i] += inI
            }
        }
        return fired != 0
    }
}
