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
    /// The words of the rows in the matrix (set by ``StaticLists/count(_:_:matrices:prefetch:neuronBase:into:)``).
    var words: Range<Int> = 0..<0
}

/// Where a synaptic matrix keeps its row lengths, checkpoints and words, for prefetch hints
/// only: a hint reads nothing and cannot fault, so these addresses are never read through.
/// Taken once per matrix, they spare the prefetch of each block the reference counts of the
/// matrix's arrays, each a cold cache line that stalled the loop the hints were to speed up.
struct MatrixPrefetch {
    let lengths: UnsafeRawPointer?
    let lengthBytes: Int
    let checkpoints: UnsafeRawPointer?
    let words: UnsafeRawPointer?

    init(_ m: SynapticMatrix) {
        (lengths, checkpoints) = m.rows.prefetchAddresses
        lengthBytes = m.rows.lengthBytes
        words = m.words.prefetchAddress
    }

    /// Hints block `b`'s row lengths and the checkpoint before them.
    @inline(__always)
    func rows(of b: TableBlock) {
        guard let lengths, let checkpoints, b.rows > 0 else { return }
        var at = b.first * lengthBytes
        let end = (b.first + b.rows) * lengthBytes
        while at < end { neurite_prefetch(lengths + at); at += 64 }
        neurite_prefetch(checkpoints + b.first / RowIndex.checkpointRows * MemoryLayout<UInt32>.stride)
    }

    /// Hints block `b`'s words.
    @inline(__always)
    func words(of b: TableBlock) {
        guard let words else { return }
        var k = b.words.lowerBound
        while k < b.words.upperBound { neurite_prefetch(words + k * MemoryLayout<UInt32>.stride); k += 16 }
    }
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

    /// Adds the synapses of blocks `piece` of `blocks` (sorted by source core) per source neuron
    /// into `counts` (global source neuron g's at `counts[g]`; `neuronBase` per source core its
    /// neuron 0), and sets each block's ``TableBlock/words``.
    static func count(_ blocks: UnsafeMutableBufferPointer<TableBlock>, _ piece: Range<Int>, matrices: UnsafeBufferPointer<SynapticMatrix>,
                      prefetch: [MatrixPrefetch], neuronBase: [Int], into counts: UnsafeMutablePointer<Int>) {
        for i in piece {
            if i + prefetchBlocks < piece.upperBound { prefetch[blocks[i + prefetchBlocks].target].rows(of: blocks[i + prefetchBlocks]) }
            let b = blocks[i]
            let rows = (matrices.baseAddress! + b.target).pointee.rows
            let start = rows.start(b.first)
            let words = rows.withLengths { $0.add(b.first..<b.first + b.rows, to: counts + neuronBase[b.source]) }
            blocks[i].words = start..<start + words
        }
    }

    /// Writes the synapses of `blocks` (sorted by source core, then target core, whole source
    /// cores) into the lists, source neuron g's next synapse at `fill[g]` (advanced past each
    /// one written), its list `listStarts[g] ..< listStarts[g + 1]`; returns the shortest delay
    /// field among them (`Int.max` when they hold none; a delay field of 0 counts as the whole
    /// ring).
    func fill(_ blocks: UnsafeBufferPointer<TableBlock>.SubSequence, matrices: UnsafeBufferPointer<SynapticMatrix>,
              prefetch: [MatrixPrefetch], fill: UnsafeMutablePointer<Int>, listStarts: UnsafePointer<Int>) -> Int {
        // One copy of the loop per arithmetic, the flag a constant in each.
        weights16.isEmpty ? self.fill(blocks, matrices: matrices, prefetch: prefetch, fill: fill, listStarts: listStarts, s1615: false)
                          : self.fill(blocks, matrices: matrices, prefetch: prefetch, fill: fill, listStarts: listStarts, s1615: true)
    }

    /// Writes zeros over the lists of source core `source`'s neurons, before its synapses go
    /// in one row at a time, each row to another neuron's list: the lists' cache lines then come
    /// in one sequential pass, which the hardware streams, rather than a miss per row that
    /// stalls the stores behind it. Only lists of at most ``claimedBytes`` together, which stay
    /// in the core's L2 cache while the source's blocks fill them.
    @inline(__always)
    private func claim(listsOf source: Int, listStarts: UnsafePointer<Int>, s1615: Bool) {
        let start = listStarts[neuronBase[source]], end = listStarts[neuronBase[source + 1]]
        let entryBytes = MemoryLayout<UInt32>.stride + (s1615 ? MemoryLayout<UInt16>.stride : MemoryLayout<Double>.stride)
        guard end > start, (end - start) * entryBytes <= Self.claimedBytes else { return }
        (targets.baseAddress! + start).update(repeating: 0, count: end - start)
        if s1615 { (weights16.baseAddress! + start).update(repeating: 0, count: end - start) }
        else { (weights64.baseAddress! + start).update(repeating: 0, count: end - start) }
    }

