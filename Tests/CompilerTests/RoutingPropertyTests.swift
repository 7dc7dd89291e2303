import ChipSim
@testable import Compiler
import NeuriteTestSupport
import XCTest

/// Properties of routing on random networks: every packet reaches exactly the cores that hold
/// synapses for it, once each, and nothing is dropped; removing default-routable entries never
/// changes where a packet goes.
final class RoutingPropertyTests: XCTestCase {
    func tables(_ image: ChipImage) -> [ChipCoordinate: RoutingTable] {
        Dictionary(uniqueKeysWithValues: image.routingTables.map { ($0.chip, $0) })
    }

    /// The image's tables before any minimisation, rebuilt from its placement and targets, and
    /// minimised for routers of `limit` entries.
    static func fullAndMinimisedTables(_ image: ChipImage, machine: MachineDescription, limit: Int) throws
        -> ([ChipCoordinate: RoutingTable], [ChipCoordinate: RoutingTable]) {
        let slices = image.cores.map {
            CoreSlice(population: $0.population, firstNeuron: $0.firstNeuron, count: $0.neuronCount, delay: $0.delayExtension,
                      location: $0.location, keyBase: $0.keyBase, keyMask: $0.keyMask)
        }
        var targets = [[Int]](repeating: [], count: image.cores.count)
        let coreOfKey = Dictionary(uniqueKeysWithValues: image.cores.enumerated().map { ($1.keyBase, $0) })
        for (c, core) in image.cores.enumerated() { for e in core.synapses.entries { targets[coreOfKey[e.key]!].append(c) } }
        let planned = try MulticastRouter.tables(slices: slices, targets: targets, machine: machine)
        var full: [ChipCoordinate: RoutingTable] = [:], minimised: [ChipCoordinate: RoutingTable] = [:]
        for (chip, entries) in planned {
            full[chip] = RoutingTable(chip: chip, entries: entries.map { RoutingEntry(key: $0.key, mask: $0.mask, route: $0.route) })
            let silent = slices.indices.filter { slices[$0].location.chip == chip && targets[$0].isEmpty }.map { (slices[$0].keyBase, slices[$0].keyMask) }
            if let small = RoutingTableCompressor.minimise(entries, unmatched: silent, limit: limit) {
                minimised[chip] = RoutingTable(chip: chip, entries: small.entries)
            }
        }
        return (full, minimised)
    }

    func expectedTargets(_ image: ChipImage) -> [UInt32: [CoreLocation]] {
        var result: [UInt32: [CoreLocation]] = [:]
        for core in image.cores { for e in core.synapses.entries { result[e.key, default: []].append(core.location) } }
        return result
    }

    func testPacketsReachExactlyTheirTargetsOnce() throws {
        var crossedChips = 0
        for seed in UInt64(1)...24 {
            let machine = RandomNetworks.machine(seed: seed)
            let image = try NetworkCompiler.compile(try NetworkParser.parse(RandomNetworks.yaml(seed: seed), file: "r.yaml"), target: machine).image
            let expected = expectedTargets(image)
            let t = tables(image)
            for core in image.cores {
                let outcome = machine.route(key: core.keyBase, from: core.location.chip, tables: t)
                let want = expected[core.keyBase] ?? []
                if want.isEmpty {
                    XCTAssertTrue(outcome.destinations.isEmpty, "seed \(seed): core \(core.location) has no targets but reaches \(outcome.destinations)")
                    continue
                }
                XCTAssertEqual(outcome.dropped, 0, "seed \(seed) core \(core.location)")
                XCTAssertEqual(outcome.destinations.sorted(), want.sorted(), "seed \(seed) core \(core.location)")
                XCTAssertEqual(Set(outcome.destinations).count, outcome.destinations.count, "a core reached twice")
                if Set(outcome.visitedChips).count > 1 { crossedChips += 1 }
            }
            for table in image.routingTables { XCTAssertLessThanOrEqual(table.entries.count, machine.routerEntries) }
        }
        XCTAssertGreaterThan(crossedChips, 20, "the random networks should exercise multi-chip routes")
    }

