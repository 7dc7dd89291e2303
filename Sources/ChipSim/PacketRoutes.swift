/// Where each core's packets go, found once at load time by walking the image's routing
/// tables exactly as the routers would (``MachineDescription/route(key:from:tables:)``).
///
/// In `ideal` timing every packet arrives within its tick, so a source core's spikes reach
/// the same cores every tick and the walk need not be repeated per packet.
public struct PacketRoutes: Sendable {
    /// Per destination core, the source cores whose packets reach it, in source order
    /// (a source appears once per copy it delivers).
    public var incoming: [[Int]]
    /// Per source core, routers crossed by one of its packets (all copies).
    public var routerCrossings: [Int]
    /// Per source core, copies of one packet that are dropped (no entry for a local packet,
    /// a link off the machine, or a processor with no core loaded).
    public var droppedPerPacket: [Int]
    /// Per source core, the chips one of its packets crosses (with repeats), for traffic maps.
    public var visitedChips: [[ChipCoordinate]]

    public init(image: ChipImage) {
        let n = image.cores.count
        var coreAt: [CoreLocation: Int] = [:]
        for (c, core) in image.cores.enumerated() { coreAt[core.location] = c }
        var tables: [ChipCoordinate: RoutingTable] = [:]
        for t in image.routingTables { tables[t.chip] = t }
        incoming = Array(repeating: [], count: n)
        routerCrossings = Array(repeating: 0, count: n)
        droppedPerPacket = Array(repeating: 0, count: n)
        visitedChips = Array(repeating: [], count: n)
        for (s, core) in image.cores.enumerated() {
            // A core whose key no table knows sends nothing anywhere: skip the walk (and the
            // drop it would count) for cores with no outgoing projection.
            guard image.routingTables.contains(where: { t in t.entries.contains { $0.matches(core.keyBase) } }) else { continue }
            let outcome = image.machine.route(key: core.keyBase, from: core.location.chip, tables: tables)
            routerCrossings[s] = outcome.routerCrossings
            visitedChips[s] = outcome.visitedChips
            droppedPerPacket[s] = outcome.dropped
            for d in outcome.destinations {
                if let target = coreAt[d] { incoming[target].append(s) } else { droppedPerPacket[s] += 1 }
            }
        }
        for d in 0..<n { incoming[d].sort() }
    }

    /// Both timing engines route each core's key block as one (the walk of its first key).
    /// This says where a routing entry matches part of a core's block but not all of it, so
    /// that such an image is refused rather than routed wrongly; nil when none does.
    public static func splitKeyBlock(in image: ChipImage) -> String? {
        // The cores' keys apart from the rest of their images, which each step would copy.
        let keyBases = image.cores.map(\.keyBase), keyMasks = image.cores.map(\.keyMask)
        for table in image.routingTables {
            for (k, entry) in table.entries.enumerated() {
                for c in keyBases.indices {
                    let overlaps = (keyBases[c] ^ entry.key) & keyMasks[c] & entry.mask == 0
                    let covers = entry.mask & ~keyMasks[c] == 0 && keyBases[c] & entry.mask == entry.key
                    if overlaps && !covers {
                        return "routing entry \(k) on chip \(table.chip.x),\(table.chip.y) (key 0x\(String(entry.key, radix: 16)), mask 0x\(String(entry.mask, radix: 16))) matches only some of the keys of core \(c) (\(image.cores[c].location)); the simulator routes a core's keys alike"
                    }
                }
            }
        }
        return nil
    }
}
