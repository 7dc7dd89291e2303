/// The spikes each core sent in the ticks of a batch, copied out of the core into memory that
/// every worker reads in the delivery phase without reference counting: a reference count that
/// two threads touch every tick is a cache line they fight over.
///
/// One slot per tick of a batch (``IdealTimingEngine/batchTicks``): core c's entry of slot s is
/// `buffers[s · cores + c]`, written only by the worker that updated core c, and read by all of
/// them only after every core has updated.
final class SpikeExchange {
    /// Per slot and core, its spikes (local neuron indices) and how many there are.
    let buffers: UnsafeMutablePointer<UnsafeMutablePointer<UInt16>>
    let counts: UnsafeMutablePointer<Int>
    private let capacities: UnsafeMutablePointer<Int>
    private let cores: Int, entries: Int

    /// `capacities` is a first guess per core (its neuron count); a buffer grows when a core
    /// sends more (a Poisson atom may spike more than once a tick, a relay's atom once per
    /// delayed spike). `slots` ≥ 1.
    init(capacities initial: [Int], slots: Int = 1) {
        cores = initial.count
        entries = cores * max(slots, 1)
        buffers = .allocate(capacity: entries)
        counts = .allocate(capacity: entries)
        counts.initialize(repeating: 0, count: entries)
        capacities = .allocate(capacity: entries)
        for e in 0..<entries {
            capacities[e] = max(initial[e % cores], 1)
            buffers[e] = .allocate(capacity: capacities[e])
        }
    }

    deinit {
        for e in 0..<entries { buffers[e].deallocate() }
        buffers.deallocate()
        counts.deallocate()
        capacities.deallocate()
    }

    /// Core `c`'s buffer of slot `slot` as an empty list for its update to write into; the list
    /// must come back through ``take(_:core:slot:)`` before the buffer is used again.
    @inline(__always)
    func lend(core c: Int, slot: Int) -> SpikeList {
        let e = slot * cores + c
        return SpikeList(base: buffers[e], capacity: capacities[e])
    }

    /// Takes back a list ``lend(core:slot:)`` gave out, its spikes now core `c`'s of slot
    /// `slot` (in its buffer, which moved if the list grew).
    @inline(__always)
    func take(_ list: SpikeList, core c: Int, slot: Int) {
        let e = slot * cores + c
        buffers[e] = list.base
        capacities[e] = list.capacity
        counts[e] = list.count
    }

    /// Publishes core `c`'s spikes of the tick in slot `slot`.
    func publish(core c: Int, slot: Int, _ spikes: [UInt16]) {
        var list = lend(core: c, slot: slot)
        list.append(contentsOf: spikes)
        take(list, core: c, slot: slot)
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
    /// The spikes of slot `slot`.
    func view(slot: Int) -> TickSpikes { TickSpikes(buffers: buffers(slot: slot), counts: counts(slot: slot)) }

    /// Slot `slot`'s per-core spike lists and counts, as delivery reads them.
    func buffers(slot: Int) -> UnsafeMutablePointer<UnsafeMutablePointer<UInt16>> { buffers + slot * cores }
    func counts(slot: Int) -> UnsafeMutablePointer<Int> { counts + slot * cores }
}
