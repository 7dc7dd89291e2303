import Foundation

/// The parameters a LIF kernel reads, taken once from a population's PyNN parameters (defaults
/// filled in; `docs/models.md` lists them with units). Models without synaptic time constants
/// (IF_curr_delta) or reversal potentials (current cells) leave those at values no kernel uses.
struct LIFParameters {
    /// Membrane time constant (ms) and capacitance (nF); τm/cm is the resistance (MΩ).
    let tauM: Double, cm: Double
    /// mV.
    let vRest: Double, vReset: Double, vThresh: Double
    /// nA.
    let iOffset: Double
    /// ms.
    let tauRefrac: Double
    /// Synaptic time constants per type, ms.
    let tauE: Double, tauI: Double
    /// Reversal potentials of conductance cells, mV.
    let eRevE: Double, eRevI: Double

    init(_ p: [String: Double]) {
        tauM = p["tau_m"]!; cm = p["cm"]!
        vRest = p["v_rest"]!; vReset = p["v_reset"]!; vThresh = p["v_thresh"]!
        iOffset = p["i_offset"]!; tauRefrac = p["tau_refrac"]!
        tauE = p["tau_syn_E"] ?? 1; tauI = p["tau_syn_I"] ?? 1
        eRevE = p["e_rev_E"] ?? 0; eRevI = p["e_rev_I"] ?? 0
    }

    var resistance: Double { tauM / cm }
}

/// The factors an exponential or alpha synapse of time constant τ needs over a step h.
struct SynapseFactors {
    /// e^(−h/τ): the decay over one step.
    let decay: Double
    /// (τ/h)(1 − e^(−h/τ)): the factor sPyNNaker scales each arrival by so that an input held
    /// over the step carries the charge of the exponential it stands for.
    let heldArrival: Double
    /// h/τ: an alpha synapse's input rises by its drive times this each step.
    let riseStep: Double

    /// The jump of an alpha synapse's drive per unit weight, e, so that the input peaks at the
    /// weight at t = τ.
    static let alphaArrival = M_E

    init(tau: Double, dt h: Double) {
        decay = exp(-h / tau)
        heldArrival = tau / h * (1 - exp(-h / tau))
        riseStep = h / tau
    }
}
