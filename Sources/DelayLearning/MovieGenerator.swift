import ChipSim
import Foundation

/// Settings of the synthetic event movies (models.md B.7); every number is a setting.
public struct GeneratorSettings: Codable, Equatable, Sendable {
    /// The motion classes. Default: config A's 16.
    public var classes: MotionClasses = .eightDirectionsTwoSpeeds
    /// Side of the periodic texture (px, a power of two). Default 256.
    public var textureSize = 256
    /// Peak spatial frequency of the texture's log-Gabor envelope (cycles/px). Default 0.15.
    public var sf0 = 0.15
    /// Bandwidth of the envelope (cycles/px). Default 0.15.
    public var bandwidth = 0.15
    /// Frame width and height (px). Default 32 × 32.
    public var width = 32, height = 32
    /// Movie length (ms, one step per ms). Default 100.
    public var durationMs = 100
    /// Probability per ms that a training or switching movie draws a new label, uniformly among all
    /// classes (so it may draw the same one). Default 1/24.
    public var switchProbability = 1.0 / 24
    /// The camera threshold in standard deviations of the movie's frame differences. Default 1.
    public var thresholdInStd = 1.0
    /// The seed every movie's random streams derive from. Default 2023.
    public var seed: UInt64 = 2023

    /// Config A's defaults.
    public init() {}

    /// Config B: the paper's 36 classes, otherwise config A's settings.
    public static var paperClasses: GeneratorSettings {
        var s = GeneratorSettings()
        s.classes = .paperThirtySix
        return s
    }
}

/// Which movies: each set has its own random streams, so a test movie is never a training movie.
public enum MovieSet: UInt64, Codable, Sendable {
    /// The training pool: labels switch with ``GeneratorSettings/switchProbability``.
    case training = 1
    /// Test movies with constant motion (one label for the whole movie).
    case constantTest = 2
    /// Test movies whose labels switch as in training.
    case switchingTest = 3
}

/// Makes event movies: a band-pass texture moving along a random path of motion classes, seen
/// through a fixed window and turned into ON/OFF events.
///
/// Movie `index` of a set draws its texture phases from the stream `(seed, [set, index, 0])` and
/// its labels from `(seed, [set, index, 1])`, so any movie can be made alone, in any order, on any
/// thread. The label of step 0 is uniform; the texture starts at offset (0, 0) and moves by the
/// velocity of `labels[t]` between frames t and t + 1.
public struct MovieGenerator: Sendable {
    /// The settings.
    public let settings: GeneratorSettings
    /// The texture synthesiser.
    let textures: BandPassTexture

    /// A generator with `settings`.
    public init(settings: GeneratorSettings) {
        precondition(settings.textureSize & (settings.textureSize - 1) == 0, "the texture size must be a power of two")
        self.settings = settings
        textures = BandPassTexture(size: settings.textureSize, sf0: settings.sf0, bandwidth: settings.bandwidth)
    }

    /// The motion class of every step of movie `index` of `set`.
    public func labels(_ set: MovieSet, index: Int) -> [Int] {
        var rng = RandomStream(seed: settings.seed, stream: [set.rawValue, UInt64(index), 1])
        let classes = settings.classes.count
        let p = set == .constantTest ? 0 : settings.switchProbability
        var labels = [Int](repeating: 0, count: settings.durationMs)
        labels[0] = Int(rng.next() % UInt64(classes))
        for step in 1..<settings.durationMs {
            labels[step] = rng.nextUnit() < p ? Int(rng.next() % UInt64(classes)) : labels[step - 1]
        }
        return labels
    }

    /// The texture offsets (px) of frames 0 ... durationMs: cumulative sums of the label velocities.
    public func positions(labels: [Int]) -> [(x: Double, y: Double)] {
        var p = [(x: 0.0, y: 0.0)]
        for label in labels {
            let v = settings.classes.velocity(label)
            p.append((p[p.count - 1].x + v.x, p[p.count - 1].y + v.y))
        }
        return p
    }

    /// The `durationMs + 1` frames (row-major `height × width` each, concatenated) and the labels of
    /// movie `index` of `set`.
    public func frames(_ set: MovieSet, index: Int) -> (frames: [Float], labels: [Int]) {
        let s = settings
        var rng = RandomStream(seed: s.seed, stream: [set.rawValue, UInt64(index), 0])
        let texture = textures.make(rng: &rng)
        let labels = labels(set, index: index)
        let path = positions(labels: labels)
        let pixels = s.width * s.height
        var crop = FourierShiftCrop(size: s.textureSize, width: s.width, height: s.height)
        var frames = [Float](repeating: 0, count: path.count * pixels)
        texture.withUnsafeBufferPointer { tex in
            frames.withUnsafeMutableBufferPointer { f in
                for (k, p) in path.enumerated() {
                    let frame = UnsafeMutableBufferPointer(rebasing: f[k * pixels..<(k + 1) * pixels])
                    crop.frame(of: tex, shiftX: p.x, shiftY: p.y, into: frame)
                }
            }
        }
        return (frames, labels)
    }

    /// Movie `index` of `set`.
    public func movie(_ set: MovieSet, index: Int) -> EventMovie {
        let s = settings
        let (frames, labels) = frames(set, index: index)
        let e = DVSConverter.events(frames: frames, width: s.width, height: s.height, steps: s.durationMs, thresholdInStd: s.thresholdInStd)
        return EventMovie(width: s.width, height: s.height, durationMs: s.durationMs, t: e.t, x: e.x, y: e.y,
                          polarity: e.polarity, labels: labels)
    }

    /// Movies `first ..< first + count` of `set`, made on `workers` threads (the result does not
    /// depend on `workers`).
    public func movies(_ set: MovieSet, count: Int, first: Int = 0,
                       workers: Int = ProcessInfo.processInfo.activeProcessorCount) -> [EventMovie] {
        ParallelIndices.map(count, workers: workers) { movie(set, index: first + $0) }
    }
}
