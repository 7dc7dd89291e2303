import ChipSim
import Foundation

/// Projections: views, synapses and connectors (DESIGN §5.1, `docs/models.md`).
extension NetworkReader {
    /// A population name or a slice of one, `NAME[start:stop:step]` or `NAME[i]`, with Python's
    /// semantics: negative indices count from the end, slice bounds are clamped to the
    /// population, a negative step walks backwards; an index out of range or a slice that
    /// selects no neuron is an error.
    func view(_ node: YAMLNode, role: String, network: NetworkSpec) throws -> PopulationView {
        let text = try node.string("a population name or slice such as IN[0:5]").trimmingCharacters(in: .whitespaces)
        var name = text
        var sliceText: String?
        if let open = text.firstIndex(of: "[") {
            guard text.hasSuffix("]") else { throw node.error("'\(role)': malformed slice '\(text)'; expected NAME[start:stop] or NAME[start:stop:step]") }
            name = String(text[..<open])
            sliceText = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
        }
        guard let p = network.populationIndex(name) else {
            throw node.error("'\(role)': unknown population '\(name)'; defined: \(network.populations.map(\.name).joined(separator: ", "))")
        }
        let size = network.populations[p].size
        guard let sliceText else { return PopulationView(population: p, size: size) }
        let parts = sliceText.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        func integer(_ s: String) throws -> Int? {
            if s.isEmpty { return nil }
            guard let v = Int(s) else { throw node.error("'\(role)': malformed slice '\(text)'; '\(s)' is not an integer") }
            return v
        }
        if parts.count == 1 {
            guard let i = try integer(parts[0]) else { throw node.error("'\(role)': malformed slice '\(text)'; expected an index") }
            let resolved = i < 0 ? size + i : i
            guard resolved >= 0 && resolved < size else {
                throw node.error("'\(role)': index \(i) is out of range for '\(name)' of size \(size)")
            }
            return PopulationView(population: p, start: resolved, step: 1, count: 1)
        }
        guard parts.count <= 3 else { throw node.error("'\(role)': malformed slice '\(text)'; expected NAME[start:stop:step]") }
        let step = try parts.count == 3 ? integer(parts[2]) ?? 1 : 1
        guard step != 0 else { throw node.error("'\(role)': slice '\(text)' has step 0") }
        let (start, count) = Self.sliceIndices(start: try integer(parts[0]), stop: try integer(parts[1]), step: step, size: size)
        guard count > 0 else { throw node.error("'\(role)': slice '\(text)' of '\(name)' (size \(size)) selects no neurons") }
        return PopulationView(population: p, start: start, step: step, count: count)
    }

    /// Python's `slice(start, stop, step).indices(size)`: the first index and how many.
    static func sliceIndices(start: Int?, stop: Int?, step: Int, size: Int) -> (start: Int, count: Int) {
        func clamp(_ v: Int, _ lo: Int, _ hi: Int) -> Int { min(max(v, lo), hi) }
        let lower = step > 0 ? 0 : -1, upper = step > 0 ? size : size - 1
        let first = start.map { clamp($0 < 0 ? $0 + size : $0, lower, upper) } ?? (step > 0 ? lower : upper)
        let last = stop.map { clamp($0 < 0 ? $0 + size : $0, lower, upper) } ?? (step > 0 ? upper : lower)
        let span = last - first
        let count = step > 0 ? (span > 0 ? (span + step - 1) / step : 0) : (span < 0 ? (-span + (-step) - 1) / -step : 0)
        return (first, count)
    }

