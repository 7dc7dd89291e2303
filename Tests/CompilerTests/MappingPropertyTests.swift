import ChipSim
@testable import Compiler
import NeuriteTestSupport
import XCTest

/// Properties of the whole mapping on random networks and random machines (one board, SpiNN-3,
/// a triad of boards, rectangles; dead chips, links and cores; routers of a few dozen entries):
/// every synapse the connectors draw is delivered exactly once, with its weight and delay,
/// following the compiled routing tables, master population tables, rows and delay extensions
/// as the machine does.
final class MappingPropertyTests: XCTestCase {
    /// Every synapse of `network`, drawn by the connectors alone (no mapping), as the image should
    /// deliver it.
    func reference(_ network: NetworkSpec) -> [WalkedSynapse] {
        var out: [WalkedSynapse] = []
        for k in network.projections.indices {
            let p = network.projections[k]
            let expander = ProjectionExpander(network: network, projectionIndex: k)
            var scratch = ExpansionScratch(), counts = ExpansionCounts()
            for i in 0..<p.pre.count {
                expander.expand(pre: i, scratch: &scratch, counts: &counts) { s in
                    out.append(WalkedSynapse(sourcePopulation: p.pre.population, sourceNeuron: p.pre.neuron(i),
                                             targetPopulation: p.post.population, targetNeuron: p.post.neuron(Int(s.post)),
                                             type: p.receptor.rawValue, delay: Int(s.delayTicks), weightBits: s.weight.bitPattern, weight16: 0))
                }
            }
        }
        return out
    }

    /// Compiles, or nil when the machine cannot hold the network (too few cores, dead parts that
    /// cut it apart, tables that do not compress): random machines may be too small.
    func compileIfItFits(_ network: NetworkSpec, on machine: MachineDescription) throws -> Compilation? {
        do {
            return try NetworkCompiler.compile(network, target: machine)
        } catch let e as CompileError {
            let text = "\(e)"
            if text.contains("cut them apart") || text.contains("routing entries") || text.contains("application cores")
                || text.contains("working application cores") { return nil }
            throw e
        }
    }

    func testEverySynapseIsDeliveredOnceWithItsWeightAndDelay() throws {
        var compiled = 0, extended = 0, compressed = 0, deadParts = 0
        for seed in UInt64(1)...60 {
            let machine = RandomNetworks.anyMachine(seed: seed)
            let network = try NetworkParser.parse(RandomNetworks.yaml(seed: seed, maxSize: 120, maxDelay: 300), file: "r.yaml")
            guard let c = try compileIfItFits(network, on: machine) else { continue }
            compiled += 1
            extended += c.report.delayExtensionCores > 0 ? 1 : 0
            compressed += c.report.chipsCompressed > 0 ? 1 : 0
            deadParts += machine.deadChips.isEmpty && machine.deadLinks.isEmpty ? 0 : 1
            let (walked, problems) = ImageWalk.synapses(c.image)
            XCTAssertEqual(problems, [], "seed \(seed) on \(machine.name)")
            let got = walked.map { var s = $0; s.weight16 = 0; return s }.sorted()
            XCTAssertEqual(got, reference(network).sorted(), "seed \(seed) on \(machine.name)")
            // Each 16-bit weight is the full weight quantised with its core's shift.
            for s in walked.prefix(200) {
                let core = c.image.cores.first { $0.population == s.targetPopulation && $0.delayExtension == nil
                    && (s.targetNeuron - $0.firstNeuron) >= 0 && s.targetNeuron - $0.firstNeuron < $0.neuronCount }!
                XCTAssertEqual(s.weight16, WeightScaling.quantize(Double(bitPattern: s.weightBits), shift: core.synapses.shifts[s.type]))
            }
        }
        XCTAssertGreaterThan(compiled, 40, "\(compiled) compiled, \(extended) extended, \(compressed) compressed")
        XCTAssertGreaterThan(extended, 5, "the random networks should take delay extensions")
        XCTAssertGreaterThan(compressed, 2, "the random machines should force table compression")
        XCTAssertGreaterThan(deadParts, 5, "the random machines should have dead parts")
    }

