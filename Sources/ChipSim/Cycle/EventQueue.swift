/// The cycle engine's pending events, earliest first: a 4-ary min-heap ordered by (cycle,
/// sequence number), where the sequence number counts every event ever scheduled. Two events of
/// the same cycle therefore run in the order they were scheduled, whatever else is pending, and
/// a run is the same bit for bit every time.
struct EventQueue {
    private var heap: [CycleEvent] = []
    private var sequence: UInt64 = 0

    init() {
        heap.reserveCapacity(1024)
    }

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }

    /// The cycle of the earliest pending event.
    var nextTime: Int? { heap.first?.time }

    /// Events scheduled so far.
    var scheduled: UInt64 { sequence }

    mutating func push(_ event: CycleEvent) {
        var e = event
        e.sequence = sequence
        sequence &+= 1
        heap.append(e)
        var i = heap.count - 1
        heap.withUnsafeMutableBufferPointer { h in
            while i > 0 {
                let parent = (i - 1) >> 2
                guard Self.before(e, h[parent]) else { break }
                h[i] = h[parent]
                i = parent
            }
            h[i] = e
        }
    }

    mutating func pop() -> CycleEvent? {
        guard let first = heap.first else { return nil }
        let last = heap.removeLast()
        if heap.isEmpty { return first }
        heap.withUnsafeMutableBufferPointer { h in
            let n = h.count
            var i = 0
            while true {
                let child = 4 * i + 1
                if child >= n { break }
                var best = child
                let end = min(child + 4, n)
                var k = child + 1
                while k < end {
                    if Self.before(h[k], h[best]) { best = k }
                    k += 1
                }
                guard Self.before(h[best], last) else { break }
                h[i] = h[best]
                i = best
            }
            h[i] = last
        }
        return first
    }

    @inline(__always)
    private static func before(_ a: CycleEvent, _ b: CycleEvent) -> Bool {
        a.time < b.time || (a.time == b.time && a.sequence < b.sequence)
    }
}

/// One event of the cycle engine: what happens, to which component, at which CPU cycle.
struct CycleEvent {
    enum Kind: UInt8 {
        /// A core's timer fires for its next tick.
        case timer
        /// The job a core's CPU was running (timer callback, row set-up, row processing) ends.
        case jobDone
        /// A core with no job running looks again: a packet or a DMA completion is due.
        case coreWake
        /// A core's neuron update reaches its next spike or its end (`aux` is the update's
        /// generation: a preempted update's stale milestones are ignored).
        case updateMilestone
        /// A router moves its queue: a packet reaches the output stage, or a blocked one retries.
        case routerStep
        /// A packet arrives at a router over link `aux`.
        case routerArrival
        /// A router's link `aux` finishes a packet and may start the next.
        case linkSend
        /// The monitor core re-injects a dropped packet into its router.
        case reinject
    }

    var time: Int
    var sequence: UInt64 = 0
    var kind: Kind
    /// The core or router (chip) the event belongs to.
    var target: Int32
    var aux: Int32 = 0
    var packet = PacketCopy()

    init(time: Int, kind: Kind, target: Int, aux: Int = 0, packet: PacketCopy = PacketCopy()) {
        self.time = time
        self.kind = kind
        self.target = Int32(truncatingIfNeeded: target)
        self.aux = Int32(truncatingIfNeeded: aux)
        self.packet = packet
    }
}

/// One copy of a multicast packet: the spike it carries and where in its source's multicast
/// tree it is.
struct PacketCopy {
    /// The core that sent it.
    var source: Int32 = 0
    /// The sending neuron, local to its core.
    var neuron: UInt16 = 0
    /// The node of the source's multicast tree (``CycleRoutes``) whose router it is at or
    /// travelling to.
    var node: Int32 = 0
    /// The tick it was sent in (sPyNNaker carries its low bits in the key as the colour).
    var tick: Int32 = 0
    /// Its place among its source core's spikes of that tick, which orders deliveries.
    var ordinal: Int32 = 0
}
