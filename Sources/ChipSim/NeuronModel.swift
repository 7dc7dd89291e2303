/// The cell and source types a population can have, by their PyNN names (`docs/models.md`
/// lists every parameter with its unit and default).
public enum NeuronModel: String, Codable, CaseIterable, Sendable {
    /// Leaky integrate-and-fire, current-based synapses with exponential decay.
    case ifCurrExp = "IF_curr_exp"
    /// Leaky integrate-and-fire, current-based synapses shaped as alpha functions.
    case ifCurrAlpha = "IF_curr_alpha"
    /// Leaky integrate-and-fire whose synaptic weights (mV) step the membrane at once (Brunel's
    /// model; sPyNNaker's IF_curr_delta, NEST's iaf_psc_delta).
    case ifCurrDelta = "IF_curr_delta"
    /// Leaky integrate-and-fire, conductance-based synapses with exponential decay.
    case ifCondExp = "IF_cond_exp"
    /// Leaky integrate-and-fire, conductance-based synapses shaped as alpha functions.
    case ifCondAlpha = "IF_cond_alpha"
    /// Izhikevich (2003) neuron with current-based exponential synapses (sPyNNaker's IZK_curr_exp).
    case izhikevich = "Izhikevich"
    /// Emits spikes at given times.
    case spikeSourceArray = "SpikeSourceArray"
    /// Emits Poisson spike trains at a given rate.
    case spikeSourcePoisson = "SpikeSourcePoisson"
    /// Emits the spikes live clients send it over ZeroMQ (sPyNNaker's SpikeInjector;
    /// `docs/live-io.md`): a spike a client sends for tick t is emitted in tick t.
    case spikeInjector = "SpikeInjector"

    /// Whether atoms of this model are spike sources (no membrane, no synaptic input).
    public var isSource: Bool { self == .spikeSourceArray || self == .spikeSourcePoisson || self == .spikeInjector }

    /// Whether synaptic weights are conductances (µS) rather than currents (nA) or steps (mV).
    public var isConductanceBased: Bool { self == .ifCondExp || self == .ifCondAlpha }

    /// How an arriving weight shapes the synaptic input over time (nil for sources).
    public var synapseShape: SynapseShape? {
        switch self {
        case .ifCurrExp, .ifCondExp, .izhikevich: return .exponential
        case .ifCurrAlpha, .ifCondAlpha: return .alpha
        case .ifCurrDelta: return .delta
        case .spikeSourceArray, .spikeSourcePoisson, .spikeInjector: return nil
        }
    }

    /// Whether the model is a leaky integrate-and-fire cell.
    public var isLIF: Bool {
        switch self {
        case .ifCurrExp, .ifCurrAlpha, .ifCurrDelta, .ifCondExp, .ifCondAlpha: return true
        case .izhikevich, .spikeSourceArray, .spikeSourcePoisson, .spikeInjector: return false
        }
    }

    /// The unit of a synaptic weight onto this model.
    public var weightUnit: String {
        if isConductanceBased { return "µS" }
        return self == .ifCurrDelta ? "mV" : "nA"
    }

    /// The scalar parameters of the model with their PyNN defaults and units.
    public var parameters: [ParameterSpec] {
        switch self {
        case .ifCurrExp: return ParameterSpec.lif + ParameterSpec.synapticTimeConstants(5.0, 5.0)
        case .ifCurrAlpha: return ParameterSpec.lif + ParameterSpec.synapticTimeConstants(0.5, 0.5)
        case .ifCurrDelta: return ParameterSpec.lif
        case .ifCondExp: return ParameterSpec.lif + ParameterSpec.synapticTimeConstants(5.0, 5.0) + ParameterSpec.conductance
        case .ifCondAlpha: return ParameterSpec.lif + ParameterSpec.synapticTimeConstants(0.3, 0.5) + ParameterSpec.conductance
        case .izhikevich: return ParameterSpec.izhikevich
        case .spikeSourceArray, .spikeInjector: return []
        case .spikeSourcePoisson: return ParameterSpec.poisson
        }
    }

    /// State variables that can be given `initial` values (the chip image holds them).
    public var stateVariables: [String] {
        switch self {
        case .ifCurrExp, .ifCurrAlpha, .ifCurrDelta, .ifCondExp, .ifCondAlpha: return ["v"]
        case .izhikevich: return ["v", "u"]
        case .spikeSourceArray, .spikeSourcePoisson, .spikeInjector: return []
        }
    }

    /// Variables that can be recorded besides `spikes`: the state variables and the synaptic
    /// inputs `gsyn_exc`, `gsyn_inh` (nA for current cells, µS for conductance cells; PyNN's
    /// names for both, as sPyNNaker has them).
    public var recordables: [String] {
        switch self {
        case .ifCurrDelta: return stateVariables
        case .spikeSourceArray, .spikeSourcePoisson, .spikeInjector: return []
        default: return stateVariables + ["gsyn_exc", "gsyn_inh"]
        }
    }

    /// The default initial value of a state variable (PyNN's).
    public func defaultInitialValue(_ variable: String, parameters: [String: Double]) -> Double {
        switch (self, variable) {
        case (.izhikevich, "v"): return -70.0
        case (.izhikevich, "u"): return -14.0
        case (_, "v"): return parameters["v_rest"] ?? -65.0
        default: return 0
        }
    }

