/// A compiled network, ready to load onto a machine: the only thing that passes from the
/// compiler to the runtime. Its binary form is described in `docs/chip-image.md`.
public struct ChipImage: Equatable, Sendable {
    public var machine: MachineDescription
    public var network: NetworkInfo
    public var populations: [PopulationInfo]
    public var cores: [CoreImage]
    /// One table per chip that has entries, in chip order.
    public var routingTables: [RoutingTable]
    /// The compiler's mapping report, as JSON text (written as `mapping.json` by a run).
    public var mappingReport: String

    public init(machine: MachineDescription, network: NetworkInfo, populations: [PopulationInfo], cores: [CoreImage], routingTables: [RoutingTable], mappingReport: String) {
        self.machine = machine
        self.network = network
        self.populations = populations
        self.cores = cores
        self.routingTables = routingTables
        self.mappingReport = mappingReport
    }
}

/// Network-wide settings.
public struct NetworkInfo: Codable, Equatable, Sendable {
    public var name: String
    /// Simulation time step, ms. Default 1.0.
    public var timestepMs: Double
    /// Default run length, ms.
    public var durationMs: Double
    /// The seed every random draw derives from.
    public var seed: UInt64

    public init(name: String, timestepMs: Double, durationMs: Double, seed: UInt64) {
        self.name = name
        self.timestepMs = timestepMs
        self.durationMs = durationMs
        self.seed = seed
    }
}

/// A population as the runtime sees it.
public struct PopulationInfo: Codable, Equatable, Sendable {
    public var name: String
    public var model: NeuronModel
    public var size: Int
    /// Every parameter of the model, defaults filled in (PyNN units).
    public var parameters: [String: Double]
    /// Recorded variables: `spikes` and/or state variables such as `v`.
    public var record: [String]
    /// Whether its spikes stream out live (DESIGN §5.4).
    public var liveOutput: Bool
    /// Indices of its cores in ``ChipImage/cores``, in neuron order.
    public var cores: [Int]

    /// Why `name` cannot name a population (it appears in CSV rows and in `name[slice]`), if it cannot.
    public static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if let bad = name.first(where: { ",\"[]:\n\r\t".contains($0) }) { return "must not contain '\(bad == "\n" ? "\\n" : String(bad))'" }
        if name.first!.isWhitespace || name.last!.isWhitespace { return "must not start or end with white space" }
        return nil
    }

    public init(name: String, model: NeuronModel, size: Int, parameters: [String: Double], record: [String], liveOutput: Bool, cores: [Int]) {
        self.name = name
        self.model = model
        self.size = size
        self.parameters = parameters
        self.record = record
        self.liveOutput = liveOutput
        self.cores = cores
    }
}

/// One core's share of a population and everything loaded into it.
public struct CoreImage: Equatable, Sendable {
    public var population: Int
    public var location: CoreLocation
    /// Index in the population of the core's first neuron.
    public var firstNeuron: Int
    public var neuronCount: Int
    /// Routing key of neuron 0; neuron i sends key `keyBase | i`.
    public var keyBase: UInt32
    /// Mask covering the core's key block.
    public var keyMask: UInt32
    /// Initial state per variable, in the model's ``NeuronModel/stateVariables`` order (mV units).
    public var initialState: [[Double]]
    public var synapses: SynapticMatrix
    /// Spike-source arrays: (tick, neuron) events sorted by tick then neuron.
    public var sourceEvents: [SourceEvent]

    public init(population: Int, location: CoreLocation, firstNeuron: Int, neuronCount: Int, keyBase: UInt32, keyMask: UInt32, initialState: [[Double]], synapses: SynapticMatrix, sourceEvents: [SourceEvent]) {
        self.population = population
        self.location = location
        self.firstNeuron = firstNeuron
        self.neuronCount = neuronCount
        self.keyBase = keyBase
        self.keyMask = keyMask
        self.initialState = initialState
        self.synapses = synapses
        self.sourceEvents = sourceEvents
    }
}

/// One spike of a spike-source array: emitted in `tick` by local neuron `neuron`.
public struct SourceEvent: Equatable, Sendable, Comparable {
    public var tick: UInt32
    public var neuron: UInt16

    public init(tick: UInt32, neuron: UInt16) {
        self.tick = tick
        self.neuron = neuron
    }

    public static func < (a: SourceEvent, b: SourceEvent) -> Bool { (a.tick, a.neuron) < (b.tick, b.neuron) }
}
