import ChipSim
import Foundation

/// The warnings a run's summary gives, in the words sPyNNaker users know, each naming the
/// populations and projections involved and a setting that exists and addresses it.
enum RunAdvice {
    /// `part / whole`, 0 when there is no whole.
    static func fraction(_ part: Int, of whole: Int) -> Double {
        whole > 0 ? Double(part) / Double(whole) : 0
    }

    /// Every core and synapse type where the ring buffer saturated, most clipped first.
    static func saturatedInputs(_ image: ChipImage, counters: [CoreCounters]) -> [RunSummary.Saturation] {
        var out: [RunSummary.Saturation] = []
        for (c, k) in counters.enumerated() {
            for receptor in Receptor.allCases where k.saturations[receptor.rawValue] > 0 {
                let t = receptor.rawValue
                out.append(RunSummary.Saturation(
                    core: image.cores[c].location.description, population: image.populations[image.cores[c].population].name,
                    receptor: receptor.name, saturations: k.saturations[t], clippedFraction: fraction(k.clippedInput[t], of: k.ringInput[t]),
                    weightShift: Int(image.cores[c].synapses.shifts[t])))
            }
        }
        return out.sorted { ($0.clippedFraction, $0.saturations) > ($1.clippedFraction, $1.saturations) }
    }

    static func warnings(_ image: ChipImage, provenance p: RunSummary.Provenance, saturated: [RunSummary.Saturation],
                         settings: CoreSettings) -> [String] {
        var w: [String] = []
        if p.droppedPackets > 0 { w.append("\(p.droppedPackets) packets were dropped by routers: a routing table sends them off the machine or to no core") }
        if p.timerOverruns > 0 {
            w.append("\(p.timerOverruns) core-ticks overran their cycle budget (in ideal timing a prediction; spikes were not delayed): raise time_scale_factor (now \(settings.timeScaleFactor); network YAML or simulate --time-scale-factor) or the time step, or lower neurons_per_core of the busiest populations (provenance.json has each core's load)")
        }
        w += saturationWarnings(image, saturated)
        w += roundingWarnings(image, total: p.weightsRoundedToZero)
        if p.invalidKeys > 0 { w.append("\(p.invalidKeys) packets matched no master population table entry on the cores they reached") }
        return w
    }

    /// One warning per population and type whose input saturated: how much was clipped, on how
    /// many cores, from which projections, and the settings that give the ring more headroom.
    static func saturationWarnings(_ image: ChipImage, _ saturated: [RunSummary.Saturation]) -> [String] {
        var groups: [String: [RunSummary.Saturation]] = [:]
        for s in saturated { groups["\(s.population)\u{0}\(s.receptor)", default: []].append(s) }
        return groups.keys.sorted().map { key in
            let cores = groups[key]!, first = cores[0]
            let worst = cores.map(\.clippedFraction).max() ?? 0
            let count = cores.reduce(0) { $0 + $1.saturations }
            let projections = image.projections.filter { image.populations[$0.post].name == first.population && $0.receptor.name == first.receptor }
                .map { "'\($0.label)'" }
            let from = projections.isEmpty ? "" : " from \(projections.joined(separator: ", "))"
            let shift = cores.map(\.weightShift).max() ?? 0
            return String(format: "the 16-bit ring buffer saturated %d times on %d core%@ of '%@' (%@ input%@), clipping up to %.2f%% of a core's input, so the run is not what float64 computes: raise ring_buffer_sigma or spikes_per_second of '%@', or set its ring_buffer_shifts (%@: above %d; each step doubles the headroom and halves the weight resolution)",
                          count, cores.count, cores.count == 1 ? "" : "s", first.population, first.receptor, from, worst * 100,
                          first.population, first.receptor, shift)
        }
    }

    /// Which projections have weights that round to zero, with the settings that keep them.
    static func roundingWarnings(_ image: ChipImage, total: Int) -> [String] {
        guard total > 0 else { return [] }
        let named = image.projections.filter { $0.weightsRoundedToZero > 0 }
        guard !named.isEmpty else {
            return ["\(total) synaptic weights round to zero in 16-bit fixed point and have no effect on the chip"]
        }
        return named.map { p in
            let post = image.populations[p.post].name
            return "\(p.weightsRoundedToZero) of the \(p.synapses) weights of projection '\(p.label)' round to zero in 16-bit fixed point and have no effect on the chip: lower ring_buffer_sigma or spikes_per_second of '\(post)', set its min_weights (\(p.receptor.name)), or give the small weights a population of their own"
        }
    }
}
