import ChipSim
import Foundation

/// `weights.csv`: the plastic synapses' weights at the end of a run, one row per synapse,
/// `projection,pre,post,weight,delay` — the projection's label (CSV-quoted when it holds a comma
/// or a quote), the pre and post neurons as indices in their populations, the weight in the
/// synapse's unit (nA for current-based, µS for conductance-based, mV for delta synapses; a
/// magnitude, as the STDP bounds are), and the delay in ms. Rows are sorted by projection, pre
/// and post; several synapses between one pair keep the compiler's order.
///
/// The same file, whole or in part, sets the initial weights of a later run of the same network
/// (`neurite simulate --initial-weights`): each row must name a plastic synapse of the image, with
/// its delay, and a weight within the rule's bounds; the synapses it does not list keep their
/// compiled weights.
public enum WeightsFile {
    public static let header = "projection,pre,post,weight,delay"

    /// Writes `weights` of `image`'s projections to `path`.
    static func write(_ weights: [LearnedWeight], image: ChipImage, to path: String) throws {
        let file = try BufferedFile(path: path)
        try file.write(header + "\n")
        let labels = image.projections.map { quoted($0.label) + "," }
        let dt = image.network.timestepMs
        for w in weights {
            try file.write(labels[w.projection] + "\(w.pre),\(w.post),\(w.weight),\(Double(w.delayTicks) * dt)\n")
        }
        try file.close()
    }

    /// Reads the weights a file sets for `image`'s plastic synapses, or says which line is wrong
    /// and what was expected.
    public static func read(_ path: String, image: ChipImage) throws -> [LearnedWeight] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw RunError("cannot read the initial weights '\(path)': \(FileAccess.reason(errno)); expected a weights.csv of an earlier run")
        }
        return try parse(text, image: image, name: path)
    }

    /// ``read(_:image:)`` of a file's text; `name` is the file named in errors.
    public static func parse(_ text: String, image: ChipImage, name: String) throws -> [LearnedWeight] {
        var byLabel: [String: [Int]] = [:]
        for (p, projection) in image.projections.enumerated() { byLabel[projection.label, default: []].append(p) }
        let dt = image.network.timestepMs
        var weights: [LearnedWeight] = []
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        if lines.last == "" { lines.removeLast() }
        guard let first = lines.first, first == Substring(header) else {
            throw RunError("\(name):1: expected the header '\(header)', found '\(lines.first ?? "")'")
        }
        for (n, line) in lines.enumerated().dropFirst() {
            func fail(_ why: String) -> RunError { RunError("\(name):\(n + 1): \(why)") }
            guard let fields = fields(line), fields.count == 5 else {
                throw fail("expected 5 fields (\(header)), found '\(line)'")
            }
            let label = fields[0]
            guard let candidates = byLabel[label] else {
                throw fail("no projection is labelled '\(label)' in this network")
            }
            let plastic = candidates.filter { image.projections[$0].plasticity != nil }
            guard let p = plastic.first else { throw fail("projection '\(label)' has static synapses; only plastic ones take initial weights") }
            guard plastic.count == 1 else {
                throw fail("\(plastic.count) plastic projections are labelled '\(label)'; give them distinct labels")
            }
            let info = image.projections[p], rule = info.plasticity!
            let sizes = (image.populations[info.pre].size, image.populations[info.post].size)
            guard let pre = Int(fields[1]), (0..<sizes.0).contains(pre) else {
                throw fail("pre '\(fields[1])': expected a neuron of '\(image.populations[info.pre].name)', 0...\(sizes.0 - 1)")
            }
            guard let post = Int(fields[2]), (0..<sizes.1).contains(post) else {
                throw fail("post '\(fields[2])': expected a neuron of '\(image.populations[info.post].name)', 0...\(sizes.1 - 1)")
            }
            guard let weight = Double(fields[3]), weight >= rule.wMin, weight <= rule.wMax else {
                throw fail("weight '\(fields[3])': expected a number in [\(rule.wMin), \(rule.wMax)] (w_min, w_max of '\(label)')")
            }
            guard let delay = Double(fields[4]), delay.isFinite, TimeSteps.isWhole(delay, dt: dt), delay >= 0 else {
                throw fail("delay '\(fields[4])': expected ms, a whole number of \(dt) ms time steps")
            }
            weights.append(LearnedWeight(projection: p, pre: pre, post: post, weight: weight, delayTicks: Int((delay / dt).rounded())))
        }
        return weights
    }

    /// Sets `weights` (from ``read(_:image:)``) on `chip`, or says which row names no plastic
    /// synapse of the image (another network, another seed) or another delay.
    static func apply(_ weights: [LearnedWeight], to chip: LoadedChip, image: ChipImage, name: String) throws {
        let unmatched = chip.setWeights(weights, image: image)
        guard let w = unmatched.first else { return }
        let others = unmatched.count > 1 ? " (and \(unmatched.count - 1) more rows)" : ""
        throw RunError("\(name): '\(image.projections[w.projection].label)' has no plastic synapse from \(w.pre) to \(w.post) with a delay of \(Double(w.delayTicks) * image.network.timestepMs) ms left for this row\(others); is the file from another network or seed?")
    }

    /// `text` as a CSV field.
    public static func quoted(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// A CSV line's fields (quoted ones unquoted), or nil for an unterminated quote.
    public static func fields(_ line: Substring) -> [String]? {
        var fields: [String] = [], field = "", inQuotes = false, chars = line.makeIterator(), pending: Character? = nil
        while let c = pending ?? chars.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    let next = chars.next()
                    if next == "\"" { field.append("\"") } else { inQuotes = false; pending = next; if next == nil { break } }
                } else {
                    field.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                inQuotes = true
            } else if c == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(c)
            }
        }
        guard !inQuotes else { return nil }
        fields.append(field)
        return fields
    }
}
