import Foundation

/// A heterogeneous-delay motion detector (HD-SNN, Grimaldi & Perrinet 2023): one layer of output
/// neurons (class, x, y) fed by every (polarity, delay, offset) tap of a shared kernel.
///
/// The logit of class c at voxel (t, x, y) is `E = max(B(A), B(A_swapped)) + β_c`
/// (``KernelShape`` defines B; A_swapped has ON and OFF exchanged). A spiking output neuron fires
/// in the voxels where `E ≥ threshold`, i.e. where the kernel's evidence without bias reaches the
/// class threshold `threshold − β_c` (``classThresholds``). Saved and loaded as JSON
/// (``ModelFile``; docs/delay-learning.md).
public struct HDSNNModel: Equatable, Sendable {
    /// A name for reports.
    public var name: String
    /// The kernel's shape.
    public var shape: KernelShape
    /// The weights in file order (``KernelShape/index(class:polarity:delay:kx:ky:)``), evidence per event.
    public var kernel: [Float]
    /// The cone-and-circle mask the kernel was trained under, laid out (delay, x, y).
    public var mask: [Float]
    /// The settings that produced ``mask``.
    public var coneMask: ConeMask
    /// The bias β_c of every class (logit units).
    public var bias: [Float]
    /// The spiking threshold θ on `E` (logit units), calibrated to ``thresholdRateHz``; nil until calibrated.
    public var threshold: Double?
    /// The mean output rate θ was calibrated to (spikes/s per output neuron). Default 1.
    public var thresholdRateHz: Double
    /// The readout window and fraction.
    public var readout: ReadoutSettings
    /// The movies the model was trained and is tested on.
    public var generator: GeneratorSettings
    /// How it was trained, if it was.
    public var training: TrainingRecord?

    /// An untrained model: zero kernel and bias, the mask of `coneMask`, the window `[delays, duration)`.
    public init(name: String, shape: KernelShape, generator: GeneratorSettings, coneMask: ConeMask = ConeMask()) {
        precondition(shape.classes == generator.classes.count, "the kernel's classes must be the generator's")
        self.name = name
        self.shape = shape
        kernel = [Float](repeating: 0, count: shape.count)
        mask = coneMask.values(for: shape)
        self.coneMask = coneMask
        bias = [Float](repeating: 0, count: shape.classes)
        threshold = nil
        thresholdRateHz = 1
        readout = ReadoutSettings(windowStartMs: shape.delays, windowEndMs: generator.durationMs)
        self.generator = generator
        training = nil
    }

    /// The class thresholds on the bias-free evidence, `threshold − β_c` (nil until calibrated):
    /// what a threshold unit without a bias input compares its summed synaptic input with.
    public var classThresholds: [Double]? {
        guard let threshold else { return nil }
        return bias.map { threshold - Double($0) }
    }

    /// The number of nonzero weights.
    public var nonzeroWeights: Int { kernel.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }

    /// The kernel packed for evaluation.
    var packed: PackedKernel { PackedKernel(shape: shape, kernel: kernel) }

    /// The evidence of every voxel of `movie` in steps `window` (ms; default: the readout window).
    public func evidence(_ movie: EventMovie, window: Range<Int>? = nil) -> EvidenceVolume {
        evidence(movie, packed: packed, window: window)
    }

    /// ``evidence(_:window:)`` with the kernel packed once by the caller.
    func evidence(_ movie: EventMovie, packed: PackedKernel, window: Range<Int>? = nil) -> EvidenceVolume {
        let w = window ?? readout.windowStartMs..<readout.windowEndMs
        return EvidenceVolume(kernel: packed, bias: bias, movie: movie, start: w.lowerBound, end: w.upperBound)
    }
}
