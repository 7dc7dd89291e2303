import ChipSim

/// One routing entry before minimisation: its key, mask and route, and where the packets it
/// matches arrive from (the link, or nil for the chip's own cores).
struct PlannedEntry {
    var key: UInt32
    var mask: UInt32
    var route: UInt32
    /// Bit `l` for arrival over link `l`, bit 6 for the chip's own cores.
    var sources: UInt8

    static let localSource: UInt8 = 1 << 6
}

/// Routes every core's packets as a multicast tree on the hexagonal torus: to each chip holding
/// one of its targets, the shortest path taking its longer direction first and its shorter
/// second (longest dimension first, as PACMAN does, so that packets run straight and default
/// routing can carry them), the other order if that path crosses a dead chip or link, and a
/// shortest path around the dead parts if both do. A path joins the tree at the last chip of the
/// tree it passes, so every chip is reached once. Destinations are taken nearest first.
enum MulticastRouter {
    /// Per chip, one entry per source core whose tree crosses it, in source-core order.
    static func tables(slices: [CoreSlice], targets: [[Int]], machine: MachineDescription) throws -> [ChipCoordinate: [PlannedEntry]] {
        var tables: [ChipCoordinate: [PlannedEntry]] = [:]
        var fallback: [ChipCoordinate: [ChipCoordinate: Link]] = [:]
        for (source, dests) in targets.enumerated() where !dests.isEmpty {
            let root = slices[source].location.chip
            var local: [ChipCoordinate: UInt32] = [:]
            for d in dests { local[slices[d].location.chip, default: 0] |= RoutingEntry.processorBit(slices[d].location.processor) }
            let tree = try self.tree(from: root, to: local.keys.sorted(), machine: machine, fallback: &fallback)
            for (chip, node) in tree.nodes.sorted(by: { $0.key < $1.key }) {
                let route = node.links | (local[chip] ?? 0)
                let sources = node.arrival.map { UInt8(1) << UInt8($0.rawValue) } ?? PlannedEntry.localSource
                tables[chip, default: []].append(PlannedEntry(key: slices[source].keyBase, mask: slices[source].keyMask, route: route, sources: sources))
            }
        }
        return tables
    }

    /// A tree node: the link a packet arrives on (nil at the root) and the links it leaves on.
    struct Node {
        var arrival: Link?
        var links: UInt32 = 0
    }

    struct Tree {
        var nodes: [ChipCoordinate: Node]
    }

    /// The tree from `root` to `destinations`. `fallback` caches breadth-first trees around dead
    /// parts by root.
    static func tree(from root: ChipCoordinate, to destinations: [ChipCoordinate], machine: MachineDescription,
                     fallback: inout [ChipCoordinate: [ChipCoordinate: Link]]) throws -> Tree {
        var tree = Tree(nodes: [root: Node(arrival: nil)])
        let ordered = destinations.sorted { (distance(root, $0, machine), $0) < (distance(root, $1, machine), $1) }
        for d in ordered where tree.nodes[d] == nil {
            let links = try path(from: root, to: d, machine: machine, fallback: &fallback)
            var chips = [root]
            for l in links { chips.append(machine.neighbour(of: chips.last!, along: l)!) }
            let join = chips.lastIndex { tree.nodes[$0] != nil }!
            for i in join..<links.count {
                tree.nodes[chips[i]]!.links |= RoutingEntry.linkBit(links[i])
                tree.nodes[chips[i + 1]] = Node(arrival: links[i].opposite)
            }
        }
        return tree
    }

    /// The links from `a` to `b`: longest dimension first, else shortest first, else around
    /// dead parts.
    static func path(from a: ChipCoordinate, to b: ChipCoordinate, machine: MachineDescription,
                     fallback: inout [ChipCoordinate: [ChipCoordinate: Link]]) throws -> [Link] {
        let (dx, dy) = vector(a, b, machine)
        let (first, second) = segments(dx, dy)
        for candidate in [first + second, second + first] where walks(candidate, from: a, to: b, machine: machine) {
            return candidate
        }
        if fallback[a] == nil { fallback[a] = breadthFirst(from: a, machine: machine) }
        let parents = fallback[a]!
        var links: [Link] = []
        var chip = b
        while chip != a {
            guard let link = parents[chip] else {
                throw DoesNotFit(diagnostic: Diagnostic(
                    "no route from chip \(a) to chip \(b) on target '\(machine.name)': dead chips or links cut them apart", at: nil))
            }
            links.append(link)
            chip = machine.neighbour(of: chip, along: link.opposite)!
        }
        return links.reversed()
    }

    /// The link into each chip on a breadth-first tree from `root` over working chips and links.
    private static func breadthFirst(from root: ChipCoordinate, machine: MachineDescription) -> [ChipCoordinate: Link] {
        var into: [ChipCoordinate: Link] = [:]
        var seen: Set<ChipCoordinate> = [root]
        var queue = [root], head = 0
        while head < queue.count {
            let chip = queue[head]
            head += 1
            for link in Link.allCases {
                guard let next = machine.neighbour(of: chip, along: link), seen.insert(next).inserted else { continue }
                into[next] = link
                queue.append(next)
            }
        }
        return into
    }

    private static func walks(_ links: [Link], from a: ChipCoordinate, to b: ChipCoordinate, machine: MachineDescription) -> Bool {
        var chip = a
        for l in links {
            guard let next = machine.neighbour(of: chip, along: l) else { return false }
            chip = next
        }
        return chip == b
    }

    /// The shortest vector from `a` to `b`, through the wrap-around where the machine has it.
    static func vector(_ a: ChipCoordinate, _ b: ChipCoordinate, _ machine: MachineDescription) -> (Int, Int) {
        let dx = b.x - a.x, dy = b.y - a.y
        guard machine.wrapsAround else { return (dx, dy) }
        var best = (dx, dy)
        for wx in [0, -machine.width, machine.width] {
            for wy in [0, -machine.height, machine.height] where length(dx + wx, dy + wy) < length(best.0, best.1) {
                best = (dx + wx, dy + wy)
            }
        }
        return best
    }

    /// Hops of a vector on the hexagonal grid (links E, NE, N and their opposites).
    static func length(_ dx: Int, _ dy: Int) -> Int {
        (dx >= 0) == (dy >= 0) ? max(abs(dx), abs(dy)) : abs(dx) + abs(dy)
    }

    static func distance(_ a: ChipCoordinate, _ b: ChipCoordinate, _ machine: MachineDescription) -> Int {
        let (dx, dy) = vector(a, b, machine)
        return length(dx, dy)
    }

    /// A shortest vector as its longer and its shorter straight segment.
    static func segments(_ dx: Int, _ dy: Int) -> ([Link], [Link]) {
        var parts: [(Link, Int)] = []
        if (dx >= 0) == (dy >= 0) {
            let diagonal = min(abs(dx), abs(dy))
            parts.append((dx >= 0 ? .northEast : .southWest, diagonal))
            if abs(dx) > abs(dy) { parts.append((dx > 0 ? .east : .west, abs(dx) - diagonal)) }
            else { parts.append((dy > 0 ? .north : .south, abs(dy) - diagonal)) }
        } else {
            parts.append((dx > 0 ? .east : .west, abs(dx)))
            parts.append((dy > 0 ? .north : .south, abs(dy)))
        }
        parts.sort { $0.1 > $1.1 }
        return (Array(repeating: parts[0].0, count: parts[0].1), Array(repeating: parts[1].0, count: parts[1].1))
    }
}
