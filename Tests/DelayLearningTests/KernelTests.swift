@testable import DelayLearning
import XCTest

final class KernelTests: XCTestCase {
    func testConeMaskSupportMatchesThePapersSinglePrecisionMask() {
        func support(_ shape: KernelShape) -> Int { ConeMask().values(for: shape).filter { $0 > 0 }.count }
        XCTAssertEqual(support(.configA) * 16 * 2, 23_264)
        XCTAssertEqual(support(.configB) * 36 * 2, 122_112)
        let shape = KernelShape.configA, mask = ConeMask().values(for: shape)
        // Delay 0 is (practically) the centre tap alone; the longest delay spans the circle.
        XCTAssertEqual(mask[shape.maskIndex(delay: 0, kx: 4, ky: 4)], 1)
        XCTAssertLessThan(mask[shape.maskIndex(delay: 0, kx: 5, ky: 4)], 1e-3)
        XCTAssertGreaterThan(mask[shape.maskIndex(delay: 10, kx: 8, ky: 4)], 0.5)
        XCTAssertEqual(mask[shape.maskIndex(delay: 10, kx: 8, ky: 8)], 0)  // the corner is outside the circle
        XCTAssertEqual(mask[shape.maskIndex(delay: 6, kx: 1, ky: 3)], mask[shape.maskIndex(delay: 6, kx: 3, ky: 7)])
    }

    func testPackingRoundTrips() {
        let model = Tiny.randomModel(seed: 2)
        XCTAssertEqual(PackedKernel(shape: model.shape, kernel: model.kernel).rowMajor(), model.kernel)
        XCTAssertEqual(PackedKernel(shape: model.shape, kernel: model.kernel, mask: model.mask).rowMajor(), model.kernel)
    }

    func testEvidenceIsTheCausalConvolutionWithOnOffMaxAndBias() {
        var model = Tiny.randomModel(seed: 4)
        model.kernel[model.shape.index(class: 1, polarity: 0, delay: 4, kx: 0, ky: 2)] = 0.75  // an edge tap
        let movie = Tiny.randomMovie(seed: 9)
        let pruned = model.pruned(keepFraction: 0.05)
        XCTAssertNil(model.packed.sparse)
        XCTAssertNotNil(pruned.packed.sparse)
        XCTAssertEqual(checkAgainstDefinition(model, movie), 12 * 7 * 9 * 4)
        XCTAssertEqual(checkAgainstDefinition(pruned, movie), 12 * 7 * 9 * 4)
    }

    func testOnePassCutsEqualTheShortenedKernels() {
        let model = Tiny.randomModel(seed: 5), movie = Tiny.randomMovie(seed: 3)
        let cuts = EvidenceVolume.cuts(kernel: model.packed, bias: model.bias, movie: movie, start: 2, end: 12, delays: [1, 3, 5])
        for (volume, k) in zip(cuts, [1, 3, 5]) {
            XCTAssertEqual(volume.values, model.shortened(delaysKept: k).evidence(movie, window: 2..<12).values, "\(k) delays")
        }
    }

