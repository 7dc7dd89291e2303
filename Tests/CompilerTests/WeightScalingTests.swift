import ChipSim
@testable import Compiler
import XCTest

/// The ring-buffer weight shift as sPyNNaker's `_get_ring_buffer_to_input_left_shifts` computes it.
final class WeightScalingTests: XCTestCase {
    func testShiftIsTheSmallestPowerOfTwoAboveTheBound() {
        XCTAssertEqual(WeightScaling.shift(holding: 3), 2)
        XCTAssertEqual(WeightScaling.shift(holding: 4), 3, "a bound that is a power of two needs one more")
        XCTAssertEqual(WeightScaling.shift(holding: 0.3), 0, "never below 0, as on the chip")
        XCTAssertEqual(WeightScaling.shift(holding: 0), 0)
        XCTAssertEqual(WeightScaling.shift(holding: Double.leastNonzeroMagnitude * 2), 0, "a subnormal bound")
        XCTAssertEqual(WeightScaling.shift(holding: .infinity), 16)
        XCTAssertEqual(WeightScaling.shift(forMinimumWeight: 1.0 / 1024), 5, "resolution 2^(5 − 15) = 1/1024")
        XCTAssertEqual(WeightScaling.shift(forMinimumWeight: Double.leastNonzeroMagnitude * 2), -16)
    }

    func testExpectedUpperBoundAndPoissonSpikesPerTick() {
        // 100 sources at 10 Hz for 1 ms: λ = 1 spike per tick; mean w, SD w: mean + 5 SD = 6 w.
        XCTAssertEqual(WeightScaling.expectedUpperBound(weightMean: 0.5, weightSD: 0, spikesPerSecond: 10, fanIn: 100, sigma: 5, timestepMs: 1),
                       3.0, accuracy: 1e-12)
        // With a spread of weights the variance grows by λ·σ_w² (less the Poisson tail beyond 3 SD).
        let spread = WeightScaling.expectedUpperBound(weightMean: 0.5, weightSD: 0.2, spikesPerSecond: 10, fanIn: 100, sigma: 5, timestepMs: 1)
        XCTAssertEqual(spread, 0.5 + 5 * (0.25 + 0.04 * 0.9810).squareRoot(), accuracy: 1e-3)
        XCTAssertEqual(WeightScaling.poissonSpikesPerTick(lambda: 0.005), 1)
        XCTAssertEqual(WeightScaling.poissonSpikesPerTick(lambda: 0.05), 3, "P(N ≤ 2) ≥ 0.999 at λ = 0.05, plus one")
        XCTAssertEqual(WeightScaling.poissonSpikesPerTick(lambda: 1), 6)
        XCTAssertEqual(WeightScaling.poissonSpikesPerTick(lambda: 1000), (1000 + 3.09 * 1000.0.squareRoot()).rounded(.up) + 1)
    }

    func testRunningStatsCombineGroups() {
        var s = RunningStats()
        s.add(mean: 1, variance: 0, count: 2)   // {1, 1}
        s.add(mean: 4, variance: 2, count: 3)   // three values of mean 4, variance 2
        XCTAssertEqual(s.count, 5)
        XCTAssertEqual(s.mean, 2.8, accuracy: 1e-12)
        // Σ(x − 2.8)²: 2 · 3.24 + (2 · 2 + 3 · 1.44) = 14.8; over n − 1.
        XCTAssertEqual(s.variance, 14.8 / 4, accuracy: 1e-12)
    }

    /// Constant delays: the worst case, every source at once; mixed delays: mean + σ·SD.
    func testShiftsOfCompiledCores() throws {
        func shift(_ delay: String, sigma: Double = 5) throws -> UInt8 {
            try compile("""
            ring_buffer_sigma: \(sigma)
            populations:
              a: {size: 100, model: IF_curr_exp}
              b: {size: 1, model: IF_curr_exp}
            projections:
              - {pre: a, post: b, connector: {type: AllToAllConnector}, synapse: {weight: 0.3, delay: \(delay)}}
            """).image.cores[1].synapses.shifts[0].magnitude
        }
        // 100 × 0.3 nA = 30 nA at once: shift 5 (2^5 = 32 > 30).
        XCTAssertEqual(try shift("1"), 5)
        // With delays spread over 1…5 ms: 100 sources at 30 Hz, λ = 3: 0.9 + 5 · √(3 · 0.09) = 3.5 nA → shift 2.
        XCTAssertEqual(try shift("{uniform: [1, 5]}"), 2)
        XCTAssertEqual(try shift("{uniform: [1, 5]}", sigma: 20), 4, "more headroom: 0.9 + 20 · 0.52 = 11.3 nA")
    }

    /// A weight the resolution cannot hold is rounded on every synapse alike: the report gives
    /// each projection's sum on the chip over its sum as written, and compiling warns from 1 %
    /// (Brunel's 0.1 mV at 2^-8 mV: 26 units, 0.1015625 mV, 1.6 % stronger).
    func testRoundingOfAProjectionsWeightsIsReported() throws {
        func compiled(_ weight: Double) throws -> Compilation {
            try compile("""
            populations:
              a: {size: 20, model: IF_curr_delta, ring_buffer_shifts: {excitatory: 7, inhibitory: 6}}
            projections:
              - {pre: a, post: a, label: e, connector: {type: AllToAllConnector}, synapse: {weight: \(weight)}, receptor: excitatory}
              - {pre: a, post: a, label: i, connector: {type: AllToAllConnector}, synapse: {weight: -0.5}, receptor: inhibitory}
            """)
        }
        let brunel = try compiled(0.1)
        XCTAssertEqual(try XCTUnwrap(brunel.report.projections[0].chipWeightRatio), 0.1015625 / 0.1, accuracy: 1e-12)
        XCTAssertEqual(brunel.report.projections[1].chipWeightRatio, 1, "0.5 mV is 256 units of 2^-9 mV")
        let warned = brunel.warnings.filter { $0.message.contains("than written") }
        XCTAssertEqual(warned.count, 1, "\(brunel.warnings)")
        XCTAssertTrue(warned[0].message.contains("'e' are 1.6 % stronger on the chip than written, rounded at the weight resolution 2^-8 mV of 'a'"),
                      warned[0].message)
        // 0.098 mV is 25.09 units, held as 25 (0.35 % weaker: no warning); 0.0957 mV is 24.50
        // units, held as 24 (2.0 % weaker).
        XCTAssertFalse(try compiled(0.098).warnings.contains { $0.message.contains("than written") })
        let weak = try compiled(0.0957)
        XCTAssertEqual(try XCTUnwrap(weak.report.projections[0].chipWeightRatio), 24.0 / 256 / 0.0957, accuracy: 1e-12)
        XCTAssertTrue(weak.warnings.contains { $0.message.contains("'e' are 2.0 % weaker on the chip") }, "\(weak.warnings)")
        // The report survives the image: encoded, decoded, the same figures.
        let decoded = try ChipImageCodec.decode(ChipImageCodec.encode(brunel.image))
        XCTAssertEqual(try MappingReport.decode(json: decoded.mappingReport).projections.map(\.chipWeightRatio),
                       brunel.report.projections.map(\.chipWeightRatio))
    }
}