    /// ``fill(_:matrices:prefetch:fill:)`` for one arithmetic: `s1615` (the 16-bit weights) or
    /// `float64`.
    @inline(__always)
    private func fill(_ blocks: UnsafeBufferPointer<TableBlock>.SubSequence, matrices: UnsafeBufferPointer<SynapticMatrix>,
                      prefetch: [MatrixPrefetch], fill: UnsafeMutablePointer<Int>, listStarts: UnsafePointer<Int>, s1615: Bool) -> Int {
        var shortest = Int.max
        // Each block's rows and words lie apart from the last one's, in another target's
        // matrix, too short a run for the hardware prefetcher: their misses came one after the
        // other. Asked for ahead (lengths two blocks before the words), they overlap.
        for i in blocks.indices {
            let b = blocks[i]
            if i == blocks.startIndex || blocks[i - 1].source != b.source { claim(listsOf: b.source, listStarts: listStarts, s1615: s1615) }
            if i + Self.prefetchBlocks < blocks.endIndex { prefetch[blocks[i + Self.prefetchBlocks].target].rows(of: blocks[i + Self.prefetchBlocks]) }
            if i + Self.prefetchBlocks / 2 < blocks.endIndex { prefetch[blocks[i + Self.prefetchBlocks / 2].target].words(of: blocks[i + Self.prefetchBlocks / 2]) }
            let m = matrices.baseAddress! + b.target
            // A synapse word's low 16 bits are its delay field, type and index packed as the
            // core's ring positions are (slot shift = 1 type bit + index bits), so its position
            // is the word within the region's mask; a delay field of 0 (the whole ring, m.slots
            // ticks) leaves the same position as a field of m.slots would.
            let region = UInt32(b.target << RingLayout.positionBits), positionMask = UInt32(layout.size[b.target] - 1)
            let slotShift = UInt32(layout.slotShift[b.target])
            // The shortest delay field less one, unsigned: a field of 0 wraps past every other.
            var shortestFieldLessOne = UInt32.max
            let blockStart = b.words.lowerBound
            var k = blockStart
            m.pointee.words.withUnsafeWords { words in
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
                            let word = words[k]
                            shortestFieldLessOne = min(shortestFieldLessOne, ((word & 0xFFFF) &>> slotShift) &- 1)
                            targets[at] = region | word & positionMask
                            if s1615 { weights16[at] = UInt16(truncatingIfNeeded: word &>> 16) } else { weights64[at] = m.pointee.floatWeight(k) }
                            at += 1
                            k += 1
                        } while k < rowEnd
                        fill[list + row] = at
                    }
                    r += 16
                }
            }}
            if k > blockStart { shortest = min(shortest, m.pointee.slots, Int(shortestFieldLessOne) + 1) }
        }
        return shortest
    }

    /// Blocks between a block's fill and the prefetch of its row lengths (its words are asked
    /// for half as far ahead).
    static let prefetchBlocks = 4

    /// The most bytes of one source core's lists that are claimed before its fill: half of the
    /// smallest L2 cache per core of the hosts measured (512 KB). CUBA at 80k neurons has about
    /// 125 KB per source core (`s1615`); the full-scale microcircuit's, several megabytes, are
    /// filled unclaimed (its rows are longer, its stores less scattered).
    static let claimedBytes = 256 << 10
}

extension SynapticDelivery {
    /// `blocks` (target-major, sources ascending within a target) ordered by source core, then
    /// target core: a stable counting sort by source, one pass to count and one to place (a
    /// comparison sort of the 97,000 blocks of CUBA at 80k neurons was 1.4 % of loading it).
    static func sourceMajor(_ blocks: [TableBlock], sources: Int) -> [TableBlock] {
        var next = [Int](repeating: 0, count: sources + 1)
        for b in blocks { next[b.source + 1] += 1 }
        for s in 0..<sources { next[s + 1] += next[s] }
        var out = blocks
        for b in blocks {
            out[next[b.source]] = b
            next[b.source] += 1
        }
        return out
    }

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
