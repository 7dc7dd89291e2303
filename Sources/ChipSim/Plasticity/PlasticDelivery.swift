/// Delivery where some synapses are plastic: each plastic synapse learns (``STDPUpdate``)
/// before its weight is added, from its row's presynaptic state and its target neuron's post
/// spikes. Static synapses are added as ``SynapticDelivery`` adds them.
extension SynapticDelivery {
    /// The presynaptic state of the row being delivered, read once per row: every synapse of a
    /// row learns from the state before this spike, and the row takes the state after it.
    struct PlasticCursor {
        var row: Int32 = -1
        var last: Int32 = Int32.min
        var trace16: Int32 = 0
        var trace64: Double = 0
    }

    /// Plastic synapse `p` learns from a pre spike of `tick`; returns its weight after.
    @inline(__always)
    static func learn(_ p: Int, tick: Int, kernel k: PlasticSynapses.Kernel, cursor: inout PlasticCursor) -> (fixed: Int32, float: Double) {
        let syn = k.synapses[p]
        let row = Int(syn.row)
        if syn.row != cursor.row {
            cursor = PlasticCursor(row: syn.row, last: k.preLast[row], trace16: k.preTrace16[row], trace64: k.preTrace64[row])
        }
        let posts = k.posts(syn)
        if k.arithmetic == .s1615 {
            let after = STDPUpdate.apply(&k.weights16[p], pre: .init(last: cursor.last, trace: cursor.trace16), at: tick, delay: Int(syn.delay),
                                         posts: posts, k.fixedMath[Int(syn.math)])
            k.preLast[row] = after.last
            k.preTrace16[row] = after.trace
            return (k.weights16[p], 0)
        }
        let after = STDPUpdate.apply(&k.weights64[p], pre: .init(last: cursor.last, trace: cursor.trace64), at: tick, delay: Int(syn.delay),
                                     posts: posts, k.floatMath[Int(syn.math)])
        k.preLast[row] = after.last
        k.preTrace64[row] = after.trace
        return (0, k.weights64[p])
    }

    /// ``deliver(spikes:counts:part:regions:ring16:ring64:tallies:tick:)`` for an image with
    /// plastic synapses.
    func deliverLearning(spikes: UnsafePointer<UnsafeMutablePointer<UInt16>>, counts: UnsafePointer<Int>, part: Int,
                         regions: UnsafePointer<RegionAddress>, ring16: UnsafeMutablePointer<UInt16>?, ring64: UnsafeMutablePointer<Double>?,
                         tallies: UnsafeMutablePointer<DeliveryTally>, tick: Int, kernel: PlasticSynapses.Kernel) {
        let regionBits = UInt32(RingLayout.positionBits)
        let partCount = cutCount
        for s in 0..<sourceCores where counts[s] > 0 {
            for neuron in UnsafeBufferPointer(start: spikes[s], count: counts[s]) {
                let range = synapses(ofNeuron: globalNeuron(core: s, neuron: Int(neuron)), part: part, parts: partCount)
                var cursor = PlasticCursor()
                for k in range {
                    let t = target(k)
                    let core = Int(t >> regionBits)
                    let p = Int(plasticIndex[k])
                    if p >= 0 {
                        let w = Self.learn(p, tick: tick, kernel: kernel, cursor: &cursor)
                        tallies[core].plasticEvents += 1
                        if let ring = ring16 { Self.add(t, UInt16(w.fixed), at: regions[core], ring: ring, tally: tallies + core) }
                        if let ring = ring64 { Self.add(t, w.float, at: regions[core], ring: ring, tally: tallies + core) }
                    } else {
                        if let ring = ring16 { Self.add(t, staticWeight16(k), at: regions[core], ring: ring, tally: tallies + core) }
                        if let ring = ring64 { Self.add(t, staticWeight64(k), at: regions[core], ring: ring, tally: tallies + core) }
                    }
                }
            }
        }
    }
}
