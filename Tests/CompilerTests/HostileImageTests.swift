import ChipSim
@testable import Compiler
import XCTest

/// Crafted images whose checksums match but which mean something other than a compiled network:
/// each is refused by the loader with a message naming the section and what is wrong, never run.
final class HostileImageTests: XCTestCase {
    static let yaml = """
    network: crafted
    seed: 4
    populations:
      src: {size: 20, model: SpikeSourceArray, spike_times: [1, 5]}
      exc: {size: 300, model: IF_curr_exp}
      inh: {size: 50, model: IF_cond_exp}
    projections:
      - {pre: src, post: exc, connector: {type: FixedProbabilityConnector, p_connect: 0.3}, synapse: {weight: 0.5, delay: 2}}
      - {pre: exc, post: inh, connector: {type: FixedProbabilityConnector, p_connect: 0.1}, synapse: {weight: 0.004, delay: 1}}
      - {pre: inh, post: exc, connector: {type: AllToAllConnector}, synapse: {weight: -0.05, delay: 1}, receptor: inhibitory}
    """

    func refuse(_ what: String, _ fragment: String, file: StaticString = #filePath, line: UInt = #line, _ mutate: (inout ChipImage) -> Void) throws {
        var image = try compile(Self.yaml).image
        mutate(&image)
        let bytes = ChipImageCodec.encode(image)
        var messages: [String] = []
        // One thread and several check the matrices in another order; the message is the same.
        for workers in [1, 3] {
            XCTAssertThrowsError(try ChipImageCodec.decode(bytes, workers: workers), what, file: file, line: line) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(what): \(error)", file: file, line: line)
                messages.append("\(error)")
            }
        }
        XCTAssertEqual(Set(messages).count, 1, "\(what): \(messages)", file: file, line: line)
    }

    func testTheCompiledImageLoads() throws {
        let image = try compile(Self.yaml).image
        XCTAssertEqual(try ChipImageCodec.decode(ChipImageCodec.encode(image)), image)
        XCTAssertEqual(try ChipImageCodec.decode(ChipImageCodec.encode(image), workers: 3), image)
    }

    /// Two cores' matrices broken at once: the first core's problem is the one reported, on
    /// one thread or several (the matrices are checked side by side, their findings thrown in
    /// core order).
    func testTheFirstBrokenCoreIsReportedOnAnyNumberOfThreads() throws {
        var image = try compile(Self.yaml).image
        let withSynapses = image.cores.indices.filter { !image.cores[$0].synapses.words.isEmpty }
        XCTAssertGreaterThanOrEqual(withSynapses.count, 2)
        let (first, last) = (withSynapses.first!, withSynapses.last!)
        image.cores[last].synapses.entries.reverse()
        image.cores[first].synapses.shifts = [0]
        let bytes = ChipImageCodec.encode(image)
        for workers in [1, 2, 5] {
            XCTAssertThrowsError(try ChipImageCodec.decode(bytes, workers: workers)) { error in
                XCTAssertTrue("\(error)".contains("core \(first) has an impossible ring-buffer layout"), "\(workers) workers: \(error)")
            }
        }
        image.cores[first].synapses.shifts = [0, 0]
        XCTAssertThrowsError(try ChipImageCodec.decode(ChipImageCodec.encode(image), workers: 2)) { error in
            XCTAssertTrue("\(error)".contains("core \(last)'s"), "\(error)")
        }
    }

    func testStructureOfCoresAndPopulations() throws {
        try refuse("two cores on one processor", "two cores sit on processor") { $0.cores[1].location = $0.cores[0].location }
        try refuse("two cores with one key", "share keys") { $0.cores[2].keyBase = $0.cores[1].keyBase }
        try refuse("overlapping neuron ranges", "starts at neuron") { $0.cores[2].firstNeuron = 100 }
        try refuse("a core list that repeats a core", "lists core 1 twice") { $0.populations[1].cores.append(1) }
        try refuse("a core list that omits a core", "its cores hold 256") { $0.populations[1].cores.removeLast() }
        try refuse("an empty core list", "its cores hold 0") { image in
            image.populations[0].cores = []
        }
        try refuse("duplicate population names", "two populations are named 'exc'") { $0.populations[2].name = "exc" }
        try refuse("a negative size", "has size -5") { $0.populations[0].size = -5 }
        try refuse("a size-0 population", "has size 0") { $0.populations[0].size = 0 }
        try refuse("a key block too small for its neurons", "do not give its") { $0.cores[1].keyMask = 0xFFFF_FFF0 }
    }

    /// Delay extensions, dead parts and DTCM (format 2.0).
    func testDelayExtensionsDeadPartsAndDTCM() throws {
        let long = Self.yaml.replacingOccurrences(of: "synapse: {weight: 0.5, delay: 2}", with: "synapse: {weight: 0.5, delay: 90}")
        func refuseLong(_ what: String, _ fragment: String, _ mutate: (inout ChipImage) -> Void) throws {
            var image = try compile(long).image
            XCTAssertTrue(image.cores.contains { $0.delayExtension != nil }, "the crafted network has delay extensions")
            mutate(&image)
            XCTAssertThrowsError(try ChipImageCodec.decode(ChipImageCodec.encode(image)), what) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(what): \(error)")
            }
        }
        func relay(_ image: ChipImage) -> Int { image.cores.firstIndex { $0.delayExtension != nil }! }
        XCTAssertEqual(try ChipImageCodec.decode(ChipImageCodec.encode(try compile(long).image)), try compile(long).image)
        try refuseLong("a relay from itself", "relays from core") { image in
            let d = relay(image)
            image.cores[d].delayExtension!.source = d
        }
        try refuseLong("a relay of stage 0", "relays from core") { image in image.cores[relay(image)].delayExtension!.stage = 0 }
        try refuseLong("a relay from another population", "relays from core") { image in
            let d = relay(image)
            image.cores[d].delayExtension!.source = image.cores.firstIndex { $0.population != image.cores[d].population }!
        }
        try refuseLong("a relay with neuron state", "it needs 0 of") { image in
            let d = relay(image)
            image.cores[d].initialState = [Array(repeating: -65, count: image.cores[d].neuronCount)]
        }
        try refuseLong("a relay with spike times", "has events") { image in
            image.cores[relay(image)].sourceEvents = [SourceEvent(tick: 1, neuron: 0)]
        }
        try refuse("a core on a dead chip", "not a working application core") { image in image.machine.deadChips = [image.cores[0].location.chip] }
        try refuse("a core on a dead core", "not a working application core") { image in image.machine.deadCores = [image.cores[0].location] }
        try refuse("a core beyond its DTCM", "bytes of DTCM") { image in image.machine.memory.dtcmBytes = 4000 }
    }

    func testMachineAndRouting() throws {
        try refuse("SDRAM of 0", "sdram_bytes of 0; a machine needs at least 1") { $0.machine.sdramBytesPerChip = 0 }
        try refuse("two routing tables for one chip", "two tables for chip") { $0.routingTables.append($0.routingTables[0]) }
        try refuse("more entries than the router holds", "its router holds") { image in
            let e = image.routingTables[0].entries[0]
            image.routingTables[0].entries += Array(repeating: e, count: 5017)
        }
        try refuse("a core whose key no table routes", "no route brings its packets there") { image in
            let muted = image.cores[1].keyBase
            for t in image.routingTables.indices { image.routingTables[t].entries.removeAll { $0.key == muted } }
        }
        try refuse("a routing entry no key can match", "which no packet matches") { $0.routingTables[0].entries[0].key |= 0x7 }
    }

    func testSynapsesAndSources() throws {
        try refuse("unsorted spike-source events", "not sorted by tick") { image in
            let c = image.cores.firstIndex { !$0.sourceEvents.isEmpty }!
            image.cores[c].sourceEvents.reverse()
        }
        try refuse("events on a cell core", "not a spike source array") { $0.cores[1].sourceEvents = [SourceEvent(tick: 1, neuron: 0)] }
        /// The first full-precision weight of the first core with synapses, whichever way it keeps them.
        func setFirstFloatWeight(_ image: inout ChipImage, _ value: Double) {
            let c = image.cores.firstIndex { !$0.synapses.words.isEmpty }!
            switch image.cores[c].synapses.floatWeights {
            case .perWord(var w): w[0] = value; image.cores[c].synapses.floatWeights = .perWord(w)
            case .byWeightField(var t): t.values[0] = value; image.cores[c].synapses.floatWeights = .byWeightField(t)
            case .absent: XCTFail("the image has float weights")
            }
        }
        try refuse("a non-finite float weight", "expected a finite value") { setFirstFloatWeight(&$0, .nan) }
        try refuse("an infinite float weight", "expected a finite value") { setFirstFloatWeight(&$0, .infinity) }
        try refuse("a weight table without a synapse's weight", "has no weight for the synapse word") { image in
            let c = image.cores.firstIndex { !$0.synapses.words.isEmpty }!
            image.cores[c].synapses.floatWeights = .byWeightField(WeightTable(keys: [], values: []))
        }
        try refuse("float weights that do not match the words", "synapse weights") { image in
            let c = image.cores.firstIndex { !$0.synapses.words.isEmpty }!
            image.cores[c].synapses.floatWeights = .perWord([])
        }
        try refuse("a row longer than the target's rows", "the target's rows hold") { image in
            image.machine.maxRowWords = 2
        }
        try refuse("a table entry for a key no core has", "names no core") { image in
            let c = image.cores.firstIndex { !$0.synapses.entries.isEmpty }!
            image.cores[c].synapses.entries[image.cores[c].synapses.entries.count - 1].key = 0x7F00_0000
        }
        try refuse("a Poisson source beyond the spike volume", "spikes per atom and tick") { image in
            image.populations[0].model = .spikeSourcePoisson
            image.populations[0].parameters = ["rate": 1e6, "start": 0, "duration": 1e10]
            image.network.timestepMs = 1000
            image.network.durationMs = 1000
            for c in image.populations[0].cores { image.cores[c].sourceEvents = [] }
        }
    }

    /// The section directory: each section once, back to back, nothing after the last.
    func testSectionDirectory() throws {
        let bytes = ChipImageCodec.encode(try compile(Self.yaml).image)
        XCTAssertThrowsError(try ChipImageCodec.decode(bytes + [0, 1, 2])) { XCTAssertTrue("\($0)".contains("3 bytes follow the last section"), "\($0)") }
        // Repeat the first section's directory entry over the second's, with a valid header checksum.
        var twice = bytes
        let first = Array(bytes[12..<36])
        twice.replaceSubrange(36..<60, with: first)
        let sections = try ChipImageCodec.sections(of: bytes)
        let headerEnd = 12 + 24 * sections.count
        let crc = CRC32.checksum(twice[0..<headerEnd])
        twice.replaceSubrange(headerEnd..<headerEnd + 4, with: withUnsafeBytes(of: crc.littleEndian, Array.init))
        XCTAssertThrowsError(try ChipImageCodec.decode(twice)) { XCTAssertTrue("\($0)".contains("appears twice"), "\($0)") }
    }

    /// A subnormal weight, inline or from a FromList file, compiles (the foundation trapped in
    /// `log2`) and rounds to zero with a warning.
    func testSubnormalWeightsCompile() throws {
        let inline = try compile("""
        populations:
          a: {size: 2, model: IF_curr_exp}
        projections:
          - {pre: a, post: a, connector: {type: AllToAllConnector}, synapse: {weight: 1e-320}}
        """)
        XCTAssertEqual(inline.report.weightsRoundedToZero, 4)
        XCTAssertTrue(inline.warnings.contains { $0.message.contains("round to zero") })
        let dir = NSTemporaryDirectory() + "/neurite-subnormal-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "0 1 1e-320\n1 0 4.9e-324\n".write(toFile: dir + "/list.txt", atomically: true, encoding: .utf8)
        let listed = try NetworkCompiler.compile(try NetworkParser.parse("""
        populations:
          a: {size: 2, model: IF_curr_exp}
        projections:
          - {pre: a, post: a, connector: {type: FromListConnector, file: list.txt}, synapse: {weight: 0.1}}
        """, file: dir + "/net.yaml", baseDirectory: dir), target: .spinn5)
        XCTAssertEqual(listed.report.weightsRoundedToZero, 2)
    }

    /// Nested merge keys (`<<: [*m, *m, …]`, ten per level, nine levels) would expand to 10^9
    /// entries: refused at once, not read for minutes.
    func testMergeKeyBombIsRefusedQuickly() throws {
        let start = Date()
        XCTAssertThrowsError(try NetworkParser.parse(contentsOf: fixturePath("hostile/merge_key_bomb.yaml"))) { error in
            XCTAssertTrue("\(error)".contains("merge keys ('<<') here expand to more than 100000 entries"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    }

    /// Budgets before expansion: refused in a moment, with the numbers.
    func testOversizedNetworksAreRefusedBeforeExpansion() throws {
        func network(_ size: Int) -> String {
            """
            populations:
              a: {size: \(size), model: IF_curr_exp}
            projections:
              - {pre: a, post: a, connector: {type: AllToAllConnector}, synapse: {weight: 0.1}}
            """
        }
        let start = Date()
        XCTAssertThrowsError(try compile(network(100_000))) { XCTAssertTrue("\($0)".contains("about 1e+10 synapses"), "\($0)") }
        // With the memory to expand them, 3.6e9 synapses still need 14 GB of SDRAM; one board has 5.9 GB.
        XCTAssertThrowsError(try NetworkCompiler.compile(try NetworkParser.parse(network(60_000), file: "t.yaml"), target: .spinn5,
                                                         maxMemory: 1 << 50)) {
            XCTAssertTrue("\($0)".contains("of SDRAM (expected from the connectors)"), "\($0)")
        }
        XCTAssertThrowsError(try NetworkCompiler.compile(try NetworkParser.parse(network(2000), file: "t.yaml"), target: .spinn5,
                                                         maxMemory: 1 << 20)) {
            XCTAssertTrue("\($0)".contains("the budget is 1.0 MB (--max-memory)"), "\($0)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        XCTAssertThrowsError(try compile("""
        timestep: 1000
        populations:
          p: {size: 1, model: SpikeSourcePoisson, params: {rate: 1000000}}
        """)) { XCTAssertTrue("\($0)".contains("at most 10000"), "\($0)") }
    }
}
