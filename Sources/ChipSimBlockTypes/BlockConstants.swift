/// The kernel's constants, as the scalar kernel holds them, widened to 64 bits.
public struct FixedLIFBlockConstants {
    /// e^(−h/τm), U0.32.
    public var expTC: Int64
    /// τm / cm, S16.15 (MΩ).
    public var resistance: Int64
    /// e^(−h/τsyn) per synapse type, U0.32.
    public var decayE: Int64, decayI: Int64
    /// S16.15 mV (and nA for `iOffset`).
    public var vRest: Int64, vReset: Int64, vThresh: Int64, iOffset: Int64
    /// Reversal potentials of IF_cond_exp, S16.15 mV.
    public var eRevE: Int64, eRevI: Int64
    /// Whether the inputs are conductances (IF_cond_exp), held scaled by 2^conductanceShift.
    public var conductance: Bool
    public var conductanceShift: Int64
    /// Ticks a neuron is held after it fires.
    public var refractoryTicks: Int64
    /// Per synapse type: a 16-bit ring entry becomes S16.15 by 2^shift (a right shift when
    /// negative), then is scaled by a U0.32 factor.
    public var shiftE: Int64, shiftI: Int64
    public var scaleE: Int64, scaleI: Int64
    /// Whether the slot's entries join the inputs before the membrane update (the `spinnaker`
    /// step convention) or after the inputs decay (`brian2`).
    public var inputFirst: Bool
    /// The synapses' shape.
    public var shape: BlockSynapseShape
    /// Alpha shape: e (what an arrival of w adds to the rise variable, per unit of w) and h/τsyn
    /// per type, S16.15.
    public var alphaArrival: Int64, riseStepE: Int64, riseStepI: Int64
    /// The largest |v| and the largest |I_exc|, |I_inh| (S16.15) for which the 32-bit kernel's
    /// arithmetic cannot leave the Int32 range on any input (``narrowStateBounds()``); 0 where
    /// that kernel does not apply. Set by whoever builds the constants; 0 by default.
    public var narrowVoltageBound: Int64 = 0, narrowCurrentBound: Int64 = 0

    public init(expTC: Int64, resistance: Int64, decayE: Int64, decayI: Int64, vRest: Int64, vReset: Int64, vThresh: Int64,
                iOffset: Int64, eRevE: Int64, eRevI: Int64, conductance: Bool, conductanceShift: Int64, refractoryTicks: Int64,
                shiftE: Int64, shiftI: Int64, scaleE: Int64, scaleI: Int64, inputFirst: Bool,
                shape: BlockSynapseShape, alphaArrival: Int64, riseStepE: Int64, riseStepI: Int64) {
        self.expTC = expTC; self.resistance = resistance; self.decayE = decayE; self.decayI = decayI
        self.vRest = vRest; self.vReset = vReset; self.vThresh = vThresh; self.iOffset = iOffset
        self.eRevE = eRevE; self.eRevI = eRevI; self.conductance = conductance; self.conductanceShift = conductanceShift
        self.refractoryTicks = refractoryTicks; self.shiftE = shiftE; self.shiftI = shiftI; self.scaleE = scaleE; self.scaleI = scaleI
        self.inputFirst = inputFirst
        self.shape = shape; self.alphaArrival = alphaArrival; self.riseStepE = riseStepE; self.riseStepI = riseStepI
    }
}

/// The synaptic shapes of the S16.15 block kernel (ChipSim's `SynapseShape`): an exponential
/// current or conductance (jump, then decay), an alpha function (a rise variable that feeds it),
/// or a delta (the arrival steps the membrane).
public enum BlockSynapseShape: Sendable {
    case exponential, alpha, delta
}

/// The propagator's constants (see ChipSim's `ExactCurrentLIF`).
public struct ExactLIFBlockConstants {
    /// e^(−h/τm), and the input currents' effect on V over a step, mV per nA.
    public var p22: Double, p21e: Double, p21i: Double
    /// p20 · i_offset: the offset current's effect on V over a step, mV.
    public var drive: Double
    /// e^(−h/τsyn) per synapse type.
    public var p11e: Double, p11i: Double
    /// mV.
    public var vRest: Double, vReset: Double, vThresh: Double
    /// Per synapse type, the factor each arrival is scaled by.
    public var scaleE: Double, scaleI: Double
    /// Ticks a neuron is held after it fires.
    public var refractoryTicks: Int64

    public init(p22: Double, p21e: Double, p21i: Double, drive: Double, p11e: Double, p11i: Double, vRest: Double, vReset: Double,
                vThresh: Double, scaleE: Double, scaleI: Double, refractoryTicks: Int64) {
        self.p22 = p22; self.p21e = p21e; self.p21i = p21i; self.drive = drive; self.p11e = p11e; self.p11i = p11i
        self.vRest = vRest; self.vReset = vReset; self.vThresh = vThresh; self.scaleE = scaleE; self.scaleI = scaleI
        self.refractoryTicks = refractoryTicks
    }
}

/// A synapse type's rows of the alpha propagator e^(M·h), by their nonzero entries alone:
/// I ← I·own + x·feed, x ← x·rise (see ChipSim's `ExactAlphaLIF`).
public typealias AlphaSynapseRows = (own: Double, feed: Double, rise: Double)

