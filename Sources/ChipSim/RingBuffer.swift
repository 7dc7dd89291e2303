/// The layout of the engine's ring buffer: one region per core, each `slots` delay slots of
/// two synapse types × 2^indexBits neurons, the same for every core so that a synapse's entry
/// is found from one global formula.
///
/// Entry (slot, type, neuron) of core c is at `c · regionSize + slot · 2^(indexBits+1) +
/// type · 2^indexBits + neuron`, and a synapse of delay d arriving in tick t lands in slot
/// (t + d) mod slots: the chip's ring-buffer indexing, with every core given the largest
/// neuron-index width and slot count of the image. Delays up to `slots` keep their meaning, since
/// a slot is consumed at the start of the tick's update and refilled only after it.
struct RingLayout {
    let indexBits: Int
    let slotBits: Int

    init(image: ChipImage) {
        indexBits = image.cores.map(\.synapses.indexBits).max() ?? 0
        slotBits = image.cores.map(\.synapses.slotBits).max() ?? 0
    }

    var slots: Int { 1 << slotBits }
    /// Bit position of the slot index (1 type bit + index bits).
    var slotShift: Int { SynapticMatrix.typeBits + indexBits }
    var regionBits: Int { slotBits + slotShift }
    var regionSize: Int { 1 << regionBits }
}

/// One core's region of the ring buffer, by raw pointer (owned by ``IdealTimingEngine``).
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
