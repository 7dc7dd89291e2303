/// The chip in `cycle` timing: a discrete-event model of the machine, keyed by CPU cycle, that
/// times every core's work and every packet's way through routers and links on top of the same
/// functional model as ``IdealTimingEngine`` (``LoadedChip``).
///
/// What is timed (settings in ``CycleTiming`` and ``CoreCosts``, converted by
/// ``CycleDurations``):
/// - each core's timer fires every tick (its cycle budget, stretched by the time scale factor);
///   its callback moves the due ring-buffer slot into the inputs and queues the neuron update,
///   or loses it when the background queue is full; the update runs as the background task,
///   preempted by packet work, and sends each spike as its neuron fires, waiting when the
///   transmit queue is full;
/// - each packet copy enters its router's queue, crosses the pipeline, waits at the output stage
///   until every output it needs has room (or is dropped after the wait time and handed to the
///   monitor for re-injection), crosses links with bandwidth, latency and credit-based flow
///   control, and is taken into a core's input buffer (256 packets) at the rate of the core's
///   receive interrupt;
/// - each core looks a packet up in its master population table, reads its row by DMA from the
///   chip's shared SDRAM (two buffers: one row is read while the other is processed) and adds
///   its synapses, with the spike's lateness corrected by its colour as sPyNNaker does.
///
/// A crossbar core (a crossbar target's image) keeps its synapses in tiles, not in SDRAM: a packet
/// costs its table search and no DMA, its row is marked for the next transfer, and the timer's
/// callback reads the tiles (``CrossbarDelivery``), one read per tick of spikes and group, the
/// reads' latency at the core's clock added to the callback's cycles.
///
/// What happens functionally is the ideal engine's: a neuron update runs at the cycle its
/// background task starts; a processed row's synapses are added, in the ideal engine's order
/// (by tick, source core and spike), just before the core's next transfer. So when no packet is
/// dropped or late and no update overruns, the spikes are exactly those of ideal timing, in
/// both arithmetics.
///
/// The engine is one event loop on one thread: events run in (cycle, scheduling order), so a run
/// is the same bit for bit every time and for any number of runtime threads.
public final class CycleTimingEngine {
    public let chip: LoadedChip
    public var cores: [NeuronCore] { chip.cores }
    /// Called with (core, tick) just before a core's update of that tick runs, or when the
    /// update is lost: the moment to sample the core's state for that tick.
    @exclusivity(unchecked) public var onUpdate: ((Int, Int) -> Void)?
    /// Called at every step of every packet copy when set (a packet trace, for small runs).
    @exclusivity(unchecked) public var onPacket: ((PacketEvent) -> Void)?

    private let routes: CycleRoutes
    private let durations: CycleDurations
    private let timing: CycleTiming
    private let costs: CoreCosts
    private let inputBufferPackets: Int
    private let coresPerChip: Int
    private let ticks: Int
    @exclusivity(unchecked) private var queue = EventQueue()
    /// Per core and per chip, the timing state (owned here, reached without reference counting).
    private let timelines: UnsafeMutablePointer<CoreTimeline>
    private let coreCount: Int
    private let routers: UnsafeMutablePointer<RouterState>
    private let routerCount: Int
    /// Per chip, when its SDRAM is free for the next DMA.
    @exclusivity(unchecked) private var sdramFree: [Int]
    /// Per core c, the source cores whose keys have an entry in its master population table,
    /// ascending, `rowSources[rowSourceStart[c] ..< rowSourceStart[c + 1]]`, and the bytes of
    /// their rows (padded, with the header) beside them.
    private let rowSourceStart: [Int]
    private let rowSources: [Int32]
    private let rowSizes: [Int32]
    private let slotShift: [Int]
    private let slots: [Int]
    /// Per core, whether it is a crossbar core.
    private let isCrossbar: [Bool]
    /// CPU cycles per ns.
    private let clockGHz: Double
    private let spikes: SpikeExchange
    /// Where a core's update writes its spikes before they join its timeline.
    @exclusivity(unchecked) private var updateSpikes: SpikeList
    private let tally: UnsafeMutablePointer<DeliveryTally>
    /// Per tick not yet finished everywhere, how many cores have finished it.
    @exclusivity(unchecked) private var finishedCores: [Int: Int] = [:]
    /// Every core has finished (or lost) the updates of ticks up to this one.
    @exclusivity(unchecked) private var ticksDone = -1
    @exclusivity(unchecked) private var now = 0
    @exclusivity(unchecked) private var report: CycleReport

