import ChipSim
import Compiler
import Foundation
import Runtime

/// A one-layer spiking classifier compiled onto the digital SpiNNaker target and onto the
/// memristor-crossbar target, to compare accuracy against the crossbar's nonidealities and energy
/// per inference (`Examples/crossbar-classifier/`, `docs/crossbar.md`).
///
/// The task: ten classes of 8 × 8 binary patterns (a prototype per class with 20 of 64 pixels on),
/// each sample its prototype with every pixel flipped with probability 0.25. A sample is shown for
/// ``windowTicks`` ticks: every pixel that is on spikes every ``spikePeriod`` ticks from a random
/// phase; ``gapTicks`` ticks of silence follow so that the outputs decay. Ten LIF outputs take the
/// 64 inputs all to all (positive weights excitatory, negative inhibitory); the class is the output
/// that fires most in the window (none firing, or a tie, is wrong). The weights are a softmax
/// regression on the binary patterns, trained offline here, scaled to nA.
public enum CrossbarClassifier {
    public static let side = 8, classes = 10, pixelsOn = 20
    public static let flipProbability = 0.25
    public static let windowTicks = 30, gapTicks = 30, spikePeriod = 5
    /// nA of the largest |weight|.
    public static let weightScale = 1.2

    /// A labelled pattern: `pixels` 0/1, row-major.
    public struct Sample: Equatable, Sendable {
        public var pixels: [Double]
        public var label: Int
    }

    /// The class prototypes, from `seed`.
    public static func prototypes(seed: UInt64) -> [[Double]] {
        var random = RandomStream(seed: seed, stream: [0x5052_4F54])
        return (0..<classes).map { _ in
            var on = Set<Int>()
            while on.count < pixelsOn { on.insert(Int(random.next() % UInt64(side * side))) }
            return (0..<(side * side)).map { on.contains($0) ? 1 : 0 }
        }
    }

    /// `count` samples (classes in turn) drawn from stream `stream` of `seed`.
    public static func samples(_ count: Int, seed: UInt64, stream: UInt64) -> [Sample] {
        let protos = prototypes(seed: seed)
        var random = RandomStream(seed: seed, stream: [0x5341_4D50, stream])
        return (0..<count).map { k in
            let label = k % classes
            return Sample(pixels: protos[label].map { random.nextUnit() < flipProbability ? 1 - $0 : $0 }, label: label)
        }
    }

    /// Softmax regression (64 inputs + bias, ten classes) by full-batch gradient descent: the
    /// weights (row-major, 64 × 10) scaled so that the largest |w| is ``weightScale`` nA. The
    /// bias only centres the training and is dropped (the network has none).
    public static func train(_ data: [Sample], epochs: Int = 300, rate: Double = 0.5) -> [Double] {
        let n = side * side
        var w = [Double](repeating: 0, count: (n + 1) * classes)
        for _ in 0..<epochs {
            var gradient = [Double](repeating: 0, count: w.count)
            for s in data {
                let x = s.pixels + [1]
                var z = (0..<classes).map { c in (0...n).reduce(0) { $0 + x[$1] * w[$1 * classes + c] } }
                let top = z.max()!
                z = z.map { exp($0 - top) }
                let total = z.reduce(0, +)
                for c in 0..<classes {
                    let error = z[c] / total - (c == s.label ? 1 : 0)
                    for i in 0...n where x[i] != 0 { gradient[i * classes + c] += error * x[i] }
                }
            }
            for i in w.indices { w[i] -= rate * gradient[i] / Double(data.count) }
        }
        let weights = Array(w[0..<(n * classes)])
        let largest = weights.map(abs).max() ?? 1
        return weights.map { $0 / largest * weightScale }
    }

