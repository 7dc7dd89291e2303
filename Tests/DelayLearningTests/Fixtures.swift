import ChipSim
@testable import DelayLearning

/// Small settings that keep the tests fast in a debug build.
enum Tiny {
    /// 4 directions at 1 px/ms, a 32-px texture, 16 × 16 frames, 30 ms.
    static var generator: GeneratorSettings {
        var s = GeneratorSettings()
        s.classes = MotionClasses(directions: 4, speedsPxPerMs: [1.0], staggered: false)
        s.textureSize = 32
        s.width = 16
        s.height = 16
        s.durationMs = 30
        s.seed = 7
        return s
    }

    /// A (4, 2, 5, 5, 5) kernel.
    static let shape = KernelShape(classes: 4, delays: 5, width: 5, height: 5)

    /// A model with random weights of scale `scale` inside the mask's support and a random bias.
    static func randomModel(seed: UInt64, scale: Double = 0.5) -> HDSNNModel {
        var model = HDSNNModel(name: "tiny", shape: shape, generator: generator)
        var rng = RandomStream(seed: seed)
        for c in 0..<shape.classes {
            for p in 0..<2 {
                for d in 0..<shape.delays {
                    for kx in 0..<shape.width {
                        for ky in 0..<shape.height where model.mask[shape.maskIndex(delay: d, kx: kx, ky: ky)] > 0 {
                            let i = shape.index(class: c, polarity: p, delay: d, kx: kx, ky: ky)
                            model.kernel[i] = Float(rng.normal(mean: 0, sd: scale))
                        }
                    }
                }
            }
        }
        model.bias = (0..<shape.classes).map { _ in Float(rng.normal(mean: 0, sd: scale)) }
        return model
    }

    /// A movie of random events (density `density` per pixel and step) with constant label `label`.
    static func randomMovie(seed: UInt64, width: Int = 9, height: Int = 7, duration: Int = 12, density: Double = 0.3,
                            label: Int = 0) -> EventMovie {
        var rng = RandomStream(seed: seed)
        var t: [UInt16] = [], x: [UInt16] = [], y: [UInt16] = [], p: [UInt8] = []
        for step in 0..<duration {
            for row in 0..<height {
                for column in 0..<width where rng.nextUnit() < density {
                    t.append(UInt16(step)); x.append(UInt16(column)); y.append(UInt16(row)); p.append(UInt8(rng.next() % 2))
                }
            }
        }
        return EventMovie(width: width, height: height, durationMs: duration, t: t, x: x, y: y, polarity: p,
                          labels: [Int](repeating: label, count: duration))
    }
}
