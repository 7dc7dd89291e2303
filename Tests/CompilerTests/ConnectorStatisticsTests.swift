import ChipSim
@testable import Compiler
import Foundation
import XCTest

/// Each connector's in- and out-degree distributions against its definition, the distributions
/// of weights against theirs, and the positions of the population structures.
final class ConnectorStatisticsTests: XCTestCase {
    func network(_ connector: String, sizes: (Int, Int), pre: String = "a", post: String = "b", weight: String = "0.5",
                 structures: (String, String)? = nil, seed: Int = 11) -> String {
        let s = structures.map { (", structure: \($0.0)", ", structure: \($0.1)") } ?? ("", "")
        return """
        seed: \(seed)
        populations:
          a: {size: \(sizes.0), model: IF_curr_exp\(s.0)}
          b: {size: \(sizes.1), model: IF_curr_exp\(s.1)}
        projections:
          - {pre: "\(pre)", post: "\(post)", connector: \(connector), synapse: {weight: \(weight), delay: 1}}
        """
    }

    func synapses(_ yaml: String, target: MachineDescription = .spinn5) throws -> [DecodedSynapse] {
        decodeSynapses(try NetworkCompiler.compile(try NetworkParser.parse(yaml, file: "t.yaml"), target: target).image)
    }

    /// Degrees of every neuron of `count`, by the key path that names it.
    func degrees(_ s: [DecodedSynapse], _ neuron: KeyPath<DecodedSynapse, Int>, count: Int) -> [Int] {
        var d = [Int](repeating: 0, count: count)
        for x in s { d[x[keyPath: neuron]] += 1 }
        return d
    }

