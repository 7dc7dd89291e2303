import ChipSim
import XCTest

/// Each nonideality on its own: off gives W·x exactly; on, it moves the result in the
/// documented direction and by the documented amount where there is an analytic expectation.
final class NonidealityTests: XCTestCase {
    /// A random signed matrix, row-major (input, output).
    func randomWeights(_ rows: Int, _ cols: Int, seed: UInt64 = 3) -> [Double] {
        var random = RandomStream(seed: seed)
        return (0..<(rows * cols)).map { _ in random.uniform(-2, 3) }
    }

    func product(_ w: [Double], _ x: [Double], cols: Int) -> [Double] {
        (0..<cols).map { c in x.indices.reduce(0) { $0 + w[$1 * cols + c] * x[$1] } }
    }

    func testEveryNonidealityOffGivesTheIdealProduct() throws {
        let w = randomWeights(40, 30), x = (0..<40).map { Double(($0 * 5) % 7) / 3 - 1 }
        let tile = try CrossbarTile(weights: w, rows: 40, cols: 30, settings: .ideal, seed: 9)
        let spikes = [0, 3, 4, 17, 39]
        for (y, ideal) in [(tile.read(input: x), product(w, x, cols: 30)),
                           (tile.read(activeRows: spikes), product(w, (0..<40).map { spikes.contains($0) ? 1 : 0 }, cols: 30))] {
            for (a, b) in zip(y, ideal) { XCTAssertEqual(a, b, accuracy: 1e-13 * 3 * 40) }
        }
    }

    /// From the ideal settings, each nonideality alone changes the product, and set back to 0
    /// it gives the ideal product again: every switch does something, and off means off.
    func testEachSwitchMovesTheResultAndOffRestoresIt() throws {
        let w = randomWeights(24, 20), spikes = Array(stride(from: 0, to: 24, by: 2))
        let ideal = product(w, (0..<24).map { $0 % 2 == 0 ? 1 : 0 }, cols: 20)
        let switches: [(String, Double)] = [("levels", 16), ("programming_noise", 0.05), ("read_noise", 0.05), ("stuck_on_rate", 0.1),
                                             ("stuck_off_rate", 0.1), ("wire_resistance_ohm", 5), ("adc_bits", 6), ("drift_nu", 0.1)]
        for (key, on) in switches {
            var s = CrossbarSettings.ideal
            s.timeSinceProgrammingSeconds = 3600
            try s.set(key, to: on)
            let moved = try CrossbarTile(weights: w, rows: 24, cols: 20, settings: s, seed: 5).read(activeRows: spikes)
            XCTAssertGreaterThan(zip(moved, ideal).map { abs($0 - $1) }.max()!, 1e-3, key)
            try s.set(key, to: 0)
            let off = try CrossbarTile(weights: w, rows: 24, cols: 20, settings: s, seed: 5).read(activeRows: spikes)
            for (a, b) in zip(off, ideal) { XCTAssertEqual(a, b, accuracy: 1e-12, key) }
        }
    }

    /// CrossSim §5.3: N = 64, x = third, weight bits 3/5/9 (cell bits 2/4/8, so 4/16/256 levels).
    func testQuantizationMatchesCrossSim() throws {
        let x = CrossSimCase.third(64), ideal = CrossSimCase.ideal(64, x)
        for (levels, reference) in [(4, 1.02e-1), (16, 2.02e-2), (256, 8.87e-4)] {
            var s = CrossSimCase.settings
            s.levels = levels
            let y = try CrossSimCase.tile(64, s).read(input: x)
            let err = relativeError(y, ideal)
            print("quantization, \(levels) levels: rel_err \(err) (CrossSim \(reference))")
            XCTAssertEqual(Double(String(format: "%.2e", err)), reference, "as tabulated, to three digits")
            // No output is off by more than half a step per pulsed row.
            let halfStep = 1.1 / Double(levels - 1) / 2
            for (a, b) in zip(y, ideal) { XCTAssertLessThanOrEqual(abs(a - b), halfStep * 22 + 1e-12) }
        }
    }

