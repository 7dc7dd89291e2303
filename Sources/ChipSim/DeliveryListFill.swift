import CPrefetch

/// One block of a target core's synaptic matrix: the rows its master population table entry
/// `entry` gives the packets of source core `source`, rows `first ..< first + rows` of the matrix
/// (one per source neuron the core has; a table entry may cover more).
struct TableBlock {
    var target: Int
    var source: Int
    var entry: Int
    var first: Int
    var rows: Int
}

/// The static synapses' delivery lists being filled while ``SynapticDelivery`` loads: every
/// synapse's ring address and weight at its place in its source neuron's list.
///
/// The lists of different source cores' neurons are disjoint, so pieces of whole source cores
/// fill at once, one worker each (``SynapticDelivery/loadingPieces(_:parts:work:)``), and
/// every synapse lands where it would in one pass: the lists do not depend on the workers.
struct StaticLists: @unchecked Sendable {
    let targets: UnsafeMutableBufferPointer<UInt32>
    /// `s1615` weights (empty in `float64`).
    let weights16: UnsafeMutableBufferPointer<UInt16>
    /// `float64` weights (empty in `s1615`).
    let weights64: UnsafeMutableBufferPointer<Double>
    let layout: RingLayout
    /// Per source core, the global index of its neuron 0 (and the neurons after the last).
    let neuronBase: [Int]

    /// Adds the synapses of `blocks` (sorted by source core) per source neuron into `counts`
    /// (global source neuron g's at `counts[g]`; `neuronBase` per source core its neuron 0).
    static func count(_ blocks: UnsafeBufferPointer<TableBlock>.SubSequence, matrices: UnsafeBufferPointer<SynapticMatrix>,
                      neuronBase: [Int], into counts: UnsafeMutablePointer<Int>) {
        for i in blocks.indices.prefix(prefetchBlocks) { prefetchRows(blocks[i], matrices) }
        for i in blocks.indices {
            if i + prefetchBlocks < blocks.endIndex { prefetchRows(blocks[i + prefetchBlocks], matrices) }
            let b = blocks[i]
            (matrices.baseAddress! + b.target).pointee.rows.withLengths { lengths in
                lengths.add(b.first..<b.first + b.rows, to: counts + neuronBase[b.source])
            }
        }
    }

    /// Writes the synapses of `blocks` (sorted by source core, then target core) into the
    /// lists, source neuron g's next synapse at `fill[g]` (advanced past each one written);
    /// returns the shortest delay field among them (`Int.max` when they hold none; a delay
    /// field of 0 counts as the whole ring).
    func fill(_ blocks: UnsafeBufferPointer<TableBlock>.SubSequence, matrices: UnsafeBufferPointer<SynapticMatrix>,
              fill: UnsafeMutablePointer<Int>) -> Int {
        var shortest = Int.max
        let s1615 = !weights16.isEmpty
        // Each block's rows and words lie apart from the last one's, in another target's
        // matrix, too short a run for the hardware prefetcher: their misses came one after the
        // other. Asked for ahead (lengths two blocks before the words), they overlap.
        for i in blocks.indices.prefix(Self.prefetchBlocks) { Self.prefetchRows(blocks[i], matrices) }
        for i in blocks.indices.prefix(Self.prefetchBlocks / 2) { prefetchWords(blocks[i], matrices) }
        for i in blocks.indices {
            let b = blocks[i]
            if i + Self.prefetchBlocks < blocks.endIndex { Self.prefetchRows(blocks[i + Self.prefetchBlocks], matrices) }
            if i + Self.prefetchBlocks / 2 < blocks.endIndex { prefetchWords(blocks[i + Self.prefetchBlocks / 2], matrices) }
            let m = matrices.baseAddress! + b.target
            let region = b.target << RingLayout.positionBits
            let regionMask = layout.size[b.target] - 1, slotShift = layout.slotShift[b.target], indexBits = m.pointee.indexBits
            // A delay field of 0 is the whole ring, m.slots ticks.
            var shortestField = m.pointee.slots
            let blockStart = m.pointee.rows.start(b.first)
            var k = blockStart
            m.pointee.words.withUnsafeBufferPointer { words in
            m.pointee.rows.withLengths { lengths in
                let list = neuronBase[b.source]
                // The block's non-empty rows, sixteen at a time as a bit mask: most rows are
                // empty where a neuron has few synapses on each of many cores, and stepping
                // row by row, the branch that skipped them missed about once a synapse. The
                // rows between are empty, so each non-empty row starts where the last ended.
                var r = 0
                while r < b.rows {
                    var nonEmpty: UInt32 = 0
                    if r + 16 <= b.rows {
                        nonEmpty = lengths.nonEmptyMask(from: b.first + r)
                    } else {
                        for i in 0..<b.rows - r where lengths.length(b.first + r + i) != 0 { nonEmpty |= 1 << i }
                    }
                    while nonEmpty != 0 {
                        let row = r + nonEmpty.trailingZeroBitCount
                        nonEmpty &= nonEmpty - 1
                        var at = fill[list + row]
                        let rowEnd = k + lengths.length(b.first + row)
                        repeat {
                            let (index, type, delay) = m.pointee.decode(words[k])
                            if delay > 0 { shortestField = min(shortestField, delay) }
                            targets[at] = UInt32(region | (delay << slotShift | type << indexBits | index) & regionMask)
                            if s1615 { weights16[at] = UInt16(words[k] >> 16) } else { weights64[at] = m.pointee.floatWeight(k) }
                            at += 1
                            k += 1
                        } while k < rowEnd
                        fill[list + row] = at
                    }
                    r += 16
                }
            }}
            if k > blockStart { shortest = min(shortest, shortestField) }
        }
        return shortest
    }

    /// Blocks between a block's fill and the prefetch of its row lengths (its words are asked
    /// for half as far ahead).
    static let prefetchBlocks = 4

    @inline(__always)
    private static func prefetchRows(_ b: TableBlock, _ matrices: UnsafeBufferPointer<SynapticMatrix>) {
        (matrices.baseAddress! + b.target).pointee.rows.prefetch(b.first..<b.first + b.rows)
    }

    @inline(__always)
    private func prefetchWords(_ b: TableBlock, _ matrices: UnsafeBufferPointer<SynapticMatrix>) {
        let m = matrices.baseAddress! + b.target
        let start = m.pointee.rows.start(b.first), end = m.pointee.rows.start(b.first + b.rows)
        m.pointee.words.withUnsafeBufferPointer { words in
            var k = start
            while k < end { neurite_prefetch(words.baseAddress! + k); k += 16 }
        }
    }
}

extension SynapticDelivery {
    /// Splits `blocks` (sorted by source core) into at most `parts` consecutive pieces of whole
    /// source cores with about equal work each (`work(i)` that of block i), for the workers
    /// that count and fill the lists.
    static func loadingPieces(_ blocks: [TableBlock], parts: Int, work: (Int) -> Int) -> [Range<Int>] {
        guard parts > 1 else { return [blocks.indices] }
        let total = blocks.indices.reduce(0) { $0 + work($1) }
        var pieces: [Range<Int>] = [], start = 0, done = 0
        for i in blocks.indices {
            done += work(i)
            let lastOfSource = i + 1 == blocks.count || blocks[i + 1].source != blocks[i].source
            // Close a piece at a source core's end once it holds its share of the work.
            if lastOfSource, pieces.count + 1 < parts, done * parts >= total * (pieces.count + 1) {
                pieces.append(start..<i + 1)
                start = i + 1
            }
        }
        if start < blocks.count || pieces.isEmpty { pieces.append(start..<blocks.count) }
        return pieces
    }
}
