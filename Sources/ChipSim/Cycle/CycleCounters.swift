/// What the cycle engine counts on one core beyond ``CoreCounters``, in the words of
/// sPyNNaker's provenance where it has them.
public struct CoreCycleCounters: Codable, Equatable, Sendable {
    /// CPU cycles spent on the timer callback, rows and neuron updates (including waits for a
    /// full transmit queue); the rest of the run the core was idle.
    public var busyCycles = 0
    /// Packets whose row was processed after the tick they were sent in had ended on this core
    /// ("Late spikes"), and the most ticks one was late by ("Max late spike").
    public var lateSpikes = 0
    public var maxLateTicks = 0
    /// Synapses of late packets that were not added because their delay had passed
    /// ("Skipped synapses").
    public var skippedSynapses = 0
    /// Packets lost because the 256-packet input buffer was full ("Times_the_input_buffer_lost_packets"),
    /// and the buffer's highest fill ("Max_filled_size_input_buffer").
    public var inputBufferOverflows = 0
    public var maxInputBufferFill = 0
    /// Ticks whose neuron update was lost because the background queue was full
    /// ("Times_the_background_queue_overloaded"), and the most updates ever waiting or running
    /// at once ("Max_backgrounds_queued"; more than 1 means updates ran late).
    public var backgroundOverloads = 0
    public var maxBackgroundsQueued = 0
    /// Input entries that hit 0xFFFF when the inputs of several ticks met before an update ran
    /// (late or lost updates): the model holds them in 16 bits where the chip's inputs have 32.
    public var mergedInputSaturations = 0
    /// Spikes whose send waited for room in the transmit queue, and the cycles waited.
    public var transmitStalls = 0
    public var transmitStallCycles = 0
    /// Synaptic rows read from SDRAM and their bytes.
    public var dmaReads = 0
    public var dmaBytes = 0

    public init() {}
}

/// A router's counters over a run, after its diagnostic counters and the extra monitor's.
public struct RouterCycleCounters: Codable, Equatable, Sendable {
    /// Packets routed that came from this chip's cores, and over links.
    public var localPackets = 0
    public var externalPackets = 0
    /// Link packets no entry matched, sent straight on.
    public var defaultRouted = 0
    /// Packets dropped after waiting for a blocked output (the wait time), whether re-injected
    /// or not.
    public var droppedPackets = 0
    /// Locally sent packets no entry matched, dropped at once.
    public var localMisses = 0
    /// Copies sent into a routing loop, dropped.
    public var loopedCopies = 0
    /// Dropped packets the monitor core sent again, and those it had no room for (lost).
    public var reinjected = 0
    public var reinjectionOverflows = 0
    /// Copies of packets that will never reach their cores (dropped and not re-injected).
    public var lostCopies = 0
    /// Cycles the output stage spent blocked, and the longest single wait.
    public var blockedCycles = 0
    public var maxWaitCycles = 0

    public init() {}
}

/// One link's traffic over a run.
public struct LinkCycleCounters: Equatable, Sendable {
    /// The chip it leaves and its direction.
    public var chip: ChipCoordinate
    public var link: Link
    /// Packets sent over it, and the cycles it was sending.
    public var packets = 0
    public var busyCycles = 0

    public init(chip: ChipCoordinate, link: Link) {
        self.chip = chip
        self.link = link
    }
}

/// What the cycle engine counted in a run: per core, per router and per link, and the balance
/// of packet copies (every copy sent towards a core reached it, was lost on the way, or was
/// still travelling when the run ended).
public struct CycleReport: Equatable, Sendable {
    public var cores: [CoreCycleCounters]
    /// One per chip of the machine, in ``MachineDescription/chips`` order.
    public var routers: [RouterCycleCounters]
    /// Links that carried at least one packet, in chip and link order.
    public var links: [LinkCycleCounters]
    /// Copies of packets addressed to loaded cores when they were sent.
    public var copiesSent = 0
    /// Copies that reached a core's communications controller.
    public var copiesArrived = 0
    /// Copies lost in routers (dropped and not re-injected).
    public var copiesLost = 0
    /// Copies still in a router, on a link or in a port when the run ended.
    public var copiesInFlight = 0
    /// Of the copies that arrived: rows processed, packets whose key had no entry, packets the
    /// full input buffer lost, and packets still queued in the core when the run ended.
    public var rowsProcessed = 0
    public var invalidKeys = 0
    public var inputBufferOverflows = 0
    public var queuedAtEnd = 0
    /// The cycle the engine stopped at, and how many events it processed.
    public var endCycle = 0
    public var events = 0

    /// Whether every copy is accounted for, both on the way and in the cores.
    public var balances: Bool {
        copiesSent == copiesArrived + copiesLost + copiesInFlight
            && copiesArrived == rowsProcessed + invalidKeys + inputBufferOverflows + queuedAtEnd
    }
}

/// One step of one packet copy, for a run's packet trace (``CycleTimingEngine/onPacket``).
public struct PacketEvent: Equatable, Sendable {
    public enum Kind: String, Sendable {
        /// A core sent the spike's packet into its router.
        case sent
        /// A router sent the packet on to all its outputs.
        case forwarded
        /// A router dropped the packet after its wait time (re-injected or lost).
        case dropped
        /// A copy reached a core's input buffer (or was lost there, the buffer full).
        case arrived
        /// A core added the copy's synaptic row.
        case processed
    }

    public var kind: Kind
    /// CPU cycle since the run began.
    public var cycle: Int
    /// Where: the router's chip (sent, forwarded, dropped) or the core (arrived, processed).
    public var chip: ChipCoordinate
    public var core: Int?
    /// The spike: its source core, the neuron on it, and the tick it was sent in.
    public var sourceCore: Int
    public var neuron: Int
    public var tick: Int
}
