import ChipSim
@testable import Compiler
import Foundation
import NeuriteTestSupport
import XCTest

/// The mapper's choices (machine, neurons per core, placement) and the messages of networks that
/// cannot be mapped, in words a PyNN user knows.
final class MappingTests: XCTestCase {
    func parse(_ yaml: String) throws -> NetworkSpec { try NetworkParser.parse(yaml, file: "m.yaml") }

    func testAutoTakesTheFewestBoardsThatHoldTheNetwork() throws {
        let small = try NetworkCompiler.compile(try parse("populations:\n  a: {size: 1000, model: IF_curr_exp}\n"),
                                                targets: try TargetParser.candidates("auto"))
        XCTAssertEqual(small.report.target, "spinn-5")
        XCTAssertEqual(small.report.targetChoice, "auto")
        XCTAssertTrue(small.report.summary.contains("target                auto: spinn-5, the fewest SpiNN-5 boards that hold the network"))
        // 900 cores: more than one board's 816.
        let large = try NetworkCompiler.compile(try parse("populations:\n  a: {size: 230400, model: IF_curr_exp}\n"),
                                                targets: try TargetParser.candidates("auto"))
        XCTAssertEqual(large.report.target, "spinn-5x3")
        XCTAssertEqual(large.report.boards, 3)
        XCTAssertEqual(large.report.boardsUsed, 3)
        XCTAssertEqual(large.image.machine, .spinn5Triads(across: 1, down: 1))
        XCTAssertTrue(large.report.summary.contains("boards used           3 of 3"), large.report.summary)
    }

    /// Nothing sits on a dead chip or core, and no packet crosses a dead chip or link.
    func testPlacementAndRoutesAvoidDeadParts() throws {
        var machine = MachineDescription.spinn5
        machine.maxNeuronsPerCore = 16
        machine.deadChips = [ChipCoordinate(x: 1, y: 1), ChipCoordinate(x: 2, y: 0)]
        machine.deadLinks = [ChipLink(chip: ChipCoordinate(x: 0, y: 0), link: .north), ChipLink(chip: ChipCoordinate(x: 2, y: 1), link: .east)]
        machine.deadCores = (1...17).map { CoreLocation(chip: ChipCoordinate(x: 0, y: 1), processor: $0) }
        let network = try parse(RandomNetworks.yaml(seed: 3, maxSize: 300))
        let c = try NetworkCompiler.compile(network, target: machine)
        for core in c.image.cores {
            XCTAssertFalse(machine.deadChips.contains(core.location.chip))
            XCTAssertFalse(machine.deadCores.contains(core.location))
        }
        let (walked, problems) = ImageWalk.synapses(c.image)
        XCTAssertEqual(problems, [])
        XCTAssertFalse(walked.isEmpty)
        let dead = Set(machine.deadChips)
        let tables = Dictionary(uniqueKeysWithValues: c.image.routingTables.map { ($0.chip, $0) })
        for core in c.image.cores {
            let route = machine.route(key: core.keyBase, from: core.location.chip, tables: tables)
            XCTAssertTrue(dead.isDisjoint(with: route.visitedChips))
        }
        // A machine cut in two by dead chips cannot connect its halves.
        var cut = MachineDescription(name: "cut", layout: .rectangle, width: 3, height: 1, wrapsAround: false)
        cut.maxNeuronsPerCore = 1
        cut.deadChips = [ChipCoordinate(x: 1, y: 0)]
        XCTAssertThrowsError(try NetworkCompiler.compile(try parse("""
        populations:
          a: {size: 17, model: IF_curr_exp}
          b: {size: 17, model: IF_curr_exp}
        projections:
          - {pre: a, post: b, connector: {type: OneToOneConnector}, synapse: {weight: 1}}
        """), target: cut)) { XCTAssertTrue("\($0)".contains("no route from chip (0,0) to chip (2,0) on target 'cut': dead chips or links cut them apart"), "\($0)") }
    }

    /// A spike source that feeds one population one to one sits on the chips of the cores it
    /// feeds, and connected populations on neighbouring chips.
    func testConnectedCoresSitTogether() throws {
        var lines = ["populations:"]
        for p in 0..<6 {
            lines.append("  c\(p): {size: 200, model: IF_curr_exp}")
            lines.append("  s\(p): {size: 200, model: SpikeSourcePoisson, params: {rate: 10}}")
        }
        lines.append("projections:")
        for p in 0..<6 {
            lines.append("  - {pre: s\(p), post: c\(p), connector: {type: OneToOneConnector}, synapse: {weight: 0.1}}")
            lines.append("  - {pre: c\(p), post: c\((p + 1) % 6), connector: {type: FixedProbabilityConnector, p_connect: 0.1}, synapse: {weight: 0.1}}")
        }
        var machine = MachineDescription.spinn5
        machine.maxNeuronsPerCore = 32
        let image = try NetworkCompiler.compile(try parse(lines.joined(separator: "\n")), target: machine).image
        for core in image.cores where image.populations[core.population].model == .spikeSourcePoisson {
            let fed = image.cores.filter {
                image.populations[$0.population].name == "c" + image.populations[core.population].name.dropFirst()
                    && $0.firstNeuron <= core.firstNeuron && core.firstNeuron < $0.firstNeuron + $0.neuronCount
            }
            XCTAssertEqual(fed.map(\.location.chip), [core.location.chip], "source core \(core.location)")
        }
        // The chain c0 → c1 → … spans at most a few hops between neighbours.
        for p in 0..<6 {
            let a = image.populations[2 * p].cores.map { image.cores[$0].location.chip }
            let b = image.populations[2 * ((p + 1) % 6)].cores.map { image.cores[$0].location.chip }
            let nearest = a.map { x in b.map { MulticastRouter.distance(x, $0, machine) }.min()! }.min()!
            XCTAssertLessThanOrEqual(nearest, 2, "c\(p) and its target")
        }
    }

