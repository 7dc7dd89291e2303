/// One chip's router as the cycle engine times it: input queues with credit-based flow control,
/// a pipeline that takes one packet per router cycle, an output stage where a multicast packet
/// waits until every output it needs has room, and its output ports.
///
/// Ports: 0–5 are the links, 6 + p is processor p, and the last is the monitor's re-injection.
struct RouterState {
    /// A packet waiting to enter the pipeline: the port it came in on and when.
    struct Queued {
        var packet: PacketCopy
        var port: Int32
        var arrival: Int
    }

    /// One link's output: packets waiting to be sent (at most the link buffer), and when the
    /// packet being sent is through.
    struct LinkPort {
        var waiting = Fifo<PacketCopy>(filler: PacketCopy())
        var busyUntil = 0
        /// The link found the far router's input full and waits for a credit.
        var awaitingCredit = false
        var packets = 0
        var busyCycles = 0
    }

    /// Every packet that came in, in arrival order (the pipeline is first come, first served).
    var queue = Fifo<Queued>(filler: Queued(packet: PacketCopy(), port: 0, arrival: 0), capacity: 64)
    /// Per input port, packets that came in and have not yet left the input for the pipeline.
    var inputCount: [Int]
    /// The packet at the output stage, waiting for its outputs, and when it is dropped if they
    /// stay blocked (the wait time).
    var stage: PacketCopy?
    var stageSince = 0
    var stageDeadline = 0
    /// When the last packet left the output stage.
    var lastExit = Int.min / 2
    /// When the router's next step is scheduled (Int.max: none).
    var stepAt = Int.max
    var links = [LinkPort](repeating: LinkPort(), count: 6)
    /// Per processor, when the packets in its port will have been taken in by the core.
    var coreDone: [Fifo<Int>]
    /// When the core port of each processor takes in its last packet.
    var coreLastDone: [Int]
    /// Packets the monitor holds for re-injection.
    var monitorQueue = 0
    var counters = RouterCycleCounters()

    init(processors: Int) {
        inputCount = Array(repeating: 0, count: 6 + processors + 1)
        coreDone = Array(repeating: Fifo<Int>(filler: 0, capacity: 2), count: processors)
        coreLastDone = Array(repeating: 0, count: processors)
    }

    /// The input port of processor `p`, and of the monitor's re-injection.
    static func port(processor p: Int) -> Int { 6 + p }
    var monitorPort: Int { inputCount.count - 1 }

    /// Whether processor `p`'s port, holding at most `capacity` packets, has room at `now`.
    mutating func corePortHasRoom(_ p: Int, capacity: Int, now: Int) -> Bool {
        while let done = coreDone[p].first, done <= now { _ = coreDone[p].popFirst() }
        return coreDone[p].count < capacity
    }
}
