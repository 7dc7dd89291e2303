import ChipSim
import XCTest

/// Energy and latency per read: per component, from the settings, adding up.
final class EnergyTests: XCTestCase {
    func testOneReadCostsWhatTheSettingsSay() throws {
        var s = CrossbarSettings.ideal
        s.adcBits = 8
        s.columnsPerADC = 4
        let w: [Double] = [1, -2, 0.5,
                           0, 0.25, -1]
        let tile = try CrossbarTile(weights: w, rows: 2, cols: 3, settings: s, seed: 1)
        let cost = readCost(tile, [0, 1])
        // G⁺ + G⁻ per cell = 2·Gmin + (Gmax − Gmin)·|w|/max|w|; six cells, Σ|w| = 4.75, max|w| = 2.
        let conductance = 6 * 2 * 1.0 + 39 * 4.75 / 2
        XCTAssertEqual(cost.reads, 1)
        XCTAssertEqual(cost.rowPulses, 2)
        XCTAssertEqual(cost.rowDriverPicojoules, 2 * 0.1, accuracy: 1e-15)
        XCTAssertEqual(cost.cellPicojoules, 0.2 * 0.2 * 10 * conductance * 1e-3, accuracy: 1e-15)
        XCTAssertEqual(cost.adcConversions, 3)
        XCTAssertEqual(cost.adcPicojoules, 3 * 1.56, accuracy: 1e-15)
        XCTAssertEqual(cost.picojoules, cost.rowDriverPicojoules + cost.cellPicojoules + cost.adcPicojoules)
        XCTAssertEqual(cost.latencyNanoseconds, 10 + 3 * 9, accuracy: 1e-12)  // 3 columns share one ADC
        XCTAssertEqual(tile.totalCost, cost)
    }

    func testTotalsAreTheSumsOfTheReads() throws {
        var s = CrossbarSettings()
        s.wireResistanceOhm = 0
        var random = RandomStream(seed: 4)
        let w = (0..<(20 * 30)).map { _ in random.uniform(-1, 1) }
        let tile = try CrossbarTile(weights: w, rows: 20, cols: 30, settings: s, seed: 1)
        var sum = CrossbarCost()
        var out = [Double](repeating: 0, count: 30)
        for k in 0..<25 {
            let rows = (0..<20).filter { ($0 * 7 + k) % 5 == 0 }
            sum += readCost(tile, rows)
        }
        let x = (0..<20).map { Double($0 % 3) * 0.5 }
        sum += x.withUnsafeBufferPointer { r in out.withUnsafeMutableBufferPointer { tile.read(input: r, addingInto: $0.baseAddress!) } }
        XCTAssertEqual(tile.totalCost.reads, 26)
        XCTAssertEqual(tile.totalCost.rowPulses, sum.rowPulses)
        XCTAssertEqual(tile.totalCost.adcConversions, 26 * 30)
        XCTAssertEqual(tile.totalCost.picojoules, sum.picojoules, accuracy: 1e-9)
        let t = tile.totalCost
        XCTAssertEqual(t.picojoules, t.rowDriverPicojoules + t.cellPicojoules + t.adcPicojoules)
        XCTAssertEqual(tile.totalCost.latencyNanoseconds, 26 * (10 + 9), accuracy: 1e-9)
        // A read with no pulsed row does not happen.
        XCTAssertEqual(readCost(tile, []), CrossbarCost())
        // Without an ADC there are no conversions and the latency is the pulse.
        s.adcBits = 0
        let analog = try CrossbarTile(weights: w, rows: 20, cols: 30, settings: s, seed: 1)
        _ = analog.read(activeRows: [3])
        XCTAssertEqual(analog.totalCost.adcConversions, 0)
        XCTAssertEqual(analog.totalCost.adcPicojoules, 0)
        XCTAssertEqual(analog.totalCost.latencyNanoseconds, 10)
        // Drift lowers the cell energy by its factor.
        s.driftNu = 0.05
        s.timeSinceProgrammingSeconds = 86400
        let drifted = try CrossbarTile(weights: w, rows: 20, cols: 30, settings: s, seed: 1)
        _ = drifted.read(activeRows: [3])
        XCTAssertEqual(drifted.totalCost.cellPicojoules, analog.totalCost.cellPicojoules * s.driftFactor, accuracy: 1e-12)
    }
}

/// One read of `rows`, returning its cost.
func readCost(_ tile: CrossbarTile, _ rows: [Int]) -> CrossbarCost {
    var out = [Double](repeating: 0, count: tile.cols)
    return rows.withUnsafeBufferPointer { r in
        out.withUnsafeMutableBufferPointer { tile.read(activeRows: r, addingInto: $0.baseAddress!) }
    }
}