/// The alpha-synapse propagator (see ChipSim's `ExactAlphaLIF`) over (v, I_exc, x_exc, I_inh,
/// x_inh): the membrane's row of e^(M·h), the new v being the row's first five entries times the
/// state plus its sixth (lanes 6 and 7 unused), and each synapse type's rows.
public struct ExactAlphaBlockConstants {
    public var v: SIMD8<Double>
    public var excitatory: AlphaSynapseRows, inhibitory: AlphaSynapseRows
    /// mV.
    public var vReset: Double, vThresh: Double
    /// What an arrival of w adds to a rise variable, per unit of w (e).
    public var alphaArrival: Double
    /// Ticks a neuron is held after it fires.
    public var refractoryTicks: Int64

    public init(v: SIMD8<Double>, excitatory: AlphaSynapseRows, inhibitory: AlphaSynapseRows,
                vReset: Double, vThresh: Double, alphaArrival: Double, refractoryTicks: Int64) {
        self.v = v; self.excitatory = excitatory; self.inhibitory = inhibitory
        self.vReset = vReset; self.vThresh = vThresh; self.alphaArrival = alphaArrival; self.refractoryTicks = refractoryTicks
    }
}

/// Brian2's `exponential_euler` for IF_cond_exp and IF_cond_alpha (see ChipSim's `ExponentialEulerLIF`).
public struct ExponentialEulerBlockConstants {
    /// Membrane time constant (ms) and capacitance (nF).
    public var tauM: Double, cm: Double
    /// mV.
    public var vRest: Double, vReset: Double, vThresh: Double
    /// Offset current, nA.
    public var iOffset: Double
    /// Reversal potentials, mV.
    public var eRevE: Double, eRevI: Double
    /// The step h, ms.
    public var dt: Double
    /// Whether the conductances are alpha functions (a rise variable per type) rather than exponentials.
    public var alpha: Bool
    /// e^(−h/τsyn) per synapse type.
    public var decayE: Double, decayI: Double
    /// What an arrival of weight w adds to an alpha conductance's rise variable, per unit of w (e).
    public var alphaArrival: Double
    /// Ticks a neuron is held after it fires.
    public var refractoryTicks: Int64

    public init(tauM: Double, cm: Double, vRest: Double, vReset: Double, vThresh: Double, iOffset: Double, eRevE: Double, eRevI: Double,
                dt: Double, alpha: Bool, decayE: Double, decayI: Double, alphaArrival: Double, refractoryTicks: Int64) {
        self.tauM = tauM; self.cm = cm; self.vRest = vRest; self.vReset = vReset; self.vThresh = vThresh; self.iOffset = iOffset
        self.eRevE = eRevE; self.eRevI = eRevI; self.dt = dt; self.alpha = alpha; self.decayE = decayE; self.decayI = decayI
        self.alphaArrival = alphaArrival; self.refractoryTicks = refractoryTicks
    }
}

/// The chip's LIF in double precision (see ChipSim's `HeldInputLIF`): the input held over the step.
public struct HeldInputBlockConstants {
    /// e^(−h/τm), and τm/cm (MΩ).
    public var expTC: Double, resistance: Double
    /// mV (and nA for `iOffset`).
    public var vRest: Double, vReset: Double, vThresh: Double, iOffset: Double
    /// Reversal potentials, mV (conductance cells).
    public var eRevE: Double, eRevI: Double
    /// Whether the inputs are conductances.
    public var conductance: Bool
    public var shape: BlockSynapseShape
    /// Whether the slot's entries join before the membrane update (`spinnaker`) or after the decay (`brian2`).
    public var inputFirst: Bool
    /// Ticks a neuron is held after it fires.
    public var refractoryTicks: Int64
    /// Per type: e^(−h/τsyn), the exponential shape's arrival scale (τ/h)(1 − e^(−h/τsyn)) and the
    /// alpha shape's h/τsyn; and e, an alpha arrival's jump per unit weight.
    public var decayE: Double, decayI: Double, heldArrivalE: Double, heldArrivalI: Double
    public var riseStepE: Double, riseStepI: Double, alphaArrival: Double

    public init(expTC: Double, resistance: Double, vRest: Double, vReset: Double, vThresh: Double, iOffset: Double, eRevE: Double,
                eRevI: Double, conductance: Bool, shape: BlockSynapseShape, inputFirst: Bool, refractoryTicks: Int64,
                decayE: Double, decayI: Double, heldArrivalE: Double, heldArrivalI: Double, riseStepE: Double, riseStepI: Double,
                alphaArrival: Double) {
        self.expTC = expTC; self.resistance = resistance; self.vRest = vRest; self.vReset = vReset; self.vThresh = vThresh
        self.iOffset = iOffset; self.eRevE = eRevE; self.eRevI = eRevI; self.conductance = conductance; self.shape = shape
        self.inputFirst = inputFirst; self.refractoryTicks = refractoryTicks; self.decayE = decayE; self.decayI = decayI
        self.heldArrivalE = heldArrivalE; self.heldArrivalI = heldArrivalI; self.riseStepE = riseStepE; self.riseStepI = riseStepI
        self.alphaArrival = alphaArrival
    }
}
