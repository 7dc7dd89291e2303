/// The layout of the engine's ring buffer: one region per core, sized by the core's own
/// synaptic matrix, so that a core with long delays does not enlarge every other core's ring.
///
/// Entry (slot, type, neuron) of core c is at `start[c] + slot · 2^(indexBits+1) +
/// type · 2^indexBits + neuron`, with the core's own index bits and 2^slotBits slots (the chip's
/// ring-buffer indexing), and a synapse of delay d arriving in tick t lands in slot
/// (t + d) mod slots. Delays up to the slot count keep their meaning, since a slot is consumed at
/// the start of the tick's update and refilled only after it. Every region holds at most 2^16
/// entries (the chip's ring-buffer index is 16 bits), so a synapse's ring address is its core in
/// the high and its position in the low 16 bits of one word.
struct RingLayout {
    /// Per core: the offset of its region, its slot shift (1 type bit + index bits) and its
    /// region size (a power of two, at most 2^16).
    let start: [Int]
    let slotShift: [Int]
    let size: [Int]
    /// Entries in all regions together.
    let total: Int

    /// Bits of a ring address that hold the position within the core's region.
    static let positionBits = 16

    /// The core of ring address `t`: its bits above ``positionBits`` (the shift written as a
    /// literal, which the delivery loop needs: through the static constant it ran 3 % slower).
    @inline(__always)
    static func core(_ t: UInt32) -> Int { Int(t &>> 16) }
    /// The most cores the addressing holds.
    static let maxCores = 1 << 16

    init(image: ChipImage) {
        var start: [Int] = [], shift: [Int] = [], size: [Int] = []
        var total = 0
        for core in image.cores {
            let s = SynapticMatrix.typeBits + core.synapses.indexBits
            start.append(total)
            shift.append(s)
            size.append(1 << (core.synapses.slotBits + s))
            total += size.last!
        }
        self.start = start
        slotShift = shift
        self.size = size
        self.total = total
    }
}

/// One core's region of the ring buffer, by raw pointer (owned by ``LoadedChip``).
struct RingRegion {
    var ring16: UnsafeMutablePointer<UInt16>?
    var ring64: UnsafeMutablePointer<Double>?
    var slotShift: Int
    var slotMask: Int

    static let none = RingRegion(ring16: nil, ring64: nil, slotShift: 0, slotMask: 0)

    /// Offset of the slot consumed in tick `tick`.
    @inline(__always)
    func slotOffset(_ tick: Int) -> Int { (tick & slotMask) << slotShift }

    /// Distance between a slot's excitatory and inhibitory entries.
    var typeStride: Int { 1 << (slotShift - SynapticMatrix.typeBits) }
}

/// Where delivery finds a core's ring entries in one tick: `start + ((position + term) & mask)`
/// for a synapse's position in the region, with `term` the tick's slot offset; the position's
/// bit `typeShift` (the core's index bits) is its synapse type.
struct RegionAddress {
    var start: Int
    var mask: UInt32
    var term: UInt32
    var typeShift: UInt32

    /// The entry of ring address `t`'s position (its low 16 bits) in this tick.
    @inline(__always)
    func index(_ t: UInt32) -> Int { start &+ Int((t &+ term) & mask) }
}
