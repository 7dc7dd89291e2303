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

    /// The chips of a board with this layout, in (y, x) order.
    public func chips(width: Int, height: Int) -> [ChipCoordinate] {
        var result: [ChipCoordinate] = []
        for y in 0..<height {
            for x in 0..<width {
                switch self {
                case .rectangle:
                    result.append(ChipCoordinate(x: x, y: y))
                case .spinn5:
                    if x >= y - 3 && x <= y + 4 { result.append(ChipCoordinate(x: x, y: y)) }
                }
            }
        }
        return result
    }
}