    func meanAndVariance(_ x: [Double]) -> (Double, Double) {
        let m = x.reduce(0, +) / Double(x.count)
        return (m, x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1))
    }

    func testFixedProbabilityDegreesAreBinomial() throws {
        let s = try synapses(network("{type: FixedProbabilityConnector, p_connect: 0.2}", sizes: (500, 400)))
        let (inMean, inVariance) = meanAndVariance(degrees(s, \.targetNeuron, count: 400).map(Double.init))
        let (outMean, outVariance) = meanAndVariance(degrees(s, \.sourceNeuron, count: 500).map(Double.init))
        // In-degree ~ B(500, 0.2): mean 100, variance 80; out-degree ~ B(400, 0.2): 80 and 64.
        XCTAssertEqual(inMean, 100, accuracy: 1.5)
        XCTAssertEqual(inVariance, 80, accuracy: 16)
        XCTAssertEqual(outMean, 80, accuracy: 1.5)
        XCTAssertEqual(outVariance, 64, accuracy: 13)
    }

    func testFixedNumberPostGivesEachPreExactlyNDistinctTargets() throws {
        let s = try synapses(network("{type: FixedNumberPostConnector, n: 9}", sizes: (300, 40)))
        XCTAssertTrue(degrees(s, \.sourceNeuron, count: 300).allSatisfy { $0 == 9 })
        XCTAssertEqual(Set(s.map { [$0.sourceNeuron, $0.targetNeuron] }).count, s.count, "without replacement: no repeated pair")
        // In-degrees then follow B(300, 9/40): mean 67.5, variance 52.3.
        let (mean, variance) = meanAndVariance(degrees(s, \.targetNeuron, count: 40).map(Double.init))
        XCTAssertEqual(mean, 67.5, accuracy: 1e-9)
        XCTAssertEqual(variance, 52.3, accuracy: 20)
    }

    func testFixedNumberPostWithReplacementRepeatsPairs() throws {
        let s = try synapses(network("{type: FixedNumberPostConnector, n: 30, with_replacement: true}", sizes: (200, 10)))
        XCTAssertTrue(degrees(s, \.sourceNeuron, count: 200).allSatisfy { $0 == 30 })
        XCTAssertLessThan(Set(s.map { [$0.sourceNeuron, $0.targetNeuron] }).count, s.count, "30 draws among 10 targets repeat")
    }

    func testFixedNumberPreWithoutSelfConnectionsOnAView() throws {
        let s = try synapses(network("{type: FixedNumberPreConnector, n: 5, allow_self_connections: false}", sizes: (60, 1),
                                     pre: "a[::2]", post: "a[10:40]"))
        let indegree = degrees(s, \.targetNeuron, count: 60)
        XCTAssertTrue((10..<40).allSatisfy { indegree[$0] == 5 })
        XCTAssertTrue(s.allSatisfy { $0.sourceNeuron % 2 == 0 && $0.sourceNeuron != $0.targetNeuron })
    }

    func testFixedTotalNumberMakesExactlyNConnections() throws {
        let with = try synapses(network("{type: FixedTotalNumberConnector, n: 5000}", sizes: (100, 80)))
        XCTAssertEqual(with.count, 5000)
        // Each pair drawn uniformly: out-degrees ~ B(5000, 1/100), mean 50, variance 49.5.
        let (mean, variance) = meanAndVariance(degrees(with, \.sourceNeuron, count: 100).map(Double.init))
        XCTAssertEqual(mean, 50, accuracy: 1e-9)
        XCTAssertEqual(variance, 49.5, accuracy: 15)
        let without = try synapses(network("{type: FixedTotalNumberConnector, n: 7000, with_replacement: false}", sizes: (100, 80)))
        XCTAssertEqual(without.count, 7000)
        XCTAssertEqual(Set(without.map { [$0.sourceNeuron, $0.targetNeuron] }).count, 7000)
    }

    func testDistanceDependentProbabilityFollowsItsExpression() throws {
        // 20 × 20 grids with 1 µm spacing; p = exp(−d/3).
        let grid = "{type: Grid2D, aspect_ratio: 1, dx: 1, dy: 1}"
        let s = try synapses(network("{type: DistanceDependentProbabilityConnector, d_expression: \"exp(-d/3)\"}", sizes: (400, 400),
                                     structures: (grid, grid)))
        func position(_ i: Int) -> (Double, Double) { (Double(i / 20), Double(i % 20)) }
        var pairs = [Int](repeating: 0, count: 30), connected = [Int](repeating: 0, count: 30)
        let linked = Set(s.map { $0.sourceNeuron * 400 + $0.targetNeuron })
        for i in 0..<400 {
            for j in 0..<400 {
                let (a, b) = (position(i), position(j))
                let bin = Int((((a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1)).squareRoot()).rounded(.down))
                guard bin < 8 else { continue }
                pairs[bin] += 1
                if linked.contains(i * 400 + j) { connected[bin] += 1 }
            }
        }
        for bin in 0..<8 {
            // The mean of exp(−d/3) over a unit bin lies between its ends.
            let observed = Double(connected[bin]) / Double(pairs[bin])
            let hi = exp(-Double(bin) / 3), lo = exp(-Double(bin + 1) / 3)
            let slack = 3 * (hi * (1 - hi) / Double(pairs[bin])).squareRoot()
            XCTAssertTrue(observed >= lo - slack && observed <= hi + slack, "distance bin \(bin): \(observed) outside \(lo)...\(hi)")
        }
        let threshold = try synapses(network("{type: DistanceDependentProbabilityConnector, d_expression: \"d < 1.5\", allow_self_connections: false}",
                                             sizes: (25, 1), pre: "a", post: "a", structures: ("{type: Grid2D}", "{type: Line}")))
        // On a 5 × 5 grid, d < 1.5 links every cell to its (up to 8) neighbours and never to itself.
        XCTAssertEqual(degrees(threshold, \.sourceNeuron, count: 25)[12], 8)
        XCTAssertEqual(degrees(threshold, \.sourceNeuron, count: 25)[0], 3)
        XCTAssertFalse(threshold.contains { $0.sourceNeuron == $0.targetNeuron })
    }

    func testGridPositionsFollowPyNN() {
        var rng = RandomStream(seed: 1)
        let grid = Structure.grid2D(aspectRatio: 1, dx: 2, dy: 3, x0: 1, y0: 0, z: 5, randomFill: false).positions(9, rng: &rng)
        // numpy.indices((3, 3, 1)) flattened: x = i / 3, y = i % 3.
        XCTAssertEqual(grid[5], SIMD3(1 + 2 * 1, 3 * 2, 5))
        let cube = Structure.grid3D(aspectRatioXY: 1, aspectRatioXZ: 1, dx: 1, dy: 1, dz: 1, x0: 0, y0: 0, z0: 0, randomFill: false)
            .positions(27, rng: &rng)
        XCTAssertEqual(cube[1], SIMD3(0, 0, 1), "z fills first")
        XCTAssertEqual(cube[3], SIMD3(0, 1, 0))
        XCTAssertEqual(cube[9], SIMD3(1, 0, 0))
        let sphere = Structure.random(width: 0, height: 0, depth: 0, sphere: true, radius: 10, origin: [1, 2, 3]).positions(500, rng: &rng)
        XCTAssertTrue(sphere.allSatisfy { p in let d = p - SIMD3(1, 2, 3); return (d * d).sum() < 100 })
        XCTAssertNotNil(Structure.grid2D(aspectRatio: 1, dx: 1, dy: 1, x0: 0, y0: 0, z: 0, randomFill: false).problem(size: 10))
        XCTAssertNil(Structure.grid2D(aspectRatio: 2, dx: 1, dy: 1, x0: 0, y0: 0, z: 0, randomFill: false).problem(size: 8))
    }

    func testDistributionsHaveTheirMoments() throws {
        var rng = RandomStream(seed: 5)
        func sample(_ d: RandomDistribution, _ n: Int = 40_000) -> [Double] { (0..<n).map { _ in d.draw(&rng) } }
        let clipped = sample(.normalClipped(mu: 0.5, sigma: 0.2, low: 0.4, high: 2))
        XCTAssertTrue(clipped.allSatisfy { $0 >= 0.4 && $0 <= 2 })
        // A normal truncated below at μ − σ/2: mean μ + σ·φ(−½)/(1 − Φ(−½)) = 0.5 + 0.2 · 0.5092.
        XCTAssertEqual(meanAndVariance(clipped).0, 0.5 + 0.2 * 0.50916, accuracy: 0.003)
        let boundary = sample(.normalClippedToBoundary(mu: 0, sigma: 1, low: -0.5, high: 10))
        XCTAssertEqual(Double(boundary.count { $0 == -0.5 }) / 40_000, 0.3085, accuracy: 0.01, "Φ(−½) of the mass sits on the bound")
        XCTAssertEqual(meanAndVariance(sample(.exponential(beta: 3))).0, 3, accuracy: 0.06)
        let (gm, gv) = meanAndVariance(sample(.gamma(k: 2.5, theta: 0.4)))
        XCTAssertEqual(gm, 1.0, accuracy: 0.02)
        XCTAssertEqual(gv, 0.4, accuracy: 0.02)
        let (sm, sv) = meanAndVariance(sample(.gamma(k: 0.5, theta: 2)))
        XCTAssertEqual(sm, 1.0, accuracy: 0.03)
        XCTAssertEqual(sv, 2.0, accuracy: 0.15)
        XCTAssertEqual(meanAndVariance(sample(.lognormal(mu: 0, sigma: 0.5))).0, exp(0.125), accuracy: 0.015)
        // Both YAML forms give the same distribution.
        let listed = try synapses(network("{type: AllToAllConnector}", sizes: (30, 30), weight: "{normal_clipped: [0.5, 0.1, 0.3, 0.7]}"))
        let named = try synapses(network("{type: AllToAllConnector}", sizes: (30, 30),
                                         weight: "{distribution: normal_clipped, mu: 0.5, sigma: 0.1, low: 0.3, high: 0.7}"))
        XCTAssertEqual(listed, named)
        XCTAssertTrue(listed.allSatisfy { $0.weight >= 0.3 && $0.weight <= 0.7 })
    }

    func testSlicesFollowPython() {
        func resolve(_ start: Int?, _ stop: Int?, _ step: Int, _ n: Int) -> [Int] {
            let (first, count) = NetworkReader.sliceIndices(start: start, stop: stop, step: step, size: n)
            return (0..<count).map { first + $0 * step }
        }
        // Python: list(range(10))[a:b:c]
        XCTAssertEqual(resolve(nil, nil, 1, 10), Array(0..<10))
        XCTAssertEqual(resolve(2, 100, 1, 10), Array(2..<10), "stop clamped")
        XCTAssertEqual(resolve(-3, nil, 1, 10), [7, 8, 9])
        XCTAssertEqual(resolve(nil, nil, 3, 10), [0, 3, 6, 9])
        XCTAssertEqual(resolve(nil, nil, -1, 10), Array((0..<10).reversed()))
        XCTAssertEqual(resolve(8, 2, -2, 10), [8, 6, 4])
        XCTAssertEqual(resolve(-100, 3, 1, 10), [0, 1, 2], "start clamped")
        XCTAssertEqual(resolve(5, 2, 1, 10), [])
        XCTAssertEqual(resolve(100, nil, -1, 10), Array((0..<10).reversed()))
    }

    func testNeuronsPerCoreSetsCoreSizesAndRingDepth() throws {
        let yaml = """
        populations:
          s: {size: 1, model: SpikeSourceArray, spike_times: [1]}
          big: {size: 300, model: IF_curr_exp}
          small: {size: 300, model: IF_curr_exp, neurons_per_core: 64}
        projections:
          - {pre: s, post: small, connector: {type: AllToAllConnector}, synapse: {weight: 1, delay: 100}}
        """
        let c = try compile(yaml)
        XCTAssertEqual(c.report.populations.map(\.neuronsPerCore), [256, 256, 64])
        XCTAssertEqual(c.image.populations[2].cores.map { c.image.cores[$0].neuronCount }, [64, 64, 64, 64, 44])
        // 64 neurons per core leave 2^(14 − 1 − 6) = 128 delay slots: the 100-tick delay fits.
        XCTAssertEqual(c.image.cores[c.image.populations[2].cores[0]].synapses.slots, 128)
        // 256 neurons per core hold 32 ticks: the 100 ticks go through 3 delay-extension stages
        // of 32 and the last 4 in the ring.
        let extended = try compile(yaml.replacingOccurrences(of: ", neurons_per_core: 64", with: ""))
        XCTAssertEqual(extended.report.delayExtensionCores, 3)
        XCTAssertEqual(extended.image.cores.compactMap(\.delayExtension).map(\.stageTicks), [32, 32, 32])
        XCTAssertEqual(Set(decodeSynapses(extended.image).map(\.delay)), [100])
    }
}
