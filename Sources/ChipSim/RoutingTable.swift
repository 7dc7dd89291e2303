/// One multicast routing entry: a packet whose key satisfies `key & mask == self.key` is sent
/// out on every link and to every core whose bit is set in `route`.
public struct RoutingEntry: Equatable, Codable, Sendable {
    public var key: UInt32
    public var mask: UInt32
    /// Route word: bit `l` (0–5) is link `l`, bit `6 + p` is processor `p` (0–17).
    public var route: UInt32

    public init(key: UInt32, mask: UInt32, route: UInt32) {
        self.key = key
        self.mask = mask
        self.route = route
    }

    @inline(__always)
    public func matches(_ packetKey: UInt32) -> Bool { packetKey & mask == key }

    /// The route bit of a link.
    public static func linkBit(_ link: Link) -> UInt32 { 1 << UInt32(link.rawValue) }
    /// The route bit of a processor (core) on the chip.
    public static func processorBit(_ processor: Int) -> UInt32 { 1 << UInt32(6 + processor) }
}

/// A chip's multicast routing table: ordered entries, the first match wins (the router's TCAM).
public struct RoutingTable: Equatable, Codable, Sendable {
    public var chip: ChipCoordinate
    public var entries: [RoutingEntry]

    public init(chip: ChipCoordinate, entries: [RoutingEntry] = []) {
        self.chip = chip
        self.entries = entries
    }

    /// The route word of the first entry matching `key`, or nil when none does.
    public func lookup(_ key: UInt32) -> UInt32? {
        for entry in entries where entry.matches(key) { return entry.route }
        return nil
    }
}

/// Where one multicast packet ends up when it is sent from a core and routed by the tables.
public struct MulticastOutcome: Equatable, Sendable {
    /// The cores it reaches, as (chip, processor), in the order the walk finds them.
    public var destinations: [CoreLocation] = []
    /// How many routers it crosses in all (the source chip's included), for energy.
    public var routerCrossings: Int { visitedChips.count }
    /// Every router it passes through, once per crossing, in the order of the walk.
    public var visitedChips: [ChipCoordinate] = []
    /// Copies dropped because a locally sourced packet matched no entry, a link led off the
    /// machine, or a copy went round a loop.
    public var dropped = 0
    /// Copies that left a router by default routing (no entry matched, straight through).
    public var defaultRouted = 0
}

/// A core by its chip and processor number.
public struct CoreLocation: Hashable, Codable, Comparable, Sendable, CustomStringConvertible {
    public var chip: ChipCoordinate
    public var processor: Int

    public init(chip: ChipCoordinate, processor: Int) {
        self.chip = chip
        self.processor = processor
    }

    public static func < (a: CoreLocation, b: CoreLocation) -> Bool {
        (a.chip, a.processor) < (b.chip, b.processor)
    }

    public var description: String { "\(chip.x),\(chip.y),\(processor)" }
}

extension MachineDescription {
    /// Follows a packet with `key`, sent by a core on `source`, through the routers' tables
    /// exactly as the hardware would (``MulticastTree``).
    public func route(key: UInt32, from source: ChipCoordinate, tables: [ChipCoordinate: RoutingTable]) -> MulticastOutcome {
        let tree = MulticastTree(key: key, from: source, machine: self, tables: tables)
        return MulticastOutcome(destinations: tree.destinations, visitedChips: tree.nodes.map(\.chip), dropped: tree.dropped,
                                defaultRouted: tree.nodes.count(where: \.defaultRouted))
    }
}
