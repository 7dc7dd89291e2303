import ChipSim
@testable import DelayLearning
import Foundation
import XCTest

final class GeneratorTests: XCTestCase {
    func testMoviesAreSeededAndIndependentOfThreadsAndOrder() {
        let generator = MovieGenerator(settings: Tiny.generator)
        let serial = generator.movies(.training, count: 3, workers: 1)
        XCTAssertEqual(serial, generator.movies(.training, count: 3, workers: 2))
        XCTAssertEqual(serial[2], generator.movie(.training, index: 2))
        XCTAssertNotEqual(serial[0], serial[1])
        XCTAssertNotEqual(serial[0], generator.movie(.constantTest, index: 0))
        var other = Tiny.generator
        other.seed += 1
        XCTAssertNotEqual(serial[0], MovieGenerator(settings: other).movie(.training, index: 0))
    }

    func testEventDensityAndOnOffBalance() {
        let movies = MovieGenerator(settings: Tiny.generator).movies(.training, count: 8)
        let events = movies.reduce(0) { $0 + $1.count }
        let on = movies.reduce(0) { $0 + $1.polarity.filter { Int($0) == Polarity.on }.count }
        let density = Double(events) / Double(8 * 30 * 16 * 16)
        XCTAssert((0.2...0.6).contains(density), "density \(density)")
        XCTAssertEqual(Double(on) / Double(events), 0.5, accuracy: 0.05)
        for movie in movies {  // every step carries events: the texture never stops moving
            XCTAssert((0..<30).allSatisfy { t in (0..<16).contains { !movie.rowRange(t: t, y: $0).isEmpty } })
        }
    }

    func testCameraThresholdCarriesTheResidualAndEmitsOneEventPerPixelAndStep() {
        // Two pixels, five frames: differences (3, 0, −4, 0) and (0, −1, 0, 0); std 1.7854.
        let frames: [Float] = [0, 0, 3, 0, 3, -1, -1, -1, -1, -1]
        let e = DVSConverter.events(frames: frames, width: 2, height: 1, steps: 4, thresholdInStd: 0.5)
        XCTAssertEqual(e.t, [0, 1, 1, 2, 3])
        XCTAssertEqual(e.x, [0, 0, 1, 0, 0])
        XCTAssertEqual(e.polarity.map(Int.init), [Polarity.on, Polarity.on, Polarity.off, Polarity.off, Polarity.off])
        let coarse = DVSConverter.events(frames: frames, width: 2, height: 1, steps: 4, thresholdInStd: 1)
        XCTAssertEqual(coarse.t, [0, 2])
        XCTAssertEqual(coarse.polarity.map(Int.init), [Polarity.on, Polarity.off])
    }

    func testSubpixelShiftIsTheFourierShift() {
        let n = 16
        var rng = RandomStream(seed: 3)
        let texture = BandPassTexture(size: n, sf0: 0.15, bandwidth: 0.15).make(rng: &rng)
        var crop = FourierShiftCrop(size: n, width: n, height: n)
        for (sx, sy) in [(0.0, 0.0), (2.25, -1.5), (-7.7, 13.1)] {
            var frame = [Float](repeating: 0, count: n * n)
            texture.withUnsafeBufferPointer { t in
                frame.withUnsafeMutableBufferPointer { crop.frame(of: t, shiftX: sx, shiftY: sy, into: $0) }
            }
            let expected = fourierShift(texture, size: n, sx: sx, sy: sy)
            for k in 0..<n * n { XCTAssertEqual(Double(frame[k]), expected[k], accuracy: 2e-5, "shift (\(sx), \(sy)) pixel \(k)") }
        }
    }

    func testTextureMovesByTheLabelVelocity() {
        // A periodic 32-px texture seen whole: the cross-correlation of frames 0 and k peaks at k·v.
        var settings = Tiny.generator
        settings.classes = MotionClasses(directions: 8, speedsPxPerMs: [1.0], staggered: false)
        settings.width = 32
        settings.height = 32
        let generator = MovieGenerator(settings: settings)
        for index in 0..<6 {
            let (frames, labels) = generator.frames(.constantTest, index: index)
            let pixels = 32 * 32, k = 6
            let v = settings.classes.velocity(labels[0])
            let peak = correlationPeak(Array(frames[0..<pixels]), Array(frames[k * pixels..<(k + 1) * pixels]), size: 32)
            XCTAssertEqual(peak.x, (Int((Double(k) * v.x).rounded()) + 32) % 32, "movie \(index) class \(labels[0])")
            XCTAssertEqual(peak.y, (Int((Double(k) * v.y).rounded()) + 32) % 32, "movie \(index) class \(labels[0])")
        }
    }