    func projection(_ node: YAMLNode, network: NetworkSpec) throws -> ProjectionSpec {
        let f = try node.fields(allowed: NetworkParser.projectionKeys, what: "a projection")
        let preNode = try f.required("pre", "the presynaptic population")
        let pre = try view(preNode, role: "pre", network: network)
        let postNode = try f.required("post", "the postsynaptic population")
        let post = try view(postNode, role: "post", network: network)
        let postPop = network.populations[post.population]
        if postPop.model.isSource {
            throw postNode.error("'post': population '\(postPop.name)' is a \(postPop.model.rawValue) and cannot receive synapses")
        }
        var receptor = Receptor.excitatory
        if let r = f["receptor"] {
            let s = try r.string("excitatory or inhibitory")
            guard let value = Receptor.allCases.first(where: { $0.name == s }) else {
                throw r.error("unknown receptor '\(s)'; expected excitatory or inhibitory")
            }
            receptor = value
        }
        let label = try f["label"]?.string("a label") ?? "\(try preNode.string())→\(try postNode.string())"
        let synNode = try f.required("synapse", "a synapse such as {type: StaticSynapse, weight: 0.1, delay: 1.0}")
        let syn = try synNode.fields(allowed: NetworkParser.synapseKeys + PlasticityReader.keys, what: "a synapse")
        let synType = try syn["type"]?.string("a synapse type") ?? "StaticSynapse"
        var plasticity: STDPRule?
        switch synType {
        case "StaticSynapse", "Static":
            for key in PlasticityReader.keys where syn[key] != nil {
                throw syn[key]!.error("'\(key)' belongs to STDPMechanism synapses, not StaticSynapse")
            }
        case "STDPMechanism":
            plasticity = try PlasticityReader.rule(syn, at: synNode, unit: postPop.model.weightUnit)
        default:
            throw (syn["type"] ?? synNode).error("unknown synapse type '\(synType)'; expected StaticSynapse or STDPMechanism")
        }
        let weightNode = syn["weight"]
        let weight = try weightNode.map { try valueSpec($0, what: "weight") } ?? .constant(0)
        let delayNode = syn["delay"]
        let delay = try delayNode.map { try valueSpec($0, what: "delay") } ?? .constant(network.timestep)
        if let rule = plasticity {
            let (low, high) = weight.bounds
            guard low >= rule.wMin, high <= rule.wMax else {
                throw (weightNode ?? synNode).error("an STDP synapse's initial weight must lie within w_min … w_max (\(rule.wMin) … \(rule.wMax) \(postPop.model.weightUnit)); plastic weights are magnitudes, the receptor gives their sign")
            }
        } else {
            try checkWeightValue(weight.typical, node: weightNode ?? synNode, receptor: receptor, post: postPop)
        }
        try checkDelayValue(delay.bounds.0 == -.infinity ? delay.typical : delay.bounds.0, node: delayNode ?? synNode, timestep: network.timestep)
        if case .constant(let d) = delay, let delayNode, !TimeSteps.isWhole(d, dt: network.timestep) {
            let rounded = Double(TimeSteps.ticks(d, dt: network.timestep)) * network.timestep
            notes.warnings.append(delayNode.warning("delay \(d) ms is not a whole number of \(network.timestep) ms time steps; the synapses get \(rounded) ms (the nearest step)"))
        }
        let connNode = try f.required("connector", "a connector such as {type: AllToAllConnector}")
        let connector = try self.connector(connNode, pre: pre, post: post, receptor: receptor, postPop: postPop, network: network)
        if case .convolution = connector {
            if let given = weightNode ?? delayNode {
                throw given.error("a ConvolutionConnector's taps give every synapse its weight and delay; leave them out of 'synapse'")
            }
            if plasticity != nil { throw synNode.error("a ConvolutionConnector's synapses are static; STDPMechanism is not supported on it") }
        }
        return ProjectionSpec(label: label, pre: pre, post: post, connector: connector, weight: weight, delay: delay, receptor: receptor,
                              location: node.location, plasticity: plasticity)
    }

    func checkWeightValue(_ v: Double, node: YAMLNode, receptor: Receptor, post: PopulationSpec) throws {
        let unit = post.model.weightUnit
        if post.model.isConductanceBased {
            if v < 0 { throw node.error("weight \(v) onto conductance-based '\(post.name)' must be ≥ 0 µS (the receptor sets the sign)") }
        } else if receptor == .inhibitory {
            if v > 0 { throw node.error("inhibitory weight \(v) onto current-based '\(post.name)' must be ≤ 0 \(unit), as in PyNN") }
        } else if v < 0 {
            throw node.error("excitatory weight \(v) must be ≥ 0 \(unit); use receptor: inhibitory for negative weights")
        }
    }

    func checkDelayValue(_ v: Double, node: YAMLNode, timestep: Double) throws {
        if v < timestep * (1 - 1e-9) { throw node.error("delay \(v) ms is below one time step (\(timestep) ms); expected a delay ≥ \(timestep) ms") }
        if (v / timestep).rounded() > Double(TimeSteps.maxTicks) {
            throw node.error("delay \(v) ms is more than \(TimeSteps.maxTicks) time steps of \(timestep) ms")
        }
    }

    // MARK: Connectors

    static let connectorKeys: [String: [String]] = [
        "AllToAll": ["allow_self_connections"],
        "OneToOne": [],
        "AllButMe": [],
        "FixedProbability": ["p_connect", "allow_self_connections"],
        "FixedNumberPre": ["n", "allow_self_connections", "with_replacement"],
        "FixedNumberPost": ["n", "allow_self_connections", "with_replacement"],
        "FixedTotalNumber": ["n", "allow_self_connections", "with_replacement"],
        "DistanceDependentProbability": ["d_expression", "allow_self_connections", "axes", "periodic_boundaries"],
        "FromList": ["conn_list", "connections", "file"],
        "Convolution": ["shape", "file", "taps"],
    ]

