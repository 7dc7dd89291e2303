/// A tick's spikes (local neuron indices) as a core's update writes them: a count and a buffer
/// that the owner lends out and takes back, without reference counting or uniqueness checks.
/// The update phase runs once per core and tick; the Swift array it appended to before cost a
/// retain, a release and a uniqueness check per call, and a copy into the ``SpikeExchange``
/// (without them, 10 s of CUBA 20k ran in 0.48 s instead of 0.499 s).
///
/// A value that names memory it does not own: appending past the capacity moves the spikes to a
/// larger buffer and frees the old one, so the owner must take the list back
/// (``SpikeExchange/take(_:core:slot:)``) before it reads or frees the buffer again.
public struct SpikeList {
    /// The buffer; valid for ``capacity`` indices.
    public private(set) var base: UnsafeMutablePointer<UInt16>
    /// Spikes held.
    public private(set) var count: Int
    /// Indices the buffer holds.
    public private(set) var capacity: Int

    /// An empty list over `base`, which holds `capacity` ≥ 1 indices.
    init(base: UnsafeMutablePointer<UInt16>, capacity: Int) {
        self.base = base
        count = 0
        self.capacity = capacity
    }

    /// An empty list in a buffer of its own, freed by ``deallocate()``.
    public init(capacity: Int) {
        self.init(base: .allocate(capacity: max(capacity, 1)), capacity: max(capacity, 1))
    }

    /// Frees the buffer of a list made by ``init(capacity:)``.
    public func deallocate() { base.deallocate() }

    /// The spikes.
    public var elements: UnsafeBufferPointer<UInt16> { UnsafeBufferPointer(start: base, count: count) }

    /// Empties the list, keeping its buffer.
    mutating func removeAll() { count = 0 }

    /// Makes room for `n` more spikes.
    @inline(__always)
    mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(to: count + n) }
    }

    @inline(__always)
    mutating func append(_ neuron: UInt16) {
        if count == capacity { grow(to: count + 1) }
        base[count] = neuron
        count += 1
    }

    mutating func append(contentsOf neurons: [UInt16]) {
        reserve(neurons.count)
        for n in neurons { appendReserved(n) }
    }

    /// Appends within room ``reserve(_:)`` made.
    @inline(__always)
    mutating func appendReserved(_ neuron: UInt16) {
        base[count] = neuron
        count += 1
    }

    /// Moves the spikes to a buffer of at least twice the capacity and `n`.
    private mutating func grow(to n: Int) {
        let larger = UnsafeMutablePointer<UInt16>.allocate(capacity: max(2 * capacity, n))
        larger.update(from: base, count: count)
        base.deallocate()
        base = larger
        capacity = max(2 * capacity, n)
    }
}
