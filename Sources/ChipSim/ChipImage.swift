import Foundation

/// A compiled network, ready to load onto a machine: the only thing that passes from the
/// compiler to the runtime. Its binary form is described in `docs/chip-image.md`.
public struct ChipImage: Equatable, Sendable {
    public var machine: MachineDescription { didSet { routeMemo = RouteMemo() } }
    public var network: NetworkInfo
    public var populations: [PopulationInfo]
    /// The network's projections, for reports and messages (the synapses are in the cores).
    public var projections: [ProjectionInfo]
    public var cores: [CoreImage] { didSet { routeMemo = RouteMemo() } }
    /// One table per chip that has entries, in chip order.
    public var routingTables: [RoutingTable] { didSet { routeMemo = RouteMemo() } }
    /// The compiler's mapping report, as JSON text (written as `mapping.json` by a run).
    public var mappingReport: String
    /// ``packetRoutes`` once found; a change to the machine, the cores or the tables forgets them.
    private var routeMemo = RouteMemo()

    /// Where each core's packets go (``PacketRoutes``): walked through the tables once per image,
    /// then shared by whoever asks (the validator that checks a decoded image and the chip that
    /// runs it walked them once each).
    public var packetRoutes: PacketRoutes { routeMemo.routes { PacketRoutes(image: self) } }

    public init(machine: MachineDescription, network: NetworkInfo, populations: [PopulationInfo], projections: [ProjectionInfo] = [],
                cores: [CoreImage], routingTables: [RoutingTable], mappingReport: String) {
        self.machine = machine
        self.network = network
        self.populations = populations
        self.projections = projections
        self.cores = cores
        self.routingTables = routingTables
        self.mappingReport = mappingReport
    }
}

/// A projection as reports and messages name it.
public struct ProjectionInfo: Codable, Equatable, Sendable {
    /// The `label` the user gave, or `pre→post` (with the slices as written).
    public var label: String
    /// Indices in ``ChipImage/populations``.
    public var pre: Int
    public var post: Int
    /// The synapse type its weights add into.
    public var receptor: Receptor
    /// Synapses it made.
    public var synapses: Int
    /// Its synapses whose non-zero weight is 0 in the 16-bit weight field (`s1615`).
    public var weightsRoundedToZero: Int
    /// The STDP rule that changes its weights, or nil for static synapses.
    public var plasticity: STDPRule?

    public init(label: String, pre: Int, post: Int, receptor: Receptor, synapses: Int, weightsRoundedToZero: Int, plasticity: STDPRule? = nil) {
        self.label = label
        self.pre = pre
        self.post = post
        self.receptor = receptor
        self.synapses = synapses
        self.weightsRoundedToZero = weightsRoundedToZero
        self.plasticity = plasticity
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
    /// What happens inside a tick. Default ``StepConvention/spinnaker`` on SpiNNaker targets.
    public var stepConvention: StepConvention
    /// The chip's tick lasts `timestepMs × timeScaleFactor` of wall-clock time, so each core's
    /// cycle budget per tick grows by this factor. Default 1 (real time).
    public var timeScaleFactor: Double

    public init(name: String, timestepMs: Double, durationMs: Double, seed: UInt64,
                stepConvention: StepConvention = .spinnaker, timeScaleFactor: Double = 1) {
        self.name = name
        self.timestepMs = timestepMs
        self.durationMs = durationMs
        self.seed = seed
        self.stepConvention = stepConvention
        self.timeScaleFactor = timeScaleFactor
    }

    /// Format 1.0 images lack the step convention (they ran Brian2's) and the time scale factor.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        timestepMs = try c.decode(Double.self, forKey: .timestepMs)
        durationMs = try c.decode(Double.self, forKey: .durationMs)
        seed = try c.decode(UInt64.self, forKey: .seed)
        stepConvention = try c.decodeIfPresent(StepConvention.self, forKey: .stepConvention) ?? .brian2
        timeScaleFactor = try c.decodeIfPresent(Double.self, forKey: .timeScaleFactor) ?? 1
    }

    /// The largest time scale factor: a tick of 1000 ms stretched 10^6 times is 11 days.
    public static let maxTimeScaleFactor = 1e6
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

/// One core's share of a population and everything loaded into it: a core of neurons (or source
/// atoms), or a delay-extension core that relays some of the population's spikes later.
public struct CoreImage: Equatable, Sendable {
    /// The population whose neurons (or, for a delay extension, whose spikes) the core holds.
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
    /// Set on a delay-extension core: its atoms are neurons `firstNeuron ..< firstNeuron +
    /// neuronCount` of ``population``, and it is in no population's ``PopulationInfo/cores``.
    public var delayExtension: DelayExtension?

    public init(population: Int, location: CoreLocation, firstNeuron: Int, neuronCount: Int, keyBase: UInt32, keyMask: UInt32, initialState: [[Double]], synapses: SynapticMatrix, sourceEvents: [SourceEvent],
                delayExtension: DelayExtension? = nil) {
        self.population = population
        self.location = location
        self.firstNeuron = firstNeuron
        self.neuronCount = neuronCount
        self.keyBase = keyBase
        self.keyMask = keyMask
        self.initialState = initialState
        self.synapses = synapses
        self.sourceEvents = sourceEvents
        self.delayExtension = delayExtension
    }
}

/// What a delay-extension core relays (sPyNNaker's delay extension, as one core per stage).
///
/// A stage-s core takes each spike of its atoms from the core before it in the chain (the
/// population's own core for stage 1) through a synapse of `stageTicks` ticks, and sends it on
/// in the tick it falls due, under its own keys: a spike of neuron n sent in tick t leaves the
/// stage-s core in tick t + s · `stageTicks`. Synapses of longer delays than their target's ring
/// buffer holds are rows of the stage that leaves the rest of the delay to that ring.
public struct DelayExtension: Equatable, Sendable {
    /// The core it relays from: the population's core for stage 1, stage s − 1's core after.
    public var source: Int
    /// 1, 2, …
    public var stage: Int
    /// Ticks each stage adds.
    public var stageTicks: Int

    public init(source: Int, stage: Int, stageTicks: Int) {
        self.source = source
        self.stage = stage
        self.stageTicks = stageTicks
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

/// Routes found once for an image and kept with it (``ChipImage/packetRoutes``); copies of the
/// image share them until one of them changes what they depend on.
final class RouteMemo: Equatable, @unchecked Sendable {
    private let lock = NSLock()
    private var found: PacketRoutes?

    /// The routes, walked by `walk` the first time they are asked for.
    func routes(_ walk: () -> PacketRoutes) -> PacketRoutes {
        lock.lock()
        defer { lock.unlock() }
        if let found { return found }
        let routes = walk()
        found = routes
        return routes
    }

    /// A memo holds nothing of the image's own: it never makes two images differ.
    static func == (a: RouteMemo, b: RouteMemo) -> Bool { true }
}
