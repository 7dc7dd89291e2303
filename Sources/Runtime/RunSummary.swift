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
        /// Packets routers dropped: in `ideal` timing the copies the tables send nowhere; in
        /// `cycle` timing also the packets that waited out a blocked output (re-injected or not).
        public var droppedPackets: Int
        /// Packets whose row was processed after the tick they were sent in (always 0 in `ideal`
        /// timing).
        public var lateSpikes: Int
        /// Core-ticks whose modelled work exceeded the tick's cycle budget. In `ideal` timing
        /// they are predicted and do not delay spikes; in `cycle` timing they are the ticks whose
        /// neuron update was still running or waiting when the next timer fired.
        public var timerOverruns: Int
        /// Packets lost because a core's input buffer was full (always 0 in `ideal` timing).
        public var inputBufferOverflows: Int
        /// Neuron updates lost because a core's background queue was full (`cycle` timing).
        public var backgroundOverloads: Int
        /// Synapses of late packets whose delay had passed, not added (`cycle` timing).
        public var skippedSynapses: Int
        /// Dropped packets the monitor cores sent again, and copies of packets that never
        /// reached their core (`cycle` timing).
        public var reinjectedPackets: Int
        public var lostPacketCopies: Int
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
        /// Idle chips and active cores over the run, run in real time, J: the two below together.
        public var staticJoules: Double
        /// Chips used, at their idle power, and cores running an application, at their extra
        /// power, over the run, J.
        public var idleChipJoules: Double
        public var activeCoreJoules: Double
        /// Router crossings of packets, J.
        public var packetJoules: Double
        /// Synaptic events processed by cores' CPUs, J (a crossbar tile's events cost its reads
        /// instead).
        public var synapticJoules: Double
        /// Synaptic rows read from SDRAM by DMA, J (`cycle` timing; 0 in `ideal`).
        public var dmaJoules: Double
        /// Crossbar tile reads (crossbar target; 0 on the digital one), J: row drivers (one per
        /// row pulse), cells (V²·G·t per cell of a pulsed row) and ADC conversions.
        public var crossbarRowJoules: Double
        public var crossbarCellJoules: Double
        public var crossbarAdcJoules: Double
        /// Crossbar tile reads, row pulses and ADC conversions behind those figures.
        public var crossbarReads: Int
        public var crossbarRowPulses: Int
        public var crossbarAdcConversions: Int

        /// Every component: what the summary's `energy_joules` is.
        public var totalJoules: Double {
            staticJoules + packetJoules + synapticJoules + dmaJoules + crossbarRowJoules + crossbarCellJoules + crossbarAdcJoules
        }
    }

    /// What the cycle engine saw (`cycle` timing only).
    public struct Cycle: Codable, Equatable, Sendable {
        /// The CPU cycle the run ended at, the events the engine processed and their rate.
        public var endCycle: Int
        public var events: Int
        public var eventsPerSecond: Double
        /// Cores' busy cycles over the run's cycles (ticks × budget): the mean and the busiest.
        public var meanCoreBusy: Double
        public var maxCoreBusy: Double
        /// Packet hops over links, and the busiest link's busy fraction of the run.
        public var linkPackets: Int
        public var maxLinkBusy: Double
        /// The most ticks a packet was late, the longest a router's output stage waited
        /// (CPU cycles), spikes that waited for room in a transmit queue, bytes read by DMA.
        public var maxLateTicks: Int
        public var maxRouterWaitCycles: Int
        public var transmitStalls: Int
        public var dmaBytes: Int
        /// Where every packet copy addressed to a core went.
        public var copies: Copies
    }

    /// The balance of packet copies: sent = arrived + lost + in flight, and arrived = rows
    /// processed + invalid keys + input buffer overflows + queued at the end.
    public struct Copies: Codable, Equatable, Sendable {
        public var sent: Int
        public var arrived: Int
        public var lost: Int
        public var inFlight: Int
        public var rowsProcessed: Int
        public var invalidKeys: Int
        public var inputBufferOverflows: Int
        public var queuedAtEnd: Int
        public var balances: Bool
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
    /// Of ``synapticEvents``, those of plastic synapses (STDP).
    public var plasticSynapticEvents: Int
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
    /// A time scale factor at which the busiest tick fits its budget with a margin, when the
    /// run overran, lost or delayed work (nil otherwise).
    public var advisedTimeScaleFactor: Double?
    /// What the cycle engine saw (`cycle` timing only).
    public var cycle: Cycle?
    /// What live I/O counted (`--live` only): per stream received = delivered + late + rejected
    /// + pending, rejections by reason, control messages, clients.
    public var live: LiveCounters?
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
        public var plasticSynapticEvents: Int
        public var saturations: Int
        /// Per synapse type (excitatory, inhibitory), the fraction of the core's input that
        /// saturation clipped off (`s1615`).
        public var clippedFractions: [Double]
        public var timerOverruns: Int
        public var maxCyclesPerTick: Int
        /// Mean and peak modelled cycles per tick over the budget.
        public var meanLoad: Double
        public var maxLoad: Double
        /// Busy and idle cycles and the cycle engine's counters (`cycle` timing only).
        public var busyCycles: Int?
        public var idleCycles: Int?
        public var cycle: CoreCycleCounters?
    }

    public struct Router: Codable, Equatable, Sendable {
        public var chip: String
        public var packets: Int
        public var routingEntries: Int
        /// The router's diagnostic counters in `cycle` timing.
        public var cycle: RouterCycleCounters?
    }

    /// One link's traffic in `cycle` timing.
    public struct Link: Codable, Equatable, Sendable {
        /// `x,y` of the chip it leaves, and its direction (`east`, `north_east`, …).
        public var chip: String
        public var link: String
        public var packets: Int
        /// Cycles it was sending over the run's cycles.
        public var busy: Double
    }

    public var cycleBudgetPerTick: Int
    public var cores: [Core]
    public var routers: [Router]
    /// Links that carried packets (`cycle` timing only).
    public var links: [Link]?

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try! encoder.encode(self), as: UTF8.self) + "\n"
    }
}

extension Link {
    /// The link's name in provenance: `east`, `north_east`, `north`, `west`, `south_west`, `south`.
    var name: String {
        switch self {
        case .east: return "east"
        case .northEast: return "north_east"
        case .north: return "north"
        case .west: return "west"
        case .southWest: return "south_west"
        case .south: return "south"
        }
    }
}
