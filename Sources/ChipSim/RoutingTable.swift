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
    /// exactly as the hardware would: first-match lookup, multicast fan-out, default routing
    /// straight through for link-sourced misses, drop for locally sourced misses. A copy that
    /// comes back to a chip over a link it has already arrived on is in a routing loop and is
    /// counted as dropped (the hardware would circulate it until its wait time ran out).
    public func route(key: UInt32, from source: ChipCoordinate, tables: [ChipCoordinate: RoutingTable]) -> MulticastOutcome {
        var outcome = MulticastOutcome()
        // (chip, link the packet arrived on; nil = sent by a core on this chip)
        var pending: [(ChipCoordinate, Link?)] = [(source, nil)]
        var arrived: Set<Arrival> = []
        while let (chip, arrival) = pending.popLast() {
            guard arrived.insert(Arrival(chip: chip, link: arrival)).inserted else {
                outcome.dropped += 1
                continue
            }
            outcome.visitedChips.append(chip)
            guard let route = tables[chip]?.lookup(key) else {
                if let arrival {
                    outcome.defaultRouted += 1
                    let out = arrival.opposite
                    if let next = neighbour(of: chip, along: out) {
                        pending.append((next, out.opposite))
                    } else {
                        outcome.dropped += 1
                    }
                } else {
                    outcome.dropped += 1
                }
                continue
            }
            for p in 0..<coresPerChip where route & RoutingEntry.processorBit(p) != 0 {
                outcome.destinations.append(CoreLocation(chip: chip, processor: p))
            }
            for link in Link.allCases.reversed() where route & RoutingEntry.linkBit(link) != 0 {
                if let next = neighbour(of: chip, along: link) {
                    pending.append((next, link.opposite))
                } else {
                    outcome.dropped += 1
                }
            }
        }
        return outcome
    }
}

/// A packet copy's arrival at a chip, over a link or (nil) from one of the chip's cores.
private struct Arrival: Hashable {
    var chip: ChipCoordinate
    var link: Link?
}
