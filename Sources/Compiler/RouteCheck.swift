import ChipSim

/// The check every compiled image passes before it is written: each core's packets, walked
/// through the final routing tables exactly as the routers forward them (``MulticastTree``:
/// first match, default routing, drops), reach exactly the cores whose master population tables
/// expect them, each once, and none is dropped (but those of a core without targets, which its
/// own router drops). Every entry leaves the neuron bits of a key
/// unmatched (the minimiser only ever widens masks), so a core's first and last keys stand for
/// all of its keys; both are walked.
enum RouteCheck {
    static func verify(slices: [CoreSlice], targets: [[Int]], tables: [ChipCoordinate: RoutingTable], machine: MachineDescription,
                       network: NetworkSpec) throws {
        for (source, dests) in targets.enumerated() {
            let want = dests.map { slices[$0].location }.sorted()
            let slice = slices[source]
            for key in [slice.keyBase, slice.keyBase | UInt32(slice.count - 1)] {
                let tree = MulticastTree(key: key, from: slice.location.chip, machine: machine, tables: tables)
                let reached = tree.destinations.sorted()
                // A core with no targets has no entry: its packets are dropped at its own router.
                guard reached == want, tree.dropped == 0 || want.isEmpty else {
                    let pop = network.populations[slice.population].name
                    throw CompileError([Diagnostic(
                        "internal error: the routing tables send key \(String(key, radix: 16)) of a core of '\(pop)' at \(slice.location) to \(reached.map(\.description)) with \(tree.dropped) dropped, but its synapses are on \(want.map(\.description)); please report this network",
                        at: nil)])
                }
            }
        }
    }
}
