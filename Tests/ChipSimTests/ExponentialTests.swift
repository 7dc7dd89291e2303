import ChipSimBlockTypes
import Foundation
import XCTest

/// ``Exponential``: one value and eight at a time give the same bits, within 2 ulp of libm's `exp`
/// (itself within 1 ulp), over the range the kernels use and beyond.
final class ExponentialTests: XCTestCase {
    /// Distance in units in the last place between two positive finite doubles.
    static func ulps(_ a: Double, _ b: Double) -> UInt64 {
        let x = a.bitPattern, y = b.bitPattern
        return x > y ? x - y : y - x
    }

    func testScalarAndVectorAgreeBitForBitAndWithinTwoUlpOfLibm() {
        var rng = SystemRandomNumberGenerator()
        var samples: [Double] = [0, -0.0, 1, -1, 0.5 * M_LN2, -0.5 * M_LN2, M_LN2, -708, 709, -707.9, 708.9, 1e-300, -1e-17]
        for _ in 0..<40_000 { samples.append(Double.random(in: -30...5, using: &rng)) }
        for _ in 0..<10_000 { samples.append(Double.random(in: -708...709, using: &rng)) }
        // Around the rounding boundaries of n = round(x / ln 2).
        for k in -40...40 { for d in [-1e-12, 0, 1e-12] { samples.append((Double(k) + 0.5) * M_LN2 + d) } }
        var worst: UInt64 = 0
        var i = 0
        while i + 8 <= samples.count {
            let lanes = SIMD8<Double>(samples[i..<(i + 8)])
            let wide = Exponential.of(lanes)
            for j in 0..<8 {
                let x = samples[i + j], one = Exponential.of(x)
                XCTAssertEqual(one.bitPattern, wide[j].bitPattern, "x = \(x)")
                worst = max(worst, Self.ulps(one, Foundation.exp(x)))
            }
            i += 8
        }
        XCTAssertLessThanOrEqual(worst, 2, "largest distance from libm's exp, in ulp")
    }

    func testExactValuesAndTheClampedRange() {
        XCTAssertEqual(Exponential.of(0), 1)
        XCTAssertEqual(Exponential.of(M_LN2 * 10), 1024, accuracy: 1024 * 2 * Double.ulpOfOne)
        XCTAssertEqual(Exponential.of(-800), Exponential.of(-708))
        XCTAssertEqual(Exponential.of(800), Exponential.of(709))
        XCTAssertTrue(Exponential.of(-708).isNormal)
        XCTAssertTrue(Exponential.of(Double.nan).isNaN)
    }
}
