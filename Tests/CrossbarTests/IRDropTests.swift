@testable import ChipSim
import XCTest

/// The IR-drop solve: exact against a direct solve of the nodal equations, and against the
/// CrossSim v3.2.0 reference cases of research/crossbar.md §5.3 (numbers copied here).
final class IRDropTests: XCTestCase {
    func testCrossSimReferenceCases() throws {
        var s = CrossSimCase.settings
        // N = 64: rel_err of y against W·x, for x = all ones and x = "third".
        let expected: [(ohm: Double, all: Double, third: Double)] = [(0.5, 1.69e-2, 1.62e-2), (1, 3.34e-2, 3.20e-2), (2, 6.52e-2, 6.25e-2)]
        for (ohm, all, third) in expected {
            s.wireResistanceOhm = ohm
            let tile = try CrossSimCase.tile(64, s)
            for (x, reference) in [(CrossSimCase.all(64), all), (CrossSimCase.third(64), third)] {
                let err = relativeError(tile.read(input: x), CrossSimCase.ideal(64, x))
                print("IR drop N = 64, Rp = \(ohm) Ω: rel_err \(err) (CrossSim \(reference))")
                XCTAssertEqual(err, reference, accuracy: 1e-3)
            }
        }
    }

    func testCrossSimSpotValues() throws {
        var s = CrossSimCase.settings
        s.wireResistanceOhm = 1
        let y = try CrossSimCase.tile(64, s).read(activeRows: Array(0..<64))
        let ideal = CrossSimCase.ideal(64, CrossSimCase.all(64))
        for (i, (w, reference)) in zip([4.5, 8.2, 5.8, 5.4333], [4.40075, 8.06994, 5.69243, 5.30230]).enumerated() {
            XCTAssertEqual(ideal[i], w, accuracy: 1e-4)
            XCTAssertEqual(y[i], reference, accuracy: 1e-3 * reference, "y[\(i)]")
        }
    }

    /// The sweep against a direct solve of all 2·rows·cols nodal equations, on small arrays.
    func testEffectiveMatrixIsTheExactSolutionOfTheCircuit() {
        var random = RandomStream(seed: 7)
        for (rows, cols, ohm) in [(1, 1, 3.0), (1, 5, 1.0), (4, 1, 2.0), (3, 4, 500.0), (6, 5, 20.0)] {
            let g = (0..<(rows * cols)).map { _ in random.uniform(1, 400) }
            let m = IRDrop.effectiveConductances(g, rows: rows, cols: cols, wireResistanceOhm: ohm)
            for r in 0..<rows {
                let direct = nodalColumnCurrents(g, rows: rows, cols: cols, wire: 1e6 / ohm, driven: r)
                for c in 0..<cols { XCTAssertEqual(m[r * cols + c], direct[c], accuracy: 1e-9 * direct.map(abs).max()!) }
            }
        }
        // One cell: the current passes the driver segment, the cell and the ground segment.
        let one = IRDrop.effectiveConductances([40], rows: 1, cols: 1, wireResistanceOhm: 1000)
        let resistance: Double = 1 / 40.0 + 2 * 1000 / 1e6  // MΩ: cell plus two wire segments
        XCTAssertEqual(one[0], 1 / resistance, accuracy: 1e-12)
    }

    /// Wires only ever take current away: every column of a positive array carries less than
    /// with ideal wires, and the loss grows with the wire resistance.
    func testIRDropLowersEveryColumnCurrent() {
        let g = (0..<(16 * 12)).map { Double(1 + ($0 * 7) % 40) }
        var previous = [Double](repeating: .infinity, count: 12)
        for ohm in [0.5, 2, 8] {
            let m = IRDrop.effectiveConductances(g, rows: 16, cols: 12, wireResistanceOhm: ohm)
            for c in 0..<12 {
                let column = (0..<16).reduce(0) { $0 + m[$1 * 12 + c] }, ideal = (0..<16).reduce(0) { $0 + g[$1 * 12 + c] }
                XCTAssertLessThan(column, ideal)
                XCTAssertLessThan(column, previous[c])
                previous[c] = column
            }
        }
    }

