import ChipSim
import Foundation

/// `summary.json` of a run directory (DESIGN §5.3).
public struct RunSummary: Codable, Equatable, Sendable {
    public struct Population: Codable, Equatable, Sendable {
        public var size: Int
        public var spikes: Int
        /// Mean rate per neuron, Hz.
        public var rateHz: Double
    }

    /// The hardware's warnings, summed over the machine.
    public struct Provenance: Codable, Equatable, Sendable {
        public var droppedPackets: Int
        /// Packets that arrived after their tick (always 0 in `ideal` timing).
        public var lateSpikes: Int
        /// Core-ticks whose modelled work exceeded the tick's cycle budget. In `ideal` timing
        /// they are predicted and do not delay spikes.
        public var timerOverruns: Int
        /// Packets lost because a core's input buffer was full (always 0 in `ideal` timing).
        public var inputBufferOverflows: Int
        /// Ring-buffer additions that saturated at 0xFFFF (`s1615`).
        public var saturations: Int
        /// Synapses whose non-zero weight is 0 in 16-bit fixed point (they do nothing in `s1615`).
        public var weightsRoundedToZero: Int
        /// Packets whose key no master population table entry matched.
        public var invalidKeys: Int
    }

    /// Where the 16-bit ring buffer clipped input (`s1615`): one core and synapse type.
    public struct Saturation: Codable, Equatable, Sendable {
        /// `x,y,p`.
        public var core: String
        public var population: String
        public var receptor: String
        /// Additions that saturated.
        public var saturations: Int
        /// The fraction of the type's input on the core that saturation clipped off.
        public var clippedFraction: Double
        /// The core's weight shift for the type.
        public var weightShift: Int
    }

    public struct Energy: Codable, Equatable, Sendable {
        /// Idle chips and active cores over the run, run in real time, J.
        public var staticJoules: Double
        /// Router crossings of packets, J.
        public var packetJoules: Double
        /// Synaptic events processed, J.
        public var synapticJoules: Double
    }

    public var network: String
    public var target: String
    public var timing: String
    public var arithmetic: String
    public var threads: Int
    /// The neuron kernels that ran (``KernelSet``).
    public var kernels: String
    public var durationMs: Double
    public var timestepMs: Double
    /// What happened inside a tick (`spinnaker` or `brian2`) and the tick's stretch in
    /// wall-clock time.
    public var stepConvention: String
    public var timeScaleFactor: Double
    /// Ticks that ran, and ticks the run was asked for.
    public var ticks: Int
    public var ticksRequested: Int
    /// Whether every tick ran and every file was written; false while the run goes on and for a
    /// run stopped early, whose ``ending`` says why.
    public var complete: Bool
    /// `complete`, `running`, `stopped: <why>` (a signal, a vanished live client) or
    /// `failed: <why>` (a full disk).
    public var ending: String
    public var wallSeconds: Double
    public var populations: [String: Population]
    public var synapticEvents: Int
    public var synapticEventsPerSecond: Double
    public var packetsSent: Int
    /// Spike-source-array spikes at or after the end of the run, never emitted.
    public var sourceSpikesAfterRun: Int
    public var provenance: Provenance
    /// The cores and types where saturation clipped input, most clipped first (at most 20).
    public var saturatedInputs: [Saturation]
    /// What a user should read, each with the setting that addresses it.
    public var warnings: [String]
    /// The busiest core's busiest tick, as a fraction of the tick's cycle budget.
    public var maxCoreLoad: Double
    public var energyJoules: Double
    public var energy: Energy

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try! encoder.encode(self), as: UTF8.self) + "\n"
    }

    public static func decode(json data: Data) throws -> RunSummary {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(RunSummary.self, from: data)
    }

}

/// `provenance.json`: per-core and per-router counters of a run.
public struct RunProvenance: Codable, Equatable, Sendable {
    public struct Core: Codable, Equatable, Sendable {
        public var location: String
        public var population: String
        public var firstNeuron: Int
        public var neurons: Int
        public var spikesSent: Int
        public var packetsReceived: Int
        public var invalidKeys: Int
        public var synapticEvents: Int
        public var saturations: Int
        /// Per synapse type (excitatory, inhibitory), the fraction of the core's input that
        /// saturation clipped off (`s1615`).
        public var clippedFractions: [Double]
        public var timerOverruns: Int
        public var maxCyclesPerTick: Int
        /// Mean and peak modelled cycles per tick over the budget.
        public var meanLoad: Double
        public var maxLoad: Double
    }

    public struct Router: Codable, Equatable, Sendable {
        public var chip: String
        public var packets: Int
        public var routingEntries: Int
    }

    public var cycleBudgetPerTick: Int
    public var cores: [Core]
    public var routers: [Router]

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try! encoder.encode(self), as: UTF8.self) + "\n"
    }
}
