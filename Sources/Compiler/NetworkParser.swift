import ChipSim
import Foundation

/// Reads a network from YAML (DESIGN §5.1): PyNN names and units, located diagnostics.
public enum NetworkParser {
    /// The largest magnitude of a weight, delay or initial value, or of a distribution's parameter.
    static let maxValue = 1e9
    /// The largest population, 2^24 neurons (more than 300 SpiNN-5 boards hold).
    static let maxPopulationSize = 1 << 24


    static let topKeys = ["network", "description", "timestep", "duration", "seed", "populations", "projections"]
    static let populationKeys = ["size", "model", "params", "initial", "record", "live_output", "spike_times", "spike_times_file", "label"]
    static let projectionKeys = ["pre", "post", "connector", "synapse", "receptor", "label"]
    static let synapseKeys = ["type", "weight", "delay"]

    /// Parses the file at `path`.
    public static func parse(contentsOf path: String) throws -> NetworkSpec {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CompileError([Diagnostic("cannot read '\(path)'", at: nil)])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CompileError([Diagnostic("'\(path)' is not UTF-8 text", at: SourceLocation(file: path, line: 1, column: 1))])
        }
        let base = (path as NSString).deletingLastPathComponent
        return try parse(text, file: path, baseDirectory: base.isEmpty ? "." : base)
    }

    /// Parses YAML text; `file` names it in diagnostics and `baseDirectory` resolves the
    /// files it refers to (`spike_times_file`, FromList `file`).
    public static func parse(_ text: String, file: String, baseDirectory: String = ".") throws -> NetworkSpec {
        do {
            return try Reader(file: file, baseDirectory: baseDirectory).read(text)
        } catch let d as Diagnostic {
            throw CompileError([d])
        }
    }

    private struct Reader {
        let file: String
        let baseDirectory: String

        func read(_ text: String) throws -> NetworkSpec {
            guard let root = try YAMLNode.parse(text, file: file) else {
                throw Diagnostic("the file is empty; expected a mapping with 'populations'", at: SourceLocation(file: file, line: 1, column: 1))
            }
            let top = try root.fields(allowed: NetworkParser.topKeys, what: "the network")
            let name = try top["network"]?.string("a name") ?? ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            let timestep = try top["timestep"]?.double("a time step in ms") ?? 1.0
            if !(timestep >= StepConvention.minTimestepMs && timestep <= StepConvention.maxTimestepMs) {
                throw top["timestep"]!.error("'timestep' must be ≥ \(StepConvention.minTimestepMs) ms and ≤ \(StepConvention.maxTimestepMs) ms, found \(timestep)")
            }
            let duration = try top["duration"]?.double("a run length in ms") ?? 1000
            if duration < 0 { throw top["duration"]!.error("'duration' must be ≥ 0 ms, found \(duration)") }
            if (duration / timestep).rounded() > Double(StepConvention.maxTicks) {
                throw (top["duration"] ?? top["timestep"]!).error("'duration' of \(duration) ms is more than the longest run, \(StepConvention.maxTicks) time steps of \(timestep) ms")
            }
            var seed: UInt64 = 0
            if let s = top["seed"] { seed = try s.uint64("a non-negative integer seed below 2^64") }
            let popsNode = try top.required("populations", "a mapping of population names to populations")
            var populations: [PopulationSpec] = []
            for (popName, node) in try popsNode.mapping("a mapping of population names to populations") {
                if let problem = PopulationInfo.nameProblem(popName) { throw node.keyError("population name '\(popName)' \(problem)") }
                populations.append(try population(popName, node, timestep: timestep))
            }
            if populations.isEmpty { throw popsNode.error("'populations' is empty; a network needs at least one population") }
            var spec = NetworkSpec(name: name, timestep: timestep, duration: duration, seed: seed, populations: populations, projections: [])
            if let projs = top["projections"], !projs.isNull {
                for node in try projs.sequence("a list of projections") {
                    spec.projections.append(try projection(node, network: spec))
                }
            }
            return spec
        }

        // MARK: Populations

        func population(_ name: String, _ node: YAMLNode, timestep: Double) throws -> PopulationSpec {
            let f = try node.fields(allowed: NetworkParser.populationKeys, what: "population '\(name)'")
            let sizeNode = try f.required("size", "a positive integer number of neurons")
            let size = try sizeNode.int("a positive integer number of neurons")
            if size <= 0 || size > NetworkParser.maxPopulationSize {
                throw sizeNode.error("population '\(name)': 'size' must be > 0 and ≤ \(NetworkParser.maxPopulationSize), found \(size)")
            }
            let modelNode = try f.required("model", "one of \(NeuronModel.allCases.map(\.rawValue).joined(separator: ", "))")
            let modelName = try modelNode.string("a model name")
            guard let model = NeuronModel(rawValue: modelName) else {
                if modelName == "SpikeInjector" || modelName == "IF_curr_alpha" {
                    throw modelNode.error("population '\(name)': model '\(modelName)' is not supported yet; supported: \(NeuronModel.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                throw modelNode.error("population '\(name)': unknown model '\(modelName)'; expected one of \(NeuronModel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var parameters: [String: Double] = [:]
            if let params = f["params"], !params.isNull {
                let specs = model.parameters
                for (key, value) in try params.mapping("a mapping of parameter names to numbers") {
                    guard let spec = specs.first(where: { $0.name == key }) else {
                        let known = specs.isEmpty ? "it takes none" : "expected one of: \(specs.map(\.name).joined(separator: ", "))"
                        throw value.keyError("population '\(name)': unknown parameter '\(key)' for \(model.rawValue); \(known)")
                    }
                    let v = try value.double("a number (\(spec.unit))")
                    if !spec.admits(v) { throw value.error("population '\(name)': '\(key)' must be \(spec.allowed), found \(v)") }
                    parameters[key] = v
                }
            }
            parameters = model.resolvedParameters(parameters)

            var initial: [String: ValueSpec] = [:]
            if let ini = f["initial"], !ini.isNull {
                for (key, value) in try ini.mapping("a mapping of state variables to values") {
                    guard model.stateVariables.contains(key) else {
                        throw value.keyError("population '\(name)': unknown state variable '\(key)' in 'initial'; \(model.rawValue) has: \(model.stateVariables.isEmpty ? "none" : model.stateVariables.joined(separator: ", "))")
                    }
                    initial[key] = try valueSpec(value, what: "initial value of '\(key)'")
                }
            }
            var record: [String] = []
            if let rec = f["record"], !rec.isNull {
                let items = rec.isSequence ? try rec.sequence() : [rec]
                for item in items {
                    let variable = try item.string("a variable name")
                    guard variable == "spikes" || model.stateVariables.contains(variable) else {
                        throw item.error("population '\(name)': cannot record '\(variable)'; \(model.rawValue) records: \((["spikes"] + model.stateVariables).joined(separator: ", "))")
                    }
                    if !record.contains(variable) { record.append(variable) }
                }
            }
            let live = try f["live_output"]?.bool() ?? false
            var spikeTimes: [[Double]] = []
            if f["spike_times"] != nil || f["spike_times_file"] != nil {
                let node = f["spike_times"] ?? f["spike_times_file"]!
                guard model == .spikeSourceArray else {
                    throw node.error("population '\(name)': spike times are for SpikeSourceArray populations, not \(model.rawValue)")
                }
                if f["spike_times"] != nil && f["spike_times_file"] != nil {
                    throw node.error("population '\(name)': give 'spike_times' or 'spike_times_file', not both")
                }
                spikeTimes = try f["spike_times"].map { try spikeTimeLists($0, size: size, population: name, timestep: timestep) }
                    ?? spikeTimesFile(f["spike_times_file"]!, size: size, population: name, timestep: timestep)
            } else if model == .spikeSourceArray {
                spikeTimes = Array(repeating: [], count: size)
            }
            return PopulationSpec(name: name, size: size, model: model, parameters: parameters, initial: initial, record: record,
                                  liveOutput: live, spikeTimes: spikeTimes, location: node.location)
        }

        func spikeTimeLists(_ node: YAMLNode, size: Int, population: String, timestep: Double) throws -> [[Double]] {
            let items = try node.sequence("a list of spike times (ms), or one such list per neuron")
            func times(_ nodes: [YAMLNode]) throws -> [Double] {
                try nodes.map { n in
                    let t = try n.double("a spike time in ms")
                    if let problem = spikeTimeProblem(t, timestep: timestep) { throw n.error("population '\(population)': \(problem)") }
                    return t
                }.sorted()
            }
            if items.allSatisfy({ !$0.isSequence }) { return Array(repeating: try times(items), count: size) }
            guard items.count == size else {
                throw node.error("population '\(population)': 'spike_times' has \(items.count) lists for \(size) neurons; give one list for all or one per neuron")
            }
            return try items.map { try times($0.sequence("a list of spike times (ms)")) }
        }

        /// Why `t` cannot be a spike time, if it cannot.
        func spikeTimeProblem(_ t: Double, timestep: Double) -> String? {
            if !(t >= 0) || !t.isFinite { return "spike time \(t) ms is not a time ≥ 0 ms" }
            if (t / timestep).rounded() > Double(StepConvention.maxTicks) {
                return "spike time \(t) ms is beyond the longest run, \(StepConvention.maxTicks) time steps of \(timestep) ms"
            }
            return nil
        }

        func spikeTimesFile(_ node: YAMLNode, size: Int, population: String, timestep: Double) throws -> [[Double]] {
            let name = try node.string("a file name")
            let path = name.hasPrefix("/") ? name : (baseDirectory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw node.error("population '\(population)': cannot read spike_times_file '\(path)'")
            }
            let lists: [[Double]]
            var perNeuron = false
            if let all = try? JSONDecoder().decode([Double].self, from: data) {
                lists = [all]
            } else if let each = try? JSONDecoder().decode([[Double]].self, from: data) {
                guard each.count == size else {
                    throw node.error("population '\(population)': '\(path)' has \(each.count) lists for \(size) neurons")
                }
                lists = each
                perNeuron = true
            } else {
                throw node.error("population '\(population)': '\(path)' must hold a JSON list of spike times (ms), or one such list per neuron")
            }
            for (i, times) in lists.enumerated() {
                if let problem = times.lazy.compactMap({ spikeTimeProblem($0, timestep: timestep) }).first {
                    throw node.error("population '\(population)': \(perNeuron ? "list \(i) of " : "")'\(path)': \(problem)")
                }
            }
            return perNeuron ? lists.map { $0.sorted() } : Array(repeating: lists[0].sorted(), count: size)
        }

        // MARK: Values

        func valueSpec(_ node: YAMLNode, what: String) throws -> ValueSpec {
            func bounded(_ n: YAMLNode, _ expected: String) throws -> Double {
                let v = try n.double(expected)
                if abs(v) > NetworkParser.maxValue { throw n.error("\(what) \(v) is out of range; expected a value within ±\(NetworkParser.maxValue)") }
                return v
            }
            if !node.isMapping { return .constant(try bounded(node, "a number or a distribution ({normal: [mean, sd]} or {uniform: [low, high]})")) }
            let entries = try node.mapping()
            guard entries.count == 1, let (kind, args) = entries.first, kind == "normal" || kind == "uniform" else {
                throw node.error("\(what) must be a number, {normal: [mean, sd]} or {uniform: [low, high]}")
            }
            let values = try args.sequence("a list of two numbers").map { try bounded($0, "a number") }
            guard values.count == 2 else { throw args.error("\(kind) takes two numbers, found \(values.count)") }
            if kind == "normal" {
                if values[1] < 0 { throw args.error("normal's sd must be ≥ 0, found \(values[1])") }
                return .normal(mean: values[0], sd: values[1])
            }
            if values[1] < values[0] { throw args.error("uniform's low (\(values[0])) must not exceed its high (\(values[1]))") }
            return .uniform(low: values[0], high: values[1])
        }

        // MARK: Projections

        func view(_ node: YAMLNode, role: String, network: NetworkSpec) throws -> PopulationView {
            let text = try node.string("a population name or slice such as IN[0:5]").trimmingCharacters(in: .whitespaces)
            var name = text
            var sliceText: String?
            if let open = text.firstIndex(of: "[") {
                guard text.hasSuffix("]") else { throw node.error("'\(role)': malformed slice '\(text)'; expected NAME[start:stop]") }
                name = String(text[..<open])
                sliceText = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
            }
            guard let p = network.populationIndex(name) else {
                throw node.error("'\(role)': unknown population '\(name)'; defined: \(network.populations.map(\.name).joined(separator: ", "))")
            }
            let size = network.populations[p].size
            guard let sliceText else { return PopulationView(population: p, range: 0..<size) }
            let parts = sliceText.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            func index(_ s: String, _ fallback: Int) throws -> Int {
                if s.isEmpty { return fallback }
                guard let v = Int(s) else { throw node.error("'\(role)': malformed slice '\(text)'; '\(s)' is not an integer") }
                let resolved = v < 0 ? size + v : v
                guard resolved >= 0 && resolved <= size else {
                    throw node.error("'\(role)': slice '\(text)' is out of range for '\(name)' of size \(size)")
                }
                return resolved
            }
            let range: Range<Int>
            switch parts.count {
            case 1:
                let i = try index(parts[0], 0)
                guard !parts[0].isEmpty, i < size else { throw node.error("'\(role)': slice '\(text)' is out of range for '\(name)' of size \(size)") }
                range = i..<(i + 1)
            case 2:
                let lo = try index(parts[0], 0), hi = try index(parts[1], size)
                guard lo < hi else { throw node.error("'\(role)': slice '\(text)' of '\(name)' is empty") }
                range = lo..<hi
            default:
                throw node.error("'\(role)': malformed slice '\(text)'; steps are not supported, expected NAME[start:stop]")
            }
            return PopulationView(population: p, range: range)
        }

        func projection(_ node: YAMLNode, network: NetworkSpec) throws -> ProjectionSpec {
            let f = try node.fields(allowed: NetworkParser.projectionKeys, what: "a projection")
            let pre = try view(try f.required("pre", "the presynaptic population"), role: "pre", network: network)
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
            let synNode = try f.required("synapse", "a synapse such as {type: StaticSynapse, weight: 0.1, delay: 1.0}")
            let syn = try synNode.fields(allowed: NetworkParser.synapseKeys + ["timing_dependence", "weight_dependence", "a_scaled_by_w_max", "depress_on_coincidence"], what: "a synapse")
            let synType = try syn["type"]?.string("a synapse type") ?? "StaticSynapse"
            guard synType == "StaticSynapse" || synType == "Static" else {
                let where_ = syn["type"] ?? synNode
                if synType == "STDPMechanism" { throw where_.error("synapse type 'STDPMechanism' is not supported yet; use StaticSynapse") }
                throw where_.error("unknown synapse type '\(synType)'; expected StaticSynapse")
            }
            for key in ["timing_dependence", "weight_dependence", "a_scaled_by_w_max", "depress_on_coincidence"] where syn[key] != nil {
                throw syn[key]!.error("'\(key)' belongs to STDPMechanism synapses, not StaticSynapse")
            }
            let weightNode = syn["weight"]
            let weight = try weightNode.map { try valueSpec($0, what: "weight") } ?? .constant(0)
            let delayNode = syn["delay"]
            let delay = try delayNode.map { try valueSpec($0, what: "delay") } ?? .constant(network.timestep)
            try checkWeight(weight, node: weightNode ?? synNode, receptor: receptor, post: postPop)
            try checkDelay(delay, node: delayNode ?? synNode, timestep: network.timestep)
            let connNode = try f.required("connector", "a connector such as {type: AllToAllConnector}")
            let connector = try self.connector(connNode, pre: pre, post: post, receptor: receptor, postPop: postPop, timestep: network.timestep)
            return ProjectionSpec(pre: pre, post: post, connector: connector, weight: weight, delay: delay, receptor: receptor, location: node.location)
        }

        func checkWeight(_ w: ValueSpec, node: YAMLNode, receptor: Receptor, post: PopulationSpec) throws {
            let reference: Double
            switch w {
            case .constant(let v): reference = v
            case .normal(let mean, _): reference = mean
            case .uniform(let lo, let hi): reference = receptor == .inhibitory && !post.model.isConductanceBased ? hi : lo
            }
            try checkWeightValue(reference, node: node, receptor: receptor, post: post)
        }

        func checkWeightValue(_ v: Double, node: YAMLNode, receptor: Receptor, post: PopulationSpec) throws {
            if post.model.isConductanceBased {
                if v < 0 { throw node.error("weight \(v) onto conductance-based '\(post.name)' must be ≥ 0 µS (the receptor sets the sign)") }
            } else if receptor == .inhibitory {
                if v > 0 { throw node.error("inhibitory weight \(v) onto current-based '\(post.name)' must be ≤ 0 nA, as in PyNN") }
            } else if v < 0 {
                throw node.error("excitatory weight \(v) must be ≥ 0 nA; use receptor: inhibitory for negative weights")
            }
        }

        func checkDelay(_ d: ValueSpec, node: YAMLNode, timestep: Double) throws {
            let reference: Double
            switch d {
            case .constant(let v): reference = v
            case .normal(let mean, _): reference = mean
            case .uniform(let lo, _): reference = lo
            }
            try checkDelayValue(reference, node: node, timestep: timestep)
        }

        func checkDelayValue(_ v: Double, node: YAMLNode, timestep: Double) throws {
            if v < timestep * (1 - 1e-9) { throw node.error("delay \(v) ms is below one time step (\(timestep) ms); expected a delay ≥ \(timestep) ms") }
            if (v / timestep).rounded() > Double(StepConvention.maxTicks) {
                throw node.error("delay \(v) ms is more than \(StepConvention.maxTicks) time steps of \(timestep) ms")
            }
        }

        func connector(_ node: YAMLNode, pre: PopulationView, post: PopulationView, receptor: Receptor, postPop: PopulationSpec, timestep: Double) throws -> ConnectorSpec {
            let entries = try node.mapping("a connector mapping with a 'type'")
            let f = Fields(owner: node, entries: entries)
            let typeNode = try f.required("type", "a connector type")
            let raw = try typeNode.string("a connector type")
            let type = raw.hasSuffix("Connector") ? String(raw.dropLast("Connector".count)) : raw
            let allowed: [String]
            switch type {
            case "AllToAll": allowed = ["type", "allow_self_connections"]
            case "OneToOne": allowed = ["type"]
            case "FixedProbability": allowed = ["type", "p_connect", "allow_self_connections"]
            case "FixedNumberPre": allowed = ["type", "n", "allow_self_connections"]
            case "FromList": allowed = ["type", "conn_list", "connections", "file"]
            default:
                throw typeNode.error("unknown connector '\(raw)'; expected AllToAllConnector, OneToOneConnector, FixedProbabilityConnector, FixedNumberPreConnector or FromListConnector")
            }
            for (k, v) in entries where !allowed.contains(k) {
                throw v.keyError("unknown key '\(k)' in \(type)Connector; expected one of: \(allowed.joined(separator: ", "))")
            }
            let allowSelf = try f["allow_self_connections"]?.bool() ?? true
            switch type {
            case "AllToAll": return .allToAll(allowSelfConnections: allowSelf)
            case "OneToOne":
                guard pre.range.count == post.range.count else {
                    throw typeNode.error("OneToOneConnector needs pre and post of equal size, found \(pre.range.count) and \(post.range.count)")
                }
                return .oneToOne
            case "FixedProbability":
                let pNode = try f.required("p_connect", "a probability in [0, 1]")
                let p = try pNode.double("a probability in [0, 1]")
                guard p >= 0 && p <= 1 else { throw pNode.error("'p_connect' must be in [0, 1], found \(p)") }
                return .fixedProbability(p: p, allowSelfConnections: allowSelf)
            case "FixedNumberPre":
                let nNode = try f.required("n", "the number of presynaptic neurons per postsynaptic neuron")
                let n = try nNode.int("a non-negative integer")
                guard n >= 0 && n <= pre.range.count else { throw nNode.error("'n' must be in 0...\(pre.range.count) (the pre size), found \(n)") }
                return .fixedNumberPre(n: n, allowSelfConnections: allowSelf)
            default:
                if let fileNode = f["file"] {
                    let rows = try listFile(fileNode)
                    for (i, c) in rows.enumerated() {
                        let where_ = YAMLNode(node: fileNode.node, file: fileNode.file, path: "\(fileNode.path) row \(i)")
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
        }

        func checkRow(_ c: ListedConnection, _ node: YAMLNode, pre: PopulationView, post: PopulationView, receptor: Receptor, postPop: PopulationSpec, timestep: Double) throws {
            guard c.pre >= 0 && c.pre < pre.range.count else { throw node.error("FromList pre index \(c.pre) is out of range 0..<\(pre.range.count)") }
            guard c.post >= 0 && c.post < post.range.count else { throw node.error("FromList post index \(c.post) is out of range 0..<\(post.range.count)") }
            if let w = c.weight { try checkWeightValue(w, node: node, receptor: receptor, post: postPop) }
            if let d = c.delay { try checkDelayValue(d, node: node, timestep: timestep) }
        }

        /// A FromList file: JSON (a list of rows) or text, one row per line, numbers separated by
        /// spaces or commas; `#` starts a comment.
        func listFile(_ node: YAMLNode) throws -> [ListedConnection] {
            let name = try node.string("a file name")
            let path = name.hasPrefix("/") ? name : (baseDirectory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw node.error("cannot read FromList file '\(path)'")
            }
            var rows: [[Double]] = []
            if let json = try? JSONSerialization.jsonObject(with: data) as? [[Any]] {
                for r in json { rows.append(r.map { ($0 as? NSNumber)?.doubleValue ?? .nan }) }
            } else {
                for line in text.split(whereSeparator: \.isNewline) {
                    let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                    let fields = content.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" })
                    if fields.isEmpty { continue }
                    rows.append(fields.map { Double($0) ?? .nan })
                }
            }
            return try rows.enumerated().map { i, r in
                guard (2...4).contains(r.count), r.allSatisfy(\.isFinite), r[0] == r[0].rounded(), r[1] == r[1].rounded(),
                      abs(r[0]) <= Double(Int32.max), abs(r[1]) <= Double(Int32.max) else {
                    throw node.error("row \(i + 1) of FromList file '\(path)' must be 'pre post [weight [delay]]' with integer indices")
                }
                return ListedConnection(pre: Int(r[0]), post: Int(r[1]), weight: r.count > 2 ? r[2] : nil, delay: r.count > 3 ? r[3] : nil)
            }
        }
    }
}
