import ChipSim
import Foundation

/// Where a population's neurons sit in space (PyNN's `pyNN.space` structures), for
/// distance-dependent connectors. Positions are (x, y, z) in the user's length unit (µm in PyNN's
/// examples).
public enum Structure: Equatable, Sendable {
    /// Evenly on the x axis: x = x0 + i·dx.
    case line(dx: Double, x0: Double, y: Double, z: Double)
    /// On an nx × ny grid with nx = √(n · aspect_ratio); neuron i at
    /// (x0 + dx·⌊i / ny⌋, y0 + dy·(i mod ny), z), as PyNN's `Grid2D` fills it sequentially.
    case grid2D(aspectRatio: Double, dx: Double, dy: Double, x0: Double, y0: Double, z: Double, randomFill: Bool)
    /// On an nx × ny × nz grid (z filled first, then y, then x), PyNN's `Grid3D`.
    case grid3D(aspectRatioXY: Double, aspectRatioXZ: Double, dx: Double, dy: Double, dz: Double,
                x0: Double, y0: Double, z0: Double, randomFill: Bool)
    /// Uniformly at random in a box of `width` × `height` × `depth` (or a sphere of `radius` when
    /// `sphere`) centred on `origin`, PyNN's `RandomStructure`.
    case random(width: Double, height: Double, depth: Double, sphere: Bool, radius: Double, origin: [Double])

    /// Why `n` neurons cannot take this structure (a grid whose sides are not whole), if they cannot.
    public func problem(size n: Int) -> String? {
        switch self {
        case let .grid2D(ratio, _, _, _, _, _, _):
            let (nx, ny) = Self.gridSides(n, ratio)
            return nx * ny == n ? nil : "a Grid2D of aspect ratio \(ratio) cannot hold \(n) neurons: it needs √(\(n) × \(ratio)) columns, a whole number that divides \(n)"
        case let .grid3D(a, b, _, _, _, _, _, _, _):
            let (nx, ny, nz) = Self.gridSides(n, a, b)
            return nx * ny * nz == n ? nil : "a Grid3D of aspect ratios \(a), \(b) cannot hold \(n) neurons (sides \(nx) × \(ny) × \(nz))"
        default:
            return nil
        }
    }

    static func gridSides(_ n: Int, _ ratio: Double) -> (Int, Int) {
        let nx = Int((Double(n) * ratio).squareRoot().rounded())
        return nx > 0 ? (nx, n / nx) : (0, 0)
    }

    static func gridSides(_ n: Int, _ a: Double, _ b: Double) -> (Int, Int, Int) {
        let nx = Int(pow(Double(n) * a * b, 1.0 / 3).rounded())
        return (nx, Int((Double(nx) / a).rounded()), Int((Double(nx) / b).rounded()))
    }

    /// The positions of `n` neurons; random fills and random structures draw from `rng`.
    func positions(_ n: Int, rng: inout RandomStream) -> [SIMD3<Double>] {
        var positions: [SIMD3<Double>]
        switch self {
        case let .line(dx, x0, y, z):
            return (0..<n).map { SIMD3(x0 + dx * Double($0), y, z) }
        case let .grid2D(ratio, dx, dy, x0, y0, z, randomFill):
            let (_, ny) = Self.gridSides(n, ratio)
            positions = (0..<n).map { SIMD3(x0 + dx * Double($0 / ny), y0 + dy * Double($0 % ny), z) }
            if randomFill { shuffle(&positions, &rng) }
        case let .grid3D(a, b, dx, dy, dz, x0, y0, z0, randomFill):
            let (_, ny, nz) = Self.gridSides(n, a, b)
            positions = (0..<n).map { i in
                SIMD3(x0 + dx * Double(i / (ny * nz)), y0 + dy * Double((i / nz) % ny), z0 + dz * Double(i % nz))
            }
            if randomFill { shuffle(&positions, &rng) }
        case let .random(width, height, depth, sphere, radius, origin):
            let centre = SIMD3(origin[0], origin[1], origin[2])
            positions = (0..<n).map { _ in
                if sphere {
                    while true {
                        let c = SIMD3(rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1))
                        if (c * c).sum() < 1 { return centre + radius * c }
                    }
                }
                return centre + 0.5 * SIMD3(rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)) * SIMD3(width, height, depth)
            }
        }
        return positions
    }
}

/// Fisher–Yates with the stream's own draws, so a shuffle is the same on every toolchain.
private func shuffle<T>(_ a: inout [T], _ rng: inout RandomStream) {
    guard a.count > 1 else { return }
    for i in stride(from: a.count - 1, to: 0, by: -1) {
        a.swapAt(i, Int(rng.next() % UInt64(i + 1)))
    }
}

/// How distances are measured between positions (PyNN's `Space`): the axes that count and any
/// periodic boundaries.
public struct Space: Equatable, Sendable {
    /// Which of x, y, z enter the distance. Default all three.
    public var axes: SIMD3<Double> = SIMD3(1, 1, 1)
    /// Per axis, the period of a periodic boundary (0 where the axis has none).
    public var periods: SIMD3<Double> = SIMD3(0, 0, 0)

    public init(axes: SIMD3<Double> = SIMD3(1, 1, 1), periods: SIMD3<Double> = SIMD3(0, 0, 0)) {
        self.axes = axes
        self.periods = periods
    }

    /// The Euclidean distance between `a` and `b` over the axes, the shorter way round periodic ones.
    @inline(__always)
    func distance(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double {
        var squares = 0.0
        for k in 0..<3 where axes[k] != 0 {
            var d = Swift.abs(a[k] - b[k])
            if periods[k] > 0 { d = Swift.min(d, periods[k] - d) }
            squares += d * d
        }
        return squares.squareRoot()
    }
}
