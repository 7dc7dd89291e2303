/// e^x in double precision, computed the same way one value at a time and eight at a time, so
/// that a scalar kernel and its block kernel agree bit for bit (libm's `exp` has no vector form
/// that is guaranteed to match it). Within 2 ulp of the true value on [−708, 709]; x below −708
/// gives e^−708 and above 709 gives e^709 (the neuron kernels take e^(h·B) with B < 0, well inside).
///
/// The method: n = round(x / ln 2) by the 1.5 · 2^52 rounding trick, r = x − n·ln 2 in two parts
/// (|r| ≤ ln 2 / 2), e^r by its Taylor series to degree 13 in Horner form (truncation below 5e-18),
/// and 2^n built in the exponent field. Swift does not contract a·b + c into a fused
/// multiply-add, so the operations are the same on every target.
public enum Exponential {
    @usableFromInline static let log2e = 1.4426950408889634
    /// ln 2 in two parts: the high part has 21 trailing zero bits, so n · ln2High is exact.
    @usableFromInline static let ln2High = 0.6931471803691238
    @usableFromInline static let ln2Low = 1.9082149292705877e-10
    /// 1.5 · 2^52: adding it rounds to an integer, which then sits in the low bits.
    @usableFromInline static let shifter = 6755399441055744.0
    @usableFromInline static let lowest = -708.0, highest = 709.0
    /// e^r for |r| ≤ ln 2 / 2: Σ r^k / k! for k = 0 ... 13, in Horner form.
    @inlinable @inline(__always)
    static func series<T: ExponentialLanes>(_ r: T) -> T {
        let c = T.init(broadcast:)
        var p = c(1.6059043836821613e-10)
        p = p * r + c(2.08767569878681e-09)
        p = p * r + c(2.505210838544172e-08)
        p = p * r + c(2.755731922398589e-07)
        p = p * r + c(2.7557319223985893e-06)
        p = p * r + c(2.48015873015873e-05)
        p = p * r + c(0.0001984126984126984)
        p = p * r + c(0.001388888888888889)
        p = p * r + c(0.008333333333333333)
        p = p * r + c(0.041666666666666664)
        p = p * r + c(0.16666666666666666)
        p = p * r + c(0.5)
        p = p * r + c(1.0)
        return p * r + c(1.0)
    }

    /// e^x for one value.
    @inlinable @inline(__always)
    public static func of(_ x: Double) -> Double {
        let clamped = x < lowest ? lowest : (x > highest ? highest : x)
        let t = clamped * log2e + shifter
        let n = t - shifter
        let r = (clamped - n * ln2High) - n * ln2Low
        let p = series(r)
        let exponent = (Int64(bitPattern: t.bitPattern &- shifter.bitPattern) &+ 1023) << 52
        return p * Double(bitPattern: UInt64(bitPattern: exponent))
    }

    /// e^x lane by lane, the same operations as ``of(_:)-(Double)``.
    @inlinable @inline(__always)
    public static func of(_ x: SIMD8<Double>) -> SIMD8<Double> {
        let low = SIMD8<Double>(repeating: lowest), high = SIMD8<Double>(repeating: highest)
        let clamped = x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
        let t = clamped * log2e + shifter
        let n = t - shifter
        let r = (clamped - n * ln2High) - n * ln2Low
        let p = series(r)
        let bits = unsafeBitCast(t, to: SIMD8<Int64>.self) &- Int64(bitPattern: shifter.bitPattern)
        return p * unsafeBitCast((bits &+ 1023) &<< 52, to: SIMD8<Double>.self)
    }
}

/// A double or a vector of doubles, for ``Exponential``'s series.
public protocol ExponentialLanes {
    static func * (a: Self, b: Self) -> Self
    static func + (a: Self, b: Self) -> Self
    /// Every lane `x`.
    init(broadcast x: Double)
}

extension Double: ExponentialLanes {
    @inlinable public init(broadcast x: Double) { self = x }
}

extension SIMD8: ExponentialLanes where Scalar == Double {
    @inlinable public init(broadcast x: Double) { self.init(repeating: x) }
}