    /// CrossSim §5.3: mean rel_err over 50 seeds, N = 64, x = third, independent Gaussian errors
    /// of σ = 2/5/10 % of Gmax on both devices (Gmax 25 µS, on/off 100). CrossSim's seed-to-seed
    /// spread at N = 64 is about 10 % of the value.
    func testProgrammingNoiseMatchesCrossSim() throws {
        let x = CrossSimCase.third(64), ideal = CrossSimCase.ideal(64, x)
        let w = CrossSimCase.weights(64)
        for (sigma, reference) in [(0.02, 5.47e-2), (0.05, 1.30e-1), (0.10, 2.54e-1)] {
            var s = CrossSimCase.settings
            s.programmingNoise = sigma
            let errors = try (0..<50).map { seed in
                relativeError(try CrossbarTile(weights: w, rows: 64, cols: 64, settings: s, seed: UInt64(seed)).read(input: x), ideal)
            }
            let mean = errors.reduce(0, +) / 50
            print("programming noise \(sigma): mean rel_err \(mean) over 50 seeds (CrossSim \(reference))")
            XCTAssertEqual(mean, reference, accuracy: 0.1 * reference)
        }
    }

    /// Without clipping at 0 µS (Gmin well above σ), each output's error is a sum of 2·(pulsed
    /// rows) independent Gaussians: σ_y = programming_noise·Gmax/scale·√(2n).
    func testProgrammingNoiseHasTheAnalyticSpread() throws {
        var s = CrossbarSettings.ideal
        s.gMinMicrosiemens = 10
        s.programmingNoise = 0.02
        let w = randomWeights(32, 32), spikes = Array(0..<8)
        let ideal = product(w, (0..<32).map { $0 < 8 ? 1 : 0 }, cols: 32)
        var deviations: [Double] = []
        for seed in 0..<40 {
            let tile = try CrossbarTile(weights: w, rows: 32, cols: 32, settings: s, seed: UInt64(seed))
            deviations += zip(tile.read(activeRows: spikes), ideal).map { $0 - $1 }
        }
        let scale = (40.0 - 10) / w.map(abs).max()!
        let expected = 0.02 * 40 / scale * (2.0 * 8).squareRoot()
        let sd = (deviations.map { $0 * $0 }.reduce(0, +) / Double(deviations.count)).squareRoot()
        XCTAssertEqual(sd, expected, accuracy: 0.05 * expected)  // 1280 samples: ≈ 2 % standard error
        XCTAssertEqual(deviations.reduce(0, +) / Double(deviations.count), 0, accuracy: 0.1 * expected)
    }

    /// Per read: σ_y = read_noise·Gmax/scale·√(2·Σx²), fresh every read, zero mean.
    func testReadNoiseHasTheAnalyticSpreadAndChangesEveryRead() throws {
        var s = CrossbarSettings.ideal
        s.readNoise = 0.01
        let w = randomWeights(16, 64), spikes = [1, 2, 3, 5, 8, 13]
        let tile = try CrossbarTile(weights: w, rows: 16, cols: 64, settings: s, seed: 2)
        let ideal = product(w, (0..<16).map { spikes.contains($0) ? 1 : 0 }, cols: 64)
        var deviations: [Double] = [], previous: [Double] = []
        for _ in 0..<200 {
            let y = tile.read(activeRows: spikes)
            XCTAssertNotEqual(y, previous)
            previous = y
            deviations += zip(y, ideal).map { $0 - $1 }
        }
        let expected = 0.01 * 40 / (39 / w.map(abs).max()!) * (2.0 * 6).squareRoot()
        let sd = (deviations.map { $0 * $0 }.reduce(0, +) / Double(deviations.count)).squareRoot()
        XCTAssertEqual(sd, expected, accuracy: 0.03 * expected)  // 12,800 samples: ≈ 0.6 % standard error
        XCTAssertEqual(deviations.reduce(0, +) / Double(deviations.count), 0, accuracy: 0.03 * expected)
        // Real-valued inputs: Σx² sets the spread.
        let x = (0..<16).map { $0 == 4 ? 2.0 : 0 }
        let real = (0..<2000).map { _ in tile.read(input: x)[7] - 2 * w[4 * 64 + 7] }
        let realSD = (real.map { $0 * $0 }.reduce(0, +) / 2000).squareRoot()
        XCTAssertEqual(realSD, 0.01 * 40 / (39 / w.map(abs).max()!) * 8.squareRoot(), accuracy: 0.05 * realSD)
    }

