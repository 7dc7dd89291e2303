/// Owns the decay lookup tables of the STDP arithmetics (``FixedPlasticity``,
/// ``FloatPlasticity``), so that those stay plain values — raw pointers into these tables and
/// numbers — that the delivery loop copies without reference counting. Keep it alive while any
/// arithmetic made with it is used.
public final class DecayTables {
    private var int32Tables: [UnsafeMutableBufferPointer<Int32>] = []
    private var doubleTables: [UnsafeMutableBufferPointer<Double>] = []

    public init() {}

    deinit {
        for t in int32Tables { t.deallocate() }
        for t in doubleTables { t.deallocate() }
    }

    /// A table of `count` values, `value(i)` for i = 0 ..< count.
    func table(count: Int, _ value: (Int) -> Int32) -> UnsafePointer<Int32> {
        let t = UnsafeMutableBufferPointer<Int32>.allocate(capacity: count)
        for i in 0..<count { t[i] = value(i) }
        int32Tables.append(t)
        return UnsafePointer(t.baseAddress!)
    }

    func table(count: Int, _ value: (Int) -> Double) -> UnsafePointer<Double> {
        let t = UnsafeMutableBufferPointer<Double>.allocate(capacity: count)
        for i in 0..<count { t[i] = value(i) }
        doubleTables.append(t)
        return UnsafePointer(t.baseAddress!)
    }
}
