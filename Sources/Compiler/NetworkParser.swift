import ChipSim
import Foundation

/// Reads a network from YAML (DESIGN §5.1, `docs/models.md`): PyNN names and units, located
/// diagnostics.
public enum NetworkParser {
    /// The largest magnitude of a weight, delay or initial value, or of a distribution's parameter.
    static let maxValue = 1e9
    /// The largest population, 2^24 neurons (more than 300 SpiNN-5 boards hold).
    static let maxPopulationSize = 1 << 24
    /// The largest ring-buffer headroom settings: σ ≤ 1000, rates ≤ 10^6 Hz.
    static let maxRingBufferSigma = 1000.0, maxSpikesPerSecond = 1e6

    static let topKeys = ["network", "description", "timestep", "duration", "seed", "step_convention", "time_scale_factor",
                          "ring_buffer_sigma", "spikes_per_second", "populations", "projections"]
    static let populationKeys = ["size", "model", "params", "initial", "record", "live_output", "spike_times", "spike_times_file",
                                 "label", "neurons_per_core", "ring_buffer_sigma", "spikes_per_second", "ring_buffer_shifts",
                                 "min_weights", "structure"]
    static let projectionKeys = ["pre", "post", "connector", "synapse", "receptor", "label"]
    static let synapseKeys = ["type", "weight", "delay"]

    /// Parses the file at `path`.
    public static func parse(contentsOf path: String) throws -> NetworkSpec {
        let bytes: [UInt8]
        do { bytes = try FileAccess.read(path) } catch let e as FileAccess.ReadError {
            throw CompileError([Diagnostic(e.description, at: nil)])
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CompileError([Diagnostic("'\(path)' is not UTF-8 text", at: SourceLocation(file: path, line: 1, column: 1))])
        }
        let base = (path as NSString).deletingLastPathComponent
        return try parse(text, file: path, baseDirectory: base.isEmpty ? "." : base)
    }

    /// Parses YAML text; `file` names it in diagnostics and `baseDirectory` resolves the
    /// files it refers to (`spike_times_file`, FromList `file`).
    public static func parse(_ text: String, file: String, baseDirectory: String = ".") throws -> NetworkSpec {
        do {
            return try NetworkReader(file: file, baseDirectory: baseDirectory).read(text)
        } catch let d as Diagnostic {
            throw CompileError([d])
        }
    }
}

/// Reads one network file; its parts are in this file (the network and its populations),
/// `ProjectionReader.swift` and `ValueReader.swift`.
struct NetworkReader {
    let file: String
    let baseDirectory: String
    /// Notes for the user that do not stop compilation.
    final class Notes {
        var warnings: [Diagnostic] = []
    }
    let notes = Notes()

    func read(_ text: String) throws -> NetworkSpec {
        guard let root = try YAMLNode.parse(text, file: file) else {
            throw Diagnostic("the file is empty; expected a mapping with 'populations'", at: SourceLocation(file: file, line: 1, column: 1))
        }
        let top = try root.fields(allowed: NetworkParser.topKeys, what: "the network")
        let name = try top["network"]?.string("a name") ?? ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let timestep = try top["timestep"]?.double("a time step in ms") ?? 1.0
        if !(timestep >= TimeSteps.minTimestepMs && timestep <= TimeSteps.maxTimestepMs) {
            throw top["timestep"]!.error("'timestep' must be ≥ \(TimeSteps.minTimestepMs) ms and ≤ \(TimeSteps.maxTimestepMs) ms, found \(timestep)")
        }
        let duration = try top["duration"]?.double("a run length in ms") ?? 1000
        if duration < 0 { throw top["duration"]!.error("'duration' must be ≥ 0 ms, found \(duration)") }
        if (duration / timestep).rounded() > Double(TimeSteps.maxTicks) {
            throw (top["duration"] ?? top["timestep"]!).error("'duration' of \(duration) ms is more than the longest run, \(TimeSteps.maxTicks) time steps of \(timestep) ms")
        }
        if !TimeSteps.isWhole(duration, dt: timestep) {
            throw (top["duration"] ?? top["timestep"]!).error("'duration' of \(duration) ms is not a whole number of \(timestep) ms time steps; give \(((Double(TimeSteps.ticks(duration, dt: timestep)) * timestep) * 1e9).rounded() / 1e9) ms or change 'timestep'")
        }
        var seed: UInt64 = 0
        if let s = top["seed"] { seed = try s.uint64("a non-negative integer seed below 2^64") }
        var convention: StepConvention?
        if let c = top["step_convention"] {
            let s = try c.string("spinnaker or brian2")
            guard let value = StepConvention(rawValue: s) else { throw c.error("unknown step_convention '\(s)'; expected spinnaker or brian2") }
            convention = value
        }
        let timeScale = try top["time_scale_factor"].map {
            try positiveNumber($0, "time_scale_factor", max: NetworkInfo.maxTimeScaleFactor)
        } ?? 1
        let sigma = try top["ring_buffer_sigma"].map { try nonNegativeNumber($0, "ring_buffer_sigma", max: NetworkParser.maxRingBufferSigma) }
            ?? NetworkSpec.defaultRingBufferSigma
        let rate = try top["spikes_per_second"].map { try nonNegativeNumber($0, "spikes_per_second", max: NetworkParser.maxSpikesPerSecond) }
            ?? NetworkSpec.defaultSpikesPerSecond
        let popsNode = try top.required("populations", "a mapping of population names to populations")
        var populations: [PopulationSpec] = []
        for (popName, node) in try popsNode.mapping("a mapping of population names to populations") {
            if let problem = PopulationInfo.nameProblem(popName) { throw node.keyError("population name '\(popName)' \(problem)") }
            populations.append(try population(popName, node, timestep: timestep, duration: duration))
        }
        if populations.isEmpty { throw popsNode.error("'populations' is empty; a network needs at least one population") }
        var spec = NetworkSpec(name: name, timestep: timestep, duration: duration, seed: seed, stepConvention: convention,
                               timeScaleFactor: timeScale, ringBufferSigma: sigma, spikesPerSecond: rate,
                               populations: populations, projections: [])
        if let projs = top["projections"], !projs.isNull {
            for node in try projs.sequence("a list of projections") {
                spec.projections.append(try projection(node, network: spec))
            }
        }
        spec.warnings = notes.warnings
        return spec
    }