    /// Loads `image` to run `ticks` ticks with `settings` (whose kernels the host must support).
    public init(image: ChipImage, settings: CoreSettings, ticks: Int) {
        let chip = LoadedChip(image: image, settings: settings, parts: 1)
        self.chip = chip
        for core in chip.cores { core.holdTransfers() }
        let routes = CycleRoutes(image: image)
        self.routes = routes
        let machine = image.machine
        durations = CycleDurations(machine: machine, tickCycles: machine.cycleBudget(timestepMs: image.network.timestepMs,
                                                                                      timeScaleFactor: settings.timeScaleFactor))
        timing = machine.timing
        costs = machine.costs
        inputBufferPackets = machine.inputBufferPackets
        coresPerChip = machine.coresPerChip
        self.ticks = ticks
        coreCount = image.cores.count
        timelines = .allocate(capacity: coreCount)
        for c in 0..<coreCount {
            (timelines + c).initialize(to: CoreTimeline(
                router: Int(routes.coreRouter[c]), port: RouterState.port(processor: Int(routes.coreProcessor[c])),
                neurons: chip.cores[c].neuronCount, neuronCycles: chip.cores[c].neuronCycles))
        }
        routerCount = routes.chips.count
        routers = .allocate(capacity: routerCount)
        routers.initialize(repeating: RouterState(processors: machine.coresPerChip), count: routerCount)
        sdramFree = Array(repeating: 0, count: routes.chips.count)
        var rowSourceStart = [0], rowSources: [Int32] = [], rowSizes: [Int32] = []
        for c in image.cores.indices {
            let m = image.cores[c].synapses
            for s in Set(chip.routes.incoming[c]).sorted() {
                guard let e = m.lookup(image.cores[s].keyBase) else { continue }
                rowSources.append(Int32(s))
                rowSizes.append(Int32((Int(m.entries[e].rowLength) + 3) * 4))
            }
            rowSourceStart.append(rowSources.count)
        }
        self.rowSourceStart = rowSourceStart
        self.rowSources = rowSources
        self.rowSizes = rowSizes
        slotShift = chip.layout.slotShift
        slots = image.cores.map { $0.synapses.slots }
        isCrossbar = chip.crossbar?.cores.map { $0 != nil } ?? Array(repeating: false, count: image.cores.count)
        clockGHz = machine.clockHz / 1e9
        spikes = SpikeExchange(capacities: chip.cores.map(\.neuronCount))
        updateSpikes = SpikeList(capacity: chip.cores.map(\.neuronCount).max() ?? 1)
        tally = .allocate(capacity: 1)
        report = CycleReport(cores: [], routers: [], links: [])
        if ticks > 0 { for c in 0..<coreCount { queue.push(CycleEvent(time: 0, kind: .timer, target: c)) } }
    }

    deinit {
        updateSpikes.deallocate()
        tally.deallocate()
        timelines.deinitialize(count: coreCount)
        timelines.deallocate()
        routers.deinitialize(count: routerCount)
        routers.deallocate()
    }

    // MARK: Running

    /// Runs the machine until every core has finished (or lost) its update of `tick`, ticks in
    /// order; ``tickSpikes`` then holds that tick's spikes.
    public func advance(through tick: Int) {
        if coreCount == 0 { ticksDone = tick }
        while ticksDone < tick {
            guard let event = queue.pop() else { preconditionFailure("cycle engine ran out of events before tick \(tick)") }
            handle(event)
        }
        for c in 0..<coreCount {
            let entry = timelines[c].spikeLog.popFirst()
            precondition(entry?.tick == tick, "core \(c) logged tick \(entry?.tick ?? -1), expected \(tick)")
            spikes.publish(core: c, slot: 0, entry!.spikes)
        }
    }

    /// The spikes of the tick last advanced through.
    public var tickSpikes: TickSpikes { spikes.view(slot: 0) }