    /// Column currents for 1 V on row `driven` (others at 0 V), by Gaussian elimination of the
    /// full nodal system: row-wire node (r, c) is unknown r·cols + c, column-wire node n + r·cols + c.
    private func nodalColumnCurrents(_ g: [Double], rows: Int, cols: Int, wire: Double, driven: Int) -> [Double] {
        let n = rows * cols, size = 2 * n
        var a = [[Double]](repeating: [Double](repeating: 0, count: size + 1), count: size)
        func link(_ i: Int, _ j: Int, _ conductance: Double) {
            a[i][i] += conductance; a[j][j] += conductance; a[i][j] -= conductance; a[j][i] -= conductance
        }
        for r in 0..<rows {
            for c in 0..<cols {
                let u = r * cols + c, v = n + u
                link(u, v, g[u])
                if c + 1 < cols { link(u, u + 1, wire) }
                if r + 1 < rows { link(v, v + cols, wire) }
            }
            a[r * cols][r * cols] += wire  // driver segment
            if r == driven { a[r * cols][size] += wire }
        }
        let bottom = n + (rows - 1) * cols
        for c in 0..<cols { a[bottom + c][bottom + c] += wire }  // to virtual ground
        for k in 0..<size {
            let p = (k..<size).max { abs(a[$0][k]) < abs(a[$1][k]) }!
            a.swapAt(k, p)
            for i in (k + 1)..<size where a[i][k] != 0 {
                let f = a[i][k] / a[k][k]
                for j in k...size { a[i][j] -= f * a[k][j] }
            }
        }
        var x = [Double](repeating: 0, count: size)
        for k in stride(from: size - 1, through: 0, by: -1) {
            x[k] = (a[k][size] - ((k + 1)..<size).reduce(0) { $0 + a[k][$1] * x[$1] }) / a[k][k]
        }
        return (0..<cols).map { wire * x[bottom + $0] }
    }
}

/// ‖y − ideal‖₂ / ‖ideal‖₂.
func relativeError(_ y: [Double], _ ideal: [Double]) -> Double {
    zip(y, ideal).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot() / ideal.map { $0 * $0 }.reduce(0, +).squareRoot()
}

/// The deterministic setup of research/crossbar.md §5.3.
enum CrossSimCase {
    /// W[i][j] = ((37·i + 11·j) mod 61)/30 − 0.9 with i = output, j = input; as a tile's
    /// row-major (input, output) matrix.
    static func weights(_ n: Int) -> [Double] {
        (0..<(n * n)).map { k in
            let input = k / n, output = k % n
            return Double((37 * output + 11 * input) % 61) / 30 - 0.9
        }
    }

    static func all(_ n: Int) -> [Double] { [Double](repeating: 1, count: n) }

    /// x[k] = 1 if (7k mod 3) == 0.
    static func third(_ n: Int) -> [Double] { (0..<n).map { (7 * $0) % 3 == 0 ? 1 : 0 } }

    static func ideal(_ n: Int, _ x: [Double]) -> [Double] {
        let w = weights(n)
        return (0..<n).map { c in (0..<n).reduce(0) { $0 + w[$1 * n + c] * x[$1] } }
    }

    /// CrossSim's devices (Rmin 40 kΩ, Rmax 4 MΩ), every nonideality off.
    static var settings: CrossbarSettings {
        var s = CrossbarSettings.ideal
        s.gMaxMicrosiemens = 25
        s.gMinMicrosiemens = 0.25
        return s
    }

    static func tile(_ n: Int, _ s: CrossbarSettings, seed: UInt64 = 1) throws -> CrossbarTile {
        try CrossbarTile(weights: weights(n), rows: n, cols: n, settings: s, seed: seed)
    }
}
