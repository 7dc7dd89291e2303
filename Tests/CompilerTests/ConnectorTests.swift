import ChipSim
@testable import Compiler
import XCTest

final class ConnectorTests: XCTestCase {
    func network(_ connector: String, pre: String = "a", post: String = "b", sizes: (Int, Int) = (30, 20),
                 weight: String = "0.5", delay: String = "1.0", seed: Int = 7, receptor: String = "excitatory") -> String {
        """
        seed: \(seed)
        populations:
          a: {size: \(sizes.0), model: IF_curr_exp}
          b: {size: \(sizes.1), model: IF_curr_exp}
        projections:
          - pre: \(pre)
            post: \(post)
            connector: \(connector)
            synapse: {type: StaticSynapse, weight: \(weight), delay: \(delay)}
            receptor: \(receptor)
        """
    }

    func synapses(_ yaml: String) throws -> [DecodedSynapse] { decodeSynapses(try compile(yaml).image) }

    func testAllToAllConnectsEveryPair() throws {
        let s = try synapses(network("{type: AllToAllConnector}"))
        XCTAssertEqual(s.count, 600)
        XCTAssertEqual(Set(s.map { [$0.sourceNeuron, $0.targetNeuron] }).count, 600)
        XCTAssertTrue(s.allSatisfy { $0.weight == 0.5 && $0.delay == 1 && $0.type == 0 })
    }

    func testAllToAllWithoutSelfConnections() throws {
        let s = try synapses(network("{type: AllToAll, allow_self_connections: false}", post: "a"))
        XCTAssertEqual(s.count, 30 * 29)
        XCTAssertFalse(s.contains { $0.sourceNeuron == $0.targetNeuron })
    }

    func testAllToAllWithoutSelfConnectionsKeepsEveryPairBetweenTwoPopulations() throws {
        let s = try synapses(network("{type: AllToAll, allow_self_connections: false}"))
        XCTAssertEqual(s.count, 600, "PyNN: a neuron is 'self' only in its own population")
    }

    func testAllButMeLeavesOutTheSameIndexBetweenAnyPopulationsAndViews() throws {
        let s = try synapses(network("{type: AllButMeConnector}"))
        XCTAssertEqual(s.count, 600 - 20)
        XCTAssertFalse(s.contains { $0.sourceNeuron == $0.targetNeuron })
        let view = try synapses(network("{type: AllButMe}", pre: "a[5:10]", post: "b[0:5]"))
        XCTAssertEqual(Set(view.map { [$0.sourceNeuron, $0.targetNeuron] }),
                       Set((0..<5).flatMap { i in (0..<5).filter { $0 != i }.map { [5 + i, $0] } }))
    }

    func testOneToOneAndSlices() throws {
        let s = try synapses(network("{type: OneToOneConnector}", pre: "a[10:20]", post: "b[-10:]"))
        XCTAssertEqual(s.map { [$0.sourceNeuron, $0.targetNeuron] }.sorted { $0.lexicographicallyPrecedes($1) },
                       (0..<10).map { [10 + $0, 10 + $0] })
    }

    func testFixedProbabilityIsSeededAndHasTheExpectedCount() throws {
        let yaml = network("{type: FixedProbabilityConnector, p_connect: 0.1}", sizes: (400, 300))
        let a = try synapses(yaml), b = try synapses(yaml)
        XCTAssertEqual(a, b)
        // 120,000 pairs at p = 0.1: mean 12,000, sd ≈ 104.
        XCTAssertEqual(Double(a.count), 12_000, accuracy: 600)
        let other = try synapses(network("{type: FixedProbabilityConnector, p_connect: 0.1}", sizes: (400, 300), seed: 8))
        XCTAssertNotEqual(Set(a.map { [$0.sourceNeuron, $0.targetNeuron] }), Set(other.map { [$0.sourceNeuron, $0.targetNeuron] }))
    }

    func testFixedNumberPreGivesEachPostExactlyN() throws {
        let s = try synapses(network("{type: FixedNumberPreConnector, n: 7}"))
        var perPost = [Int: Set<Int>]()
        for x in s { perPost[x.targetNeuron, default: []].insert(x.sourceNeuron) }
        XCTAssertEqual(perPost.count, 20)
        XCTAssertTrue(perPost.values.allSatisfy { $0.count == 7 })
    }

    func testFromListInlineWithWeightsAndDelays() throws {
        let s = try synapses(network("{type: FromListConnector, connections: [[0, 1], [2, 3, 0.25, 4.0], [29, 19]]}"))
        let rows = Set(s.map { [$0.sourceNeuron, $0.targetNeuron, Int($0.weight * 100), $0.delay] })
        XCTAssertEqual(rows, [[0, 1, 50, 1], [2, 3, 25, 4], [29, 19, 50, 1]])
    }

    func testFromListFile() throws {
        let path = fixturePath("files/connections.txt")
        let s = try synapses(network("{type: FromListConnector, file: \(path)}"))
        XCTAssertEqual(Set(s.map { [$0.sourceNeuron, $0.targetNeuron, $0.delay] }), [[0, 0, 1], [1, 5, 2], [3, 7, 3]])
    }

    func testDistributionsAreDrawnPerSynapseAndRespectBounds() throws {
        let s = try synapses(network("{type: AllToAllConnector}", weight: "{uniform: [0.1, 0.3]}", delay: "{uniform: [1.0, 8.0]}"))
        XCTAssertTrue(s.allSatisfy { $0.weight >= 0.1 && $0.weight < 0.3 && (1...8).contains($0.delay) })
        XCTAssertGreaterThan(Set(s.map(\.weight)).count, 500)
        XCTAssertEqual(Set(s.map(\.delay)), Set(1...8))
    }

    func testInhibitoryWeightsAreStoredAsMagnitudesOfTheInhibitoryType() throws {
        let s = try synapses(network("{type: OneToOneConnector}", sizes: (5, 5), weight: "-0.2", receptor: "inhibitory"))
        XCTAssertTrue(s.allSatisfy { $0.type == 1 && $0.weight == 0.2 })
    }

    func testSpikeTimesFileIsRead() throws {
        let yaml = """
        populations:
          s: {size: 2, model: SpikeSourceArray, spike_times_file: \(fixturePath("files/spikes.json"))}
        """
        let image = try compile(yaml).image
        XCTAssertEqual(image.cores[0].sourceEvents, [SourceEvent(tick: 1, neuron: 1), SourceEvent(tick: 2, neuron: 0), SourceEvent(tick: 5, neuron: 0)])
    }
}
