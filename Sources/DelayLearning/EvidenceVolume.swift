import Foundation

/// The evidence of every output voxel of one movie within a readout window:
/// `E(c, t, x, y) = max(B(c, t, x, y), B_swapped(c, t, x, y)) + β_c`, the logit of class c.
///
/// `values[((t − start)·height + y)·width + x)·classes + c]` for t in `start ..< end` (ms).
public struct EvidenceVolume: Sendable {
    /// Classes, frame width and height (px), and the window (ms).
    public let classes: Int, width: Int, height: Int, start: Int, end: Int
    /// The evidence, classes innermost.
    public internal(set) var values: [Float]

    /// Voxels (t, x, y) in the window.
    public var voxels: Int { (end - start) * width * height }
    /// Voxels per step.
    public var voxelsPerStep: Int { width * height }

    /// A zero volume.
    public init(classes: Int, width: Int, height: Int, start: Int, end: Int) {
        precondition(end >= start)
        self.classes = classes
        self.width = width
        self.height = height
        self.start = start
        self.end = end
        values = [Float](repeating: 0, count: (end - start) * width * height * classes)
    }

    /// The evidence of `movie` for steps `start ..< end` under `kernel` and `bias`.
    init(kernel: PackedKernel, bias: [Float], movie: EventMovie, start: Int, end: Int) {
        self = Self.cuts(kernel: kernel, bias: bias, movie: movie, start: start, end: end, delays: [kernel.shape.delays])[0]
    }

    /// The evidence under the kernel cut to its `delays[i]` shortest delays, for each i, from one pass
    /// over the events (`delays` ascending): each row's tiles gather delay after delay and are read
    /// out at every cut.
    static func cuts(kernel: PackedKernel, bias: [Float], movie: EventMovie, start: Int, end: Int, delays: [Int]) -> [EvidenceVolume] {
        let classes = kernel.shape.classes, lanes = kernel.lanes, w = movie.width, half = kernel.shape.halfWidth
        var volumes = delays.map { _ in EvidenceVolume(classes: classes, width: w, height: movie.height, start: start, end: end) }
        var original = [Float](repeating: 0, count: kernel.tileLength(frameWidth: w)), swapped = original
        let rowLength = w * classes
        original.withUnsafeMutableBufferPointer { o in
            swapped.withUnsafeMutableBufferPointer { s in
                for t in start..<end {
                    for y in 0..<movie.height {
                        o.update(repeating: 0)
                        s.update(repeating: 0)
                        var done = 0
                        for (i, cut) in delays.enumerated() {
                            kernel.accumulate(movie: movie, t: t, y: y, delays: done..<cut, original: o.baseAddress!, swapped: s.baseAddress!)
                            done = cut
                            volumes[i].values.withUnsafeMutableBufferPointer { v in
                                let row = v.baseAddress! + ((t - start) * movie.height + y) * rowLength
                                for x in 0..<w {
                                    let tile = (x + half) * lanes
                                    for c in 0..<classes { row[x * classes + c] = max(o[tile + c], s[tile + c]) + bias[c] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return volumes
    }

    /// The evidence vector of voxel number `k` (0 ..< voxels, in (t, y, x) order).
    public func voxel(_ k: Int) -> ArraySlice<Float> { values[k * classes..<(k + 1) * classes] }
}