    /// Lets the packets still on their way arrive and be processed (for at most one more tick
    /// of cycles), adds every processed row into the ring buffer, and returns the counts.
    /// Every core's ``CoreCounters`` then hold its busy cycles, its most demanding tick and its
    /// overruns.
    public func finish() -> CycleReport {
        let limit = now + durations.tick
        while let t = queue.nextTime, t <= limit, let event = queue.pop() {
            handle(event)
        }
        for c in 0..<coreCount { flush(c) }
        var inFlight = 0, queuedAtEnd = 0
        while let e = queue.pop() {
            switch e.kind {
            case .routerArrival, .reinject: inFlight += Int(routes.destinationsBelow[Int(e.packet.node)])
            case .timer, .jobDone, .coreWake, .updateMilestone, .routerStep, .linkSend: break
            }
        }
        let routerStates = UnsafeBufferPointer(start: routers, count: routerCount)
        for router in routerStates {
            for k in 0..<router.queue.count { inFlight += Int(routes.destinationsBelow[Int(router.queue[k].packet.node)]) }
            if let p = router.stage { inFlight += Int(routes.destinationsBelow[Int(p.node)]) }
            for link in router.links {
                for k in 0..<link.waiting.count { inFlight += Int(routes.destinationsBelow[Int(link.waiting[k].node)]) }
            }
        }
        for c in 0..<coreCount {
            let t = timelines + c
            inFlight += t.pointee.arrivals.count
            queuedAtEnd += t.pointee.input.count + (t.pointee.dmaInFlight ? 1 : 0)
            for k in 0..<t.pointee.jobs.count where t.pointee.jobs[k].kind == .rowDone { queuedAtEnd += 1 }
            if t.pointee.onCPU { account(t, until: now) }
            chip.cores[c].recordCycles(total: t.pointee.busyCycles, maxPerTick: t.pointee.peakDemand, overruns: t.pointee.overruns)
        }
        report.copiesInFlight = inFlight
        report.queuedAtEnd = queuedAtEnd
        report.cores = UnsafeBufferPointer(start: timelines, count: coreCount).map { var k = $0.counters; k.busyCycles = $0.busyCycles; return k }
        report.routers = routerStates.map(\.counters)
        report.links = []
        for (r, router) in routerStates.enumerated() {
            for link in Link.allCases where router.links[link.rawValue].packets > 0 {
                var l = LinkCycleCounters(chip: routes.chips[r], link: link)
                l.packets = router.links[link.rawValue].packets
                l.busyCycles = router.links[link.rawValue].busyCycles
                report.links.append(l)
            }
        }
        report.endCycle = now
        report.events = Int(queue.scheduled)
        return report
    }

    private func handle(_ e: CycleEvent) {
        now = e.time
        let target = Int(e.target)
        switch e.kind {
        case .timer: timerFires(target)
        case .jobDone: jobDone(target)
        case .coreWake:
            guard timelines[target].wakeAt == now else { return }
            timelines[target].wakeAt = .max
            catchUp(target)
            dispatch(target)
        case .updateMilestone: milestone(target)
        case .routerStep:
            guard routers[target].stepAt == now else { return }
            routers[target].stepAt = .max
            runRouter(target)
        case .routerArrival:
            routers[target].queue.append(RouterState.Queued(packet: e.packet, port: e.aux, arrival: now))
            scheduleStep(target, at: now)
        case .linkSend: transmit(target, link: Int(e.aux))
        case .reinject:
            let router = routers + target
            router.pointee.monitorQueue -= 1
            router.pointee.counters.reinjected += 1
            router.pointee.inputCount[router.pointee.monitorPort] += 1
            router.pointee.queue.append(RouterState.Queued(packet: e.packet, port: Int32(router.pointee.monitorPort), arrival: now))
            scheduleStep(target, at: now)
        }
    }

    // MARK: Cores: the CPU

    private func timerFires(_ c: Int) {
        let t = timelines + c
        let tick = t.pointee.nextTimer
        t.pointee.nextTimer += 1
        t.pointee.jobs.prepend(CoreTimeline.Job(kind: .timer, tick: tick))
        if tick + 1 < ticks { queue.push(CycleEvent(time: (tick + 1) * durations.tick, kind: .timer, target: c)) }
        if t.pointee.running == nil {
            catchUp(c)
            dispatch(c)
        }
    }

    /// Starts the next priority-0 job if the CPU has none running, preempting the neuron
    /// update; with no job waiting, gives the CPU to the update.
    private func dispatch(_ c: Int) {
        let t = timelines + c
        guard t.pointee.running == nil else { return }
        guard let job = t.pointee.jobs.popFirst() else {
            runBackground(c)
            scheduleWake(c)
            return
        }
        var cost: Int
        switch job.kind {
        case .timer:
            cost = costs.tickOverheadCycles + startTick(c, job.tick)
        case .rowStart:
            cost = startNextRow(c, after: 0)
        case .rowDone:
            let row = rowOf(c, job.packet)
            let plastic = chip.delivery.plasticCount(row)
            let events = min((row.count - plastic) * costs.synapticEventCycles + plastic * costs.plasticSynapseCycles, 1 << 50)
            t.pointee.addDemand(events, tick: Int(job.packet.tick))
            recordRow(c, job.packet, row)
            log(.processed, job.packet, core: c)
            cost = startNextRow(c, after: 0) + events
        }
        if t.pointee.onCPU { leaveCPU(t) }
        t.pointee.running = job
        t.pointee.busyCycles += cost
        queue.push(CycleEvent(time: now + cost, kind: .jobDone, target: c))
    }