    /// A stuck device ignores its weight: on average the product shrinks to
    /// (1 − stuck_on_rate − stuck_off_rate)·W·x, and with either rate at 1 it is 0.
    func testStuckDevicesShrinkTheProductByTheFaultFraction() throws {
        let w = randomWeights(64, 64), x = [Double](repeating: 1, count: 64), ideal = product(w, x, cols: 64)
        for key in ["stuck_on_rate", "stuck_off_rate"] {
            var s = CrossbarSettings.ideal
            try s.set(key, to: 1)
            XCTAssertTrue(try CrossbarTile(weights: w, rows: 64, cols: 64, settings: s, seed: 1).read(input: x).allSatisfy { $0 == 0 }, key)
        }
        var s = CrossbarSettings.ideal
        s.stuckOnRate = 0.15
        s.stuckOffRate = 0.1
        var slopes: [Double] = [], stuck = 0
        for seed in 0..<10 {
            let tile = try CrossbarTile(weights: w, rows: 64, cols: 64, settings: s, seed: UInt64(seed))
            let y = tile.read(input: x)
            slopes.append(zip(y, ideal).map { $0 * $1 }.reduce(0, +) / ideal.map { $0 * $0 }.reduce(0, +))
            stuck += tile.conductances.stuckOn + tile.conductances.stuckOff
        }
        XCTAssertEqual(slopes.reduce(0, +) / 10, 0.75, accuracy: 0.03)
        XCTAssertEqual(Double(stuck) / (10 * 2 * 64 * 64), 0.25, accuracy: 0.005)  // binomial sd ≈ 0.0015
    }

    /// Drift scales every conductance by ((t + t0)/t0)^−ν: the product by the same factor.
    func testDriftScalesTheProduct() throws {
        var s = CrossbarSettings.ideal
        s.driftNu = 0.1
        s.timeSinceProgrammingSeconds = 1000
        let w = randomWeights(10, 10), tile = try CrossbarTile(weights: w, rows: 10, cols: 10, settings: s, seed: 1)
        let ideal = product(w, [Double](repeating: 1, count: 10), cols: 10)
        let factor = pow(1020.0 / 20, -0.1)
        XCTAssertEqual(s.driftFactor, factor, accuracy: 1e-15)
        for (a, b) in zip(tile.read(activeRows: Array(0..<10)), ideal) { XCTAssertEqual(a, factor * b, accuracy: 1e-12) }
        try tile.setTimeSinceProgramming(0)
        for (a, b) in zip(tile.read(activeRows: Array(0..<10)), ideal) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        XCTAssertThrowsError(try tile.setTimeSinceProgramming(-1))
    }

    /// The ADC rounds to steps of full scale/(2^(bits−1) − 1), full scale = adc_full_scale_rows
    /// rows at full weight, and clips beyond it.
    func testADCRoundsToItsStepsAndClips() throws {
        var s = CrossbarSettings.ideal
        s.adcBits = 4
        s.adcFullScaleRows = 2
        let w = randomWeights(8, 12), wMax = w.map(abs).max()!
        let tile = try CrossbarTile(weights: w, rows: 8, cols: 12, settings: s, seed: 1)
        let step = 2 * wMax / 7
        var clipped = 0, inside = 0
        for active in [[0], [1, 2], [0, 3, 4, 5, 6, 7]] {
            let ideal = product(w, (0..<8).map { active.contains($0) ? 1 : 0 }, cols: 12)
            for (y, exact) in zip(tile.read(activeRows: active), ideal) {
                XCTAssertEqual((y / step).rounded(), y / step, accuracy: 1e-9, "a whole number of steps")
                if abs(exact) > 2 * wMax {
                    XCTAssertEqual(abs(y), 7 * step, accuracy: 1e-12)
                    clipped += 1
                } else {
                    XCTAssertLessThanOrEqual(abs(y - exact), step / 2 + 1e-12)
                    inside += 1
                }
            }
        }
        XCTAssertGreaterThan(clipped, 0)
        XCTAssertGreaterThan(inside, 0)
    }
}
