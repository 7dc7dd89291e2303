/// Spike-timing-dependent plasticity as PyNN's `STDPMechanism` with a `SpikePairRule` and an
/// additive or multiplicative weight dependence, run as sPyNNaker runs it: each synapse's weight
/// changes when a presynaptic spike reaches its row, from the postsynaptic spikes since the last
/// one (a deferred update; see ``STDPUpdate``). Weights and A± are in the synapse's unit (nA, µS
/// or mV); times in ms. Defaults are PyNN's, except the three variants at the end, whose defaults
/// reproduce the recordings of the real machine (`docs/models.md`, "Plasticity").
public struct STDPRule: Codable, Equatable, Hashable, Sendable {
    /// Which spike pairs count.
    public enum Pairing: String, Codable, Sendable {
        /// Every pre spike with every post spike (traces sum), PyNN's `SpikePairRule`.
        case allToAll = "all_to_all"
        /// Each spike with the nearest spike of the other side only.
        case nearest
    }

    /// How a pairing's change scales with the weight.
    public enum WeightDependence: String, Codable, Sendable {
        /// Δw = A± · trace, clipped to [w_min, w_max].
        case additive
        /// Δw = A+ · (w_max − w) · trace for potentiation, −A− · (w − w_min) · trace for depression.
        case multiplicative
    }

    /// Time constants of the potentiation (pre) and depression (post) traces, ms. Default 20.
    public var tauPlus: Double = 20
    public var tauMinus: Double = 20
    /// Amplitudes of potentiation and depression. Default 0.01.
    public var aPlus: Double = 0.01
    public var aMinus: Double = 0.01
    /// The weight's bounds. Defaults 0 and 1.
    public var wMin: Double = 0
    public var wMax: Double = 1
    /// Default all-to-all.
    public var pairing: Pairing = .allToAll
    /// Default additive.
    public var weightDependence: WeightDependence = .additive
    /// Whether A± are multiplied by w_max, as sPyNNaker releases since 2021 do ("Pre-multiply
    /// A+ and A- by Wmax"). Default false: what the sPyNNaker8-era machine did.
    public var scaleByWMax = false
    /// Whether a post spike that coincides with the pre spike in synapse-local time (its spike
    /// time plus the dendritic delay equals the pre spike's) depresses, at full strength. Default
    /// true, as the recordings show; newer sPyNNaker releases require a positive interval.
    public var coincidentDepression = true
    /// Whether the weight is clipped to its bounds after each pairing (default) or once after
    /// all the pairings of a pre spike are summed, as sPyNNaker's additive rule does.
    public var clipEachEvent = true

    public init() {}

    /// The potentiation and depression amplitudes the rule applies.
    public var amplitudes: (plus: Double, minus: Double) {
        scaleByWMax ? (aPlus * wMax, aMinus * wMax) : (aPlus, aMinus)
    }

    /// Why the rule cannot run, if it cannot.
    public var problem: String? {
        for (name, v) in [("tau_plus", tauPlus), ("tau_minus", tauMinus)] where !(v > 0 && v <= 1e6) {
            return "'\(name)' must be > 0 ms and ≤ 10^6, found \(v)"
        }
        for (name, v) in [("A_plus", aPlus), ("A_minus", aMinus), ("w_min", wMin), ("w_max", wMax)] where !(v.isFinite && abs(v) <= 1e6) {
            return "'\(name)' must be a number within ±10^6, found \(v)"
        }
        if aPlus < 0 || aMinus < 0 { return "A_plus and A_minus must be ≥ 0 (found \(aPlus), \(aMinus))" }
        if !(wMin >= 0 && wMin <= wMax) { return "w_min must be ≥ 0 and ≤ w_max (found \(wMin), \(wMax))" }
        return nil
    }
}

/// The most recent postsynaptic spikes a core keeps per neuron for plasticity (sPyNNaker's
/// `MAX_POST_SYNAPTIC_EVENTS`): older ones no longer count.
public enum PostHistoryLimit {
    public static let spikes = 16
}