    private func jobDone(_ c: Int) {
        let t = timelines + c
        guard let job = t.pointee.running else { return }
        t.pointee.running = nil
        if job.kind != .timer { t.pointee.rowJobs -= 1 }
        catchUp(c)
        dispatch(c)
    }

    /// The timer callback of `tick`: the rows processed in the tick before are added, the due
    /// slot moves into the inputs, and the update is queued (or lost, with a full queue).
    /// Returns the cycles of its crossbar reads (0 on a digital core).
    private func startTick(_ c: Int, _ tick: Int) -> Int {
        let t = timelines + c
        let readCycles = flush(c)
        t.pointee.addDemand(readCycles, tick: tick)
        t.pointee.time = tick
        t.pointee.counters.mergedInputSaturations += chip.cores[c].transfer(tick: tick)
        t.pointee.addDemand(costs.tickOverheadCycles + t.pointee.neurons * t.pointee.neuronCycles, tick: tick)
        if t.pointee.backgroundLoad > 0 { t.pointee.overruns += 1 }
        if t.pointee.updates.count >= timing.backgroundQueueDepth {
            t.pointee.counters.backgroundOverloads += 1
            t.pointee.updates.append(-1 - tick)
        } else {
            t.pointee.updates.append(tick)
        }
        t.pointee.counters.maxBackgroundsQueued = max(t.pointee.counters.maxBackgroundsQueued, t.pointee.backgroundLoad)
        return readCycles
    }

    // MARK: Cores: the neuron update

    /// Gives the CPU to the neuron update: resumes the running one or starts the next queued.
    private func runBackground(_ c: Int) {
        let t = timelines + c
        if t.pointee.onCPU { return }
        if t.pointee.updateTick == nil, !startNextUpdate(c) { return }
        t.pointee.onCPU = true
        t.pointee.resumedAt = now
        sendDue(c)
    }

    /// Starts the next queued update (finishing lost ones on the way); false if none is queued.
    private func startNextUpdate(_ c: Int) -> Bool {
        let t = timelines + c
        while let queued = t.pointee.updates.popFirst() {
            if queued < 0 {
                let tick = -1 - queued
                onUpdate?(c, tick)
                t.pointee.spikeLog.append((tick, []))
                finished(c, tick)
                continue
            }
            onUpdate?(c, queued)
            chip.cores[c].update(tick: queued, spikes: &updateSpikes)
            t.pointee.updateTick = queued
            t.pointee.updateSpikes = Array(updateSpikes.elements)
            t.pointee.spikeLog.append((queued, t.pointee.updateSpikes))
            t.pointee.nextSpike = 0
            t.pointee.progress = 0
            return true
        }
        return false
    }

    /// Adds the time on the CPU since `resumedAt` to the update's progress (or to its wait for
    /// the transmit queue).
    private func account(_ t: UnsafeMutablePointer<CoreTimeline>, until time: Int) {
        let elapsed = time - t.pointee.resumedAt
        t.pointee.busyCycles += elapsed
        if t.pointee.stalled { t.pointee.counters.transmitStallCycles += elapsed } else { t.pointee.progress += elapsed }
        t.pointee.resumedAt = time
    }

    /// The update leaves the CPU to a priority-0 job. A milestone scheduled meanwhile fires
    /// early and is moved on (cheaper than an event per preemption).
    private func leaveCPU(_ t: UnsafeMutablePointer<CoreTimeline>) {
        account(t, until: now)
        t.pointee.onCPU = false
    }

    private func milestone(_ c: Int) {
        let t = timelines + c
        guard now == t.pointee.milestoneAt else { return }
        t.pointee.milestoneAt = .max
        guard t.pointee.onCPU, !t.pointee.stalled else { return }
        account(t, until: now)
        sendDue(c)
    }

    /// Sends the spikes the update has reached, then schedules its next milestone, or finishes
    /// it and starts the next. A full transmit queue stalls it until the router takes a packet.
    private func sendDue(_ c: Int) {
        let t = timelines + c
        while true {
            while t.pointee.nextSpike < t.pointee.updateSpikes.count, (Int(t.pointee.updateSpikes[t.pointee.nextSpike]) + 1) * t.pointee.neuronCycles <= t.pointee.progress {
                guard send(c, neuron: t.pointee.updateSpikes[t.pointee.nextSpike], ordinal: t.pointee.nextSpike) else {
                    if !t.pointee.stalled {
                        t.pointee.stalled = true
                        t.pointee.counters.transmitStalls += 1
                    }
                    return
                }
                t.pointee.stalled = false
                t.pointee.nextSpike += 1
            }
            t.pointee.stalled = false
            let milestone = t.pointee.nextMilestone
            if t.pointee.progress < milestone {
                let at = now + milestone - t.pointee.progress
                if at < t.pointee.milestoneAt {
                    t.pointee.milestoneAt = at
                    queue.push(CycleEvent(time: at, kind: .updateMilestone, target: c))
                }
                return
            }
            finished(c, t.pointee.updateTick!)
            t.pointee.updateTick = nil
            guard startNextUpdate(c) else {
                leaveCPU(t)
                return
            }
        }
    }

