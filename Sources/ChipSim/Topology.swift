/// A chip's position on the machine's hexagonal grid.
public struct ChipCoordinate: Hashable, Codable, Comparable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int

    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }

    public static func < (a: ChipCoordinate, b: ChipCoordinate) -> Bool {
        (a.y, a.x) < (b.y, b.x)
    }

    public var description: String { "(\(x),\(y))" }
}

/// The six inter-chip links of a SpiNNaker chip, numbered as the hardware numbers them.
///
/// The opposite of link `l` is `(l + 3) mod 6`: a packet leaving on link `l` arrives on the
/// neighbour's link `l.opposite`.
public enum Link: Int, CaseIterable, Codable, Sendable {
    case east = 0, northEast = 1, north = 2, west = 3, southWest = 4, south = 5

    /// The link a packet sent on this one arrives on at the neighbouring chip.
    public var opposite: Link { Link(rawValue: (rawValue + 3) % 6)! }

    /// The step (dx, dy) this link takes on the grid.
    public var delta: (dx: Int, dy: Int) {
        switch self {
        case .east: return (1, 0)
        case .northEast: return (1, 1)
        case .north: return (0, 1)
        case .west: return (-1, 0)
        case .southWest: return (-1, -1)
        case .south: return (0, -1)
        }
    }
}

/// How a machine's chips are laid out in their bounding box.
public enum BoardLayout: String, Codable, Sendable {
    /// Every chip of the `width` × `height` box exists (SpiNN-3 is a 2 × 2 rectangle).
    case rectangle
    /// The 48-chip hexagon of a SpiNN-5 board in its 8 × 8 box: row y holds the chips
    /// x = max(0, y − 3) … min(7, y + 4).
    case spinn5
    /// SpiNN-5 boards tiled in triads, as multi-board machines are built: three boards fill a
    /// 12 × 12 box, so every chip of a box whose sides are multiples of 12 exists. The boards of
    /// the triad at (12·i, 12·j) have their Ethernet chips at (12i, 12j), (12i + 8, 12j + 4) and
    /// (12i + 4, 12j + 8) (SpiNNMachine's `spinnaker_triad_geometry.py`).
    case triads

    /// The chips of a board with this layout, in (y, x) order.
    public func chips(width: Int, height: Int) -> [ChipCoordinate] {
        var result: [ChipCoordinate] = []
        for y in 0..<height {
            for x in 0..<width where contains(x: x, y: y) { result.append(ChipCoordinate(x: x, y: y)) }
        }
        return result
    }

    /// Whether the layout has a chip at (x, y) inside its box.
    @inline(__always)
    public func contains(x: Int, y: Int) -> Bool {
        switch self {
        case .rectangle, .triads: return true
        case .spinn5: return BoardLayout.inHexagon(dx: x, dy: y)
        }
    }

    /// Whether (dx, dy) from a board's Ethernet chip lies on that board's 48-chip hexagon.
    @inline(__always)
    static func inHexagon(dx: Int, dy: Int) -> Bool {
        dx >= 0 && dy >= 0 && dx < 8 && dy < 8 && dx >= dy - 3 && dx <= dy + 4
    }

    /// The Ethernet chips of the three boards of a triad, relative to the triad's corner.
    public static let triadBoardOrigins = [(0, 0), (8, 4), (4, 8)]

    /// SpiNN-5 boards on a machine of this layout and size (0 for a rectangle, which is not
    /// built of SpiNN-5 boards).
    public func boards(width: Int, height: Int) -> Int {
        switch self {
        case .rectangle: return 0
        case .spinn5: return 1
        case .triads: return (width / 12) * (height / 12) * 3
        }
    }

    /// The index of the SpiNN-5 board that holds `chip` (boards numbered triad by triad in
    /// (y, x) order, three per triad in the order of ``triadBoardOrigins``), or nil for a
    /// rectangle.
    public func board(of chip: ChipCoordinate, width: Int, height: Int) -> Int? {
        switch self {
        case .rectangle: return nil
        case .spinn5: return 0
        case .triads:
            let triads = width / 12
            for ty in 0..<(height / 12) {
                for tx in 0..<triads {
                    for (z, origin) in Self.triadBoardOrigins.enumerated() {
                        let dx = ((chip.x - 12 * tx - origin.0) % width + width) % width
                        let dy = ((chip.y - 12 * ty - origin.1) % height + height) % height
                        if Self.inHexagon(dx: dx, dy: dy) { return (ty * triads + tx) * 3 + z }
                    }
                }
            }
            return nil
        }
    }
}