    /// Ordered covering and default-route removal on the routers of random mappings: every key
    /// of every core reaches the same cores over the same routers before and after.
    func testMinimisationNeverChangesARoute() throws {
        var chipsCompressed = 0
        for seed in UInt64(1)...24 {
            var machine = RandomNetworks.anyMachine(seed: seed)
            machine.routerEntries = MachineDescription.maxCount
            let network = try NetworkParser.parse(RandomNetworks.yaml(seed: seed, maxSize: 200), file: "r.yaml")
            guard let image = try compileIfItFits(network, on: machine)?.image else { continue }
            let (full, minimised) = try RoutingPropertyTests.fullAndMinimisedTables(image, machine: machine, limit: 4)
            chipsCompressed += minimised.count { $0.value.entries.count < full[$0.key]!.entries.count }
            for core in image.cores where minimised.count == full.count {
                for key in [core.keyBase, core.keyBase | UInt32(core.neuronCount - 1)] {
                    let a = machine.route(key: key, from: core.location.chip, tables: full)
                    let b = machine.route(key: key, from: core.location.chip, tables: minimised)
                    XCTAssertEqual(a.destinations.sorted(), b.destinations.sorted(), "seed \(seed) key \(key)")
                    XCTAssertEqual(a.dropped, b.dropped, "seed \(seed) key \(key)")
                    XCTAssertEqual(Set(a.visitedChips), Set(b.visitedChips), "seed \(seed) key \(key)")
                }
            }
        }
        XCTAssertGreaterThan(chipsCompressed, 10)
    }

    /// Ordered covering on random tables of key blocks: keys of every block get the route they
    /// had; keys of no block may go anywhere (they never arrive).
    func testOrderedCoveringKeepsEveryKeysRoute() {
        var rng = RandomStream(seed: 7)
        var merged = 0
        for round in 0..<200 {
            let blocks = 4 + Int(rng.next() % 60)
            var used = Set<UInt32>()
            var table: [PlannedEntry] = []
            while table.count < blocks {
                let bits = UInt32(rng.next() % 4)
                let key = UInt32(rng.next() % 64) << 4
                guard used.insert(key).inserted else { continue }
                let route = UInt32(1) << UInt32(rng.next() % 3) | (rng.next() % 3 == 0 ? RoutingEntry.processorBit(1) : 0)
                table.append(PlannedEntry(key: key, mask: ~((UInt32(1) << bits) - 1), route: route, sources: UInt8(1) << UInt8(rng.next() % 7)))
            }
            let limit = 1 + Int(rng.next() % UInt64(blocks))
            guard let (entries, _) = RoutingTableCompressor.minimise(table, limit: limit) else { continue }
            merged += 1
            XCTAssertLessThanOrEqual(entries.count, limit)
            let compressed = RoutingTable(chip: ChipCoordinate(x: 0, y: 0), entries: entries)
            for e in table {
                for low in 0..<(~e.mask + 1) {
                    let key = e.key | low
                    let expected: UInt32? = RoutingTableCompressor.isDefaultRoutable(e) ? nil : e.route
                    let found = compressed.lookup(key)
                    if let expected {
                        XCTAssertEqual(found, expected, "round \(round) key \(key)")
                    } else if let found {
                        // A default-routable key may still match a merged entry of the same route.
                        XCTAssertEqual(found, e.route, "round \(round) key \(key)")
                    }
                }
            }
        }
        XCTAssertGreaterThan(merged, 60)
    }

    /// The image and its report do not depend on whether the synapses were drawn on one thread or
    /// on many.
    func testTheImageIsTheSameDrawnInParallelOrInSequence() throws {
        for seed in UInt64(1)...6 {
            let network = try NetworkParser.parse(RandomNetworks.yaml(seed: seed, maxDelay: 100), file: "r.yaml")
            let machine = RandomNetworks.machine(seed: seed)
            let parallel = try NetworkCompiler.compile(network, targets: [machine], options: CompileOptions(parallel: true))
            let sequential = try NetworkCompiler.compile(network, targets: [machine], options: CompileOptions(parallel: false))
            XCTAssertEqual(ChipImageCodec.encode(parallel.image), ChipImageCodec.encode(sequential.image), "seed \(seed)")
        }
    }
}