    /// Puts a spike's packet into the router's queue from the core's transmit queue; false when
    /// that queue is full.
    private func send(_ c: Int, neuron: UInt16, ordinal: Int) -> Bool {
        let root = routes.root[c]
        guard root >= 0 else { return true }
        let t = timelines + c, router = routers + t.pointee.router
        guard router.pointee.inputCount[t.pointee.port] < timing.transmitQueuePackets else { return false }
        router.pointee.inputCount[t.pointee.port] += 1
        let packet = PacketCopy(source: Int32(c), neuron: neuron, node: root, tick: Int32(t.pointee.updateTick!), ordinal: Int32(ordinal))
        router.pointee.queue.append(RouterState.Queued(packet: packet, port: Int32(t.pointee.port), arrival: now))
        report.copiesSent += Int(routes.destinationsBelow[Int(root)])
        log(.sent, packet, router: t.pointee.router)
        scheduleStep(t.pointee.router, at: now)
        return true
    }

    private func finished(_ c: Int, _ tick: Int) {
        let n = (finishedCores[tick] ?? 0) + 1
        if n == coreCount {
            finishedCores[tick] = nil
            ticksDone = max(ticksDone, tick)
        } else {
            finishedCores[tick] = n
        }
    }

    // MARK: Cores: synaptic rows

    /// Takes in what happened on the core's side since its last decision: packets that reached
    /// its input buffer (or found it full) and the completion of its DMA, then queues the row
    /// callback they call for. Called at every decision (a job's end, a timer, a wake-up), so
    /// the buffer is seen exactly as the hardware sees it at each arrival.
    private func catchUp(_ c: Int) {
        let t = timelines + c
        while let a = t.pointee.arrivals.first, a.time <= now {
            _ = t.pointee.arrivals.popFirst()
            if t.pointee.dmaEnd <= a.time { completeDMA(c) }
            admit(c, a)
        }
        if t.pointee.dmaEnd <= now { completeDMA(c) }
        queueRowStart(c)
    }

    private func admit(_ c: Int, _ a: CoreTimeline.Arrival) {
        let t = timelines + c
        report.copiesArrived += 1
        log(.arrived, a.packet, core: c, at: a.time)
        guard t.pointee.input.count < inputBufferPackets else {
            t.pointee.counters.inputBufferOverflows += 1
            report.inputBufferOverflows += 1
            // The packet's work is still demand: the core would have needed it.
            let cost = costs.rowCycles + (rowBytes(c, a.packet.source) == nil ? 0 : rowOf(c, a.packet).count * costs.synapticEventCycles)
            t.pointee.addDemand(cost, tick: Int(a.packet.tick))
            return
        }
        t.pointee.input.append(a.packet)
        t.pointee.counters.maxInputBufferFill = max(t.pointee.counters.maxInputBufferFill, t.pointee.input.count)
    }

    /// The DMA's row is in its buffer: its callback is queued.
    private func completeDMA(_ c: Int) {
        let t = timelines + c
        t.pointee.dmaInFlight = false
        t.pointee.dmaEnd = .max
        t.pointee.jobs.append(CoreTimeline.Job(kind: .rowDone, packet: t.pointee.dmaPacket))
        t.pointee.rowJobs += 1
    }

    /// With no job running, the core must look again when its DMA completes or, with the row
    /// pipeline idle, when the next packet arrives (which calls the packet callback).
    private func scheduleWake(_ c: Int) {
        let t = timelines + c
        guard t.pointee.running == nil else { return }
        var at = t.pointee.dmaEnd
        if !t.pointee.dmaInFlight, t.pointee.rowJobs == 0, let a = t.pointee.arrivals.first { at = min(at, a.time) }
        guard at < t.pointee.wakeAt, at != .max else { return }
        t.pointee.wakeAt = at
        queue.push(CycleEvent(time: at, kind: .coreWake, target: c))
    }

    /// Queues the packet callback when packets wait and no row is being read or processed.
    private func queueRowStart(_ c: Int) {
        let t = timelines + c
        guard t.pointee.rowJobs == 0, !t.pointee.dmaInFlight, !t.pointee.input.isEmpty else { return }
        t.pointee.jobs.append(CoreTimeline.Job(kind: .rowStart))
        t.pointee.rowJobs += 1
    }

