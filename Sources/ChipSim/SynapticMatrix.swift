/// One entry of a core's master population table: the spikes whose key matches `key`/`mask`
/// come from a block of synaptic rows, one row per source neuron.
public struct MasterPopulationEntry: Equatable, Sendable {
    public var key: UInt32
    public var mask: UInt32
    /// Index in ``SynapticMatrix/rows`` of the block's first row.
    public var firstRow: UInt32
    /// Source neurons (rows) in the block.
    public var rows: UInt32
    /// The block's longest row, in synapse words: what the chip lays out (and DMAs) per row.
    public var rowLength: UInt32

    public init(key: UInt32, mask: UInt32, firstRow: UInt32, rows: UInt32, rowLength: UInt32) {
        self.key = key
        self.mask = mask
        self.firstRow = firstRow
        self.rows = rows
        self.rowLength = rowLength
    }
}

/// A core's synaptic matrix with its master population table.
///
/// Rows are stored compactly: the synapse words of row r of an entry are
/// `words[rows[firstRow + r]]`, where ``rows`` keeps each row's length. (The chip pads every row
/// of a block to the block's ``MasterPopulationEntry/rowLength`` plus 3 header words;
/// ``sdramBytes`` is that padded size.) Each synapse word is
///
///     bits 31–16  weight (16-bit unsigned, scaled by the type's shift)
///     bits 15–0   delay (ticks, stored modulo 2^delayBits) | type (1 bit) | index
///
/// with `indexBits` bits of postsynaptic neuron index. ``floatWeights`` gives the unquantized
/// weight magnitudes the `float64` arithmetic uses, where the 16-bit weights lose them.
public struct SynapticMatrix: Equatable, Sendable {
    /// Bits of the postsynaptic neuron index in a synapse word (ceil(log2(neurons on the core))).
    public var indexBits: Int
    /// Bits of the ring buffer's delay-slot index; the ring has 2^slotBits slots.
    public var slotBits: Int
    /// Per synapse type (excitatory, inhibitory): input = weight16 × 2^shift in S16.15 units.
    public var shifts: [Int8]
    /// The master population table, sorted by key.
    public var entries: [MasterPopulationEntry]
    /// Where each row lies among ``words``.
    public var rows: RowIndex
    /// The synapse words, row after row (read in place from a mapped image file).
    public var words: SynapseWords
    /// The full-precision weights, for `float64` runs (absent from an image compiled for `s1615`
    /// only).
    public var floatWeights: FloatWeights
    /// The plastic synapses among the words, by word index ascending, each with its projection
    /// (whose ``ProjectionInfo/plasticity`` rule changes its weight); empty for a core whose
    /// synapses are all static.
    public var plasticWords: [PlasticWord] = []

    public static let typeBits = 1

    /// Conductance weights (µS) are stored and held multiplied by 2^10, as sPyNNaker's
    /// `input_type_conductance.h` does, to keep precision in S16.15.
    public static let conductanceScaleBits = 10

    public init(indexBits: Int, slotBits: Int, shifts: [Int8], entries: [MasterPopulationEntry], rows: RowIndex, words: SynapseWords,
                floatWeights: FloatWeights) {
        self.indexBits = indexBits
        self.slotBits = slotBits
        self.shifts = shifts
        self.entries = entries
        self.rows = rows
        self.words = words
        self.floatWeights = floatWeights
    }

    /// An empty matrix (a core with no incoming projections).
    public static func empty(indexBits: Int) -> SynapticMatrix {
        SynapticMatrix(indexBits: indexBits, slotBits: 0, shifts: [0, 0], entries: [], rows: .empty, words: [], floatWeights: .perWord([]))
    }

    /// The full-precision weight magnitude of synapse word `k`, in the network's units (nA, µS
    /// or mV; see ``FloatWeights``). The matrix must have float weights (``FloatWeights/isAbsent``
    /// false).
    @inline(__always)
    public func floatWeight(_ k: Int) -> Double {
        switch floatWeights {
        case .perWord(let w): return w[k]
        case .byWeightField(let table): return table.value(for: words[k], indexBits: indexBits)
        case .absent: preconditionFailure("this matrix was compiled for s1615 only and has no float weights")
        }
    }

