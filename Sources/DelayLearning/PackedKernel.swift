import Foundation

/// A kernel laid out for event-driven evaluation: `weights[(((p·K_T + d)·K_Y + ky)·K_X + kx)·lanes + c]`,
/// classes innermost and padded to a multiple of 8 lanes (padding lanes stay zero), so the taps an
/// event feeds along one output row are one contiguous run of memory.
///
/// `spans[d·K_Y + ky]` is the range of kx an event feeds at delay d and row offset ky: the taps
/// inside the mask while training, the taps holding a nonzero weight when evaluating a pruned kernel.
struct PackedKernel {
    let shape: KernelShape
    /// Classes rounded up to a multiple of 8.
    let lanes: Int
    var weights: [Float]
    /// kx ranges per (delay, ky); empty where no tap is live.
    let spans: [Range<Int>]

    /// `kernel` (row-major, file order) packed, with spans over the taps where `live(d, kx, ky)`.
    init(shape: KernelShape, kernel: [Float], live: (Int, Int, Int) -> Bool) {
        precondition(kernel.count == shape.count)
        self.shape = shape
        lanes = (shape.classes + 7) / 8 * 8
        var weights = [Float](repeating: 0, count: KernelShape.polarities * shape.tapsPerPolarity * lanes)
        var spans = [Range<Int>](repeating: 0..<0, count: shape.delays * shape.height)
        for d in 0..<shape.delays {
            for ky in 0..<shape.height {
                let liveX = (0..<shape.width).filter { live(d, $0, ky) }
                if let lo = liveX.first, let hi = liveX.last { spans[d * shape.height + ky] = lo..<(hi + 1) }
                for kx in 0..<shape.width {
                    for p in 0..<KernelShape.polarities {
                        for c in 0..<shape.classes {
                            weights[Self.offset(shape, lanes, p, d, ky, kx) + c] = kernel[shape.index(class: c, polarity: p, delay: d, kx: kx, ky: ky)]
                        }
                    }
                }
            }
        }
        self.weights = weights
        self.spans = spans
    }

    /// Spans over the mask's support (training).
    init(shape: KernelShape, kernel: [Float], mask: [Float]) {
        self.init(shape: shape, kernel: kernel) { d, kx, ky in mask[shape.maskIndex(delay: d, kx: kx, ky: ky)] > 0 }
    }

    /// Spans over the taps with a nonzero weight for some class and polarity (evaluation).
    init(shape: KernelShape, kernel: [Float]) {
        self.init(shape: shape, kernel: kernel) { d, kx, ky in
            (0..<shape.classes).contains { c in
                (0..<KernelShape.polarities).contains { kernel[shape.index(class: c, polarity: $0, delay: d, kx: kx, ky: ky)] != 0 }
            }
        }
    }

    @inline(__always)
    static func offset(_ shape: KernelShape, _ lanes: Int, _ p: Int, _ d: Int, _ ky: Int, _ kx: Int) -> Int {
        (((p * shape.delays + d) * shape.height + ky) * shape.width + kx) * lanes
    }

    /// The offset of tap (p, d, ky, kx)'s class vector.
    @inline(__always)
    func offset(polarity p: Int, delay d: Int, ky: Int, kx: Int) -> Int { Self.offset(shape, lanes, p, d, ky, kx) }

    /// The kernel in file order.
    func rowMajor() -> [Float] {
        var kernel = [Float](repeating: 0, count: shape.count)
        for c in 0..<shape.classes {
            for p in 0..<KernelShape.polarities {
                for d in 0..<shape.delays {
                    for kx in 0..<shape.width {
                        for ky in 0..<shape.height {
                            kernel[shape.index(class: c, polarity: p, delay: d, kx: kx, ky: ky)] = weights[offset(polarity: p, delay: d, ky: ky, kx: kx) + c]
                        }
                    }
                }
            }
        }
        return kernel
    }
}
