/// Every source core's ``MulticastTree``, flattened into arrays the engine indexes per packet,
/// with the machine's routers, links and loaded processors numbered.
struct CycleRoutes {
    /// What a router does with one copy of a packet.
    struct Output {
        enum Kind: UInt8 {
            /// Out on link `link` to node `value`.
            case link
            /// Out on link `link`, which leads off the machine: it never takes the copy.
            case deadLink
            /// Out on link `link` into a routing loop: the copy is dropped.
            case looped
            /// To processor `link` (its number), where core `value` is loaded.
            case core
            /// To processor `link`, where no core is loaded: it never takes the copy.
            case idleProcessor
        }
        var kind: Kind
        var link: Int32
        var value: Int32
    }

    /// Per source core, the root node of its tree, or -1 when no table knows its key (its
    /// spikes go nowhere, as in ideal timing).
    let root: [Int32]
    /// Per node: its router, its outputs `outputs[outputStart[n] ..< outputStart[n + 1]]`,
    /// whether no entry matched a local packet (dropped) or a link's (default routed), whether it
    /// came over a link, and the cores below it (copies lost if it is dropped).
    let nodeRouter: [Int32]
    let outputStart: [Int32]
    let outputs: [Output]
    let localMiss: [Bool]
    let defaultRouted: [Bool]
    let external: [Bool]
    let destinationsBelow: [Int32]
    /// The machine's chips, router `r` on `chips[r]`.
    let chips: [ChipCoordinate]
    /// Per router × 6 links, the router at the other end, or -1.
    let neighbour: [Int32]
    /// Per router × processors, the core loaded there, or -1.
    let coreAt: [Int32]
    /// Per core, its router and processor.
    let coreRouter: [Int32]
    let coreProcessor: [Int32]

    init(image: ChipImage) {
        let machine = image.machine
        chips = machine.chips
        var chipIndex: [ChipCoordinate: Int] = [:]
        for (i, chip) in chips.enumerated() { chipIndex[chip] = i }
        var neighbour = [Int32](repeating: -1, count: chips.count * 6)
        for (r, chip) in chips.enumerated() {
            for link in Link.allCases {
                if let next = machine.neighbour(of: chip, along: link), let n = chipIndex[next] { neighbour[r * 6 + link.rawValue] = Int32(n) }
            }
        }
        self.neighbour = neighbour
        var coreAt = [Int32](repeating: -1, count: chips.count * machine.coresPerChip)
        var coreRouter: [Int32] = [], coreProcessor: [Int32] = []
        for (c, core) in image.cores.enumerated() {
            let r = chipIndex[core.location.chip] ?? 0
            coreAt[r * machine.coresPerChip + core.location.processor] = Int32(c)
            coreRouter.append(Int32(r))
            coreProcessor.append(Int32(core.location.processor))
        }
        self.coreAt = coreAt
        self.coreRouter = coreRouter
        self.coreProcessor = coreProcessor

        var tables: [ChipCoordinate: RoutingTable] = [:]
        for t in image.routingTables { tables[t.chip] = t }
        var root: [Int32] = [], nodeRouter: [Int32] = [], outputStart: [Int32] = [0], outputs: [Output] = []
        var localMiss: [Bool] = [], defaultRouted: [Bool] = [], external: [Bool] = []
        for core in image.cores {
            guard image.routingTables.contains(where: { t in t.entries.contains { $0.matches(core.keyBase) } }) else {
                root.append(-1)
                continue
            }
            let tree = MulticastTree(key: core.keyBase, from: core.location.chip, machine: machine, tables: tables)
            let base = Int32(nodeRouter.count)
            root.append(base)
            for node in tree.nodes {
                let r = chipIndex[node.chip] ?? 0
                nodeRouter.append(Int32(r))
                localMiss.append(node.localMiss)
                defaultRouted.append(node.defaultRouted)
                external.append(node.arrival != nil)
                for output in node.outputs {
                    switch output {
                    case .link(let l, let child): outputs.append(Output(kind: .link, link: Int32(l.rawValue), value: base + Int32(child)))
                    case .offMachine(let l): outputs.append(Output(kind: .deadLink, link: Int32(l.rawValue), value: -1))
                    case .looped(let l): outputs.append(Output(kind: .looped, link: Int32(l.rawValue), value: -1))
                    case .processor(let p):
                        let c = coreAt[r * machine.coresPerChip + p]
                        outputs.append(Output(kind: c >= 0 ? .core : .idleProcessor, link: Int32(p), value: c))
                    }
                }
                outputStart.append(Int32(outputs.count))
            }
        }
        // A child is visited after its parent, so one backward pass sums the cores below.
        var below = [Int32](repeating: 0, count: nodeRouter.count)
        for n in nodeRouter.indices.reversed() {
            for k in Int(outputStart[n])..<Int(outputStart[n + 1]) {
                switch outputs[k].kind {
                case .core: below[n] += 1
                case .link: below[n] += below[Int(outputs[k].value)]
                case .deadLink, .looped, .idleProcessor: break
                }
            }
        }
        self.root = root
        self.nodeRouter = nodeRouter
        self.outputStart = outputStart
        self.outputs = outputs
        self.localMiss = localMiss
        self.defaultRouted = defaultRouted
        self.external = external
        destinationsBelow = below
    }
}
