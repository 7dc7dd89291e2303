import ChipSim
import Compiler
import Foundation
import NeuriteTestSupport
import Runtime
import XCTest

/// The cycle engine against ideal timing, hand-checked routes and arrival cycles, the load at
/// which a core overruns, a hot link that drops, and the balance of every packet copy.
final class CycleTimingTests: XCTestCase {
    func run(_ image: ChipImage, _ timing: Timing, _ arithmetic: Arithmetic = .s1615, timeScaleFactor: Double? = nil,
             out: String? = nil) throws -> RunReport {
        try Run.execute(image, options: RunOptions(arithmetic: arithmetic, timing: timing, outputDirectory: out, collectSpikes: true,
                                                   timeScaleFactor: timeScaleFactor))
    }

    /// An active random network: Poisson sources driving a few LIF and Izhikevich populations
    /// through random sparse projections with delays of 1–10 ticks.
    func activeNetwork(seed: UInt64) -> String {
        var rng = RandomStream(seed: seed, stream: [0xC1C1E])
        func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + Int(rng.next() % UInt64(r.count)) }
        var lines = ["network: active\(seed)", "seed: \(seed)", "duration: 60", "populations:",
                     "  drive: {size: \(int(20...80)), model: SpikeSourcePoisson, params: {rate: \(int(20...60))}, record: [spikes]}"]
        let count = int(2...4)
        for p in 0..<count {
            let model = int(0...2) == 0 ? "Izhikevich" : "IF_curr_exp"
            lines.append("  p\(p): {size: \(int(10...120)), model: \(model), record: [spikes, v]}")
        }
        lines.append("projections:")
        for p in 0..<count {
            lines.append("  - {pre: drive, post: p\(p), connector: {type: FixedProbabilityConnector, p_connect: 0.3}, synapse: {weight: \(p == 0 ? 2.5 : 1.5), delay: {uniform: [1, 10]}}}")
        }
        for _ in 0..<int(2...6) {
            let pre = int(0...(count - 1)), post = int(0...(count - 1))
            let receptor = int(0...3) == 0 ? "inhibitory" : "excitatory"
            lines.append("  - {pre: p\(pre), post: p\(post), connector: {type: FixedProbabilityConnector, p_connect: 0.\(int(1...3))}, synapse: {weight: \(receptor == "inhibitory" ? "-0.8" : "0.8"), delay: {uniform: [1, 10]}}, receptor: \(receptor)}")
        }
        return lines.joined(separator: "\n")
    }

    /// Whether nothing was lost, late or overrun (packets dropped and re-injected in time may be).
    func onTime(_ p: RunSummary.Provenance) -> Bool {
        p.lostPacketCopies + p.lateSpikes + p.timerOverruns + p.inputBufferOverflows + p.backgroundOverloads == 0
    }

    func assertBalanced(_ report: RunReport, file: StaticString = #filePath, line: UInt = #line) {
        guard let copies = report.summary.cycle?.copies else { return XCTFail("no cycle summary", file: file, line: line) }
        XCTAssertTrue(copies.balances, "\(copies)", file: file, line: line)
        XCTAssertEqual(copies.sent, copies.arrived + copies.lost + copies.inFlight, file: file, line: line)
    }

    // MARK: Cycle equals ideal when nothing is late

    func testCycleSpikesEqualIdealWhenNothingIsLostLateOrOverrun() throws {
        var hops = 0
        for seed in UInt64(1)...6 {
            let image = try compile(activeNetwork(seed: seed), target: RandomNetworks.machine(seed: seed)).image
            for arithmetic in Arithmetic.allCases {
                let ideal = try run(image, .ideal, arithmetic), cycle = try run(image, .cycle, arithmetic)
                let p = cycle.summary.provenance
                XCTAssertTrue(onTime(p), "seed \(seed): \(p)")
                XCTAssertGreaterThan(ideal.spikes.count, 100, "seed \(seed) is active")
                XCTAssertEqual(cycle.spikes, ideal.spikes, "seed \(seed) \(arithmetic)")
                XCTAssertEqual(cycle.summary.synapticEvents, ideal.summary.synapticEvents)
                XCTAssertEqual(cycle.summary.provenance.saturations, ideal.summary.provenance.saturations)
                assertBalanced(cycle)
                XCTAssertEqual(cycle.summary.cycle?.copies.inFlight, 0)
                hops += cycle.summary.cycle?.linkPackets ?? 0
            }
        }
        XCTAssertGreaterThan(hops, 1000, "the networks' packets cross links")
    }

    func testCycleSpikesEqualIdealOnThePropertyTestNetworks() throws {
        // The compiler's random networks: every connector, slices, Izhikevich cells, sources.
        // Bursts of their sources may congest routers on SpiNN-3's torus (links in a cycle wait
        // on each other until one times out), so that packets are dropped and re-injected: still
        // in time, so the spikes are ideal timing's.
        for seed in UInt64(1)...8 {
            let image = try compile(RandomNetworks.yaml(seed: seed, sourcesFireOnce: seed % 2 == 0), target: RandomNetworks.machine(seed: seed)).image
            for arithmetic in Arithmetic.allCases {
                let ideal = try run(image, .ideal, arithmetic), cycle = try run(image, .cycle, arithmetic)
                let p = cycle.summary.provenance
                guard onTime(p) else { return XCTFail("seed \(seed) overloads: \(p)") }
                XCTAssertEqual(cycle.spikes, ideal.spikes, "seed \(seed) \(arithmetic)")
                XCTAssertEqual(cycle.summary.synapticEvents, ideal.summary.synapticEvents, "seed \(seed)")
                assertBalanced(cycle)
            }
        }
    }

    func testDelayExtensionsRunAsInIdealTiming() throws {
        // Delays of up to 120 ms onto 256-neuron cores (a ring of 32 slots): delay-extension
        // cores carry the rest, in either timing.
        let image = try compile("""
            network: long-delays
            seed: 4
            duration: 300
            populations:
              drive: {size: 100, model: SpikeSourcePoisson, params: {rate: 20}}
              cells: {size: 300, model: IF_curr_exp, record: [spikes, v]}
            projections:
              - {pre: drive, post: cells, connector: {type: FixedProbabilityConnector, p_connect: 0.1}, synapse: {weight: 1.5, delay: {uniform: [1, 120]}}}
              - {pre: cells, post: cells, connector: {type: FixedProbabilityConnector, p_connect: 0.05}, synapse: {weight: 0.1, delay: {uniform: [20, 100]}}}
            """).image
        XCTAssertTrue(image.cores.contains { $0.delayExtension != nil }, "the network needs delay extensions")
        for arithmetic in Arithmetic.allCases {
            let ideal = try run(image, .ideal, arithmetic), cycle = try run(image, .cycle, arithmetic)
            XCTAssertTrue(onTime(cycle.summary.provenance), "\(cycle.summary.provenance)")
            XCTAssertGreaterThan(ideal.spikes.count, 100)
            XCTAssertTrue(cycle.spikes == ideal.spikes, "\(arithmetic): \(cycle.spikes.count) spikes in cycle timing, \(ideal.spikes.count) in ideal")
            assertBalanced(cycle)
        }
    }

    func testTracesEqualIdealAndRunsRepeatBitForBit() throws {
        let image = try compile(activeNetwork(seed: 11), target: RandomNetworks.machine(seed: 11)).image
        let dirs = (0..<3).map { _ in temporaryDirectory() }
        _ = try run(image, .ideal, out: dirs[0])
        _ = try run(image, .cycle, out: dirs[1])
        _ = try Run.execute(image, options: RunOptions(timing: .cycle, threads: 2, outputDirectory: dirs[2]))
        for file in ["spikes.csv", "v.csv"] {
            let a = try String(contentsOfFile: dirs[0] + "/" + file, encoding: .utf8)
            XCTAssertEqual(try String(contentsOfFile: dirs[1] + "/" + file, encoding: .utf8), a, file)
            XCTAssertEqual(try String(contentsOfFile: dirs[2] + "/" + file, encoding: .utf8), a, file)
        }
        let first = try String(contentsOfFile: dirs[1] + "/provenance.json", encoding: .utf8)
        XCTAssertEqual(try String(contentsOfFile: dirs[2] + "/provenance.json", encoding: .utf8), first)
    }

    // MARK: Hand-checked routes

    /// A one-atom source on `from` whose single spike at tick 0 reaches one neuron on `to`
    /// through `tables` (key blocks of the two cores; `route(chip)` gives each chip's entries).
    func placed(on machine: MachineDescription, from: ChipCoordinate, to: ChipCoordinate,
                tables: (_ source: CoreImage) -> [RoutingTable]) throws -> ChipImage {
        var image = try compile("""
            network: placed
            duration: 3
            populations:
              src: {size: 1, model: SpikeSourceArray, spike_times: [0]}
              dst: {size: 1, model: IF_curr_exp, record: [spikes]}
            projections:
              - {pre: src, post: dst, connector: {type: OneToOneConnector}, synapse: {weight: 0.1, delay: 1}}
            """, target: machine).image
        image.cores[core(image, "src")].location = CoreLocation(chip: from, processor: 1)
        image.cores[core(image, "dst")].location = CoreLocation(chip: to, processor: 2)
        image.routingTables = tables(image.cores[core(image, "src")]).sorted { $0.chip < $1.chip }
        return image
    }

    /// The (first) core of the population named `name`.
    func core(_ image: ChipImage, _ name: String) -> Int {
        image.populations.first { $0.name == name }!.cores[0]
    }

    /// Runs an image in cycle timing and returns its packet trace.
    func trace(_ image: ChipImage, ticks: Int = 3) -> (events: [PacketEvent], report: CycleReport) {
        let engine = CycleTimingEngine(image: image, settings: CoreSettings(image: image), ticks: ticks)
        var events: [PacketEvent] = []
        engine.onPacket = { events.append($0) }
        for t in 0..<ticks { engine.advance(through: t) }
        return (events, engine.finish())
    }

    /// The arrival cycle of a packet sent at tick 0 by atom 0 of a source core, `hops` links
    /// away, with the default timing (200 MHz cores, 133 MHz routers), worked by hand:
    /// the timer callback (2000 cycles), atom 0's update (40), the router pipeline
    /// (5 router cycles → 8 CPU cycles), per hop a link packet (160 ns → 32), its flight
    /// (20 ns → 4) and the next router's pipeline (8), then the hand-over to the core
    /// (1 router cycle → 2) and its receive interrupt (40).
    func expectedArrival(hops: Int) -> Int { 2000 + 40 + 8 + hops * (32 + 4 + 8) + 2 + 40 }

    func entry(_ core: CoreImage, _ route: UInt32) -> RoutingEntry { RoutingEntry(key: core.keyBase, mask: core.keyMask, route: route) }

    func testRouteHopsAndArrivalCycleAcrossSpiNN3WithWrapAround() throws {
        let a = ChipCoordinate(x: 0, y: 0), b = ChipCoordinate(x: 1, y: 0), c = ChipCoordinate(x: 1, y: 1)
        // West from (0,0) wraps round to (1,0); north from there reaches (1,1).
        let image = try placed(on: .spinn3, from: a, to: c) { src in
            [RoutingTable(chip: a, entries: [self.entry(src, RoutingEntry.linkBit(.west))]),
             RoutingTable(chip: b, entries: [self.entry(src, RoutingEntry.linkBit(.north))]),
             RoutingTable(chip: c, entries: [self.entry(src, RoutingEntry.processorBit(2))])]
        }
        let (events, report) = trace(image)
        XCTAssertEqual(events.filter { $0.kind == .forwarded }.map(\.chip), [a, b, c])
        let arrival = try XCTUnwrap(events.first { $0.kind == .arrived })
        XCTAssertEqual(arrival.cycle, expectedArrival(hops: 2))
        XCTAssertEqual(arrival.core, core(image, "dst"))
        // Set-up (300 cycles), then a 16-byte row at 1 GB/s (4 cycles) before it is processed.
        XCTAssertEqual(events.first { $0.kind == .processed }?.cycle, expectedArrival(hops: 2) + 300 + 4)
        XCTAssertEqual(report.links.map(\.packets), [1, 1])
        XCTAssertTrue(report.balances)
    }

    func testRouteHopsAndArrivalCycleAcrossSpiNN5WithDefaultRouting() throws {
        let path: [(ChipCoordinate, Link?)] = [
            (ChipCoordinate(x: 0, y: 0), .east), (ChipCoordinate(x: 1, y: 0), nil), (ChipCoordinate(x: 2, y: 0), nil),
            (ChipCoordinate(x: 3, y: 0), nil), (ChipCoordinate(x: 4, y: 0), .northEast), (ChipCoordinate(x: 5, y: 1), nil),
            (ChipCoordinate(x: 6, y: 2), nil), (ChipCoordinate(x: 7, y: 3), .north), (ChipCoordinate(x: 7, y: 4), nil),
        ]
        // Entries only where the packet turns; the chips between send it straight on by default.
        let image = try placed(on: .spinn5, from: path[0].0, to: path[8].0) { src in
            path.compactMap { chip, link in link.map { RoutingTable(chip: chip, entries: [self.entry(src, RoutingEntry.linkBit($0))]) } }
                + [RoutingTable(chip: path[8].0, entries: [self.entry(src, RoutingEntry.processorBit(2))])]
        }
        let (events, report) = trace(image)
        XCTAssertEqual(events.filter { $0.kind == .forwarded }.map(\.chip), path.map(\.0))
        XCTAssertEqual(events.first { $0.kind == .arrived }?.cycle, expectedArrival(hops: 8))
        XCTAssertEqual(report.routers.reduce(0) { $0 + $1.defaultRouted }, 5)
        XCTAssertEqual(report.links.count, 8)
        XCTAssertTrue(report.balances)
    }

    func testOverlappingEntriesRouteByFirstMatch() throws {
        // Two source cores A and B. On their chip the first entry matches A's key block alone and
        // sends it east; the second covers both blocks and sends north. Under first match A goes
        // east only and B north only; any other rule sends A north too.
        var image = try compile("""
            network: overlap
            duration: 3
            populations:
              src: {size: 2, model: SpikeSourceArray, spike_times: [[0], [0]], neurons_per_core: 1}
              east: {size: 2, model: IF_curr_exp}
              north: {size: 2, model: IF_curr_exp}
            projections:
              - {pre: src, post: east, connector: {type: AllToAllConnector}, synapse: {weight: 0.1, delay: 1}}
              - {pre: src, post: north, connector: {type: AllToAllConnector}, synapse: {weight: 0.1, delay: 1}}
            """).image
        let a = ChipCoordinate(x: 0, y: 0), e = ChipCoordinate(x: 1, y: 0), n = ChipCoordinate(x: 0, y: 1)
        let sources = image.populations.first { $0.name == "src" }!.cores
        let (east, north) = (core(image, "east"), core(image, "north"))
        for (k, c) in sources.enumerated() { image.cores[c].location = CoreLocation(chip: a, processor: 1 + k) }
        image.cores[east].location = CoreLocation(chip: e, processor: 1)
        image.cores[north].location = CoreLocation(chip: n, processor: 1)
        let (blockA, blockB) = (image.cores[sources[0]], image.cores[sources[1]])
        let both = blockA.keyMask & ~(blockA.keyBase ^ blockB.keyBase)
        image.routingTables = [
            RoutingTable(chip: a, entries: [entry(blockA, RoutingEntry.linkBit(.east)),
                                            RoutingEntry(key: blockA.keyBase & both, mask: both, route: RoutingEntry.linkBit(.north))]),
            RoutingTable(chip: e, entries: [RoutingEntry(key: blockA.keyBase & both, mask: both, route: RoutingEntry.processorBit(1))]),
            RoutingTable(chip: n, entries: [RoutingEntry(key: blockA.keyBase & both, mask: both, route: RoutingEntry.processorBit(1))]),
        ]
        let (events, report) = trace(image)
        let processed = events.filter { $0.kind == .processed }.map { [$0.sourceCore, $0.core!] }
        XCTAssertEqual(processed.sorted { $0[0] < $1[0] }, [[sources[0], east], [sources[1], north]])
        XCTAssertTrue(report.balances)

        // An entry for a single key inside a core's block would route that core's neurons
        // differently, which neither engine models: such an image is refused.
        var split = try compile("""
            network: split
            duration: 3
            populations:
              src: {size: 4, model: SpikeSourceArray, spike_times: [0]}
              dst: {size: 4, model: IF_curr_exp}
            projections:
              - {pre: src, post: dst, connector: {type: AllToAllConnector}, synapse: {weight: 0.1, delay: 1}}
            """).image
        let whole = split.cores[core(split, "src")]
        XCTAssertNotEqual(whole.keyMask, 0xFFFF_FFFF, "a block of several keys")
        split.routingTables[0].entries.insert(RoutingEntry(key: whole.keyBase, mask: 0xFFFF_FFFF, route: 0), at: 0)
        XCTAssertThrowsError(try run(split, .cycle)) { error in
            XCTAssertTrue("\(error)".contains("matches only some of the keys of core"), "\(error)")
        }
    }

    // MARK: Load

    /// `atoms` sources firing every tick into 256 LIF neurons, all to all, on one core each.
    func loaded(atoms: Int) throws -> ChipImage {
        let everyTick = "[" + (0..<100).map(String.init).joined(separator: ", ") + "]"
        return try compile("""
            network: load\(atoms)
            duration: 100
            populations:
              src: {size: \(atoms), model: SpikeSourceArray, spike_times: [\(Array(repeating: everyTick, count: atoms).joined(separator: ", "))]}
              dst: {size: 256, model: IF_curr_exp, record: [spikes]}
            projections:
              - {pre: src, post: dst, connector: {type: AllToAllConnector}, synapse: {weight: 0.001, delay: 1}}
            """).image
    }

    func testACoreOverrunsAtTheLoadTheCostModelPredicts() throws {
        // Per tick the target core needs 2000 + 256 × 240 + atoms × (300 + 256 × 20) cycles:
        // 171,840 (86 % of 200,000) with 20 atoms, 226,040 (113 %) with 30.
        let light = try run(try loaded(atoms: 20), .cycle)
        XCTAssertEqual(light.summary.maxCoreLoad, 171_840.0 / 200_000, accuracy: 1e-9)
        XCTAssertEqual(light.summary.provenance.timerOverruns, 0)
        XCTAssertEqual(light.summary.provenance.lateSpikes, 0)
        XCTAssertNil(light.summary.advisedTimeScaleFactor)
        assertBalanced(light)

        let heavy = try run(try loaded(atoms: 30), .cycle)
        XCTAssertEqual(heavy.summary.maxCoreLoad, 226_040.0 / 200_000, accuracy: 1e-9)
        let p = heavy.summary.provenance
        XCTAssertGreaterThan(p.timerOverruns, 50)
        XCTAssertGreaterThan(p.backgroundOverloads, 0, "rows come first, so the updates fall behind until some are lost")
        XCTAssertEqual(p.lateSpikes, 0, "while the rows of a tick still fit in it")
        assertBalanced(heavy)
        let advised = try XCTUnwrap(heavy.summary.advisedTimeScaleFactor)
        XCTAssertEqual(advised, 2)
        XCTAssertTrue(heavy.summary.warnings.contains { $0.contains("raise time_scale_factor to 2 or more") && $0.contains("of 'dst' (") },
                      "\(heavy.summary.warnings)")

        let slowed = try run(try loaded(atoms: 30), .cycle, timeScaleFactor: advised)
        let q = slowed.summary.provenance
        XCTAssertEqual(q.timerOverruns + q.lateSpikes + q.inputBufferOverflows + q.backgroundOverloads, 0, "\(q)")
        XCTAssertEqual(slowed.spikes, try run(try loaded(atoms: 30), .ideal).spikes)
    }

    func testRowsBeyondTheBudgetArriveLateAndOverflowTheInputBuffer() throws {
        // 50 atoms: 50 × 5420 = 271,000 cycles of rows a tick, more than the tick, so the backlog
        // grows by about 13 packets a tick until the 256-packet input buffer overflows.
        let image = try loaded(atoms: 50)
        let report = try run(image, .cycle)
        let p = report.summary.provenance
        XCTAssertGreaterThan(p.lateSpikes, 100)
        XCTAssertEqual(p.skippedSynapses, p.lateSpikes * 256, "a late spike's delay of 1 tick has passed: colour correction skips it")
        XCTAssertGreaterThan(p.inputBufferOverflows, 0)
        assertBalanced(report)
        let advised = try XCTUnwrap(report.summary.advisedTimeScaleFactor)
        XCTAssertEqual(advised, (report.summary.maxCoreLoad * 1.2).rounded(.up), "a fifth to spare, rounded up")
        XCTAssertGreaterThanOrEqual(report.summary.maxCoreLoad, 334_440.0 / 200_000, "at least the demand of the packets it took in")
        let q = try run(image, .cycle, timeScaleFactor: advised).summary.provenance
        XCTAssertEqual(q.timerOverruns + q.lateSpikes + q.inputBufferOverflows + q.backgroundOverloads, 0, "\(q)")

        var colourless = image
        colourless.machine.timing.colourBits = 0
        let late = try run(colourless, .cycle).summary.provenance
        XCTAssertGreaterThan(late.lateSpikes, 100)
        XCTAssertEqual(late.skippedSynapses, 0, "without a colour the receiver cannot tell: it applies them late")
    }

    // MARK: A hot link

    /// 200 atoms on chip (0,0) all firing at tick 0 into a core on (1,0), over a link slowed to
    /// 5 µs a packet: longer than the router's wait (480 router cycles, 3.6 µs).
    func hotLink(reinjection: Bool) throws -> (RunReport, ChipImage) {
        var image = try compile("""
            network: hot
            duration: 20
            populations:
              src: {size: 200, model: SpikeSourceArray, spike_times: [0]}
              dst: {size: 10, model: IF_curr_exp}
            projections:
              - {pre: src, post: dst, connector: {type: AllToAllConnector}, synapse: {weight: 0.001, delay: 1}}
            """).image
        let a = ChipCoordinate(x: 0, y: 0), b = ChipCoordinate(x: 1, y: 0)
        image.cores[core(image, "src")].location = CoreLocation(chip: a, processor: 1)
        image.cores[core(image, "dst")].location = CoreLocation(chip: b, processor: 1)
        let src = image.cores[core(image, "src")]
        image.routingTables = [RoutingTable(chip: a, entries: [entry(src, RoutingEntry.linkBit(.east))]),
                               RoutingTable(chip: b, entries: [entry(src, RoutingEntry.processorBit(1))])]
        image.machine.timing.linkPacketNs = 5000
        image.machine.timing.reinjection = reinjection
        return (try run(image, .cycle), image)
    }

    func testAHotLinkDropsAndEveryCopyIsAccountedFor() throws {
        let (lossy, _) = try hotLink(reinjection: false)
        let p = lossy.summary.provenance, copies = try XCTUnwrap(lossy.summary.cycle?.copies)
        XCTAssertGreaterThan(p.droppedPackets, 50)
        XCTAssertEqual(copies.sent, 200)
        XCTAssertEqual(copies.lost, p.droppedPackets, "one core behind each packet")
        XCTAssertEqual(copies.sent, copies.arrived + copies.lost + copies.inFlight)
        XCTAssertEqual(copies.arrived, copies.rowsProcessed + copies.inputBufferOverflows + copies.queuedAtEnd + copies.invalidKeys)
        XCTAssertEqual(p.lostPacketCopies, copies.lost)
        XCTAssertTrue(lossy.summary.warnings.contains { $0.contains("dropped by routers (most at chip 0,0)") }, "\(lossy.summary.warnings)")

        let (recovered, _) = try hotLink(reinjection: true)
        let q = recovered.summary.provenance, k = try XCTUnwrap(recovered.summary.cycle?.copies)
        XCTAssertGreaterThan(q.droppedPackets, 50)
        XCTAssertGreaterThan(q.reinjectedPackets, 50)
        XCTAssertEqual(k.lost, 0, "the monitor re-sends every dropped packet")
        XCTAssertEqual(k.arrived, 200)
        XCTAssertTrue(k.balances)
    }
}