    func testDefaultRouteRemovalNeverChangesARoute() throws {
        var removedTotal = 0
        for seed in UInt64(1)...24 {
            let machine = RandomNetworks.machine(seed: seed)
            let image = try NetworkCompiler.compile(try NetworkParser.parse(RandomNetworks.yaml(seed: seed), file: "r.yaml"), target: machine).image
            // Rebuild the full tables from the image's placement and targets.
            let (full, minimised) = try Self.fullAndMinimisedTables(image, machine: machine, limit: machine.routerEntries)
            let before = full.values.reduce(0) { $0 + $1.entries.count }, after = minimised.values.reduce(0) { $0 + $1.entries.count }
            removedTotal += before - after
            for core in image.cores {
                let a = machine.route(key: core.keyBase, from: core.location.chip, tables: full)
                let b = machine.route(key: core.keyBase, from: core.location.chip, tables: minimised)
                XCTAssertEqual(a.destinations.sorted(), b.destinations.sorted(), "seed \(seed) core \(core.location)")
                XCTAssertEqual(a.dropped, b.dropped)
                XCTAssertEqual(a.routerCrossings, b.routerCrossings)
            }
        }
        XCTAssertGreaterThan(removedTotal, 0, "the random networks should have default-routable entries")
    }

    func testRouterSemantics() {
        let m = MachineDescription.spinn5
        let a = ChipCoordinate(x: 0, y: 0), b = ChipCoordinate(x: 1, y: 0), c = ChipCoordinate(x: 2, y: 0)
        // a → east → b (no entry: default routed straight on) → c delivers to core 3.
        var tables: [ChipCoordinate: RoutingTable] = [
            a: RoutingTable(chip: a, entries: [RoutingEntry(key: 0x100, mask: 0xFFFF_FF00, route: RoutingEntry.linkBit(.east))]),
            c: RoutingTable(chip: c, entries: [RoutingEntry(key: 0x100, mask: 0xFFFF_FF00, route: RoutingEntry.processorBit(3))]),
        ]
        let r = m.route(key: 0x105, from: a, tables: tables)
        XCTAssertEqual(r.destinations, [CoreLocation(chip: c, processor: 3)])
        XCTAssertEqual(r.defaultRouted, 1)
        XCTAssertEqual(r.routerCrossings, 3)
        XCTAssertEqual(r.visitedChips, [a, b, c])
        // A locally sourced packet that matches nothing is dropped.
        XCTAssertEqual(m.route(key: 0x205, from: a, tables: tables).dropped, 1)
        // First match wins.
        tables[c]!.entries.insert(RoutingEntry(key: 0x104, mask: 0xFFFF_FFFC, route: RoutingEntry.processorBit(5)), at: 0)
        XCTAssertEqual(m.route(key: 0x105, from: a, tables: tables).destinations, [CoreLocation(chip: c, processor: 5)])
        XCTAssertEqual(m.route(key: 0x101, from: a, tables: tables).destinations, [CoreLocation(chip: c, processor: 3)])
        // Multicast: one entry, two links and a core.
        tables[a]!.entries[0].route |= RoutingEntry.linkBit(.north) | RoutingEntry.processorBit(2)
        let fan = m.route(key: 0x101, from: a, tables: tables)
        XCTAssertEqual(Set(fan.destinations), [CoreLocation(chip: a, processor: 2), CoreLocation(chip: c, processor: 3)])
        // The northbound copy matches nothing on (0,1)…(0,3), is default-routed north each time,
        // and is dropped where the SpiNN-5 hexagon ends ((0,4) does not exist).
        XCTAssertEqual(fan.dropped, 1)
        XCTAssertEqual(fan.defaultRouted, 4)
    }

    /// A crafted table that sends a key out of every link of every chip is a routing loop: the
    /// walk visits each (chip, arrival link) once and counts the copies that come back as dropped.
    func testRoutingLoopsEndAndCountDrops() {
        let m = MachineDescription(name: "t", layout: .rectangle, width: 4, height: 4, wrapsAround: true)
        let everyLink = Link.allCases.reduce(UInt32(0)) { $0 | RoutingEntry.linkBit($1) }
        let tables = Dictionary(uniqueKeysWithValues: m.chips.map {
            ($0, RoutingTable(chip: $0, entries: [RoutingEntry(key: 0x100, mask: 0xFFFF_FF00, route: everyLink)]))
        })
        let outcome = m.route(key: 0x101, from: ChipCoordinate(x: 0, y: 0), tables: tables)
        XCTAssertEqual(Set(outcome.visitedChips).count, 16)
        XCTAssertLessThanOrEqual(outcome.visitedChips.count, 16 * 7)
        XCTAssertGreaterThan(outcome.dropped, 0)
        XCTAssertTrue(outcome.destinations.isEmpty)
    }
}