    /// The model's parameters with every unset one at its default.
    public func resolvedParameters(_ given: [String: Double]) -> [String: Double] {
        var result = given
        for p in parameters where result[p.name] == nil { result[p.name] = p.defaultValue }
        return result
    }
}

/// How one arriving weight shapes a synaptic input over time.
public enum SynapseShape: String, Sendable {
    /// Jumps by the weight, then decays by e^(−t/τ_syn).
    case exponential
    /// w · (t/τ_syn) · e^(1 − t/τ_syn): rises to the weight at t = τ_syn, then decays (PyNN's alpha).
    case alpha
    /// Steps the membrane by the weight (mV) when it arrives; no synaptic state.
    case delta
}

/// One scalar parameter of a neuron model: its PyNN name, default, unit and the values it may
/// take. The bounds keep every derived quantity (ticks, fixed-point values, spike counts) in
/// range; the front end and the image validator both hold parameters to them.
public struct ParameterSpec: Sendable, Equatable {
    /// Which values at the low end are allowed.
    public enum Floor: Sendable, Equatable {
        /// Any value down to −`maximum`.
        case none
        /// ≥ 0 (a rate, a refractory period, a start time).
        case nonNegative
        /// > 0 (a time constant, a capacitance).
        case positive
    }

    public var name: String
    public var defaultValue: Double
    public var unit: String
    public var floor: Floor
    /// The largest magnitude allowed.
    public var maximum: Double

    init(_ name: String, _ defaultValue: Double, _ unit: String, _ floor: Floor = .none, maximum: Double = 1e9) {
        self.name = name
        self.defaultValue = defaultValue
        self.unit = unit
        self.floor = floor
        self.maximum = maximum
    }

    /// Whether `v` is an allowed value.
    public func admits(_ v: Double) -> Bool {
        guard v.isFinite, abs(v) <= maximum else { return false }
        switch floor {
        case .none: return true
        case .nonNegative: return v >= 0
        case .positive: return v > 0
        }
    }

    /// The allowed values in words, e.g. "> 0 ms and ≤ 1e9 ms".
    public var allowed: String {
        var exponent = 0, x = maximum
        while x >= 10, x.truncatingRemainder(dividingBy: 10) == 0 { x /= 10; exponent += 1 }
        let top = (x == 1 && exponent >= 4 ? "1e\(exponent)" : "\(maximum)") + " \(unit)"
        switch floor {
        case .none: return "between -\(top) and \(top)"
        case .nonNegative: return "≥ 0 \(unit) and ≤ \(top)"
        case .positive: return "> 0 \(unit) and ≤ \(top)"
        }
    }

    static let lif: [ParameterSpec] = [
        ParameterSpec("cm", 1.0, "nF", .positive),
        ParameterSpec("tau_m", 20.0, "ms", .positive),
        ParameterSpec("tau_refrac", 0.1, "ms", .nonNegative),
        ParameterSpec("v_rest", -65.0, "mV"),
        ParameterSpec("v_reset", -65.0, "mV"),
        ParameterSpec("v_thresh", -50.0, "mV"),
        ParameterSpec("i_offset", 0.0, "nA"),
    ]
    static func synapticTimeConstants(_ excitatory: Double, _ inhibitory: Double) -> [ParameterSpec] {
        [ParameterSpec("tau_syn_E", excitatory, "ms", .positive), ParameterSpec("tau_syn_I", inhibitory, "ms", .positive)]
    }
    static let conductance: [ParameterSpec] = [
        ParameterSpec("e_rev_E", 0.0, "mV"),
        ParameterSpec("e_rev_I", -70.0, "mV"),
    ]
    static let izhikevich: [ParameterSpec] = [
        ParameterSpec("a", 0.02, "1/ms"),
        ParameterSpec("b", 0.2, "1/ms"),
        ParameterSpec("c", -65.0, "mV"),
        ParameterSpec("d", 2.0, "mV/ms"),
        ParameterSpec("i_offset", 0.0, "mV/ms"),
        ParameterSpec("tau_syn_E", 5.0, "ms", .positive),
        ParameterSpec("tau_syn_I", 5.0, "ms", .positive),
    ]
    static let poisson: [ParameterSpec] = [
        ParameterSpec("rate", 1.0, "Hz", .nonNegative, maximum: 1e6),
        ParameterSpec("start", 0.0, "ms", .nonNegative, maximum: 1e12),
        ParameterSpec("duration", 1.0e10, "ms", .nonNegative, maximum: 1e12),
    ]
}

/// The two synapse types of every cell model here: index 0 excitatory, 1 inhibitory.
public enum Receptor: Int, Codable, Sendable, CaseIterable {
    case excitatory = 0
    case inhibitory = 1

    public var name: String { self == .excitatory ? "excitatory" : "inhibitory" }
}

/// The number representation a simulation runs in.
public enum Arithmetic: String, Codable, Sendable, CaseIterable {
    /// Bit-faithful to the chip: S16.15 state, U0.32 decays, 16-bit saturating ring buffers.
    case s1615
    /// The double-precision reference (exact integration where one exists).
    case float64
}
