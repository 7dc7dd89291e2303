import ChipSim
import Foundation

/// Values, distributions and population structures.
extension NetworkReader {
    /// A number, or a PyNN random distribution in either form:
    /// `{normal: [mu, sigma]}` (parameters in PyNN's order) or
    /// `{distribution: normal_clipped, mu: 0.5, sigma: 0.1, low: 0, high: 1}` (by name).
    func valueSpec(_ node: YAMLNode, what: String) throws -> ValueSpec {
        func bounded(_ n: YAMLNode, _ expected: String) throws -> Double {
            let v = try n.double(expected)
            if abs(v) > NetworkParser.maxValue { throw n.error("\(what) \(v) is out of range; expected a value within ±\(NetworkParser.maxValue)") }
            return v
        }
        let forms = "a number, a distribution {NAME: [parameters]} such as {normal: [mu, sigma]}, or {distribution: NAME, PARAMETER: value, …}"
        if !node.isMapping { return .constant(try bounded(node, forms)) }
        let f = Fields(owner: node, entries: try node.mapping())
        let name: String, values: [Double], at: YAMLNode
        if let d = f["distribution"] {
            name = try d.string("a distribution name")
            guard let spec = RandomDistribution.names.first(where: { $0.name == name }) else {
                throw d.error("\(what): unknown distribution '\(name)'; expected one of \(RandomDistribution.names.map(\.name).joined(separator: ", "))")
            }
            for (key, value) in f.entries where key != "distribution" && !spec.parameters.contains(key) {
                throw value.keyError("\(what): unknown parameter '\(key)' of \(name); expected \(spec.parameters.joined(separator: ", "))")
            }
            values = try spec.parameters.map { try bounded(try f.required($0, "\(name)'s \($0)"), "a number") }
            at = node
        } else {
            guard f.entries.count == 1, let (key, args) = f.entries.first else { throw node.error("\(what) must be \(forms)") }
            guard let spec = RandomDistribution.names.first(where: { $0.name == key }) else {
                throw args.keyError("\(what): unknown distribution '\(key)'; expected one of \(RandomDistribution.names.map(\.name).joined(separator: ", "))")
            }
            name = key
            values = try args.sequence("a list of \(spec.parameters.count) numbers (\(spec.parameters.joined(separator: ", ")))").map { try bounded($0, "a number") }
            guard values.count == spec.parameters.count else {
                throw args.error("\(name) takes \(spec.parameters.count) numbers (\(spec.parameters.joined(separator: ", "))), found \(values.count)")
            }
            at = args
        }
        switch RandomDistribution.make(name, values) {
        case .success(let d): return .random(d)
        case .failure(let e): throw at.error("\(what): \(e.message)")
        }
    }

    /// A population's `structure`: Line, Grid2D, Grid3D or RandomStructure with PyNN's
    /// parameters and defaults.
    func structure(_ node: YAMLNode, size: Int, population: String) throws -> Structure {
        let f = Fields(owner: node, entries: try node.mapping("a structure such as {type: Grid2D, aspect_ratio: 1, dx: 1, dy: 1}"))
        let typeNode = try f.required("type", "Line, Grid2D, Grid3D or RandomStructure")
        let type = try typeNode.string("a structure type")
        let allowed: [String]
        switch type {
        case "Line": allowed = ["dx", "x0", "y", "z"]
        case "Grid2D": allowed = ["aspect_ratio", "dx", "dy", "x0", "y0", "z", "fill_order"]
        case "Grid3D": allowed = ["aspect_ratioXY", "aspect_ratioXZ", "dx", "dy", "dz", "x0", "y0", "z0", "fill_order"]
        case "RandomStructure": allowed = ["boundary", "origin"]
        default: throw typeNode.error("population '\(population)': unknown structure '\(type)'; expected Line, Grid2D, Grid3D or RandomStructure")
        }
        for (k, v) in f.entries where k != "type" && !allowed.contains(k) {
            throw v.keyError("unknown key '\(k)' in \(type); expected one of: \((["type"] + allowed).joined(separator: ", "))")
        }
        func number(_ key: String, _ fallback: Double, positive: Bool = false) throws -> Double {
            guard let n = f[key] else { return fallback }
            let v = try n.double("a number")
            guard abs(v) <= NetworkParser.maxValue, !positive || v > 0 else {
                throw n.error("'\(key)' must be \(positive ? "> 0 and " : "")within ±\(NetworkParser.maxValue), found \(v)")
            }
            return v
        }
        func randomFill() throws -> Bool {
            guard let n = f["fill_order"] else { return false }
            let order = try n.string("sequential or random")
            guard order == "sequential" || order == "random" else { throw n.error("'fill_order' must be sequential or random, found '\(order)'") }
            return order == "random"
        }
        let structure: Structure
        switch type {
        case "Line":
            structure = .line(dx: try number("dx", 1), x0: try number("x0", 0), y: try number("y", 0), z: try number("z", 0))
        case "Grid2D":
            structure = .grid2D(aspectRatio: try number("aspect_ratio", 1, positive: true), dx: try number("dx", 1), dy: try number("dy", 1),
                                x0: try number("x0", 0), y0: try number("y0", 0), z: try number("z", 0), randomFill: try randomFill())
        case "Grid3D":
            structure = .grid3D(aspectRatioXY: try number("aspect_ratioXY", 1, positive: true), aspectRatioXZ: try number("aspect_ratioXZ", 1, positive: true),
                                dx: try number("dx", 1), dy: try number("dy", 1), dz: try number("dz", 1),
                                x0: try number("x0", 0), y0: try number("y0", 0), z0: try number("z0", 0), randomFill: try randomFill())
        default:
            let boundaryNode = try f.required("boundary", "{type: Cuboid, width, height, depth} or {type: Sphere, radius}")
            let b = Fields(owner: boundaryNode, entries: try boundaryNode.mapping("a boundary"))
            let kind = try b.required("type", "Cuboid or Sphere").string("Cuboid or Sphere")
            func side(_ key: String) throws -> Double {
                let n = try b.required(key, "a length ≥ 0")
                let v = try n.double("a length ≥ 0")
                guard v >= 0 && v <= NetworkParser.maxValue else { throw n.error("'\(key)' must be ≥ 0 and ≤ \(NetworkParser.maxValue), found \(v)") }
                return v
            }
            var origin = [0.0, 0.0, 0.0]
            if let o = f["origin"] {
                origin = try o.sequence("[x, y, z]").map { try $0.double("a coordinate") }
                guard origin.count == 3, origin.allSatisfy({ abs($0) <= NetworkParser.maxValue }) else { throw o.error("'origin' must be [x, y, z]") }
            }
            switch kind {
            case "Cuboid":
                for (k, v) in b.entries where !["type", "width", "height", "depth"].contains(k) { throw v.keyError("unknown key '\(k)' in Cuboid; expected width, height, depth") }
                structure = .random(width: try side("width"), height: try side("height"), depth: try side("depth"), sphere: false, radius: 0, origin: origin)
            case "Sphere":
                for (k, v) in b.entries where !["type", "radius"].contains(k) { throw v.keyError("unknown key '\(k)' in Sphere; expected radius") }
                structure = .random(width: 0, height: 0, depth: 0, sphere: true, radius: try side("radius"), origin: origin)
            default:
                throw boundaryNode.error("unknown boundary '\(kind)'; expected Cuboid or Sphere")
            }
        }
        if let problem = structure.problem(size: size) { throw typeNode.error("population '\(population)': \(problem)") }
        return structure
    }
}
