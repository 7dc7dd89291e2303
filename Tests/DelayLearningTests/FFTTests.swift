import ChipSim
@testable import DelayLearning
import Foundation
import XCTest

final class FFTTests: XCTestCase {
    func testForwardMatchesTheDefinitionAndInverseUndoesIt() {
        let n = 16
        var rng = RandomStream(seed: 1)
        let xr = (0..<n).map { _ in rng.normal(mean: 0, sd: 1) }, xi = (0..<n).map { _ in rng.normal(mean: 0, sd: 1) }
        var re = xr, im = xi
        let fft = FFT(count: n)
        fft.transform(re: &re, im: &im)
        for k in 0..<n {
            var sr = 0.0, si = 0.0
            for j in 0..<n {
                let a = -2 * Double.pi * Double(j * k) / Double(n)
                sr += xr[j] * cos(a) - xi[j] * sin(a)
                si += xr[j] * sin(a) + xi[j] * cos(a)
            }
            XCTAssertEqual(re[k], sr, accuracy: 1e-10)
            XCTAssertEqual(im[k], si, accuracy: 1e-10)
        }
        fft.transform(re: &re, im: &im, inverse: true)
        for j in 0..<n {
            XCTAssertEqual(re[j], xr[j], accuracy: 1e-12)
            XCTAssertEqual(im[j], xi[j], accuracy: 1e-12)
        }
    }

    func testTwoDimensionalTransformOfAPlaneWaveIsOneSpike() {
        let rows = 8, columns = 16
        var re = [Double](repeating: 0, count: rows * columns), im = re
        for r in 0..<rows {
            for c in 0..<columns {
                let a = 2 * Double.pi * (3 * Double(c) / Double(columns) + 5 * Double(r) / Double(rows))
                re[r * columns + c] = cos(a)
                im[r * columns + c] = sin(a)
            }
        }
        FFT.transform2D(re: &re, im: &im, rows: rows, columns: columns)
        for k in 0..<rows * columns {
            XCTAssertEqual(re[k], k == 5 * columns + 3 ? Double(rows * columns) : 0, accuracy: 1e-9)
            XCTAssertEqual(im[k], 0, accuracy: 1e-9)
        }
    }
}