    /// Takes packets from the input buffer until one has a table entry, each costing a row's
    /// cycles (the search, and the DMA set-up when found), and starts that row's DMA when the
    /// set-up is done, `after` cycles into the running job. Returns the cycles spent.
    private func startNextRow(_ c: Int, after: Int) -> Int {
        let t = timelines + c
        guard !t.pointee.dmaInFlight else { return 0 }
        var cost = 0
        while let p = t.pointee.input.popFirst() {
            cost += costs.rowCycles
            t.pointee.addDemand(costs.rowCycles, tick: Int(p.tick))
            if let bytes = rowBytes(c, p.source) {
                if isCrossbar[c] {
                    // The row is in the tiles: nothing to read from SDRAM.
                    t.pointee.jobs.append(CoreTimeline.Job(kind: .rowDone, packet: p))
                    t.pointee.rowJobs += 1
                } else {
                    startDMA(c, p, bytes: Int(bytes), at: now + after + cost)
                }
                return cost
            }
            report.invalidKeys += 1
            chip.cores[c].count(.zero, packets: 0, invalidKeys: 1)
        }
        return cost
    }

    /// Reads a row from the chip's SDRAM, first come first served among the chip's cores; its
    /// place in the queue is taken when its set-up starts.
    private func startDMA(_ c: Int, _ packet: PacketCopy, bytes: Int, at issue: Int) {
        let t = timelines + c
        let start = max(issue, sdramFree[t.pointee.router])
        let end = start + durations.dma(bytes: bytes)
        sdramFree[t.pointee.router] = end
        t.pointee.dmaInFlight = true
        t.pointee.dmaEnd = end
        t.pointee.dmaPacket = packet
        t.pointee.counters.dmaReads += 1
        t.pointee.counters.dmaBytes += bytes
    }

    /// The bytes of the row core `c` reads for a packet from core `source`, or nil when its key
    /// has no entry in the core's master population table (a binary search, as the core does).
    @inline(__always)
    private func rowBytes(_ c: Int, _ source: Int32) -> Int32? {
        var lo = rowSourceStart[c], hi = rowSourceStart[c + 1]
        while lo < hi {
            let mid = (lo + hi) >> 1
            if rowSources[mid] < source { lo = mid + 1 } else { hi = mid }
        }
        return lo < rowSourceStart[c + 1] && rowSources[lo] == source ? rowSizes[lo] : nil
    }

    /// The synapses of `packet`'s row on core `c`.
    private func rowOf(_ c: Int, _ packet: PacketCopy) -> Range<Int> {
        chip.delivery.row(neuron: chip.delivery.globalNeuron(core: Int(packet.source), neuron: Int(packet.neuron)), core: c)
    }

    /// A processed row waits to be added until the core's next transfer. Its tick decides
    /// where: a packet late by L ticks is placed by its colour (L modulo 2^colourBits), and its
    /// synapses with delays up to that are skipped, as sPyNNaker's `synapses.c` does.
    private func recordRow(_ c: Int, _ packet: PacketCopy, _ row: Range<Int>) {
        let t = timelines + c
        let sent = Int(packet.tick), late = t.pointee.time - sent
        var place = sent, skip = 0
        if late > 0 {
            t.pointee.counters.lateSpikes += 1
            t.pointee.counters.maxLateTicks = max(t.pointee.counters.maxLateTicks, late)
            skip = timing.colourBits > 0 ? late & (1 << timing.colourBits - 1) : 0
            place = t.pointee.time - skip
        }
        t.pointee.pending.append(CoreTimeline.PendingRow(tick: packet.tick, source: packet.source, ordinal: packet.ordinal,
                                                         neuron: packet.neuron, row: row, placeTick: place, skipThrough: skip))
        report.rowsProcessed += 1
    }

    /// Adds the rows processed since the last transfer into the ring buffer, in the ideal
    /// engine's order: by the tick they were sent in, then source core, then spike. Returns the
    /// cycles of a crossbar core's reads.
    @discardableResult
    private func flush(_ c: Int) -> Int {
        let t = timelines + c
        guard !t.pointee.pending.isEmpty else { return 0 }
        if isCrossbar[c] { return flushCrossbar(c) }
        t.pointee.pending.sort { ($0.tick, $0.source, $0.ordinal) < ($1.tick, $1.source, $1.ordinal) }
        let core = chip.cores[c]
        var region = chip.regions[c]
        for row in t.pointee.pending {
            region.term = chip.slotTerm(core: c, tick: row.placeTick)
            tally.pointee = .zero
            t.pointee.counters.skippedSynapses += chip.delivery.deliver(
                row: row.row, region: region, skipThrough: row.skipThrough, slotShift: slotShift[c], slots: slots[c],
                ring16: chip.ring16, ring64: chip.ring64, tally: tally, preTick: Int(row.tick))
            core.count(tally.pointee, packets: 1, invalidKeys: 0)
        }
        t.pointee.pending.removeAll(keepingCapacity: true)
        return 0
    }

