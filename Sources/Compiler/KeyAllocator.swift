import ChipSim

/// Gives every core a block of routing keys with a mask, hierarchically: each population's
/// neuron cores, and each (population, delay stage)'s delay-extension cores, share one aligned
/// block `[block | core | neuron]` — the core's index in the block in the middle bits, its
/// neuron in the low bits (as many as its block's largest core needs). Neuron n of a core sends
/// `base | n`; the core's mask covers the block and core bits. Blocks are placed largest first,
/// so every block is aligned to its size and the cores of a population differ only in their
/// core bits: routing entries of cores that go the same way merge into few (sPyNNaker's zoned
/// allocation, per block).
enum KeyAllocator {
    /// Sets every slice's `keyBase` and `keyMask`.
    static func allocate(_ slices: inout [CoreSlice], populations: Int) throws {
        // Block of each core: a population's neuron cores, or (population, stage).
        var blocks: [[Int]] = []
        var blockOf: [Int: Int] = [:]
        for (c, s) in slices.enumerated() {
            let id = (s.delay?.stage ?? 0) * populations + s.population
            if let b = blockOf[id] {
                blocks[b].append(c)
            } else {
                blockOf[id] = blocks.count
                blocks.append([c])
            }
        }
        let shape = blocks.map { cores -> (neuronBits: Int, bits: Int) in
            let neuronBits = bitsFor(cores.map { slices[$0].count }.max()!)
            return (neuronBits, neuronBits + bitsFor(cores.count))
        }
        let order = blocks.indices.sorted { (-shape[$0].bits, $0) < (-shape[$1].bits, $1) }
        var next: UInt64 = 0
        for b in order {
            let (neuronBits, bits) = shape[b]
            guard next + (1 << UInt64(bits)) <= 1 << 32 else {
                throw CompileError([Diagnostic(
                    "the network's \(slices.count) cores need more than the 32-bit key space (keys of \(bits) bits for the block of core \(blocks[b][0]))",
                    at: nil)])
            }
            for (i, c) in blocks[b].enumerated() {
                slices[c].keyBase = UInt32(next) | UInt32(i) << UInt32(neuronBits)
                slices[c].keyMask = ~UInt32((1 << UInt64(neuronBits)) - 1)
            }
            next += 1 << UInt64(bits)
        }
    }
}
