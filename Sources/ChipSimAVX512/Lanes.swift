import ChipSimBlockTypes

/// Eight 64-bit lanes: the kernels' working width.
///
/// Every kernel ends a block with the same four lines (refractory counts, fired flags, the slot
/// cleared). Keep them inline: a shared helper for them, generic over the entry type, was first
/// called out of line, its vectors split across registers at each call (a quarter of a CUBA
/// run); inlined, it still made the S16.15 kernel 18 % and the COBA `float64` one 10 % slower
/// (measured again at 0c5a3d2, interleaved runs of the two builds).
typealias Lanes = SIMD8<Int64>

/// Conversions and a reduction written lane by lane so that they inline into the kernels, where
/// LLVM folds them into single instructions; the standard library's generic conversions are
/// called out of line from this module instead (measured: 7 % of a run in the calls).
extension SIMD8 where Scalar == Int64 {
    /// Zero-extends eight 16-bit ring entries.
    @inline(__always)
    init(widening w: SIMD8<UInt16>) {
        self.init(Int64(w[0]), Int64(w[1]), Int64(w[2]), Int64(w[3]), Int64(w[4]), Int64(w[5]), Int64(w[6]), Int64(w[7]))
    }

    /// Sign-extends eight 32-bit values.
    @inline(__always)
    init(widening w: SIMD8<Int32>) {
        self.init(Int64(w[0]), Int64(w[1]), Int64(w[2]), Int64(w[3]), Int64(w[4]), Int64(w[5]), Int64(w[6]), Int64(w[7]))
    }

    /// The low 32 bits of each lane.
    @inline(__always)
    var narrowed: SIMD8<Int32> {
        SIMD8<Int32>(Int32(truncatingIfNeeded: self[0]), Int32(truncatingIfNeeded: self[1]), Int32(truncatingIfNeeded: self[2]),
                     Int32(truncatingIfNeeded: self[3]), Int32(truncatingIfNeeded: self[4]), Int32(truncatingIfNeeded: self[5]),
                     Int32(truncatingIfNeeded: self[6]), Int32(truncatingIfNeeded: self[7]))
    }

    /// The low byte of each lane.
    @inline(__always)
    var lowBytes: SIMD8<UInt8> {
        SIMD8<UInt8>(UInt8(truncatingIfNeeded: self[0]), UInt8(truncatingIfNeeded: self[1]), UInt8(truncatingIfNeeded: self[2]),
                     UInt8(truncatingIfNeeded: self[3]), UInt8(truncatingIfNeeded: self[4]), UInt8(truncatingIfNeeded: self[5]),
                     UInt8(truncatingIfNeeded: self[6]), UInt8(truncatingIfNeeded: self[7]))
    }

    /// Whether any lane is nonzero.
    @inline(__always)
    var anyNonzero: Bool {
        let quarter = lowHalf | highHalf
        let pair = quarter.lowHalf | quarter.highHalf
        return pair[0] | pair[1] != 0
    }
}

extension UnsafeMutablePointer {
    /// The vector of values from `self + i`.
    @inline(__always)
    func vector<V: SIMD>(at i: Int) -> V where V.Scalar == Pointee {
        UnsafeRawPointer(self + i).loadUnaligned(as: V.self)
    }

    /// Stores `x` from `self + i`.
    @inline(__always)
    func store<V: SIMD>(_ x: V, at i: Int) where V.Scalar == Pointee {
        UnsafeMutableRawPointer(self + i).storeBytes(of: x, as: V.self)
    }
}
