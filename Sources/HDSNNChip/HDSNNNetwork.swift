import DelayLearning
import Foundation

/// The heterogeneous-delay motion detector as a Neurite network (`docs/delay-learning.md`, "On
/// the chip"): what `export(to:)` writes is a plain network directory that `neurite compile`
/// and `neurite simulate` take.
///
/// - `events`: a `SpikeSourceArray` of 2 × width × height input neurons (OFF maps, then ON),
///   replaying the movies one after another, each `periodMs` apart (`events.json`).
/// - `direct` and `swapped`: threshold units, one map per class. Each is an `IF_curr_delta`
///   neuron whose membrane forgets within a step (τ_m = 1 µs): V = Σ w over the synapses that
///   arrive in the step, a spike when V ≥ ``thresholdMv``. They take the kernel through
///   `ConvolutionConnector`s with a delay per tap (kernel delay d → d + 1 ms), positive taps
///   excitatory and negative ones inhibitory; `swapped` hears each tap on the other polarity.
///   Class c's taps are scaled by ``thresholdMv`` / θ_c, so that one threshold serves every
///   class threshold θ_c = θ − β_c.
/// - `motion`: the OR of the two, one to one, weight ``thresholdMv``, 1 ms: a (class, x, y)
///   spikes in the step after either branch does — max(B, B_swapped) ≥ θ_c.
///
/// The model's voxel t of movie m is `motion`'s tick m · periodMs + t + 2.
public struct HDSNNNetwork: Sendable {
    /// The threshold every unit compares its input with, mV. Default 10.
    public static let thresholdMv = 10.0
    /// Ticks from a movie's step to `motion`'s spike for it: one for the shifted delays, one for the OR.
    public static let latency = 2

    public let model: HDSNNModel
    public let movies: [EventMovie]
    /// Ms from one movie's start to the next: its length and a gap the longest delay and the
    /// OR's latency clear, so that no movie's input reaches the next one's window.
    public let periodMs: Int

    /// The network of `model` (calibrated: its ``HDSNNModel/classThresholds`` must be positive)
    /// replaying `movies`.
    public init(model: HDSNNModel, movies: [EventMovie]) throws {
        guard let thresholds = model.classThresholds else { throw HDSNNChipError("the model has no threshold; calibrate it first") }
        if let c = thresholds.firstIndex(where: { !($0 > 0) }) {
            throw HDSNNChipError("class \(c)'s threshold θ − β_c is \(thresholds[c]): a threshold unit fires on no input; the chip path needs positive class thresholds")
        }
        self.model = model
        self.movies = movies
        periodMs = model.generator.durationMs + model.shape.delays + Self.latency + 1
    }

    /// Runs as long as every movie's window.
    public var durationMs: Int { periodMs * movies.count }

    /// The `motion` tick of movie `m`'s voxel step `t`.
    public func tick(movie m: Int, step t: Int) -> Int { m * periodMs + t + Self.latency }

    /// Writes `network.yaml`, `events.json` and the tap files into `directory` (created if
    /// missing); returns the network file's path.
    @discardableResult
    public func export(to directory: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func write(_ text: String, _ name: String) throws {
            try text.write(toFile: (directory as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let g = model.generator
        var times = [[Double]](repeating: [], count: 2 * g.width * g.height)
        for (m, movie) in movies.enumerated() {
            for (i, list) in movie.spikeTimes(offsetMs: Double(m * periodMs)).enumerated() { times[i] += list }
        }
        try write("[" + times.map { "[" + $0.map { String(Int($0)) }.joined(separator: ",") + "]" }.joined(separator: ",\n") + "]\n", "events.json")
        let thresholds = model.classThresholds!
        var projections: [String] = []
        for (branch, swapped) in [("direct", false), ("swapped", true)] {
            let taps = model.taps(polaritySwapped: swapped)
            for (sign, receptor) in [(1.0, "excitatory"), (-1.0, "inhibitory")] {
                let mine = taps.filter { Double($0.weight) * sign > 0 }
                guard !mine.isEmpty else { continue }
                let file = "\(branch)-\(receptor).csv"
                try write("# in_channel dx dy out_channel weight delay\n" + mine.map { t in
                    let w = Double(t.weight) * Self.thresholdMv / thresholds[t.classIndex]
                    return "\(t.polarity) \(t.dx) \(t.dy) \(t.classIndex) \(w) \(t.delayMs)"
                }.joined(separator: "\n") + "\n", file)
                projections.append("  - {pre: events, post: \(branch), connector: {type: ConvolutionConnector, shape: [\(g.width), \(g.height)], file: \(file)}, synapse: {}, receptor: \(receptor), label: \(branch)-\(receptor)}")
            }
            projections.append("  - {pre: \(branch), post: motion, connector: {type: OneToOneConnector}, synapse: {weight: \(Self.thresholdMv), delay: 1}, label: \(branch)→motion}")
        }
        let outputs = model.shape.classes * g.width * g.height
        let yaml = """
            # The heterogeneous-delay motion detector \(model.name) (Grimaldi & Perrinet 2023) replaying \(movies.count) movies,
            # one every \(periodMs) ms (docs/delay-learning.md, "On the chip"). Written by neurite delays.
            network: hdsnn-\(model.name)
            timestep: 1.0
            duration: \(durationMs)
            seed: 1
            step_convention: spinnaker
            populations:
              events: {size: \(2 * g.width * g.height), model: SpikeSourceArray, spike_times_file: events.json}
              direct: {size: \(outputs), model: IF_curr_delta, params: &unit {tau_m: 0.001, cm: 1, v_rest: 0, v_reset: 0, v_thresh: \(Self.thresholdMv), tau_refrac: 0, i_offset: 0}, initial: {v: 0}}
              swapped: {size: \(outputs), model: IF_curr_delta, params: *unit, initial: {v: 0}}
              motion: {size: \(outputs), model: IF_curr_delta, params: *unit, initial: {v: 0}, record: [spikes]}
            projections:

            """ + projections.joined(separator: "\n") + "\n"
        try write(yaml, "network.yaml")
        return (directory as NSString).appendingPathComponent("network.yaml")
    }
}

/// The chip path cannot run a model, and why.
public struct HDSNNChipError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
