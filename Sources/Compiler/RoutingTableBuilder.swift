import ChipSim

/// Builds every chip's multicast routing table: for each source core a shortest-path tree from
/// its chip to the chips of its target cores (breadth-first, links tried in order 0–5, so the
/// tree is deterministic and avoids chips the machine lacks), one key/mask entry per chip on
/// the tree, links to the tree's children plus the bits of local target cores.
enum RoutingTableBuilder {
    /// Tables per chip, entries in key order, before any minimisation.
    static func build(slices: [CoreSlice], targets: [[Int]], machine: MachineDescription) -> [ChipCoordinate: RoutingTable] {
        var tables: [ChipCoordinate: RoutingTable] = [:]
        let mask = KeyAllocator.mask(machine)
        var treeCache: [ChipCoordinate: [ChipCoordinate: (ChipCoordinate, Link)]] = [:]
        for (source, dests) in targets.enumerated() where !dests.isEmpty {
            let root = slices[source].location.chip
            let parents: [ChipCoordinate: (ChipCoordinate, Link)]
            if let cached = treeCache[root] {
                parents = cached
            } else {
                parents = breadthFirstTree(from: root, machine: machine)
                treeCache[root] = parents
            }
            var routes: [ChipCoordinate: UInt32] = [:]
            for d in dests {
                let loc = slices[d].location
                routes[loc.chip, default: 0] |= RoutingEntry.processorBit(loc.processor)
                var chip = loc.chip
                while chip != root, let (parent, link) = parents[chip] {
                    let before = routes[parent, default: 0]
                    routes[parent] = before | RoutingEntry.linkBit(link)
                    chip = parent
                }
            }
            for chip in routes.keys.sorted() {
                tables[chip, default: RoutingTable(chip: chip)].entries.append(
                    RoutingEntry(key: slices[source].keyBase, mask: mask, route: routes[chip]!))
            }
        }
        return tables
    }

    /// Parent of each reachable chip (the chip before it and the link taken from there).
    static func breadthFirstTree(from root: ChipCoordinate, machine: MachineDescription) -> [ChipCoordinate: (ChipCoordinate, Link)] {
        var parents: [ChipCoordinate: (ChipCoordinate, Link)] = [:]
        var seen: Set<ChipCoordinate> = [root]
        var queue = [root]
        var head = 0
        while head < queue.count {
            let chip = queue[head]
            head += 1
            for link in Link.allCases {
                guard let next = machine.neighbour(of: chip, along: link), !seen.contains(next) else { continue }
                seen.insert(next)
                parents[next] = (chip, link)
                queue.append(next)
            }
        }
        return parents
    }

    /// Removes the entries the router does not need because default routing does the same:
    /// a packet that arrives on one link and leaves only on the opposite link, to no core.
    /// Such an entry must be the only one matching its keys on that chip (true here: one
    /// entry per key block), and the packet must arrive on the expected link.
    static func removeDefaultRoutes(_ tables: inout [ChipCoordinate: RoutingTable], machine: MachineDescription) {
        // Decided on the full tables, then removed together: a chain of default-routed chips
        // still carries the packet straight on to the chip whose entry delivers it.
        let original = tables
        for chip in original.keys {
            tables[chip]!.entries.removeAll { isDefaultRoutable($0, at: chip, tables: original, machine: machine) }
        }
    }

    private static func isDefaultRoutable(_ entry: RoutingEntry, at chip: ChipCoordinate, tables: [ChipCoordinate: RoutingTable], machine: MachineDescription) -> Bool {
        guard entry.route >> 6 == 0, entry.route.nonzeroBitCount == 1 else { return false }
        let out = Link(rawValue: entry.route.trailingZeroBitCount)!
        // It must arrive from the chip behind it along the same direction, on that chip's
        // entry for the same key; a packet from a local core is never default routed.
        guard let behind = machine.neighbour(of: chip, along: out.opposite),
              let upstream = tables[behind]?.entries.first(where: { $0.key == entry.key && $0.mask == entry.mask }),
              upstream.route & RoutingEntry.linkBit(out) != 0 else { return false }
        // No other link may deliver the same key here.
        for link in Link.allCases where link != out.opposite {
            if let n = machine.neighbour(of: chip, along: link),
               let e = tables[n]?.entries.first(where: { $0.key == entry.key && $0.mask == entry.mask }),
               e.route & RoutingEntry.linkBit(link.opposite) != 0 { return false }
        }
        return true
    }
}
