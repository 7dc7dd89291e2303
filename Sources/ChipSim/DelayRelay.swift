/// The tick of a delay-extension core (``DelayExtension``): the ring-buffer slot due this tick
/// holds, per atom, how many of its spikes arrive now (each through a synapse of weight 1 and the
/// stage's delay); the core sends that many spikes of the atom, in atom order, and clears the
/// slot, as a neuron core consumes its slot.
struct DelayRelay {
    /// Emits atom a once per unit of its entry in `slot` (the due slot's first half), clearing it.
    func emit(_ slot: UnsafeMutablePointer<UInt16>, atoms: Int, spikes: inout SpikeList) {
        for a in 0..<atoms where slot[a] != 0 {
            for _ in 0..<Int(slot[a]) { spikes.append(UInt16(truncatingIfNeeded: a)) }
            slot[a] = 0
        }
    }

    func emit(_ slot: UnsafeMutablePointer<Double>, atoms: Int, spikes: inout SpikeList) {
        for a in 0..<atoms where slot[a] != 0 {
            for _ in 0..<Int(slot[a].rounded()) { spikes.append(UInt16(truncatingIfNeeded: a)) }
            slot[a] = 0
        }
    }
}
