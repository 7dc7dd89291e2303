import Foundation

/// The `width × height` window at the origin of a periodic `size × size` texture translated by a
/// sub-pixel amount: `frame(x, y) = T(x − p_x, y − p_y)`.
///
/// The translation is the exact Fourier shift of the periodic texture (its trigonometric
/// interpolant, the Nyquist terms split evenly between ±½ cycle/px, so a real texture stays real),
/// computed without transforms: along each axis it is a circular convolution with the periodic
/// sinc `D(u) = [sin(πu(N−1)/N)/sin(πu/N) + cos(πu)]/N`, and only the window's pixels are evaluated.
/// Cost per frame: `size²·width + size·width·height` multiply-adds. Reuses its buffers.
public struct FourierShiftCrop {
    /// Texture side (px), window width and height (px).
    public let size: Int, width: Int, height: Int
    /// Interpolation weights, `xWeights[m·width + i]` for texture column m and window column i;
    /// `yWeights[r·height + j]` likewise for rows.
    private var xWeights: [Float], yWeights: [Float]
    /// The texture translated along x, window columns only: `rows[r·width + i]`.
    private var rows: [Float]
    /// `D(u − f)` for u in 0 ..< size, twice over.
    private var kernel: [Float]

    /// A cropper for `size × size` textures and `width × height` windows.
    public init(size: Int, width: Int, height: Int) {
        precondition(size % 2 == 0 && width <= size && height <= size, "the window must fit an even-sized texture")
        self.size = size
        self.width = width
        self.height = height
        xWeights = [Float](repeating: 0, count: size * width)
        yWeights = [Float](repeating: 0, count: size * height)
        rows = [Float](repeating: 0, count: size * width)
        kernel = [Float](repeating: 0, count: 2 * size)
    }

    /// The periodic sinc at `u` (px) for a period of `n` samples.
    static func periodicSinc(_ u: Double, period n: Int) -> Double {
        let period = Double(n)
        var a = u.truncatingRemainder(dividingBy: period)
        if a >= period / 2 { a -= period }
        if a < -period / 2 { a += period }
        let s = sin(Double.pi * a / period)
        if abs(s) < 1e-12 { return 1 }
        return (sin(Double.pi * a * (period - 1) / period) / s + cos(Double.pi * a)) / period
    }

    /// Fills `weights[m·count + i] = D(i − shift − m)` for texture index m and window index i < count.
    private static func fillWeights(_ weights: inout [Float], kernel: inout [Float], size: Int, count: Int, shift: Double) {
        let whole = Int(shift.rounded(.down)), fraction = shift - Double(whole)
        for u in 0..<size {
            kernel[u] = Float(periodicSinc(Double(u) - fraction, period: size))
            kernel[u + size] = kernel[u]
        }
        for m in 0..<size {
            let start = ((-whole - m) % size + size) % size
            for i in 0..<count { weights[m * count + i] = kernel[start + i] }
        }
    }

    /// Writes the window of `texture` (row-major `size × size`) translated by (`shiftX`, `shiftY`) px
    /// into `frame` (row-major `height × width`).
    public mutating func frame(of texture: UnsafeBufferPointer<Float>, shiftX: Double, shiftY: Double,
                               into frame: UnsafeMutableBufferPointer<Float>) {
        precondition(texture.count == size * size && frame.count == width * height)
        Self.fillWeights(&xWeights, kernel: &kernel, size: size, count: width, shift: shiftX)
        Self.fillWeights(&yWeights, kernel: &kernel, size: size, count: height, shift: shiftY)
        let n = size, w = width, h = height
        xWeights.withUnsafeBufferPointer { kx in
            rows.withUnsafeMutableBufferPointer { r in
                for row in 0..<n {
                    Self.combine(coefficients: texture.baseAddress! + row * n, stride: 1, vectors: kx.baseAddress!,
                                 count: n, length: w, into: r.baseAddress! + row * w)
                }
            }
        }
        yWeights.withUnsafeBufferPointer { ky in
            rows.withUnsafeBufferPointer { r in
                for j in 0..<h {
                    Self.combine(coefficients: ky.baseAddress! + j, stride: h, vectors: r.baseAddress!,
                                 count: n, length: w, into: frame.baseAddress! + j * w)
                }
            }
        }
    }

    /// `out[i] = Σ_m coefficients[m·stride]·vectors[m·length + i]` for i < length, eight lanes at a
    /// time with the sums held in registers.
    @inline(__always)
    private static func combine(coefficients: UnsafePointer<Float>, stride: Int, vectors: UnsafePointer<Float>,
                                count: Int, length: Int, into out: UnsafeMutablePointer<Float>) {
        var i = 0
        while i + 8 <= length {
            var sum = SIMD8<Float>()
            for m in 0..<count {
                sum += coefficients[m * stride] * UnsafeRawPointer(vectors + m * length + i).loadUnaligned(as: SIMD8<Float>.self)
            }
            UnsafeMutableRawPointer(out + i).storeBytes(of: sum, as: SIMD8<Float>.self)
            i += 8
        }
        while i < length {
            var sum: Float = 0
            for m in 0..<count { sum += coefficients[m * stride] * vectors[m * length + i] }
            out[i] = sum
            i += 1
        }
    }
}