    /// Compares every voxel's evidence with the convolution written out; returns the values checked.
    private func checkAgainstDefinition(_ model: HDSNNModel, _ movie: EventMovie) -> Int {
        let volume = model.evidence(movie, window: 0..<movie.durationMs)
        let s = model.shape
        var active = [[[Int]]](repeating: [[Int]](repeating: [Int](repeating: -1, count: movie.width), count: movie.height),
                               count: movie.durationMs)
        for k in 0..<movie.count { active[Int(movie.t[k])][Int(movie.y[k])][Int(movie.x[k])] = Int(movie.polarity[k]) }
        var checked = 0
        for t in 0..<movie.durationMs {
            for y in 0..<movie.height {
                for x in 0..<movie.width {
                    for c in 0..<s.classes {
                        var b = [0.0, 0.0]  // as recorded, polarities swapped
                        for d in 0...min(t, s.delays - 1) {
                            for kx in 0..<s.width {
                                for ky in 0..<s.height {
                                    let xi = x - (kx - s.halfWidth), yi = y - (ky - s.halfHeight)
                                    guard xi >= 0, xi < movie.width, yi >= 0, yi < movie.height else { continue }
                                    let p = active[t - d][yi][xi]
                                    guard p >= 0 else { continue }
                                    b[0] += Double(model.kernel[s.index(class: c, polarity: p, delay: d, kx: kx, ky: ky)])
                                    b[1] += Double(model.kernel[s.index(class: c, polarity: 1 - p, delay: d, kx: kx, ky: ky)])
                                }
                            }
                        }
                        let k = (t * movie.height + y) * movie.width + x
                        XCTAssertEqual(Double(volume.values[k * s.classes + c]), max(b[0], b[1]) + Double(model.bias[c]), accuracy: 1e-4)
                        checked += 1
                    }
                }
            }
        }
        XCTAssertEqual(checked, volume.values.count)
        return checked
    }

    func testPruningKeepsTheLargestMagnitudesAndShorteningTheShortestDelays() {
        let shape = KernelShape(classes: 2, delays: 3, width: 1, height: 1)  // 12 weights
        var model = HDSNNModel(name: "hand", shape: shape, generator: twoClassGenerator())
        model.kernel = [0.5, -3, 0, 1, 2, -2, 0.1, 0, 4, -0.25, 3, 1]
        // 1/3 of 12 = 4 weights: 4, −3, 3 and the first of the two 2s by index (−2 at 5 loses to 2 at 4).
        XCTAssertEqual(model.pruned(keepFraction: 1.0 / 3).kernel, [0, -3, 0, 0, 2, 0, 0, 0, 4, 0, 3, 0])
        XCTAssertEqual(model.pruned(keepFraction: 1).kernel, model.kernel)
        XCTAssertEqual(model.pruned(keepFraction: 0).nonzeroWeights, 0)
        XCTAssertEqual(model.keptWeights(fraction: 0.1), 1)
        // Delays are the third axis: (class, polarity) blocks of 3 delays.
        XCTAssertEqual(model.shortened(delaysKept: 1).kernel, [0.5, 0, 0, 1, 0, 0, 0.1, 0, 0, -0.25, 0, 0])
        XCTAssertEqual(model.shortened(delaysKept: 2).kernel, [0.5, -3, 0, 1, 2, 0, 0.1, 0, 0, -0.25, 3, 0])
        XCTAssertEqual(model.shortened(delaysKept: 3), model)
    }

    func testTapsListTheNonzeroWeightsWithHardwareDelaysAndOffsets() {
        let shape = KernelShape(classes: 2, delays: 2, width: 3, height: 1)
        var model = HDSNNModel(name: "hand", shape: shape, generator: twoClassGenerator())
        model.kernel[shape.index(class: 1, polarity: Polarity.on, delay: 0, kx: 2, ky: 0)] = 0.5
        model.kernel[shape.index(class: 0, polarity: Polarity.off, delay: 1, kx: 0, ky: 0)] = -1.5
        XCTAssertEqual(model.taps(), [
            KernelTap(polarity: Polarity.off, dx: -1, dy: 0, delayMs: 2, classIndex: 0, weight: -1.5),
            KernelTap(polarity: Polarity.on, dx: 1, dy: 0, delayMs: 1, classIndex: 1, weight: 0.5),
        ])
        XCTAssertEqual(model.taps(polaritySwapped: true).map(\.polarity), [Polarity.on, Polarity.off])
        XCTAssertEqual(model.shortened(delaysKept: 1).taps().count, 1)
        model.bias = [0.25, -1]
        model.threshold = 2
        XCTAssertEqual(model.classThresholds, [1.75, 3])
    }

    private func twoClassGenerator() -> GeneratorSettings {
        var g = Tiny.generator
        g.classes = MotionClasses(directions: 2, speedsPxPerMs: [1], staggered: false)
        return g
    }
}
