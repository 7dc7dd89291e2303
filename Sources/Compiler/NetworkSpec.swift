import ChipSim

/// A spiking network as the user wrote it, checked, with where each part came from.
public struct NetworkSpec: Sendable {
    public var name: String
    /// Simulation time step, ms. Default 1.0.
    public var timestep: Double
    /// Default run length, ms (a whole number of time steps). Default 1000.
    public var duration: Double
    /// The seed every random draw derives from. Default 0.
    public var seed: UInt64
    /// What happens inside a tick; nil takes the target's default (`spinnaker` on SpiNNaker
    /// targets).
    public var stepConvention: StepConvention?
    /// The chip's tick lasts `timestep × timeScaleFactor` of wall-clock time. Default 1.
    public var timeScaleFactor: Double
    /// Ring-buffer headroom (sPyNNaker's names and defaults), for populations that do not set
    /// their own: standard deviations above the mean input (default 5) and the rate assumed of
    /// every spiking neuron (default 30 Hz).
    public var ringBufferSigma: Double
    public var spikesPerSecond: Double
    public var populations: [PopulationSpec]
    public var projections: [ProjectionSpec]
    /// Things the compiler accepted but the user should know (rounded spike times, say).
    public var warnings: [Diagnostic] = []

    /// sPyNNaker's defaults: `ring_buffer_sigma` 5, `spikes_per_second` 30 Hz.
    public static let defaultRingBufferSigma = 5.0, defaultSpikesPerSecond = 30.0

    /// The index of a population by name.
    public func populationIndex(_ name: String) -> Int? { populations.firstIndex { $0.name == name } }
}

/// A population: `size` neurons (or source atoms) of one model.
public struct PopulationSpec: Sendable {
    public var name: String
    public var size: Int
    public var model: NeuronModel
    /// Every parameter, PyNN defaults filled in.
    public var parameters: [String: Double]
    /// Initial values of state variables; unset ones take the model's default.
    public var initial: [String: ValueSpec]
    public var record: [String]
    public var liveOutput: Bool
    /// SpikeSourceArray spike times, ms, one list per neuron.
    public var spikeTimes: [[Double]]
    /// Neurons per core; nil takes the target's `max_neurons`.
    public var neuronsPerCore: Int?
    /// Ring-buffer headroom for this population's inputs; nil takes the network's.
    public var ringBufferSigma: Double?
    public var spikesPerSecond: Double?
    /// Per synapse type (excitatory, inhibitory), a weight shift that overrides the computed one
    /// (`ring_buffer_shifts`), or the smallest weight that must stay representable
    /// (`min_weights`, sPyNNaker's name), which fixes the shift to the largest whose resolution
    /// is at most that weight.
    public var ringBufferShifts: [Int?] = [nil, nil]
    public var minWeights: [Double?] = [nil, nil]
    /// Where the neurons sit in space (PyNN's `structure`), for distance-dependent connectors.
    public var structure: Structure?
    public var location: SourceLocation?
}

/// A number, or a distribution each element draws from.
public enum ValueSpec: Equatable, Sendable {
    case constant(Double)
    case random(RandomDistribution)

    public func draw<S: DeviateSource>(_ rng: inout S) -> Double {
        switch self {
        case .constant(let v): return v
        case .random(let d): return d.draw(&rng)
        }
    }

    /// The smallest and largest values it can take.
    var bounds: (Double, Double) {
        switch self {
        case .constant(let v): return (v, v)
        case .random(let d): return d.bounds
        }
    }

    /// A value draws exceed with negligible probability (``RandomDistribution/likelyMaximum``).
    var likelyMaximum: Double {
        switch self {
        case .constant(let v): return v
        case .random(let d): return d.likelyMaximum
        }
    }

    /// A value typical of it, for checks of sign: the constant or the distribution's mean.
    var typical: Double {
        switch self {
        case .constant(let v): return v
        case .random(let d): return d.mean
        }
    }
}

/// A population or a slice of one (`IN[0:5]`, `IN[::2]`, `IN[-3:]`: Python slice semantics, like
/// a PyNN PopulationView). Neuron `i` of the view is neuron `start + i·step` of the population.
public struct PopulationView: Sendable {
    public var population: Int
    public var start: Int
    public var step: Int
    public var count: Int

    /// The whole population.
    public init(population: Int, size: Int) {
        self.init(population: population, start: 0, step: 1, count: size)
    }

    public init(population: Int, start: Int, step: Int, count: Int) {
        self.population = population
        self.start = start
        self.step = step
        self.count = count
    }

    /// The population index of the view's neuron `i`.
    @inline(__always)
    public func neuron(_ i: Int) -> Int { start + i * step }

    /// The view's index of population neuron `n`, or nil if the view does not hold it.
    public func index(of n: Int) -> Int? {
        let offset = n - start
        guard offset % step == 0 else { return nil }
        let i = offset / step
        return i >= 0 && i < count ? i : nil
    }
}

/// How the pre and post neurons of a projection are connected (PyNN's connectors).
public enum ConnectorSpec: Sendable {
    case allToAll(allowSelfConnections: Bool)
    case oneToOne
    /// Pre neuron i to every post neuron but the one of the same index i in the views, whatever
    /// the populations (sPyNNaker's `AllButMeConnector`; its on-chip generator treats
    /// `allow_self_connections: false` so even between two populations).
    case allButMe
    case fixedProbability(p: Double, allowSelfConnections: Bool)
    /// Each post neuron draws `n` pre neurons.
    case fixedNumberPre(n: Int, allowSelfConnections: Bool, withReplacement: Bool)
    /// Each pre neuron draws `n` post neurons.
    case fixedNumberPost(n: Int, allowSelfConnections: Bool, withReplacement: Bool)
    /// `n` (pre, post) pairs drawn over the whole projection.
    case fixedTotalNumber(n: Int, allowSelfConnections: Bool, withReplacement: Bool)
    /// Each pair connects with the probability an expression of their distance `d` gives.
    case distanceDependentProbability(DistanceExpression, space: Space, allowSelfConnections: Bool)
    /// Explicit (pre, post[, weight[, delay]]) rows; indices are within the views.
    case fromList([ListedConnection])
}

/// One row of a FromListConnector.
public struct ListedConnection: Sendable {
    public var pre: Int
    public var post: Int
    public var weight: Double?
    public var delay: Double?
}

/// A projection: synapses from a view of one population onto a view of another.
public struct ProjectionSpec: Sendable {
    /// The `label` the user gave, or `pre→post` as written.
    public var label: String
    public var pre: PopulationView
    public var post: PopulationView
    public var connector: ConnectorSpec
    /// Weight: nA for current-based cells, µS for conductance-based, mV for IF_curr_delta;
    /// inhibitory weights of current-based cells are negative, as in PyNN.
    public var weight: ValueSpec
    /// Delay, ms (≥ one time step).
    public var delay: ValueSpec
    public var receptor: Receptor
    public var location: SourceLocation?
    /// The STDP rule of an `STDPMechanism` synapse (nil: static synapses).
    public var plasticity: STDPRule?
}