    /// The largest `n` of the fixed-number connectors, 2^31 − 1.
    static let maxConnections = Int(Int32.max)

    func connector(_ node: YAMLNode, pre: PopulationView, post: PopulationView, receptor: Receptor, postPop: PopulationSpec,
                   network: NetworkSpec) throws -> ConnectorSpec {
        let entries = try node.mapping("a connector mapping with a 'type'")
        let f = Fields(owner: node, entries: entries)
        let typeNode = try f.required("type", "a connector type")
        let raw = try typeNode.string("a connector type")
        let type = raw.hasSuffix("Connector") ? String(raw.dropLast("Connector".count)) : raw
        guard let allowed = Self.connectorKeys[type] else {
            let names = Self.connectorKeys.keys.sorted().map { "\($0)Connector" }
            throw typeNode.error("unknown connector '\(raw)'; expected one of \(names.joined(separator: ", "))")
        }
        for (k, v) in entries where k != "type" && !allowed.contains(k) {
            throw v.keyError("unknown key '\(k)' in \(type)Connector; expected one of: \((["type"] + allowed).joined(separator: ", "))")
        }
        let allowSelf = try f["allow_self_connections"]?.bool() ?? true
        let replacement = try f["with_replacement"]?.bool()
        func count(_ limit: Int?, _ what: String) throws -> Int {
            let nNode = try f.required("n", what)
            let n = try nNode.int("a non-negative integer")
            let top = limit ?? Self.maxConnections
            guard n >= 0 && n <= top else {
                throw nNode.error("'n' must be in 0...\(top)\(limit == nil ? "" : " without replacement"), found \(n)")
            }
            return n
        }
        switch type {
        case "AllToAll": return .allToAll(allowSelfConnections: allowSelf)
        case "OneToOne":
            guard pre.count == post.count else {
                throw typeNode.error("OneToOneConnector needs pre and post of equal size, found \(pre.count) and \(post.count)")
            }
            return .oneToOne
        case "AllButMe": return .allButMe
        case "FixedProbability":
            let pNode = try f.required("p_connect", "a probability in [0, 1]")
            let p = try pNode.double("a probability in [0, 1]")
            guard p >= 0 && p <= 1 else { throw pNode.error("'p_connect' must be in [0, 1], found \(p)") }
            return .fixedProbability(p: p, allowSelfConnections: allowSelf)
        case "FixedNumberPre":
            let with = replacement ?? false
            return .fixedNumberPre(n: try count(with ? nil : pre.count, "the number of presynaptic neurons per postsynaptic neuron"),
                                   allowSelfConnections: allowSelf, withReplacement: with)
        case "FixedNumberPost":
            let with = replacement ?? false
            return .fixedNumberPost(n: try count(with ? nil : post.count, "the number of postsynaptic neurons per presynaptic neuron"),
                                    allowSelfConnections: allowSelf, withReplacement: with)
        case "FixedTotalNumber":
            let with = replacement ?? true
            return .fixedTotalNumber(n: try count(with ? nil : pre.count * post.count, "the number of connections in all"),
                                     allowSelfConnections: allowSelf, withReplacement: with)
        case "DistanceDependentProbability":
            return try distanceConnector(f, pre: pre, post: post, allowSelf: allowSelf, network: network)
        case "Convolution":
            return try convolutionConnector(f, owner: node, pre: pre, post: post, receptor: receptor, postPop: postPop, timestep: network.timestep)
        default:
            return try listConnector(f, pre: pre, post: post, receptor: receptor, postPop: postPop, timestep: network.timestep)
        }
    }

