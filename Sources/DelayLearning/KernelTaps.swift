import Foundation

/// One synapse of a convolutional connector with a delay per tap: an input event of polarity
/// `polarity` at pixel (x, y) reaches output neuron (`classIndex`, x + dx, y + dy) after `delayMs`
/// and adds `weight` to its input (evidence units). Taps whose target falls outside the frame are
/// dropped for that input (zero padding).
public struct KernelTap: Codable, Equatable, Sendable {
    /// Input polarity (``Polarity``: 0 OFF, 1 ON).
    public var polarity: Int
    /// Offset from the input pixel to the output pixel (px).
    public var dx: Int, dy: Int
    /// Synaptic delay (ms), 1 ... K_T: kernel delay d + 1.
    public var delayMs: Int
    /// The output class.
    public var classIndex: Int
    /// The weight.
    public var weight: Float

    /// A tap.
    public init(polarity: Int, dx: Int, dy: Int, delayMs: Int, classIndex: Int, weight: Float) {
        self.polarity = polarity
        self.dx = dx
        self.dy = dy
        self.delayMs = delayMs
        self.classIndex = classIndex
        self.weight = weight
    }
}

extension HDSNNModel {
    /// The nonzero weights as taps, in file order (class, polarity, delay, x, y).
    ///
    /// Delays are shifted by one step for hardware whose minimum delay is one tick: kernel delay d
    /// becomes `delayMs = d + 1`, so the chip's output at tick t + 1 is the model's voxel t. With
    /// `polaritySwapped` each tap listens to the other polarity: the second projection of the ON/OFF
    /// symmetry, whose thresholded output is ORed with the first (`max(B, B_swapped) ≥ θ_c`).
    /// Prune or shorten first (``pruned(keepFraction:)``, ``shortened(delaysKept:)``); the bias
    /// folds into ``classThresholds``.
    public func taps(polaritySwapped: Bool = false) -> [KernelTap] {
        var taps: [KernelTap] = []
        for c in 0..<shape.classes {
            for p in 0..<KernelShape.polarities {
                for d in 0..<shape.delays {
                    for kx in 0..<shape.width {
                        for ky in 0..<shape.height {
                            let w = kernel[shape.index(class: c, polarity: p, delay: d, kx: kx, ky: ky)]
                            guard w != 0 else { continue }
                            taps.append(KernelTap(polarity: polaritySwapped ? 1 - p : p, dx: kx - shape.halfWidth,
                                                  dy: ky - shape.halfHeight, delayMs: d + 1, classIndex: c, weight: w))
                        }
                    }
                }
            }
        }
        return taps
    }
}
