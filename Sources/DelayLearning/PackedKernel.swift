import Foundation

/// A kernel laid out for event-driven evaluation: `weights[(((p·K_T + d)·K_Y + ky)·K_X + kx)·lanes + c]`,
/// classes innermost and padded to a multiple of 8 lanes (padding lanes stay zero), so the taps an
/// event feeds along one output row are one contiguous run of memory.
///
/// `spans[d·K_Y + ky]` is the range of kx an event feeds at delay d and row offset ky: the taps
/// inside the mask while training, the taps holding a nonzero weight when evaluating a pruned kernel.
/// A kernel for evaluation whose nonzero weights fill less than a quarter of its spans' lanes also
/// keeps them as lists (``SparseWeights``), and events add those alone.
struct PackedKernel {
    let shape: KernelShape
    /// Classes rounded up to a multiple of 8.
    let lanes: Int
    var weights: [Float]
    /// kx ranges per (delay, ky); empty where no tap is live.
    let spans: [Range<Int>]
    /// The nonzero weights as lists, for sparse kernels.
    private(set) var sparse: SparseWeights?

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
                            let i = shape.index(class: c, polarity: p, delay: d, kx: kx, ky: ky)
                            weights[Self.offset(shape, lanes, p, d, ky, kx) + c] = kernel[i]
                        }
                    }
                }
            }
        }
        self.weights = weights
        self.spans = spans
        sparse = nil
    }

    /// Spans over the mask's support (training).
    init(shape: KernelShape, kernel: [Float], mask: [Float]) {
        self.init(shape: shape, kernel: kernel) { d, kx, ky in mask[shape.maskIndex(delay: d, kx: kx, ky: ky)] > 0 }
    }

    /// Spans over the taps with a nonzero weight for some class and polarity, and weight lists if
    /// the kernel is sparse (evaluation).
    init(shape: KernelShape, kernel: [Float]) {
        self.init(shape: shape, kernel: kernel) { d, kx, ky in
            (0..<shape.classes).contains { c in
                (0..<KernelShape.polarities).contains { kernel[shape.index(class: c, polarity: $0, delay: d, kx: kx, ky: ky)] != 0 }
            }
        }
        let nonzero = kernel.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        let denseLanes = spans.reduce(0) { $0 + $1.count } * lanes * KernelShape.polarities
        if 4 * nonzero < denseLanes { sparse = SparseWeights(self) }
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
                            let i = shape.index(class: c, polarity: p, delay: d, kx: kx, ky: ky)
                            kernel[i] = weights[offset(polarity: p, delay: d, ky: ky, kx: kx) + c]
                        }
                    }
                }
            }
        }
        return kernel
    }
}

/// The nonzero weights of a packed kernel as one list per (polarity, delay, ky): entries
/// `(kx·lanes + c, w)`, so an event at column x adds w at tile offset `x·lanes + kx·lanes + c`.
struct SparseWeights {
    let entries: [(offset: Int32, weight: Float)]
    /// `entries[start[i] ..< start[i + 1]]` for i = (p·K_T + d)·K_Y + ky.
    private let start: [Int]
    private let delays: Int, height: Int

    init(_ kernel: PackedKernel) {
        let s = kernel.shape
        delays = s.delays
        height = s.height
        var entries: [(offset: Int32, weight: Float)] = [], start = [0]
        for p in 0..<KernelShape.polarities {
            for d in 0..<s.delays {
                for ky in 0..<s.height {
                    for kx in 0..<s.width {
                        let o = kernel.offset(polarity: p, delay: d, ky: ky, kx: kx)
                        for c in 0..<s.classes where kernel.weights[o + c] != 0 {
                            entries.append((Int32(kx * kernel.lanes + c), kernel.weights[o + c]))
                        }
                    }
                    start.append(entries.count)
                }
            }
        }
        self.entries = entries
        self.start = start
    }

    /// The entries of (p, d, ky).
    @inline(__always)
    func range(polarity p: Int, delay d: Int, ky: Int) -> Range<Int> {
        let i = (p * delays + d) * height + ky
        return start[i]..<start[i + 1]
    }
}
