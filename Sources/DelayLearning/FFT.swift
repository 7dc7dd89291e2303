import Foundation

/// A radix-2 complex fast Fourier transform of one power-of-two length, on split real and
/// imaginary arrays of `Double`.
///
/// The forward transform is `X[k] = Σ_j x[j]·e^{−2πi·jk/n}`; the inverse is
/// `x[j] = (1/n)·Σ_k X[k]·e^{+2πi·jk/n}`, so `inverse(forward(x)) = x`.
public struct FFT: Sendable {
    /// The transform length (a power of two, ≥ 1).
    public let count: Int
    /// `cos(2πk/n)` and `sin(2πk/n)` for k < n/2.
    private let cosines: [Double], sines: [Double]
    /// The bit-reversal permutation of 0 ..< n.
    private let reversed: [Int]

    /// A transform of length `count` (a power of two).
    public init(count: Int) {
        precondition(count >= 1 && count & (count - 1) == 0, "FFT length \(count) is not a power of two")
        self.count = count
        cosines = (0..<max(count / 2, 1)).map { cos(2 * Double.pi * Double($0) / Double(count)) }
        sines = (0..<max(count / 2, 1)).map { sin(2 * Double.pi * Double($0) / Double(count)) }
        var bits = 0
        while 1 << bits < count { bits += 1 }
        reversed = (0..<count).map { j in
            var r = 0
            for b in 0..<bits where j & (1 << b) != 0 { r |= 1 << (bits - 1 - b) }
            return r
        }
    }

    /// Transforms `count` complex values in place, read at `re[offset + j·stride]`, `im[…]`.
    public func transform(re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>,
                          offset: Int = 0, stride: Int = 1, inverse: Bool = false) {
        let n = count
        for j in 0..<n {
            let r = reversed[j]
            if r > j {
                swap(&re[offset + j * stride], &re[offset + r * stride])
                swap(&im[offset + j * stride], &im[offset + r * stride])
            }
        }
        let sign: Double = inverse ? 1 : -1
        cosines.withUnsafeBufferPointer { c in
            sines.withUnsafeBufferPointer { s in
                var half = 1
                while half < n {
                    let step = n / (2 * half)
                    for k in 0..<half {
                        let wr = c[k * step], wi = sign * s[k * step]
                        var a = offset + k * stride
                        let jump = 2 * half * stride, span = half * stride
                        for _ in 0..<step {
                            let b = a + span
                            let tr = re[b] * wr - im[b] * wi, ti = re[b] * wi + im[b] * wr
                            re[b] = re[a] - tr
                            im[b] = im[a] - ti
                            re[a] += tr
                            im[a] += ti
                            a += jump
                        }
                    }
                    half *= 2
                }
            }
        }
        if inverse {
            let scale = 1 / Double(n)
            for j in 0..<n {
                re[offset + j * stride] *= scale
                im[offset + j * stride] *= scale
            }
        }
    }

    /// Transforms `re` and `im` (of length ``count``) in place.
    public func transform(re: inout [Double], im: inout [Double], inverse: Bool = false) {
        precondition(re.count == count && im.count == count)
        re.withUnsafeMutableBufferPointer { r in
            im.withUnsafeMutableBufferPointer { i in transform(re: r.baseAddress!, im: i.baseAddress!, inverse: inverse) }
        }
    }

    /// Transforms a row-major `rows × columns` complex array in place: every row, then every
    /// column. `rows` and `columns` are powers of two.
    public static func transform2D(re: inout [Double], im: inout [Double], rows: Int, columns: Int, inverse: Bool = false) {
        precondition(re.count == rows * columns && im.count == rows * columns)
        let rowFFT = FFT(count: columns), columnFFT = rows == columns ? rowFFT : FFT(count: rows)
        var columnRe = [Double](repeating: 0, count: rows), columnIm = columnRe
        re.withUnsafeMutableBufferPointer { r in
            im.withUnsafeMutableBufferPointer { i in
                for row in 0..<rows {
                    rowFFT.transform(re: r.baseAddress!, im: i.baseAddress!, offset: row * columns, inverse: inverse)
                }
                for column in 0..<columns {
                    for row in 0..<rows {
                        columnRe[row] = r[row * columns + column]
                        columnIm[row] = i[row * columns + column]
                    }
                    columnFFT.transform(re: &columnRe, im: &columnIm, inverse: inverse)
                    for row in 0..<rows {
                        r[row * columns + column] = columnRe[row]
                        i[row * columns + column] = columnIm[row]
                    }
                }
            }
        }
    }
}
