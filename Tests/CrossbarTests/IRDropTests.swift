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