    /// The ring buffer's slot count, which is also the longest delay it holds (in ticks).
    public var slots: Int { 1 << slotBits }

    /// Entries of the core's ring buffer in DTCM: (slot, type, neuron) for a core that receives
    /// synapses, none for one that receives none.
    public var ringEntries: Int { entries.isEmpty ? 0 : 1 << (slotBits + Self.typeBits + indexBits) }

    /// Bits of the delay field of a synapse word.
    public var delayBits: Int { 16 - Self.typeBits - indexBits }

    /// The word indices of row `row` of `entry`.
    @inline(__always)
    public func row(_ entry: MasterPopulationEntry, _ row: Int) -> Range<Int> {
        rows[Int(entry.firstRow) + row]
    }

    /// Bytes of SDRAM the chip's layout needs: every row of a block padded to the block's
    /// longest row, plus 3 header words per row (sPyNNaker's row format).
    public var sdramBytes: Int {
        entries.reduce(0) { $0 + Int($1.rows) * (Int($1.rowLength) + 3) * 4 }
    }

    /// The postsynaptic neuron, synapse type and delay (ticks, 1…2^delayBits) of a synapse word.
    @inline(__always)
    public func decode(_ word: UInt32) -> (index: Int, type: Int, delay: Int) {
        let index = Int(word & ((1 << UInt32(indexBits)) - 1))
        let type = Int((word >> UInt32(indexBits)) & 1)
        let field = Int((word >> UInt32(indexBits + Self.typeBits)) & ((1 << UInt32(delayBits)) - 1))
        return (index, type, field == 0 ? 1 << delayBits : field)
    }

    /// Packs a synapse word.
    @inline(__always)
    public static func word(weight: UInt16, delay: Int, type: Int, index: Int, indexBits: Int, delayBits: Int) -> UInt32 {
        let d = UInt32(delay & ((1 << delayBits) - 1))
        return UInt32(weight) << 16 | d << UInt32(typeBits + indexBits) | UInt32(type) << UInt32(indexBits) | UInt32(index)
    }

    /// The key of a synapse word in a ``WeightTable``: its 16-bit weight and its type,
    /// `weight16 << 1 | type`.
    @inline(__always)
    public static func weightKey(_ word: UInt32, indexBits: Int) -> UInt32 {
        (word >> 16) << 1 | (word >> UInt32(indexBits)) & 1
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

/// How a synaptic matrix keeps the full-precision weights the `float64` arithmetic adds, beside
/// the 16-bit weights every synapse word holds (`docs/chip-image.md`).
public enum FloatWeights: Equatable, Sendable {
    /// One weight per synapse word.
    case perWord([Double])
    /// Where every synapse with the same 16-bit weight and type has the same full weight (a
    /// constant weight per projection, say): that weight per (weight16, type), so the matrix
    /// costs nothing per synapse.
    case byWeightField(WeightTable)
    /// None: the image was compiled for `s1615` runs only.
    case absent

    public var isAbsent: Bool { self == .absent }
}

/// Full-precision weights by ``SynapticMatrix/weightKey(_:indexBits:)``, sorted by key.
public struct WeightTable: Equatable, Sendable {
    public var keys: [UInt32]
    public var values: [Double]

    /// `keys` sorted ascending without repeats, one value each.
    public init(keys: [UInt32], values: [Double]) {
        self.keys = keys
        self.values = values
    }

    /// The weight of `word`; a word whose key the table lacks (only in a damaged image, which the
    /// validator refuses) reads as 0.
    @inline(__always)
    public func value(for word: UInt32, indexBits: Int) -> Double {
        index(of: SynapticMatrix.weightKey(word, indexBits: indexBits)).map { values[$0] } ?? 0
    }

    /// Where `key` is in the sorted keys, if it is there (a binary search).
    @inline(__always)
    public func index(of key: UInt32) -> Int? {
        var lo = 0, hi = keys.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if keys[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo < keys.count && keys[lo] == key ? lo : nil
    }
}

/// A plastic synapse of a matrix: its word and the projection it belongs to.
public struct PlasticWord: Equatable, Sendable {
    public var word: UInt32
    public var projection: UInt16

    public init(word: UInt32, projection: UInt16) {
        self.word = word
        self.projection = projection
    }
}
