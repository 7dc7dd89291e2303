import Foundation

/// The motion classes a movie's label names: directions on rings of speeds.
///
/// Class `ring · directions + k` moves at `speeds[ring]` px/ms in the direction
/// `φ = 2π·(k + ½·(ring mod 2 if staggered))/directions` (radians, counter-clockwise from +x,
/// with y pointing down the rows of a frame). The texture moves with velocity
/// `speed·(cos φ, sin φ)` px/ms.
public struct MotionClasses: Codable, Equatable, Sendable {
    /// Directions per speed ring.
    public var directions: Int
    /// Ring speeds in px/ms, slowest first.
    public var speedsPxPerMs: [Double]
    /// Whether odd rings are rotated by half a direction step (the paper's middle ring).
    public var staggered: Bool

    /// Classes from `directions` per ring and the ring speeds (px/ms).
    public init(directions: Int, speedsPxPerMs: [Double], staggered: Bool) {
        precondition(directions >= 1 && !speedsPxPerMs.isEmpty, "at least one direction and one speed")
        self.directions = directions
        self.speedsPxPerMs = speedsPxPerMs
        self.staggered = staggered
    }

    /// Config A of the small reproduction: 8 directions × {0.5, 1.0} px/ms = 16 classes.
    public static let eightDirectionsTwoSpeeds = MotionClasses(directions: 8, speedsPxPerMs: [0.5, 1.0], staggered: false)

    /// Config B, the paper's 36 classes: 12 directions × 0.5·2^(2r/3 − 1) px/ms for rings r = 0, 1, 2
    /// (0.25, 0.397, 0.630 px/ms), the middle ring rotated by 15°.
    public static let paperThirtySix = MotionClasses(
        directions: 12, speedsPxPerMs: (0..<3).map { 0.5 * pow(2, 2 * Double($0) / 3 - 1) }, staggered: true)

    /// The number of classes.
    public var count: Int { directions * speedsPxPerMs.count }

    /// Direction of class `c` in radians.
    public func direction(_ c: Int) -> Double {
        let ring = c / directions, k = c % directions
        let offset = staggered && ring % 2 == 1 ? 0.5 : 0
        return 2 * Double.pi * (Double(k) + offset) / Double(directions)
    }

    /// Speed of class `c` in px/ms.
    public func speed(_ c: Int) -> Double { speedsPxPerMs[c / directions] }

    /// Velocity of class `c` in px/ms, (x, y).
    public func velocity(_ c: Int) -> (x: Double, y: Double) {
        let phi = direction(c), s = speed(c)
        return (s * cos(phi), s * sin(phi))
    }
}
