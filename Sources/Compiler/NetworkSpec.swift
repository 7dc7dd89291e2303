import ChipSim

/// A spiking network as the user wrote it, checked, with where each part came from.
public struct NetworkSpec: Sendable {
    public var name: String
    /// Simulation time step, ms. Default 1.0.
    public var timestep: Double
    /// Default run length, ms. Default 1000.
    public var duration: Double
    /// The seed every random draw derives from. Default 0.
    public var seed: UInt64
    public var populations: [PopulationSpec]
    public var projections: [ProjectionSpec]

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
    public var location: SourceLocation?
}

/// A number, or a distribution each element draws from.
public enum ValueSpec: Equatable, Sendable {
    case constant(Double)
    case normal(mean: Double, sd: Double)
    case uniform(low: Double, high: Double)

    public func draw(_ rng: inout RandomStream) -> Double {
        switch self {
        case .constant(let v): return v
        case let .normal(mean, sd): return rng.normal(mean: mean, sd: sd)
        case let .uniform(lo, hi): return rng.uniform(lo, hi)
        }
    }

    /// The smallest and largest values it can take (a normal's are ±∞ unless sd is 0).
    var bounds: (Double, Double) {
        switch self {
        case .constant(let v): return (v, v)
        case let .normal(mean, sd): return sd == 0 ? (mean, mean) : (-.infinity, .infinity)
        case let .uniform(lo, hi): return (lo, hi)
        }
    }
}

/// A population or a slice of one (`IN[0:5]`, Python slice semantics).
public struct PopulationView: Sendable {
    public var population: Int
    public var range: Range<Int>
}

/// How the pre and post neurons of a projection are connected (PyNN's connectors).
public enum ConnectorSpec: Sendable {
    case allToAll(allowSelfConnections: Bool)
    case oneToOne
    case fixedProbability(p: Double, allowSelfConnections: Bool)
    case fixedNumberPre(n: Int, allowSelfConnections: Bool)
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
    public var pre: PopulationView
    public var post: PopulationView
    public var connector: ConnectorSpec
    /// Weight, nA for current-based cells, µS for conductance-based; inhibitory weights of
    /// current-based cells are negative, as in PyNN.
    public var weight: ValueSpec
    /// Delay, ms (≥ one time step).
    public var delay: ValueSpec
    public var receptor: Receptor
    public var location: SourceLocation?
}