    /// ``flush(_:)`` on a crossbar core: the rows of the spikes of one tick placed alike are
    /// marked and read together (``CrossbarDelivery/read(core:region:skipThrough:slots:ring16:ring64:tally:)``),
    /// tick by tick. Returns the reads' cycles.
    private func flushCrossbar(_ c: Int) -> Int {
        let t = timelines + c, crossbar = chip.crossbar!
        t.pointee.pending.sort { ($0.tick, $0.placeTick, $0.skipThrough, $0.source, $0.ordinal) < ($1.tick, $1.placeTick, $1.skipThrough, $1.source, $1.ordinal) }
        var region = chip.regions[c], nanoseconds = 0.0
        var i = 0
        while i < t.pointee.pending.count {
            let first = t.pointee.pending[i]
            var packets = 0
            while i < t.pointee.pending.count, t.pointee.pending[i].tick == first.tick, t.pointee.pending[i].placeTick == first.placeTick,
                  t.pointee.pending[i].skipThrough == first.skipThrough {
                crossbar.mark(source: Int(t.pointee.pending[i].source), neuron: Int(t.pointee.pending[i].neuron), on: c)
                packets += 1
                i += 1
            }
            region.term = chip.slotTerm(core: c, tick: first.placeTick)
            tally.pointee = .zero
            t.pointee.counters.skippedSynapses += crossbar.read(
                core: c, region: region, skipThrough: first.skipThrough, slots: slots[c], ring16: chip.ring16, ring64: chip.ring64, tally: tally)
            nanoseconds += tally.pointee.crossbar.latencyNanoseconds
            chip.cores[c].count(tally.pointee, packets: packets, invalidKeys: 0)
        }
        t.pointee.pending.removeAll(keepingCapacity: true)
        return Int(min(nanoseconds * clockGHz, 0x1p50).rounded(.up))
    }

    private func log(_ kind: PacketEvent.Kind, _ packet: PacketCopy, router r: Int? = nil, core c: Int? = nil, at time: Int? = nil) {
        guard let onPacket else { return }
        let chip = routes.chips[r ?? Int(routes.coreRouter[c ?? 0])]
        onPacket(PacketEvent(kind: kind, cycle: time ?? now, chip: chip, core: c, sourceCore: Int(packet.source), neuron: Int(packet.neuron),
                             tick: Int(packet.tick)))
    }

    // MARK: Routers and links

    private func scheduleStep(_ r: Int, at time: Int) {
        let router = routers + r
        guard time < router.pointee.stepAt else { return }
        router.pointee.stepAt = time
        queue.push(CycleEvent(time: time, kind: .routerStep, target: r))
    }

    /// Moves the router on as far as it can go at `now`: forwards or drops the packet at the
    /// output stage, then brings the next one through the pipeline.
    private func runRouter(_ r: Int) {
        let router = routers + r
        while true {
            if let packet = router.pointee.stage {
                var wake = router.pointee.stageDeadline
                if forward(r, packet, wake: &wake) {
                    leaveStage(router)
                    continue
                }
                if now >= router.pointee.stageDeadline {
                    drop(r, packet)
                    leaveStage(router)
                    continue
                }
                scheduleStep(r, at: wake)
                return
            }
            guard let head = router.pointee.queue.first else { return }
            let ready = max(head.arrival + durations.pipeline, router.pointee.lastExit + durations.routerCycle)
            guard ready <= now else {
                scheduleStep(r, at: ready)
                return
            }
            _ = router.pointee.queue.popFirst()
            router.pointee.inputCount[Int(head.port)] -= 1
            creditReturned(r, port: Int(head.port))
            let node = Int(head.packet.node)
            if routes.external[node] { router.pointee.counters.externalPackets += 1 } else { router.pointee.counters.localPackets += 1 }
            if routes.localMiss[node] {
                router.pointee.counters.localMisses += 1
                router.pointee.lastExit = now
                continue
            }
            if routes.defaultRouted[node] { router.pointee.counters.defaultRouted += 1 }
            router.pointee.stage = head.packet
            router.pointee.stageSince = now
            router.pointee.stageDeadline = now + durations.wait
        }
    }

    private func leaveStage(_ router: UnsafeMutablePointer<RouterState>) {
        let waited = now - router.pointee.stageSince
        router.pointee.counters.blockedCycles += waited
        router.pointee.counters.maxWaitCycles = max(router.pointee.counters.maxWaitCycles, waited)
        router.pointee.stage = nil
        router.pointee.lastExit = now
    }

