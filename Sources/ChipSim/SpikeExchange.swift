/// The spikes each core sent in the current tick, copied out of the core into memory that every
/// worker reads in the delivery phase without reference counting: a reference count that two
/// threads touch every tick is a cache line they fight over.
///
/// Core c's entry is written only by the worker that updated core c, and read by all of them
/// only after every core has updated.
final class SpikeExchange {
    /// Per core, its spikes (local neuron indices) and how many there are.
    let buffers: UnsafeMutablePointer<UnsafeMutablePointer<UInt16>>
    let counts: UnsafeMutablePointer<Int>
    private let capacities: UnsafeMutablePointer<Int>
    private let cores: Int

    /// `capacities` is a first guess per core (its neuron count); a buffer grows when a core
    /// sends more (a Poisson atom may spike more than once a tick).
    init(capacities initial: [Int]) {
        cores = initial.count
        buffers = .allocate(capacity: cores)
        counts = .allocate(capacity: cores)
        counts.initialize(repeating: 0, count: cores)
        capacities = .allocate(capacity: cores)
        for (c, capacity) in initial.enumerated() {
            capacities[c] = max(capacity, 1)
            buffers[c] = .allocate(capacity: capacities[c])
        }
    }

    deinit {
        for c in 0..<cores { buffers[c].deallocate() }
        buffers.deallocate()
        counts.deallocate()
        capacities.deallocate()
    }

    /// Publishes core `c`'s spikes of this tick.
    func publish(core c: Int, _ spikes: [UInt16]) {
        if spikes.count > capacities[c] {
            buffers[c].deallocate()
            capacities[c] = spikes.count * 2
            buffers[c] = .allocate(capacity: capacities[c])
        }
        spikes.withUnsafeBufferPointer { s in
            if let base = s.baseAddress { buffers[c].update(from: base, count: s.count) }
        }
        counts[c] = spikes.count
    }
}

/// The spikes every core sent in the current tick, read without reference counting; valid from
/// the end of the update phase until the next one starts.
public struct TickSpikes {
    fileprivate let buffers: UnsafePointer<UnsafeMutablePointer<UInt16>>
    fileprivate let counts: UnsafePointer<Int>

    /// How many spikes core `c` sent.
    @inline(__always)
    public func count(core c: Int) -> Int { counts[c] }

    /// Core `c`'s spikes (local neuron indices, in index order).
    @inline(__always)
    public func spikes(core c: Int) -> UnsafeBufferPointer<UInt16> { UnsafeBufferPointer(start: buffers[c], count: counts[c]) }
}

extension SpikeExchange {
    var view: TickSpikes { TickSpikes(buffers: buffers, counts: counts) }
}
