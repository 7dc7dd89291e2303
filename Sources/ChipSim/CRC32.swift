import CCRC32

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as zlib and PNG compute it: by
/// carry-less multiplication (`neurite_crc32_fold`, 64 bytes a step) where the CPU has it, else
/// eight bytes a step by table (slicing-by-8, about 2 GB/s: 7 % of loading CUBA at 80k neurons).
public enum CRC32 {
    /// tables[0] is the classic byte table; tables[k][n] advances tables[k − 1][n] by one zero byte.
    private static let tables: [[UInt32]] = {
        var t = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 8)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[0][n] = c
        }
        for k in 1..<8 { for n in 0..<256 { t[k][n] = t[0][Int(t[k - 1][n] & 0xFF)] ^ (t[k - 1][n] >> 8) } }
        return t
    }()
    private static let flat: [UInt32] = tables.flatMap { $0 }

    /// The checksum of `bytes`.
    public static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        if let sum = bytes.withContiguousStorageIfAvailable({ update(initial, UnsafeRawBufferPointer($0)) }) { return finish(sum) }
        return finish(Array(bytes).withUnsafeBytes { update(initial, $0) })
    }

    /// The running value before any byte.
    public static let initial: UInt32 = 0xFFFF_FFFF

    /// The checksum of everything passed to ``update(_:_:)`` since ``initial``.
    public static func finish(_ running: UInt32) -> UInt32 { running ^ 0xFFFF_FFFF }

    /// Runs the checksum over `bytes`, continuing from `running`.
    public static func update(_ running: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        update(running, bytes, folding: foldingAvailable)
    }

    /// Whether this CPU folds (``update(_:_:folding:)``).
    static let foldingAvailable = neurite_crc32_fold_available() != 0

    /// ``update(_:_:)``, folding the whole blocks of 16 bytes (at least 64 of them) or not.
    static func update(_ running: UInt32, _ bytes: UnsafeRawBufferPointer, folding: Bool) -> UInt32 {
        var crc = running
        flat.withUnsafeBufferPointer { t in
            var p = bytes.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) }
            var n = bytes.count
            if folding, n >= 64, let q = p {
                let whole = n & ~15
                crc = neurite_crc32_fold(crc, q, whole)
                p = q + whole
                n -= whole
            }
            while n >= 8, let q = p {
                let lo = UInt32(q[0]) | UInt32(q[1]) << 8 | UInt32(q[2]) << 16 | UInt32(q[3]) << 24
                let hi = UInt32(q[4]) | UInt32(q[5]) << 8 | UInt32(q[6]) << 16 | UInt32(q[7]) << 24
                let a = crc ^ lo
                crc = t[7 * 256 + Int(a & 0xFF)] ^ t[6 * 256 + Int((a >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((a >> 16) & 0xFF)] ^ t[4 * 256 + Int(a >> 24)]
                    ^ t[3 * 256 + Int(hi & 0xFF)] ^ t[2 * 256 + Int((hi >> 8) & 0xFF)]
                    ^ t[256 + Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
                p = q + 8
                n -= 8
            }
            while n > 0, let q = p {
                crc = t[Int((crc ^ UInt32(q[0])) & 0xFF)] ^ (crc >> 8)
                p = q + 1
                n -= 1
            }
        }
        return crc
    }
}
