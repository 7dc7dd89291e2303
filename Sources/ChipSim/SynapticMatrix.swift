/// One entry of a core's master population table: the spikes whose key matches `key`/`mask`
/// come from a block of synaptic rows, one row per source neuron.
public struct MasterPopulationEntry: Equatable, Sendable {
    public var key: UInt32
    public var mask: UInt32
    /// Word offset of the block's first row in ``SynapticMatrix/words``.
    public var firstWord: UInt32
    /// Words per row: one header word (the row's synapse count) plus the longest row's length.
    public var rowStride: UInt32
    /// Source neurons (rows) in the block.
    public var rows: UInt32

    public init(key: UInt32, mask: UInt32, firstWord: UInt32, rowStride: UInt32, rows: UInt32) {
        self.key = key
        self.mask = mask
        self.firstWord = firstWord
        self.rowStride = rowStride
        self.rows = rows
    }
}

/// A core's synaptic matrix as it lives in SDRAM, with its master population table.
///
/// Each row is `[n][w₀][w₁]…` padded to the block's stride, where `n` is the synapse count and
/// each synapse word is
///
///     bits 31–16  weight (16-bit unsigned, scaled by the type's shift)
///     bits 15–0   delay (ticks, stored modulo the ring's slot count) | type (1 bit) | index
///
/// with `indexBits` bits of postsynaptic neuron index. `weights` holds, word for word, the
/// unquantized weight magnitudes used by the `float64` arithmetic (0 in header words).
public struct SynapticMatrix: Equatable, Sendable {
    /// Bits of the postsynaptic neuron index in a synapse word (ceil(log2(neurons on the core))).
    public var indexBits: Int
    /// Bits of the ring buffer's delay-slot index; the ring has 2^slotBits slots.
    public var slotBits: Int
    /// Per synapse type (excitatory, inhibitory): input = weight16 × 2^shift in S16.15 units.
    public var shifts: [Int8]
    /// The master population table, sorted by key.
    public var entries: [MasterPopulationEntry]
    public var words: [UInt32]
    public var weights: [Double]

    public static let typeBits = 1

    /// Conductance weights (µS) are stored and held multiplied by 2^10, as sPyNNaker's
    /// `input_type_conductance.h` does, to keep precision in S16.15.
    public static let conductanceScaleBits = 10

    public init(indexBits: Int, slotBits: Int, shifts: [Int8], entries: [MasterPopulationEntry], words: [UInt32], weights: [Double]) {
        self.indexBits = indexBits
        self.slotBits = slotBits
        self.shifts = shifts
        self.entries = entries
        self.words = words
        self.weights = weights
    }

    /// An empty matrix (a core with no incoming projections).
    public static func empty(indexBits: Int) -> SynapticMatrix {
        SynapticMatrix(indexBits: indexBits, slotBits: 1, shifts: [0, 0], entries: [], words: [], weights: [])
    }

    /// The ring buffer's slot count, which is also the longest delay it holds (in ticks).
    public var slots: Int { 1 << slotBits }

    /// Packs a synapse word.
    @inline(__always)
    public static func word(weight: UInt16, delay: Int, type: Int, index: Int, indexBits: Int, delayBits: Int) -> UInt32 {
        let d = UInt32(delay & ((1 << delayBits) - 1))
        return UInt32(weight) << 16 | d << UInt32(typeBits + indexBits) | UInt32(type) << UInt32(indexBits) | UInt32(index)
    }

    /// Finds the entry for a spike's key by binary search, as the core does.
    @inline(__always)
    public func lookup(_ key: UInt32) -> Int? {
        var lo = 0, hi = entries.count - 1
        while lo <= hi {
            let mid = (lo + hi) >> 1
            let e = entries[mid]
            let masked = key & e.mask
            if masked == e.key { return mid }
            if masked < e.key { hi = mid - 1 } else { lo = mid + 1 }
        }
        return nil
    }
}
