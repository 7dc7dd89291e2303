/// One application core as the cycle engine times it, after sPyNNaker's event-driven core: the
/// timer callback (priority 0), the synaptic-row pipeline of packet interrupt, row set-up, DMA
/// with two buffers and row processing (priority 0), and the neuron update as the background
/// task (priority 1, preempted by the rest), which sends each spike as its neuron fires.
struct CoreTimeline {
    /// A priority-0 callback on the CPU. Callbacks run to completion one at a time; the timer's
    /// goes ahead of any that are waiting.
    struct Job {
        enum Kind: UInt8 {
            /// The timer callback of tick `tick`: the tick starts, the due ring-buffer slot moves
            /// into the inputs, the neuron update is queued.
            case timer
            /// The packet callback with the row pipeline idle: takes packets from the input
            /// buffer until one's key has an entry in the master population table and starts
            /// the DMA of its row.
            case rowStart
            /// The DMA-done callback of `packet`'s row: starts the next row's DMA as `rowStart`
            /// does (the second buffer), then adds the synapses of this one.
            case rowDone
        }
        var kind: Kind
        var tick = 0
        var packet = PacketCopy()
    }

    /// A packet reaching the input buffer at `time`.
    struct Arrival {
        var time: Int
        var packet: PacketCopy
    }

    /// A processed row whose synapses wait to be added, in the order the ideal engine adds
    /// them, before the next transfer (see ``CycleTimingEngine``).
    struct PendingRow {
        var tick: Int32
        var source: Int32
        var ordinal: Int32
        /// The sending neuron, local to its core (a crossbar core pulses its row).
        var neuron: UInt16
        var row: Range<Int>
        /// The tick that places the synapses (the spike's own when it was on time or its lateness
        /// was corrected), and the delays, in ticks, that had passed (skipped).
        var placeTick: Int
        var skipThrough: Int
    }

    let router: Int
    let port: Int
    let neurons: Int
    let neuronCycles: Int

    /// The tick whose timer last ran (-1 before the first).
    var time = -1
    /// The next tick whose timer fires.
    var nextTimer = 0

    // The CPU.
    var jobs = Fifo<Job>(filler: Job(kind: .timer))
    var running: Job?
    var busyCycles = 0

    // The synaptic-row pipeline.
    /// Packets on their way through the core's port, with the cycle each reaches the input
    /// buffer (in order: the port is first in, first out). They are taken in at the core's next
    /// decision, which comes no later than the first that matters.
    var arrivals = Fifo<Arrival>(filler: Arrival(time: 0, packet: PacketCopy()))
    var input = Fifo<PacketCopy>(filler: PacketCopy(), capacity: 256)
    var dmaInFlight = false
    /// When the running DMA completes and its row's spike.
    var dmaEnd = Int.max
    var dmaPacket = PacketCopy()
    /// When the earliest scheduled wake-up event fires (Int.max: none); later ones are stale.
    var wakeAt = Int.max
    /// Row callbacks queued or running (a new row is started only when there is none).
    var rowJobs = 0
    var pending: [PendingRow] = []

    // The neuron update (background task).
    /// Ticks whose update is queued behind the running one.
    var updates = Fifo<Int>(filler: 0)
    /// The tick of the running update, its spikes and the next to send, its progress in cycles
    /// of its own work, and, while it holds the CPU, since when.
    var updateTick: Int?
    var updateSpikes: [UInt16] = []
    var nextSpike = 0
    var progress = 0
    var resumedAt = 0
    var onCPU = false
    /// Waiting for room in the transmit queue to send `updateSpikes[nextSpike]`.
    var stalled = false
    /// When the earliest scheduled milestone event fires (Int.max: none); later ones are stale.
    var milestoneAt = Int.max
    /// Each tick's spikes, in tick order, until the tick is recorded.
    var spikeLog = Fifo<(tick: Int, spikes: [UInt16])>(filler: (0, []))

    // Demand: the cost model's cycles attributed to the tick whose spikes caused them, kept for
    // the ticks still in reach of late packets.
    static let demandWindow = 64
    var demandTick = [Int](repeating: -1, count: CoreTimeline.demandWindow)
    var demand = [Int](repeating: 0, count: CoreTimeline.demandWindow)
    var maxDemand = 0
    var overruns = 0
    var counters = CoreCycleCounters()

    init(router: Int, port: Int, neurons: Int, neuronCycles: Int) {
        self.router = router
        self.port = port
        self.neurons = neurons
        self.neuronCycles = neuronCycles
    }

    /// Adds `cycles` to the demand of tick `tick`.
    mutating func addDemand(_ cycles: Int, tick: Int) {
        let slot = tick & (Self.demandWindow - 1)
        if demandTick[slot] != tick {
            if demandTick[slot] >= 0 { maxDemand = max(maxDemand, demand[slot]) }
            demandTick[slot] = tick
            demand[slot] = 0
        }
        demand[slot] = min(demand[slot] + cycles, 1 << 60)
    }

    /// The most demanding tick so far.
    var peakDemand: Int {
        var m = maxDemand
        for slot in 0..<Self.demandWindow where demandTick[slot] >= 0 { m = max(m, demand[slot]) }
        return m
    }

    /// Updates waiting or running.
    var backgroundLoad: Int { updates.count + (updateTick == nil ? 0 : 1) }

    /// The cycles of progress the running update needs to reach its next milestone: the next
    /// spike's neuron, or the end.
    var nextMilestone: Int {
        nextSpike < updateSpikes.count ? (Int(updateSpikes[nextSpike]) + 1) * neuronCycles : neurons * neuronCycles
    }
}
