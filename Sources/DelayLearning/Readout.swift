import Foundation

/// How a movie's evidence becomes a decision.
public struct ReadoutSettings: Codable, Equatable, Sendable {
    /// First step of the readout window (ms); earlier outputs have not seen a full kernel of input.
    /// Default: the kernel's delays (K_T).
    public var windowStartMs: Int
    /// End of the readout window (ms, exclusive). Default: the movie's length.
    public var windowEndMs: Int
    /// Fraction of the most confident voxels the top-fraction readout averages. Default 0.15.
    public var topFraction: Double

    /// The window `[delays, durationMs)` and the paper's 15 %.
    public init(windowStartMs: Int, windowEndMs: Int, topFraction: Double = 0.15) {
        self.windowStartMs = windowStartMs
        self.windowEndMs = windowEndMs
        self.topFraction = topFraction
    }
}

/// Readouts of an evidence volume, as the paper's code computes them.
extension EvidenceVolume {
    /// A voxel's confidence: its largest class evidence.
    public func confidence(_ k: Int) -> Float {
        var best = -Float.infinity
        for c in 0..<classes { best = max(best, values[k * classes + c]) }
        return best
    }

    /// The class whose evidence, averaged over the voxels `range` (indices in (t, y, x) order)
    /// whose confidence exceeds the (1 − fraction) quantile of the range's confidences, is largest.
    /// `fraction ≥ 1` averages every voxel; if no voxel exceeds the quantile, every voxel counts.
    public func topFractionDecision(_ fraction: Double, voxels range: Range<Int>? = nil) -> Int {
        let range = range ?? 0..<voxels
        var sums = [Double](repeating: 0, count: classes)
        if fraction < 1 {
            let confidences = range.map { confidence($0) }
            let threshold = quantile(confidences, 1 - fraction)
            var selected = 0
            for (k, q) in zip(range, confidences) where q > threshold {
                addEvidence(of: k, to: &sums)
                selected += 1
            }
            if selected > 0 { return argmax(sums) }
        }
        for k in range { addEvidence(of: k, to: &sums) }
        return argmax(sums)
    }

    /// The class with the largest evidence averaged over all voxels.
    public func allVoxelDecision() -> Int { topFractionDecision(1) }

    /// The top-fraction decision of every step of the window, in order.
    public func perStepDecisions(_ fraction: Double) -> [Int] {
        (0..<(end - start)).map { topFractionDecision(fraction, voxels: $0 * voxelsPerStep..<($0 + 1) * voxelsPerStep) }
    }

    /// Spikes per class: the voxels whose evidence for the class reaches `threshold`.
    public func spikeCounts(threshold: Double) -> [Int] {
        var counts = [Int](repeating: 0, count: classes)
        let theta = Float(threshold)
        for k in 0..<voxels {
            for c in 0..<classes where values[k * classes + c] >= theta { counts[c] += 1 }
        }
        return counts
    }

    /// Every output spike: the (class, voxel) pairs whose evidence reaches `threshold`, in (t, y, x, class) order.
    public func spikes(threshold: Double) -> [OutputSpike] {
        var spikes: [OutputSpike] = []
        let theta = Float(threshold)
        for k in 0..<voxels {
            for c in 0..<classes where values[k * classes + c] >= theta {
                spikes.append(OutputSpike(classIndex: c, t: start + k / voxelsPerStep, x: k % width, y: k / width % height))
            }
        }
        return spikes
    }

    private func addEvidence(of k: Int, to sums: inout [Double]) {
        for c in 0..<classes { sums[c] += Double(values[k * classes + c]) }
    }
}

/// The spiking readout's decision: the class with the most spikes (the lowest index among ties),
/// or nil when no output spiked.
public func spikeCountDecision(_ counts: [Int]) -> Int? {
    guard let best = counts.max(), best > 0 else { return nil }
    return counts.firstIndex(of: best)
}

/// The index of the first largest value.
func argmax<T: Comparable>(_ values: [T]) -> Int {
    var best = 0
    for k in values.indices where values[k] > values[best] { best = k }
    return best
}

/// A spike of output neuron (class, x, y) at step t (ms) of the offline model; on hardware with a
/// one-tick minimum delay the same spike comes at tick t + 1 (``KernelTap/delayMs``).
public struct OutputSpike: Equatable, Hashable, Sendable {
    /// The class, the step (ms) and the pixel.
    public var classIndex: Int, t: Int, x: Int, y: Int

    public init(classIndex: Int, t: Int, x: Int, y: Int) {
        self.classIndex = classIndex
        self.t = t
        self.x = x
        self.y = y
    }

    /// The output neuron's index in one population of classes × height × width: `(c·height + y)·width + x`.
    public func neuron(width: Int, height: Int) -> Int { (classIndex * height + y) * width + x }
}
