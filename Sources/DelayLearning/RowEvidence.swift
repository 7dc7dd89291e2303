import Foundation

/// The evidence of one output row (t, y) for every x and class, computed from the events alone.
///
/// An event at (x_e, y − dy) in step t − d feeds the outputs x_e + dx of row y for every live kx of
/// `spans[d, ky]`. In a dense kernel that is one contiguous run of class vectors added into a row
/// tile laid out `[(x + halfWidth)·lanes + c]` (the tile is `kernel.width − 1` columns wider than the
/// frame, so no event needs a bounds check); in a sparse (pruned) kernel it is the list of nonzero
/// weights of (polarity, d, ky). The work is proportional to the events in the receptive field
/// (times the live weights), and the tile stays in the first-level cache. Two tiles are kept: the
/// kernel on the events as recorded and on the events with their polarities swapped (the ON/OFF
/// symmetry).
extension PackedKernel {
    /// The length of a row tile for frames `frameWidth` px wide.
    func tileLength(frameWidth: Int) -> Int { (frameWidth + shape.width - 1) * lanes }

    /// Calls `body(d, ky, polarity, x)` for every event that feeds row (t, y) through a live span at
    /// a delay d of `delays` (default: all): an event of that polarity at column x of row
    /// y − (ky − halfHeight), step t − d.
    @inline(__always)
    func forEachEvent(movie: EventMovie, t: Int, y: Int, delays: Range<Int>? = nil, _ body: (Int, Int, Int, Int) -> Void) {
        let delays = (delays ?? 0..<shape.delays).clamped(to: 0..<min(shape.delays, t + 1))
        movie.x.withUnsafeBufferPointer { xs in
            movie.polarity.withUnsafeBufferPointer { ps in
                for d in delays {
                    for ky in 0..<shape.height {
                        let source = y - (ky - shape.halfHeight)
                        guard !spans[d * shape.height + ky].isEmpty, source >= 0, source < movie.height else { continue }
                        for e in movie.rowRange(t: t - d, y: source) { body(d, ky, Int(ps[e]), Int(xs[e])) }
                    }
                }
            }
        }
    }

    /// Calls `body(own, swapped, tile, count)` for every event feeding row (t, y): `count` floats of
    /// the dense kernel from offset `own` (the event's polarity) and `swapped` (the other polarity)
    /// meet the tile from offset `tile`.
    @inline(__always)
    func forEachRun(movie: EventMovie, t: Int, y: Int, delays: Range<Int>? = nil, _ body: (Int, Int, Int, Int) -> Void) {
        forEachEvent(movie: movie, t: t, y: y, delays: delays) { d, ky, p, x in
            let span = spans[d * shape.height + ky]
            body(offset(polarity: p, delay: d, ky: ky, kx: span.lowerBound), offset(polarity: 1 - p, delay: d, ky: ky, kx: span.lowerBound),
                 (x + span.lowerBound) * lanes, span.count * lanes)
        }
    }

    /// Adds the evidence of row (t, y) through the delays `delays` (default: all) into `original` and
    /// `swapped` (row tiles, zeroed by the caller).
    func accumulate(movie: EventMovie, t: Int, y: Int, delays: Range<Int>? = nil,
                    original: UnsafeMutablePointer<Float>, swapped: UnsafeMutablePointer<Float>) {
        if let sparse {
            sparse.entries.withUnsafeBufferPointer { entries in
                forEachEvent(movie: movie, t: t, y: y, delays: delays) { d, ky, p, x in
                    let tile = x * lanes
                    for entry in entries[sparse.range(polarity: p, delay: d, ky: ky)] { original[tile + Int(entry.offset)] += entry.weight }
                    for entry in entries[sparse.range(polarity: 1 - p, delay: d, ky: ky)] { swapped[tile + Int(entry.offset)] += entry.weight }
                }
            }
            return
        }
        weights.withUnsafeBufferPointer { w in
            let base = w.baseAddress!
            forEachRun(movie: movie, t: t, y: y, delays: delays) { own, other, tile, count in
                addVectors(base + own, into: original + tile, count: count)
                addVectors(base + other, into: swapped + tile, count: count)
            }
        }
    }

    /// Adds to `gradient` (laid out as ``weights``) the gradient of a loss whose derivatives with
    /// respect to row (t, y)'s original and swapped evidence are the tiles `original` and `swapped`.
    func accumulateGradient(movie: EventMovie, t: Int, y: Int, original: UnsafePointer<Float>, swapped: UnsafePointer<Float>,
                            into gradient: UnsafeMutablePointer<Float>) {
        forEachRun(movie: movie, t: t, y: y) { own, other, tile, count in
            addVectors(original + tile, into: gradient + own, count: count)
            addVectors(swapped + tile, into: gradient + other, count: count)
        }
    }
}

/// `target[i] += source[i]` for i < count, a multiple of 8.
@inline(__always)
func addVectors(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    while i < count {
        let s = UnsafeRawPointer(source + i).loadUnaligned(as: SIMD8<Float>.self)
        let t = UnsafeMutableRawPointer(target + i)
        t.storeBytes(of: t.loadUnaligned(as: SIMD8<Float>.self) + s, as: SIMD8<Float>.self)
        i += 8
    }
}
