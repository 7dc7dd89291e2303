/// Every copy of one multicast packet, as the routers' tables fan it out: one node per router the
/// packet crosses, in the order a depth-first walk finds them (links in the order E, NE, N, W, SW,
/// S). Built once per source core; ``MachineDescription/route(key:from:tables:)`` and the cycle
/// engine both walk it, so the two timings route exactly alike.
///
/// The hardware's rules: first-match lookup; a route word's links and processors all get a copy;
/// a packet that arrived over a link and matches nothing goes straight through (default routing);
/// one sent by a core on the chip that matches nothing is dropped. A copy that would come back to
/// a chip over a link it has already arrived on is in a routing loop: the walk drops it (the
/// hardware would circulate it until a router timed it out).
public struct MulticastTree: Equatable, Sendable {
    /// One router visit.
    public struct Node: Equatable, Sendable {
        public var chip: ChipCoordinate
        /// The link the copy arrived on; nil at the source chip.
        public var arrival: Link?
        /// The outputs of this router for the packet, processors first (in processor order),
        /// then links (in link order).
        public var outputs: [Output]
        /// No entry matched and the copy went straight through.
        public var defaultRouted: Bool
        /// No entry matched a packet sent on this chip: the router drops it.
        public var localMiss: Bool
    }

    /// Where a router sends a copy.
    public enum Output: Equatable, Sendable {
        /// Out on a link to the node `child` of the tree.
        case link(Link, child: Int)
        /// Out on a link that leads off the machine, where no router ever takes the copy.
        case offMachine(Link)
        /// Out on a link to a chip the packet has already reached over the same link: a loop.
        case looped(Link)
        /// To processor `processor` of the chip (its route bit), which may have no core loaded.
        case processor(Int)
    }

    /// Node 0 is the source chip.
    public var nodes: [Node]

    /// Walks `key`, sent by a core on `source`, through `tables` on `machine`.
    public init(key: UInt32, from source: ChipCoordinate, machine: MachineDescription, tables: [ChipCoordinate: RoutingTable]) {
        nodes = []
        // (chip, arrival link, the parent's output to point at this visit)
        var pending: [(ChipCoordinate, Link, (node: Int, output: Int))] = []
        var arrived: Set<Arrival> = []
        func visit(_ chip: ChipCoordinate, _ arrival: Link?) {
            let index = nodes.count
            var node = Node(chip: chip, arrival: arrival, outputs: [], defaultRouted: false, localMiss: false)
            var links: [Link] = []
            if let route = tables[chip]?.lookup(key) {
                for p in 0..<machine.coresPerChip where route & RoutingEntry.processorBit(p) != 0 { node.outputs.append(.processor(p)) }
                links = Link.allCases.filter { route & RoutingEntry.linkBit($0) != 0 }
            } else if let arrival {
                node.defaultRouted = true
                links = [arrival.opposite]
            } else {
                node.localMiss = true
            }
            let firstLink = node.outputs.count
            for link in links { node.outputs.append(.offMachine(link)) }
            nodes.append(node)
            // Pushed in reverse so that the walk takes the links in order.
            for (k, link) in links.enumerated().reversed() {
                if let next = machine.neighbour(of: chip, along: link) { pending.append((next, link.opposite, (index, firstLink + k))) }
            }
        }
        arrived.insert(Arrival(chip: source, link: nil))
        visit(source, nil)
        while let (chip, arrival, parent) = pending.popLast() {
            let link = arrival.opposite
            if arrived.insert(Arrival(chip: chip, link: arrival)).inserted {
                nodes[parent.node].outputs[parent.output] = .link(link, child: nodes.count)
                visit(chip, arrival)
            } else {
                nodes[parent.node].outputs[parent.output] = .looped(link)
            }
        }
    }

    /// The cores a copy reaches, as (chip, processor), in walk order.
    public var destinations: [CoreLocation] {
        nodes.flatMap { node in
            node.outputs.compactMap { if case .processor(let p) = $0 { return CoreLocation(chip: node.chip, processor: p) } else { return nil } }
        }
    }

    /// Copies dropped by the walk: local misses, links off the machine and loops.
    public var dropped: Int {
        nodes.reduce(0) { n, node in
            n + (node.localMiss ? 1 : 0) + node.outputs.count {
                switch $0 {
                case .offMachine, .looped: return true
                case .link, .processor: return false
                }
            }
        }
    }
}

/// A packet copy's arrival at a chip, over a link or (nil) from one of the chip's cores.
private struct Arrival: Hashable {
    var chip: ChipCoordinate
    var link: Link?
}