    func distanceConnector(_ f: Fields, pre: PopulationView, post: PopulationView, allowSelf: Bool, network: NetworkSpec) throws -> ConnectorSpec {
        let exprNode = try f.required("d_expression", "an expression of the distance d, such as exp(-d/100)")
        let text = try exprNode.string("an expression of the distance d")
        let expression: DistanceExpression
        do { expression = try DistanceExpression(text) } catch let e as DistanceExpression.ParseError {
            throw exprNode.error("d_expression '\(text)': \(e.message) at character \(e.offset + 1)")
        }
        for p in [pre.population, post.population] where network.populations[p].structure == nil {
            throw exprNode.error("DistanceDependentProbabilityConnector needs positions: population '\(network.populations[p].name)' has no 'structure' (Grid2D, Grid3D, Line or RandomStructure)")
        }
        var space = Space()
        if let axesNode = f["axes"] {
            let axes = try axesNode.string("x, y, z, xy, xz, yz or xyz")
            guard !axes.isEmpty, axes.allSatisfy({ "xyz".contains($0) }), Set(axes).count == axes.count else {
                throw axesNode.error("'axes' must be x, y, z, xy, xz, yz or xyz, found '\(axes)'")
            }
            space.axes = SIMD3(axes.contains("x") ? 1 : 0, axes.contains("y") ? 1 : 0, axes.contains("z") ? 1 : 0)
        }
        if let pb = f["periodic_boundaries"] {
            let bounds = try pb.sequence("three [min, max] pairs or nulls, one per axis")
            guard bounds.count == 3 else { throw pb.error("'periodic_boundaries' needs three entries (x, y, z), each [min, max] or null") }
            for (k, b) in bounds.enumerated() where !b.isNull {
                let pair = try b.sequence("[min, max]").map { try $0.double("a coordinate") }
                guard pair.count == 2, pair[1] > pair[0] else { throw b.error("a periodic boundary is [min, max] with max > min") }
                space.periods[k] = pair[1] - pair[0]
            }
        }
        return .distanceDependentProbability(expression, space: space, allowSelfConnections: allowSelf)
    }

    func listConnector(_ f: Fields, pre: PopulationView, post: PopulationView, receptor: Receptor, postPop: PopulationSpec,
                       timestep: Double) throws -> ConnectorSpec {
        if let fileNode = f["file"] {
            let rows = try listFile(fileNode)
            for (i, c) in rows.enumerated() {
                let where_ = fileNode.relocated(fileNode.node, path: "\(fileNode.path) row \(i)")
                try checkRow(c, where_, pre: pre, post: post, receptor: receptor, postPop: postPop, timestep: timestep)
            }
            return .fromList(rows)
        }
        let listNode = try f["connections"] ?? f.required("conn_list", "a list of [pre, post] or [pre, post, weight, delay] rows, or a 'file'")
        let rows = try listNode.sequence("a list of [pre, post(, weight, delay)] rows").map { row in
            let items = try row.sequence("a row [pre, post] or [pre, post, weight, delay]")
            guard (2...4).contains(items.count) else {
                throw row.error("a FromList row has 2, 3 or 4 numbers (pre, post[, weight[, delay]]), found \(items.count)")
            }
            let c = ListedConnection(pre: try items[0].int("a pre index"), post: try items[1].int("a post index"),
                                     weight: items.count > 2 ? try items[2].double("a weight") : nil,
                                     delay: items.count > 3 ? try items[3].double("a delay in ms") : nil)
            try checkRow(c, row, pre: pre, post: post, receptor: receptor, postPop: postPop, timestep: timestep)
            return c
        }
        return .fromList(rows)
    }

    func checkRow(_ c: ListedConnection, _ node: YAMLNode, pre: PopulationView, post: PopulationView, receptor: Receptor,
                  postPop: PopulationSpec, timestep: Double) throws {
        guard c.pre >= 0 && c.pre < pre.count else { throw node.error("FromList pre index \(c.pre) is out of range 0..<\(pre.count)") }
        guard c.post >= 0 && c.post < post.count else { throw node.error("FromList post index \(c.post) is out of range 0..<\(post.count)") }
        if let w = c.weight {
            guard abs(w) <= NetworkParser.maxValue else { throw node.error("FromList weight \(w) is out of range; expected a value within ±\(NetworkParser.maxValue)") }
            try checkWeightValue(w, node: node, receptor: receptor, post: postPop)
        }
        if let d = c.delay { try checkDelayValue(d, node: node, timestep: timestep) }
    }

    /// A FromList file: JSON (a list of rows) or text, one row per line, numbers separated by
    /// spaces or commas; `#` starts a comment.
    func listFile(_ node: YAMLNode) throws -> [ListedConnection] {
        let (path, rows) = try numberRows(node, what: "FromList file")
        return try rows.enumerated().map { i, r in
            guard (2...4).contains(r.count), r.allSatisfy(\.isFinite), r[0] == r[0].rounded(), r[1] == r[1].rounded(),
                  abs(r[0]) <= Double(Int32.max), abs(r[1]) <= Double(Int32.max) else {
                throw node.error("row \(i + 1) of FromList file '\(path)' must be 'pre post [weight [delay]]' with integer indices")
            }
            return ListedConnection(pre: Int(r[0]), post: Int(r[1]), weight: r.count > 2 ? r[2] : nil, delay: r.count > 3 ? r[3] : nil)
        }
    }