    func testLabelsSwitchAtTheSetRateAndTestMoviesHoldTheirClass() {
        var settings = GeneratorSettings()
        settings.seed = 11
        let generator = MovieGenerator(settings: settings)
        let classes = settings.classes.count
        var changes = 0, firsts = [Int](repeating: 0, count: classes)
        let movies = 3000
        for i in 0..<movies {
            let labels = generator.labels(.training, index: i)
            changes += zip(labels, labels.dropFirst()).filter { $0 != $1 }.count
            firsts[labels[0]] += 1
            XCTAssertEqual(Set(generator.labels(.constantTest, index: i)).count, 1)
        }
        // A redraw every 24 ms on average, uniform over all classes, so 15 in 16 redraws change the label.
        let rate = Double(changes) / Double(movies * (settings.durationMs - 1))
        XCTAssertEqual(rate, settings.switchProbability * Double(classes - 1) / Double(classes), accuracy: 0.003)
        XCTAssert(firsts.allSatisfy { abs($0 - movies / classes) < 60 }, "\(firsts)")
    }

    func testMotionClassesOfBothConfigurations() {
        let a = MotionClasses.eightDirectionsTwoSpeeds, b = MotionClasses.paperThirtySix
        XCTAssertEqual(a.count, 16)
        XCTAssertEqual(a.velocity(9).x, cos(Double.pi / 4), accuracy: 1e-12)  // ring 1 (1 px/ms), 45°
        XCTAssertEqual(b.count, 36)
        XCTAssertEqual(b.speedsPxPerMs.map { ($0 * 1000).rounded() / 1000 }, [0.25, 0.397, 0.63])
        XCTAssertEqual(b.direction(12), Double.pi / 12, accuracy: 1e-12)  // the middle ring is rotated by 15°
        XCTAssertEqual(b.direction(24), 0)
    }

    func testSpikeTimesListEveryEventOnceByInputNeuron() {
        let movie = Tiny.randomMovie(seed: 5)
        let times = movie.spikeTimes(offsetMs: 1)
        XCTAssertEqual(times.count, 2 * movie.width * movie.height)
        XCTAssertEqual(times.reduce(0) { $0 + $1.count }, movie.count)
        let k = movie.count / 2
        let neuron = (Int(movie.polarity[k]) * movie.height + Int(movie.y[k])) * movie.width + Int(movie.x[k])
        XCTAssert(times[neuron].contains(Double(movie.t[k]) + 1))
        XCTAssert(times.allSatisfy { $0 == $0.sorted() })
    }

    /// The texture translated by the FFT: phases e^{−2πi k s/n}, the Nyquist term scaled by cos(π s).
    private func fourierShift(_ texture: [Float], size n: Int, sx: Double, sy: Double) -> [Double] {
        var re = texture.map(Double.init), im = [Double](repeating: 0, count: n * n)
        FFT.transform2D(re: &re, im: &im, rows: n, columns: n)
        func factor(_ k: Int, _ s: Double) -> (Double, Double) {
            if k == n / 2 { return (cos(Double.pi * s), 0) }
            let a = -2 * Double.pi * Double(k < n / 2 ? k : k - n) * s / Double(n)
            return (cos(a), sin(a))
        }
        for ky in 0..<n {
            for kx in 0..<n {
                let (ar, ai) = factor(kx, sx), (br, bi) = factor(ky, sy)
                let fr = ar * br - ai * bi, fi = ar * bi + ai * br, k = ky * n + kx
                (re[k], im[k]) = (re[k] * fr - im[k] * fi, re[k] * fi + im[k] * fr)
            }
        }
        FFT.transform2D(re: &re, im: &im, rows: n, columns: n, inverse: true)
        XCTAssert(im.allSatisfy { abs($0) < 1e-9 }, "a real texture stays real")
        return re
    }

    /// The displacement d maximising Σ a(x)·b(x + d) over the periodic field.
    private func correlationPeak(_ a: [Float], _ b: [Float], size n: Int) -> (x: Int, y: Int) {
        var ar = a.map(Double.init), ai = [Double](repeating: 0, count: n * n), br = b.map(Double.init), bi = ai
        FFT.transform2D(re: &ar, im: &ai, rows: n, columns: n)
        FFT.transform2D(re: &br, im: &bi, rows: n, columns: n)
        var cr = ar, ci = ai
        for k in 0..<n * n { (cr[k], ci[k]) = (br[k] * ar[k] + bi[k] * ai[k], bi[k] * ar[k] - br[k] * ai[k]) }
        FFT.transform2D(re: &cr, im: &ci, rows: n, columns: n, inverse: true)
        let best = cr.indices.max { cr[$0] < cr[$1] }!
        return (best % n, best / n)
    }
}