    /// The network that shows `test` in turn to a layer of `weights` (64 × 10, nA), as YAML.
    public static func network(weights: [Double], test: [Sample], seed: UInt64) -> String {
        var random = RandomStream(seed: seed, stream: [0x5350_4B53])
        var times = [[Int]](repeating: [], count: side * side)
        for (k, s) in test.enumerated() {
            let start = k * (windowTicks + gapTicks)
            for (i, p) in s.pixels.enumerated() where p != 0 {
                var t = Int(random.next() % UInt64(spikePeriod))
                while t < windowTicks { times[i].append(start + t + 1); t += spikePeriod }
            }
        }
        /// The synapses of one sign (PyNN's: inhibitory weights onto current-based cells are negative).
        func list(_ sign: Double) -> String {
            var rows: [String] = []
            for i in 0..<(side * side) {
                for c in 0..<classes where weights[i * classes + c] * sign > 0 {
                    rows.append("[\(i), \(c), \(weights[i * classes + c]), 1]")
                }
            }
            return rows.joined(separator: ", ")
        }
        return """
        network: crossbar-classifier
        duration: \(test.count * (windowTicks + gapTicks))
        seed: \(seed)
        populations:
          pixels: {size: \(side * side), model: SpikeSourceArray, spike_times: [\(times.map { "[\($0.map(String.init).joined(separator: ", "))]" }.joined(separator: ", "))]}
          classes: {size: \(classes), model: IF_curr_exp, record: [spikes],
                    params: {tau_m: 20, cm: 0.2, v_rest: -65, v_reset: -65, v_thresh: -55, tau_refrac: 2, tau_syn_E: 5, tau_syn_I: 5}}
        projections:
          - {pre: pixels, post: classes, connector: {type: FromListConnector, connections: [\(list(1))]}, synapse: {weight: 0, delay: 1}, label: excitatory}
          - {pre: pixels, post: classes, connector: {type: FromListConnector, connections: [\(list(-1))]}, synapse: {weight: 0, delay: 1},
             receptor: inhibitory, label: inhibitory}
        """
    }

    /// One run's outcome.
    public struct Outcome: Sendable {
        /// Test samples classified right, over all.
        public var accuracy: Double
        /// Energy of the run per sample shown, J: all of it, and without static power (packets,
        /// synaptic events, DMA and crossbar reads).
        public var joulesPerInference: Double
        public var dynamicJoulesPerInference: Double
    }

    /// Compiles the network onto `target` and runs it (`float64`, ideal timing).
    public static func evaluate(weights: [Double], test: [Sample], seed: UInt64, target: MachineDescription) throws -> Outcome {
        let spec = try NetworkParser.parse(network(weights: weights, test: test, seed: seed), file: "crossbar-classifier.yaml")
        let image = try NetworkCompiler.compile(spec, target: target).image
        let report = try Run.execute(image, options: RunOptions(arithmetic: .float64, collectSpikes: true))
        let output = image.populations.firstIndex { $0.name == "classes" }!
        var counts = [[Int]](repeating: [Int](repeating: 0, count: classes), count: test.count)
        for s in report.spikes where s.population == output {
            let k = s.tick / (windowTicks + gapTicks)
            if k < test.count { counts[k][s.neuron] += 1 }
        }
        var right = 0
        for (k, s) in test.enumerated() {
            let top = counts[k].max()!
            if top > 0, counts[k].filter({ $0 == top }).count == 1, counts[k][s.label] == top { right += 1 }
        }
        let e = report.summary.energy
        let n = Double(test.count)
        return Outcome(accuracy: Double(right) / n, joulesPerInference: e.totalJoules / n,
                       dynamicJoulesPerInference: (e.totalJoules - e.staticJoules) / n)
    }

    /// One row of the sweep: a crossbar setting, its mean and spread over seeds.
    public struct Row: Sendable {
        public var label: String
        public var programmingNoise: Double
        public var stuckRate: Double
        public var accuracies: [Double]
        public var joulesPerInference: Double
        public var dynamicJoulesPerInference: Double

        public var mean: Double { accuracies.reduce(0, +) / Double(accuracies.count) }
        public var sd: Double {
            let m = mean
            return (accuracies.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(max(accuracies.count - 1, 1))).squareRoot()
        }
    }

    /// The sweep: the digital target, then the crossbar target at each programming noise (stuck
    /// rates at the target's) and each stuck-at rate (split evenly between stuck on and off; noise
    /// at the target's), each over `seeds` network seeds (which reprogram the tiles and move the
    /// input spikes' phases, on both targets).
    public static func sweep(crossbar: MachineDescription, digital: MachineDescription, weights: [Double], test: [Sample], seeds: Int,
                             noises: [Double], stuckRates: [Double]) throws -> [Row] {
        let base = crossbar.crossbar!
        var settings: [(String, CrossbarSettings?)] = [("digital (SpiNNaker)", nil)]
        for noise in noises {
            var s = base
            s.programmingNoise = noise
            settings.append(("crossbar, programming noise \(noise)", s))
        }
        for rate in stuckRates {
            var s = base
            s.stuckOnRate = rate / 2
            s.stuckOffRate = rate / 2
            settings.append(("crossbar, stuck-at rate \(rate)", s))
        }
        return try settings.map { label, s in
            var machine = s == nil ? digital : crossbar
            machine.crossbar = s
            let outcomes = try (0..<seeds).map { k in
                try evaluate(weights: weights, test: test, seed: UInt64(1000 + k), target: machine)
            }
            let n = Double(outcomes.count)
            return Row(label: label, programmingNoise: s?.programmingNoise ?? 0, stuckRate: s.map { $0.stuckOnRate + $0.stuckOffRate } ?? 0,
                       accuracies: outcomes.map(\.accuracy), joulesPerInference: outcomes.map(\.joulesPerInference).reduce(0, +) / n,
                       dynamicJoulesPerInference: outcomes.map(\.dynamicJoulesPerInference).reduce(0, +) / n)
        }
    }