    /// More entries with different routes than a router holds: the error names the chip, the
    /// size it would need and the projections whose packets need the entries.
    func testATableThatCannotCompressNamesTheChipAndTheProjections() throws {
        var lines = ["populations:"], projections = ["projections:"]
        for p in 0..<6 {
            lines.append("  in\(p): {size: 1, model: SpikeSourceArray, spike_times: [1]}")
            lines.append("  out\(p): {size: 1, model: IF_curr_exp}")
            projections.append("  - {label: feed\(p), pre: in\(p), post: out\(p), connector: {type: OneToOneConnector}, synapse: {weight: 1}}")
        }
        var machine = MachineDescription(name: "one-chip", layout: .rectangle, width: 1, height: 1, wrapsAround: false)
        machine.routerEntries = 4
        XCTAssertThrowsError(try NetworkCompiler.compile(try parse((lines + projections).joined(separator: "\n")), target: machine)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("chip (0,0) needs 6 routing entries for the packets that cross it, and ordered covering cannot bring them under the 4 its router holds"), text)
            XCTAssertTrue(text.contains("'feed0' (1 source cores)"), text)
        }
        // With 8 entries it fits uncompressed; with 5, ordered covering cannot merge routes that differ.
        machine.routerEntries = 6
        XCTAssertEqual(try NetworkCompiler.compile(try parse((lines + projections).joined(separator: "\n")), target: machine).report.maxRoutingEntries, 6)
    }

    /// Routes that agree compress: a source population feeding one target core from another chip.
    func testOrderedCoveringMakesATableFit() throws {
        var machine = MachineDescription(name: "two-chips", layout: .rectangle, width: 2, height: 1, wrapsAround: false)
        machine.maxNeuronsPerCore = 1
        machine.routerEntries = 3
        let c = try NetworkCompiler.compile(try parse("""
        populations:
          a: {size: 20, model: SpikeSourceArray, spike_times: [1]}
          b: {size: 1, model: IF_curr_exp}
        projections:
          - {pre: a, post: b, connector: {type: AllToAllConnector}, synapse: {weight: 1}}
        """), target: machine)
        XCTAssertGreaterThan(c.report.chipsCompressed, 0)
        XCTAssertGreaterThan(c.report.maxRoutingEntriesBefore, 3)
        XCTAssertLessThanOrEqual(c.report.maxRoutingEntries, 3)
        XCTAssertEqual(ImageWalk.synapses(c.image).synapses.count, 20)
    }

    /// A core whose master population table alone outgrows its DTCM, at any size.
    func testACoreReceivingFromTooManySourceCoresSaysSo() throws {
        var lines = ["populations:", "  b: {size: 10, model: IF_curr_exp}"], projections = ["projections:"]
        for p in 0..<150 {
            lines.append("  s\(p): {size: 1, model: SpikeSourceArray, spike_times: [1]}")
            projections.append("  - {pre: s\(p), post: b, connector: {type: AllToAllConnector}, synapse: {weight: 1}}")
        }
        var machine = MachineDescription.spinn5
        machine.memory.dtcmBytes = 5000
        XCTAssertThrowsError(try NetworkCompiler.compile(try parse((lines + projections).joined(separator: "\n")), target: machine)) { error in
            XCTAssertTrue("\(error)".contains("each core of 'b' receives from about 150 source cores: its master population table alone needs 3000 bytes of DTCM, and a core has 5000; use fewer, larger source cores"), "\(error)")
        }
    }

    /// A core too full for what it asks: fewer neurons per core, said in the summary.
    func testNeuronsPerCoreShrinkToFitDTCM() throws {
        var machine = MachineDescription.spinn5
        machine.memory.dtcmBytes = 12000
        let c = try NetworkCompiler.compile(try parse("""
        populations:
          s: {size: 10, model: SpikeSourceArray, spike_times: [1]}
          b: {size: 300, model: IF_curr_exp}
        projections:
          - {pre: s, post: b, connector: {type: AllToAllConnector}, synapse: {weight: 1, delay: 30}}
        """), target: machine)
        let b = c.report.populations.first { $0.name == "b" }!
        XCTAssertLessThan(b.neuronsPerCore, 256)
        XCTAssertEqual(b.fewerNeuronsPerCoreBecause, "DTCM")
        XCTAssertTrue(c.report.summary.contains("b: \(b.neuronsPerCore) neurons per core (DTCM)"))
        XCTAssertTrue(c.report.cores.allSatisfy { $0.dtcmBytes <= 12000 })
    }

    /// A core whose synaptic matrix would not fit a chip's SDRAM: fewer neurons per core, and
    /// every chip within its SDRAM.
    func testNeuronsPerCoreShrinkToFitAChipsSDRAM() throws {
        var machine = MachineDescription.spinn5
        machine.sdramBytesPerChip = 200_000
        let c = try NetworkCompiler.compile(try parse("""
        populations:
          s: {size: 400, model: SpikeSourceArray, spike_times: [1]}
          b: {size: 400, model: IF_curr_exp}
        projections:
          - {pre: s, post: b, connector: {type: AllToAllConnector}, synapse: {weight: 0.01}}
        """), target: machine)
        let b = c.report.populations.first { $0.name == "b" }!
        XCTAssertLessThan(b.neuronsPerCore, 256)
        XCTAssertEqual(b.fewerNeuronsPerCoreBecause, "SDRAM")
        var perChip: [String: Int] = [:]
        for core in c.report.cores { perChip[core.location.split(separator: ",").prefix(2).joined(separator: ","), default: 0] += core.sdramBytes }
        XCTAssertTrue(perChip.values.allSatisfy { $0 <= 200_000 }, "\(perChip)")
        XCTAssertEqual(ImageWalk.synapses(c.image).synapses.count, 160_000)
    }

    /// One source neuron with more synapses onto one neuron than a row holds cannot be split.
    func testAnOverfullRowSaysSo() throws {
        let rows = (0..<300).map { _ in "[0, 0]" }.joined(separator: ", ")
        XCTAssertThrowsError(try NetworkCompiler.compile(try parse("""
        populations:
          a: {size: 1, model: SpikeSourceArray, spike_times: [1]}
          b: {size: 2, model: IF_curr_exp}
        projections:
          - {pre: a, post: b, connector: {type: FromListConnector, connections: [\(rows)]}, synapse: {weight: 0.01}}
        """), target: .spinn5)) { error in
            XCTAssertTrue("\(error)".contains("a neuron of 'a' has 300 synapses onto a single neuron of 'b'; a synaptic row holds at most 256"), "\(error)")
        }
    }

    /// The report's predicted cycles per tick follow from the image: the cost model over the
    /// packets (every atom of every source core that reaches the core) and synaptic events (every
    /// synapse) at the sources' expected rates.
    func testThePredictedLoadFollowsFromTheImage() throws {
        let c = try NetworkCompiler.compile(try parse("""
        timestep: 0.5
        populations:
          p: {size: 100, model: SpikeSourcePoisson, params: {rate: 40}}
          a: {size: 300, model: IF_curr_exp, spikes_per_second: 5}
        projections:
          - {pre: p, post: a, connector: {type: FixedProbabilityConnector, p_connect: 0.2}, synapse: {weight: 0.1, delay: {uniform: [1, 90]}}}
          - {pre: a, post: a, connector: {type: FixedProbabilityConnector, p_connect: 0.1}, synapse: {weight: 0.1, delay: {uniform: [1, 90]}}}
        """), target: .spinn5)
        let costs = c.image.machine.costs
        XCTAssertGreaterThan(c.report.delayExtensionCores, 0)
        for (ci, core) in c.image.cores.enumerated() {
            let rate: (Int) -> Double = { c.image.populations[c.image.cores[$0].population].model == .spikeSourcePoisson ? 40 * 0.5 / 1000 : 5 * 0.5 / 1000 }
            var packets = 0.0, events = 0.0
            for e in core.synapses.entries {
                let source = c.image.cores.firstIndex { $0.keyBase == e.key }!
                packets += Double(e.rows) * rate(source)
                for r in 0..<Int(e.rows) { events += Double(core.synapses.row(e, r).count) * rate(source) }
            }
            let perAtom = core.delayExtension != nil || c.image.populations[core.population].model.isSource ? costs.sourceAtomCycles : costs.lifNeuronCycles
            let cycles = Double(costs.tickOverheadCycles + perAtom * core.neuronCount) + packets * Double(costs.rowCycles) + events * Double(costs.synapticEventCycles)
            let reported = c.report.cores[ci]
            XCTAssertEqual(reported.predictedCycles, cycles, accuracy: 1e-6 * cycles)
            XCTAssertEqual(reported.predictedLoad, cycles / 100_000, accuracy: 1e-9)
            XCTAssertEqual(reported.sdramBytes, core.synapses.sdramBytes)
            XCTAssertEqual(reported.incomingSynapses, core.synapses.words.count)
        }
        for table in c.report.routingTables {
            XCTAssertEqual(table.after, c.report.routingEntries[table.chip] ?? 0)
            XCTAssertLessThanOrEqual(table.after, table.before)
        }
    }
}
