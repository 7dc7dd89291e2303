import ChipSim
import Foundation

/// A periodic band-pass random texture: a static Motion Cloud.
///
/// Each Fourier coefficient of a `size × size` field gets the log-Gabor radial envelope
/// `E(f) = (1/f)·exp(−½·ln(f/sf₀)² / ln(1 + B_sf/sf₀)²)` (f in cycles/px, `E(0) = 0`) and a
/// uniform random phase; the texture is the real part of the inverse transform, shifted and
/// scaled to mean 0 and standard deviation 1. It is periodic in both axes, so translating it never
/// meets a border.
public struct BandPassTexture: Sendable {
    /// Side of the texture (px, a power of two).
    public let size: Int
    /// `E(f)` of every coefficient, row-major by (ky, kx).
    private let amplitudes: [Double]

    /// Textures of side `size` (a power of two) with peak frequency `sf0` and bandwidth
    /// `bandwidth` (cycles/px).
    public init(size: Int, sf0: Double, bandwidth: Double) {
        self.size = size
        var amplitudes = [Double](repeating: 0, count: size * size)
        for ky in 0..<size {
            let fy = Double(ky < size / 2 ? ky : ky - size) / Double(size)
            for kx in 0..<size {
                let fx = Double(kx < size / 2 ? kx : kx - size) / Double(size)
                amplitudes[ky * size + kx] = Self.envelope((fx * fx + fy * fy).squareRoot(), sf0: sf0, bandwidth: bandwidth)
            }
        }
        self.amplitudes = amplitudes
    }

    /// The radial envelope at spatial frequency `f` (cycles/px).
    public static func envelope(_ f: Double, sf0: Double, bandwidth: Double) -> Double {
        guard f > 0 else { return 0 }
        let logRatio = log(f / sf0), width = log(1 + bandwidth / sf0)
        return exp(-0.5 * logRatio * logRatio / (width * width)) / f
    }

    /// A texture (row-major, rows along y) with phases drawn from `rng`.
    public func make(rng: inout RandomStream) -> [Float] {
        var re = [Double](repeating: 0, count: size * size), im = re
        for k in 0..<amplitudes.count {
            let phase = 2 * Double.pi * rng.nextUnit()
            re[k] = amplitudes[k] * cos(phase)
            im[k] = amplitudes[k] * sin(phase)
        }
        FFT.transform2D(re: &re, im: &im, rows: size, columns: size, inverse: true)
        let mean = re.reduce(0, +) / Double(re.count)
        let sd = (re.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(re.count)).squareRoot()
        return re.map { Float(($0 - mean) / sd) }
    }
}