    /// The sweep as a Markdown table.
    public static func table(_ rows: [Row]) -> String {
        var lines = ["| target | seeds | accuracy (mean ± sd) | energy per inference | of it dynamic |", "|---|---|---|---|---|"]
        for r in rows {
            lines.append(String(format: "| %@ | %d | %.3f ± %.3f | %.4g J | %.4g J |", r.label, r.accuracies.count, r.mean, r.sd,
                                r.joulesPerInference, r.dynamicJoulesPerInference))
        }
        return lines.joined(separator: "\n")
    }

    /// Accuracy against programming noise and against stuck-at rate, with the digital target's
    /// as a line, as a self-contained SVG.
    public static func svg(_ rows: [Row]) -> String {
        let digital = rows.first { $0.label.hasPrefix("digital") }?.mean
        let noise = rows.filter { $0.label.contains("programming noise") }, stuck = rows.filter { $0.label.contains("stuck-at") }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\"320\" font-family=\"sans-serif\" font-size=\"12\">\n"
        func panel(_ x0: Double, _ title: String, _ points: [(Double, Double, Double)], _ axis: String) {
            let w = 300.0, h = 220.0, y0 = 40.0
            let xMax = max(points.map(\.0).max() ?? 1, 1e-9)
            func px(_ x: Double) -> Double { x0 + x / xMax * w }
            func py(_ a: Double) -> Double { y0 + (1 - a) * h }
            s += "<text x=\"\(x0)\" y=\"25\" font-weight=\"bold\">\(title)</text>\n"
            s += "<rect x=\"\(x0)\" y=\"\(y0)\" width=\"\(w)\" height=\"\(h)\" fill=\"none\" stroke=\"#888\"/>\n"
            for a in stride(from: 0.0, through: 1.0, by: 0.25) {
                s += "<text x=\"\(x0 - 30)\" y=\"\(py(a) + 4)\">\(String(format: "%.2f", a))</text>\n"
            }
            for p in points { s += "<text x=\"\(px(p.0) - 10)\" y=\"\(y0 + h + 16)\">\(String(format: "%g", p.0))</text>\n" }
            s += "<text x=\"\(x0 + w / 2 - 60)\" y=\"\(y0 + h + 34)\">\(axis)</text>\n"
            if let digital {
                s += "<line x1=\"\(x0)\" y1=\"\(py(digital))\" x2=\"\(x0 + w)\" y2=\"\(py(digital))\" stroke=\"#1f77b4\" stroke-dasharray=\"5,4\"/>\n"
                s += "<text x=\"\(x0 + 5)\" y=\"\(py(digital) - 5)\" fill=\"#1f77b4\">digital</text>\n"
            }
            let path = points.map { "\(px($0.0)),\(py($0.1))" }.joined(separator: " ")
            s += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\"/>\n"
            for p in points {
                s += "<line x1=\"\(px(p.0))\" y1=\"\(py(p.1 - p.2))\" x2=\"\(px(p.0))\" y2=\"\(py(p.1 + p.2))\" stroke=\"#d62728\"/>\n"
                s += "<circle cx=\"\(px(p.0))\" cy=\"\(py(p.1))\" r=\"3\" fill=\"#d62728\"/>\n"
            }
        }
        panel(60, "Accuracy against programming noise", noise.map { ($0.programmingNoise, $0.mean, $0.sd) }, "programming noise (fraction of Gmax)")
        panel(430, "Accuracy against stuck-at rate", stuck.map { ($0.stuckRate, $0.mean, $0.sd) }, "stuck-at rate (on + off)")
        return s + "</svg>\n"
    }
}
