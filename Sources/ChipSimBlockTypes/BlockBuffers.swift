/// A core's neuron state and the ring-buffer slot its update consumes, by raw pointer. `Value`
/// is the state's number (`Int32` holding S16.15, or `Double`), `Entry` a ring entry's (`UInt16`
/// or `Double`).
public struct BlockBuffers<Value, Entry> {
    public var v: UnsafeMutablePointer<Value>
    public var excitatory: UnsafeMutablePointer<Value>
    public var inhibitory: UnsafeMutablePointer<Value>
    /// Ticks left to hold each membrane.
    public var refractory: UnsafeMutablePointer<Int32>
    /// Set to 1 where a neuron fired, 0 elsewhere.
    public var fired: UnsafeMutablePointer<UInt8>
    /// The slot's excitatory and inhibitory entries, consumed (cleared) by the update.
    public var slotE: UnsafeMutablePointer<Entry>
    public var slotI: UnsafeMutablePointer<Entry>

    public init(v: UnsafeMutablePointer<Value>, excitatory: UnsafeMutablePointer<Value>, inhibitory: UnsafeMutablePointer<Value>,
                refractory: UnsafeMutablePointer<Int32>, fired: UnsafeMutablePointer<UInt8>,
                slotE: UnsafeMutablePointer<Entry>, slotI: UnsafeMutablePointer<Entry>) {
        self.v = v; self.excitatory = excitatory; self.inhibitory = inhibitory; self.refractory = refractory
        self.fired = fired; self.slotE = slotE; self.slotI = slotI
    }
}
