import Foundation

/// The prior on the kernel: a circular spatial window times a cone that narrows at short delays,
/// as in the paper's code (`create_mask`).
///
/// With x, y the tap's position on `linspace(−1, 1, K + 2)` without its ends, r = √(x² + y²) and
/// s = d/(K_T − 1) for delay d (s = 1 when K_T = 1), the mask is
/// `m(d, x, y) = (½(cos πr + 1)·[r < 1])^(1/exponent) · exp(−½ r² / (speed·s + radius)²)`,
/// stored as `Float`. Training keeps every weight within ±m·max|K|; taps whose mask rounds to zero in
/// single precision are outside the kernel's support and stay zero (config A: 727 of 891 taps
/// per class and polarity, 23,264 weights; config B: 122,112).
public struct ConeMask: Codable, Equatable, Sendable {
    /// Cone speed in normalised radius per unit of normalised delay. Default 2.5 (the paper's V_max).
    public var speed = 2.5
    /// Cone radius at delay 0 (normalised). Default 0.05.
    public var radius = 0.05
    /// Root of the circular window. Default 4.
    public var exponent = 4.0

    /// The paper's settings.
    public init() {}

    /// The mask values laid out (delay, x, y) (``KernelShape/maskIndex(delay:kx:ky:)``).
    public func values(for shape: KernelShape) -> [Float] {
        var m = [Float](repeating: 0, count: shape.tapsPerPolarity)
        func coordinate(_ k: Int, _ n: Int) -> Double { -1 + 2 * Double(k + 1) / Double(n + 1) }
        for d in 0..<shape.delays {
            let s = shape.delays > 1 ? Double(d) / Double(shape.delays - 1) : 1
            let sigma = speed * s + radius
            for kx in 0..<shape.width {
                for ky in 0..<shape.height {
                    let x = coordinate(kx, shape.width), y = coordinate(ky, shape.height)
                    let r = (x * x + y * y).squareRoot()
                    let circle = r < 1 ? pow((cos(Double.pi * r) + 1) / 2, 1 / exponent) : 0
                    m[shape.maskIndex(delay: d, kx: kx, ky: ky)] = Float(circle * exp(-0.5 * r * r / (sigma * sigma)))
                }
            }
        }
        return m
    }
}
