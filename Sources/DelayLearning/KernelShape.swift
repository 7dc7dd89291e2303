import Foundation

/// The shape of a heterogeneous-delay kernel `K(class, polarity, delay, x, y)`.
///
/// The evidence for class c at output voxel (t, x, y) is the causal convolution
/// `B(c, t, x, y) = Σ K(c, p, d, kx, ky)·A(p, t − d, x − dx, y − dy)` over polarities p, delays
/// d = 0 ..< `delays` (ms) and offsets dx = kx − (width − 1)/2, dy = ky − (height − 1)/2: an event
/// at pixel (x, y) with polarity p reaches output (c, x + dx, y + dy) d steps later. Outputs cover the
/// whole frame; inputs beyond its edges are absent (zero padding).
public struct KernelShape: Codable, Equatable, Sendable {
    /// Output classes, delays (K_T, ms) and spatial width and height (K_X, K_Y, odd, px).
    public var classes: Int, delays: Int, width: Int, height: Int
    /// Input polarities: OFF and ON (``Polarity``).
    public static let polarities = 2

    /// A shape; `width` and `height` must be odd.
    public init(classes: Int, delays: Int, width: Int, height: Int) {
        precondition(classes >= 1 && delays >= 1 && width % 2 == 1 && height % 2 == 1, "bad kernel shape")
        self.classes = classes
        self.delays = delays
        self.width = width
        self.height = height
    }

    /// Config A: (16, 2, 11, 9, 9), 28,512 weights.
    public static let configA = KernelShape(classes: 16, delays: 11, width: 9, height: 9)
    /// Config B: (36, 2, 16, 11, 11), 139,392 weights; 16 delays fit SpiNNaker's 16 ring-buffer slots.
    public static let configB = KernelShape(classes: 36, delays: 16, width: 11, height: 11)

    /// The dimensions in file order: class, polarity, delay, x, y.
    public var dimensions: [Int] { [classes, Self.polarities, delays, width, height] }
    /// The number of weights.
    public var count: Int { classes * Self.polarities * delays * width * height }
    /// Taps per class and polarity: delays × width × height.
    public var tapsPerPolarity: Int { delays * width * height }
    /// Half width: dx = kx − halfWidth.
    public var halfWidth: Int { width / 2 }
    /// Half height: dy = ky − halfHeight.
    public var halfHeight: Int { height / 2 }

    /// The row-major (file) index of K(c, p, d, kx, ky).
    @inline(__always)
    public func index(class c: Int, polarity p: Int, delay d: Int, kx: Int, ky: Int) -> Int {
        (((c * Self.polarities + p) * delays + d) * width + kx) * height + ky
    }

    /// The index of (d, kx, ky) in a mask laid out (delay, x, y).
    @inline(__always)
    public func maskIndex(delay d: Int, kx: Int, ky: Int) -> Int { (d * width + kx) * height + ky }
}