    // MARK: Populations

    func population(_ name: String, _ node: YAMLNode, timestep: Double, duration: Double) throws -> PopulationSpec {
        let f = try node.fields(allowed: NetworkParser.populationKeys, what: "population '\(name)'")
        let sizeNode = try f.required("size", "a positive integer number of neurons")
        let size = try sizeNode.int("a positive integer number of neurons")
        if size <= 0 || size > NetworkParser.maxPopulationSize {
            throw sizeNode.error("population '\(name)': 'size' must be > 0 and ≤ \(NetworkParser.maxPopulationSize), found \(size)")
        }
        let modelNode = try f.required("model", "one of \(NeuronModel.allCases.map(\.rawValue).joined(separator: ", "))")
        let modelName = try modelNode.string("a model name")
        guard let model = NeuronModel(rawValue: modelName) else {
            throw modelNode.error("population '\(name)': unknown model '\(modelName)'; expected one of \(NeuronModel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var parameters: [String: Double] = [:]
        if let params = f["params"], !params.isNull {
            let specs = model.parameters
            for (key, value) in try params.mapping("a mapping of parameter names to numbers") {
                guard let spec = specs.first(where: { $0.name == key }) else {
                    var known = specs.isEmpty ? "it takes none" : "expected one of: \(specs.map(\.name).joined(separator: ", "))"
                    // PyNN passes a SpikeSourceArray's spike times as a cell parameter; here they
                    // are a key of the population, as are the other population keys.
                    if NetworkParser.populationKeys.contains(key) { known += " ('\(key)' is a key of the population, beside 'params')" }
                    throw value.keyError("population '\(name)': unknown parameter '\(key)' for \(model.rawValue); \(known)")
                }
                let v = try value.double("a number (\(spec.unit))")
                if !spec.admits(v) { throw value.error("population '\(name)': '\(key)' must be \(spec.allowed), found \(v)") }
                parameters[key] = v
            }
        }
        parameters = model.resolvedParameters(parameters)
        if model == .spikeSourcePoisson, let rate = parameters["rate"], rate * timestep / 1000 > PoissonLimits.maxSpikesPerTick {
            throw (f["params"] ?? node).error("population '\(name)': a rate of \(rate) Hz at a \(timestep) ms step gives \(rate * timestep / 1000) spikes per atom and tick; at most \(Int(PoissonLimits.maxSpikesPerTick)) (lower the rate or the time step)")
        }

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
                guard variable == "spikes" || model.recordables.contains(variable) else {
                    throw item.error("population '\(name)': cannot record '\(variable)'; \(model.rawValue) records: \((["spikes"] + model.recordables).joined(separator: ", "))")
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
            noteSpikeTimes(spikeTimes, node: node, population: name, timestep: timestep, duration: duration)
        } else if model == .spikeSourceArray {
            spikeTimes = Array(repeating: [], count: size)
        }
        var spec = PopulationSpec(name: name, size: size, model: model, parameters: parameters, initial: initial, record: record,
                                  liveOutput: live, spikeTimes: spikeTimes, location: node.location)
        if let n = f["neurons_per_core"] {
            let perCore = try n.int("a positive integer")
            guard perCore >= 1 && perCore <= 1 << 15 else { throw n.error("population '\(name)': 'neurons_per_core' must be in 1...\(1 << 15), found \(perCore)") }
            spec.neuronsPerCore = perCore
        }
        try ringBufferSettings(f, into: &spec)
        if let s = f["structure"], !s.isNull { spec.structure = try structure(s, size: size, population: name) }
        return spec
    }

    /// `ring_buffer_sigma`, `spikes_per_second`, `ring_buffer_shifts` and `min_weights` of a
    /// population (they size the ring buffer of the population's cores, so sources have none).
    func ringBufferSettings(_ f: Fields, into spec: inout PopulationSpec) throws {
        let keys = ["ring_buffer_sigma", "spikes_per_second", "ring_buffer_shifts", "min_weights"]
        if spec.model.isSource, let key = keys.first(where: { f[$0] != nil }) {
            throw f[key]!.keyError("population '\(spec.name)': '\(key)' sizes the ring buffers of cells that receive synapses; \(spec.model.rawValue) has none")
        }
        spec.ringBufferSigma = try f["ring_buffer_sigma"].map { try nonNegativeNumber($0, "ring_buffer_sigma", max: NetworkParser.maxRingBufferSigma) }
        spec.spikesPerSecond = try f["spikes_per_second"].map { try nonNegativeNumber($0, "spikes_per_second", max: NetworkParser.maxSpikesPerSecond) }
        for (key, isShift) in [("ring_buffer_shifts", true), ("min_weights", false)] {
            guard let node = f[key] else { continue }
            let perType = try node.fields(allowed: ["excitatory", "inhibitory"], what: "'\(key)' of population '\(spec.name)'")
            for receptor in Receptor.allCases {
                guard let v = perType[receptor.name] else { continue }
                if isShift {
                    let shift = try v.int("an integer shift")
                    guard WeightScaling.shiftRange.contains(shift) else {
                        throw v.error("population '\(spec.name)': ring-buffer shift \(shift) is outside \(WeightScaling.shiftRange.lowerBound)...\(WeightScaling.shiftRange.upperBound)")
                    }
                    spec.ringBufferShifts[receptor.rawValue] = shift
                } else {
                    let w = try v.double("a weight (\(spec.model.weightUnit))")
                    guard w > 0 && w <= NetworkParser.maxValue else { throw v.error("population '\(spec.name)': a minimum weight must be > 0, found \(w)") }
                    spec.minWeights[receptor.rawValue] = w
                }
            }
            if spec.ringBufferShifts.contains(where: { $0 != nil }) && spec.minWeights.contains(where: { $0 != nil }) {
                throw node.keyError("population '\(spec.name)': give 'ring_buffer_shifts' or 'min_weights', not both")
            }
        }
    }

    func positiveNumber(_ node: YAMLNode, _ key: String, max: Double) throws -> Double {
        let v = try node.double("a number > 0")
        guard v > 0 && v <= max else { throw node.error("'\(key)' must be > 0 and ≤ \(max), found \(v)") }
        return v
    }

    func nonNegativeNumber(_ node: YAMLNode, _ key: String, max: Double) throws -> Double {
        let v = try node.double("a number ≥ 0")
        guard v >= 0 && v <= max else { throw node.error("'\(key)' must be ≥ 0 and ≤ \(max), found \(v)") }
        return v
    }

    // MARK: Spike times

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
        if (t / timestep).rounded() > Double(TimeSteps.maxTicks) {
            return "spike time \(t) ms is beyond the longest run, \(TimeSteps.maxTicks) time steps of \(timestep) ms"
        }
        return nil
    }

    /// Warns of spike times that fall between time steps (each fires in the nearest one) and of
    /// those at or after the end of the run (they never fire in a run of the default length).
    func noteSpikeTimes(_ lists: [[Double]], node: YAMLNode, population: String, timestep: Double, duration: Double) {
        var offGrid = 0, late = 0
        var firstOffGrid: Double?
        for times in lists {
            for t in times {
                if !TimeSteps.isWhole(t, dt: timestep) {
                    offGrid += 1
                    if firstOffGrid == nil { firstOffGrid = t }
                }
                if TimeSteps.ticks(t, dt: timestep) >= TimeSteps.ticks(duration, dt: timestep) { late += 1 }
            }
        }
        if let first = firstOffGrid {
            notes.warnings.append(node.warning("population '\(population)': \(offGrid) spike time\(offGrid == 1 ? "" : "s") (the first \(first) ms) fall between \(timestep) ms time steps; each fires in the nearest step"))
        }
        if late > 0 {
            notes.warnings.append(node.warning("population '\(population)': \(late) spike time\(late == 1 ? " is" : "s are") at or after the end of the run (\(duration) ms) and will not fire unless the run is longer"))
        }
    }

    func spikeTimesFile(_ node: YAMLNode, size: Int, population: String, timestep: Double) throws -> [[Double]] {
        let name = try node.string("a file name")
        let path = name.hasPrefix("/") ? name : (baseDirectory as NSString).appendingPathComponent(name)
        let data = Data(try readFile(path, node: node, what: "spike_times_file of population '\(population)'"))
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

    /// A file the network refers to, or a located error that says why it cannot be read.
    func readFile(_ path: String, node: YAMLNode, what: String) throws -> [UInt8] {
        do { return try FileAccess.read(path) } catch let e as FileAccess.ReadError {
            throw node.error("\(what): \(e.description)")
        }
    }
}
