import ChipSim

/// Reads a target's lists of parts that do not work (`dead_chips`, `dead_links`, `dead_cores`):
///
/// ```yaml
/// dead_chips: [[3, 4]]            # x, y
/// dead_links: [[0, 0, 1], [2, 5, N]]   # x, y, link (0–5 or E, NE, N, W, SW, S); both directions
/// dead_cores: [[1, 1, 17]]        # x, y, processor
/// ```
///
/// Each item must name a part the machine has; a located error says which does not.
enum DeadParts {
    /// Link names as the hardware numbers them.
    static let linkNames = ["E": Link.east, "NE": .northEast, "N": .north, "W": .west, "SW": .southWest, "S": .south]

    static func chips(_ node: YAMLNode, machine m: MachineDescription) throws -> [ChipCoordinate] {
        unique(try node.sequence("a list of [x, y] chips").map { item in
            let v = try item.sequence("[x, y]")
            guard v.count == 2 else { throw item.error("a dead chip is [x, y], found \(v.count) values") }
            return try chip(v[0], v[1], machine: m, at: item)
        })
    }

    /// The parts in their first order, each once.
    private static func unique<T: Hashable>(_ parts: [T]) -> [T] {
        var seen: Set<T> = []
        return parts.filter { seen.insert($0).inserted }
    }

    static func links(_ node: YAMLNode, machine m: MachineDescription) throws -> [ChipLink] {
        unique(try node.sequence("a list of [x, y, link] links").map { item in
            let v = try item.sequence("[x, y, link]")
            guard v.count == 3 else { throw item.error("a dead link is [x, y, link], found \(v.count) values") }
            let c = try chip(v[0], v[1], machine: m, at: item)
            let link: Link
            if let name = v[2].scalarString, let named = linkNames[name.uppercased()] {
                link = named
            } else {
                let n = try v[2].int("a link 0–5 or E, NE, N, W, SW, S")
                guard let numbered = Link(rawValue: n) else { throw v[2].error("link \(n) does not exist; expected 0–5 or E, NE, N, W, SW, S") }
                link = numbered
            }
            return ChipLink(chip: c, link: link)
        })
    }

    static func cores(_ node: YAMLNode, machine m: MachineDescription) throws -> [CoreLocation] {
        unique(try node.sequence("a list of [x, y, processor] cores").map { item in
            let v = try item.sequence("[x, y, processor]")
            guard v.count == 3 else { throw item.error("a dead core is [x, y, processor], found \(v.count) values") }
            let c = try chip(v[0], v[1], machine: m, at: item)
            let p = try v[2].int("a processor number")
            guard (m.monitorCoresPerChip..<m.coresPerChip).contains(p) else {
                throw v[2].error("processor \(p) is not an application core; expected \(m.monitorCoresPerChip)...\(m.coresPerChip - 1)")
            }
            return CoreLocation(chip: c, processor: p)
        })
    }

    private static func chip(_ x: YAMLNode, _ y: YAMLNode, machine m: MachineDescription, at item: YAMLNode) throws -> ChipCoordinate {
        let c = ChipCoordinate(x: try x.int("a chip's x"), y: try y.int("a chip's y"))
        guard c.x >= 0, c.y >= 0, c.x < m.width, c.y < m.height, m.layout.contains(x: c.x, y: c.y) else {
            throw item.error("chip \(c) is not on the \(m.width) × \(m.height) \(m.layout.rawValue) machine")
        }
        return c
    }
}
