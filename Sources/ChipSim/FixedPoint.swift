/// The chip's fixed-point formats (ISO/IEC TR 18037 `accum` and `unsigned long fract`).
///
/// * S16.15 (`accum`): a signed 32-bit integer counting 2⁻¹⁵; range [−65536, 65536).
/// * U0.32 (`unsigned long fract`, sPyNNaker's `decay_t`): an unsigned 32-bit integer counting 2⁻³².
///
/// Products round to nearest (ties toward +∞) and saturate, which is what the ARM
/// saturating multiply sequences of sPyNNaker's `stdfix-full-iso.h` produce for in-range values.
public enum S1615 {
    public static let fractionalBits = 15
    public static let one: Int32 = 1 << 15

    /// The nearest S16.15 value to `x`, saturated to the format's range (NaN becomes 0).
    @inline(__always)
    public static func from(_ x: Double) -> Int32 {
        let scaled = (x * 32768.0).rounded()
        if scaled.isNaN { return 0 }
        if scaled >= Double(Int32.max) { return Int32.max }
        if scaled <= Double(Int32.min) { return Int32.min }
        return Int32(scaled)
    }

    @inline(__always)
    public static func toDouble(_ x: Int32) -> Double { Double(x) / 32768.0 }

    @inline(__always)
    static func saturate(_ x: Int64) -> Int32 {
        x > Int64(Int32.max) ? Int32.max : (x < Int64(Int32.min) ? Int32.min : Int32(truncatingIfNeeded: x))
    }

    /// a × b in S16.15.
    @inline(__always)
    public static func mul(_ a: Int32, _ b: Int32) -> Int32 {
        saturate((Int64(a) * Int64(b) + (1 << 14)) >> 15)
    }

    /// a + b in S16.15, saturating.
    @inline(__always)
    public static func add(_ a: Int32, _ b: Int32) -> Int32 {
        let (r, o) = a.addingReportingOverflow(b)
        return o ? (b > 0 ? Int32.max : Int32.min) : r
    }

    /// a − b in S16.15, saturating.
    @inline(__always)
    public static func sub(_ a: Int32, _ b: Int32) -> Int32 {
        let (r, o) = a.subtractingReportingOverflow(b)
        return o ? (b < 0 ? Int32.max : Int32.min) : r
    }

    /// x × d for an S16.15 x and a U0.32 decay d (sPyNNaker's `decay_s1615`).
    @inline(__always)
    public static func decay(_ x: Int32, _ d: UInt32) -> Int32 {
        Int32(truncatingIfNeeded: (Int64(x) * Int64(d) + (1 << 31)) >> 32)
    }
}

/// U0.32 fractions, used for decay factors in [0, 1].
public enum U032 {
    /// The nearest U0.32 value to `x` in [0, 1]; 1.0 becomes the largest fraction, 1 − 2⁻³²
    /// (NaN becomes 0).
    @inline(__always)
    public static func from(_ x: Double) -> UInt32 {
        let scaled = (x * 4294967296.0).rounded()
        if scaled.isNaN { return 0 }
        if scaled >= 4294967295.0 { return UInt32.max }
        if scaled <= 0 { return 0 }
        return UInt32(scaled)
    }

    @inline(__always)
    public static func toDouble(_ x: UInt32) -> Double { Double(x) / 4294967296.0 }
}