    /// Sends a copy of `packet` to every output of its node if all have room; otherwise lowers
    /// `wake` to the earliest cycle a blocked core port has room and returns false.
    private func forward(_ r: Int, _ packet: PacketCopy, wake: inout Int) -> Bool {
        let router = routers + r
        let node = Int(packet.node)
        let outputs = Int(routes.outputStart[node])..<Int(routes.outputStart[node + 1])
        var blocked = false
        for k in outputs {
            let out = routes.outputs[k]
            switch out.kind {
            case .link: if router.pointee.links[Int(out.link)].waiting.count >= timing.linkBufferPackets { blocked = true }
            case .deadLink, .idleProcessor: blocked = true
            case .core:
                let p = Int(out.link)
                if !router.pointee.corePortHasRoom(p, capacity: timing.corePortPackets, now: now) {
                    blocked = true
                    if let done = router.pointee.coreDone[p].first { wake = min(wake, done) }
                }
            case .looped: break
            }
        }
        guard !blocked else { return false }
        log(.forwarded, packet, router: r)
        for k in outputs {
            let out = routes.outputs[k]
            switch out.kind {
            case .link:
                var copy = packet
                copy.node = out.value
                router.pointee.links[Int(out.link)].waiting.append(copy)
                transmit(r, link: Int(out.link))
            case .core:
                let p = Int(out.link)
                let done = max(now + durations.coreDelivery, router.pointee.coreLastDone[p]) + durations.packetReceive
                router.pointee.coreLastDone[p] = done
                router.pointee.coreDone[p].append(done)
                let c = Int(out.value)
                timelines[c].arrivals.append(CoreTimeline.Arrival(time: done, packet: packet))
                scheduleWake(c)
            case .looped: router.pointee.counters.loopedCopies += 1
            case .deadLink, .idleProcessor: break
            }
        }
        return true
    }

    /// A packet that waited its time out: the monitor re-injects it if it has room, else it is
    /// lost with every copy it would have made.
    private func drop(_ r: Int, _ packet: PacketCopy) {
        let router = routers + r
        router.pointee.counters.droppedPackets += 1
        log(.dropped, packet, router: r)
        if timing.reinjection, router.pointee.monitorQueue < timing.reinjectionQueuePackets {
            router.pointee.monitorQueue += 1
            queue.push(CycleEvent(time: now + durations.reinjectionDelay, kind: .reinject, target: r, packet: packet))
            return
        }
        if timing.reinjection { router.pointee.counters.reinjectionOverflows += 1 }
        let lost = Int(routes.destinationsBelow[Int(packet.node)])
        router.pointee.counters.lostCopies += lost
        report.copiesLost += lost
    }

    /// Starts sending the next packet of a link if the link is free and the far router's input
    /// has room (a credit).
    private func transmit(_ r: Int, link l: Int) {
        let router = routers + r
        guard router.pointee.links[l].busyUntil <= now, let packet = router.pointee.links[l].waiting.first else { return }
        let next = Int(routes.neighbour[r * 6 + l])
        let inPort = (l + 3) % 6
        guard routers[next].inputCount[inPort] < timing.linkBufferPackets else {
            router.pointee.links[l].awaitingCredit = true
            return
        }
        router.pointee.links[l].awaitingCredit = false
        _ = router.pointee.links[l].waiting.popFirst()
        routers[next].inputCount[inPort] += 1
        router.pointee.links[l].busyUntil = now + durations.linkPacket
        router.pointee.links[l].packets += 1
        router.pointee.links[l].busyCycles += durations.linkPacket
        queue.push(CycleEvent(time: now + durations.linkPacket + durations.linkLatency, kind: .routerArrival, target: next,
                              aux: inPort, packet: packet))
        queue.push(CycleEvent(time: now + durations.linkPacket, kind: .linkSend, target: r, aux: l))
        if router.pointee.stage != nil { scheduleStep(r, at: now) }
    }

    /// A packet left input `port` of router `r`: the link or core feeding that input may send
    /// again.
    private func creditReturned(_ r: Int, port: Int) {
        if port < 6 {
            let up = Int(routes.neighbour[r * 6 + port])
            let l = (port + 3) % 6
            if up >= 0, routers[up].links[l].awaitingCredit { transmit(up, link: l) }
        } else if port < routers[r].monitorPort {
            let c = Int(routes.coreAt[r * coresPerChip + port - 6])
            guard c >= 0 else { return }
            let t = timelines + c
            if t.pointee.stalled, t.pointee.onCPU {
                account(t, until: now)
                sendDue(c)
            }
        }
    }
}