    /// The rows of numbers of the file `node` names (relative to the network file): JSON (a list
    /// of rows) or text, one row per line, numbers separated by spaces, tabs or commas, `#`
    /// starting a comment; a field that is not a number reads as NaN.
    func numberRows(_ node: YAMLNode, what: String) throws -> (path: String, rows: [[Double]]) {
        let name = try node.string("a file name")
        let path = name.hasPrefix("/") ? name : (baseDirectory as NSString).appendingPathComponent(name)
        let bytes = try readFile(path, node: node, what: what)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw node.error("\(what) '\(path)' is not UTF-8 text") }
        var rows: [[Double]] = []
        if let json = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [[Any]] {
            for r in json { rows.append(r.map { ($0 as? NSNumber)?.doubleValue ?? .nan }) }
        } else {
            for line in text.split(whereSeparator: \.isNewline) {
                let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                let fields = content.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" })
                if fields.isEmpty { continue }
                rows.append(fields.map { Double($0) ?? .nan })
            }
        }
        return (path, rows)
    }

    /// `ConvolutionConnector`: `shape: [width, height]` of the maps, and the taps as rows
    /// `in_channel dx dy out_channel weight delay` in a `file` or a `taps` list.
    func convolutionConnector(_ f: Fields, owner: YAMLNode, pre: PopulationView, post: PopulationView, receptor: Receptor,
                              postPop: PopulationSpec, timestep: Double) throws -> ConnectorSpec {
        let shapeNode = try f.required("shape", "the maps' [width, height]")
        let shape = try shapeNode.sequence("[width, height]").map { try $0.int("a positive size") }
        guard shape.count == 2, shape.allSatisfy({ $0 > 0 && $0 <= 1 << 16 }) else {
            throw shapeNode.error("'shape' must be [width, height], two sizes in 1...65536")
        }
        let (width, height) = (shape[0], shape[1])
        let map = width * height
        guard pre.count % map == 0, post.count % map == 0 else {
            throw shapeNode.error("ConvolutionConnector maps of \(width) × \(height) neurons need views of whole maps; pre has \(pre.count) neurons and post \(post.count)")
        }
        let inChannels = pre.count / map, outChannels = post.count / map
        let rows: [(row: [Double], node: YAMLNode, name: String)]
        switch (f["file"], f["taps"]) {
        case (let file?, nil):
            let (path, numbers) = try numberRows(file, what: "ConvolutionConnector file")
            rows = numbers.enumerated().map { ($1, file, "row \($0 + 1) of '\(path)'") }
        case (nil, let list?):
            rows = try list.sequence("a list of [in_channel, dx, dy, out_channel, weight, delay] rows").enumerated().map { i, row in
                (try row.sequence("a tap [in_channel, dx, dy, out_channel, weight, delay]").map { try $0.double("a number") }, row, "tap \(i + 1)")
            }
        default:
            throw owner.error("ConvolutionConnector takes its taps from a 'file' or a 'taps' list, one of them")
        }
        let taps = try rows.map { r, node, name in
            func fail(_ why: String) -> Error { node.error("\(name): \(why)") }
            guard r.count == 6, r.allSatisfy(\.isFinite) else { throw fail("expected 'in_channel dx dy out_channel weight delay', six numbers") }
            guard r[0...3].allSatisfy({ $0 == $0.rounded() && abs($0) <= Double(1 << 20) }) else { throw fail("channels and offsets must be integers") }
            let tap = ConvolutionKernel.Tap(inChannel: Int(r[0]), dx: Int(r[1]), dy: Int(r[2]), outChannel: Int(r[3]), weight: r[4], delay: r[5])
            guard (0..<inChannels).contains(tap.inChannel) else { throw fail("input channel \(tap.inChannel) is out of range 0..<\(inChannels) (pre holds \(inChannels) maps)") }
            guard (0..<outChannels).contains(tap.outChannel) else { throw fail("output channel \(tap.outChannel) is out of range 0..<\(outChannels) (post holds \(outChannels) maps)") }
            guard abs(tap.weight) <= NetworkParser.maxValue else { throw fail("weight \(tap.weight) is out of range; expected a value within ±\(NetworkParser.maxValue)") }
            do {
                try checkWeightValue(tap.weight, node: node, receptor: receptor, post: postPop)
                try checkDelayValue(tap.delay, node: node, timestep: timestep)
            } catch let d as Diagnostic {
                throw fail(d.message)
            }
            return tap
        }
        return .convolution(ConvolutionKernel(width: width, height: height, inChannels: inChannels, outChannels: outChannels, taps: taps))
    }
}
