import Foundation

/// Pruning and shortening (models.md B.4): the two ways the paper cuts a kernel's synapses.
extension HDSNNModel {
    /// The weights to keep for a fraction of the kernel: `round(fraction · shape.count)` of them
    /// (the fraction counts every weight, masked or not, as the paper's ratio does).
    public func keptWeights(fraction: Double) -> Int {
        min(shape.count, max(0, Int((fraction * Double(shape.count)).rounded())))
    }

    /// The model with only the `keptWeights(fraction:)` weights of largest magnitude (ties broken
    /// toward the lower file index); the rest, and never more than the nonzero weights, become zero.
    /// Bias and threshold are kept.
    public func pruned(keepFraction fraction: Double) -> HDSNNModel {
        let order = kernel.indices.filter { kernel[$0] != 0 }.sorted { a, b in
            abs(kernel[a]) != abs(kernel[b]) ? abs(kernel[a]) > abs(kernel[b]) : a < b
        }
        var model = self
        model.kernel = [Float](repeating: 0, count: kernel.count)
        for i in order.prefix(keptWeights(fraction: fraction)) { model.kernel[i] = kernel[i] }
        return model
    }

    /// The model with only the `delays` shortest delays (0 ..< delays) of the kernel.
    public func shortened(delaysKept delays: Int) -> HDSNNModel {
        var model = self
        for c in 0..<shape.classes {
            for p in 0..<KernelShape.polarities {
                for d in max(delays, 0)..<shape.delays {
                    for kx in 0..<shape.width {
                        for ky in 0..<shape.height { model.kernel[shape.index(class: c, polarity: p, delay: d, kx: kx, ky: ky)] = 0 }
                    }
                }
            }
        }
        return model
    }
}
