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

    /// A whole time scale factor that gives the most demanding core-tick a fifth of its budget
    /// to spare (packets arrive in bursts, not evenly), when the run overran, lost or delayed
    /// work; nil otherwise. When the demand already fits (the trouble came from bursts within
    /// ticks) it doubles the factor. A run that lost work may have had less activity than it
    /// would at the advised factor, so the advice is a lower bound.
    static func advisedTimeScaleFactor(_ p: RunSummary.Provenance, current: Double, maxLoad: Double) -> Double? {
        guard p.timerOverruns > 0 || p.lateSpikes > 0 || p.backgroundOverloads > 0 || p.inputBufferOverflows > 0 else { return nil }
        let needed = current * maxLoad * 1.2
        return needed > current ? max(needed.rounded(.up), current.rounded(.up)) : 2 * current
    }

    static func warnings(_ image: ChipImage, provenance p: RunSummary.Provenance, saturated: [RunSummary.Saturation],
                         settings: CoreSettings, timing: Timing = .ideal, counters: [CoreCounters] = [], cycle: CycleReport? = nil,
                         advised: Double? = nil) -> [String] {
        var w: [String] = []
        let factor = advised.map { String(format: "%g", $0) } ?? "a larger value"
        let raise = "raise time_scale_factor to \(factor) or more (now \(String(format: "%g", settings.timeScaleFactor)); network YAML or simulate --time-scale-factor)"
        let busiest = busiestPopulations(image, counters: counters)
        let fewer = busiest.isEmpty ? "" : ", or lower neurons_per_core of \(busiest)"
        if let cycle {
            if p.droppedPackets > 0 {
                let worst = cycle.routers.enumerated().max { $0.element.droppedPackets < $1.element.droppedPackets }
                let chip = worst.map { image.machine.chips[$0.offset] }.map { " (most at chip \($0.x),\($0.y))" } ?? ""
                w.append("\(p.droppedPackets) packets were dropped by routers\(chip): \(p.reinjectedPackets) re-injected by the monitor, \(p.lostPacketCopies) copies lost; a blocked output (a full link or core port, a link off the machine) held them past the router's wait time: spread the populations that send in bursts over more cores (neurons_per_core), or check the routes in mapping.json")
            }
            if p.timerOverruns > 0 {
                w.append("\(p.timerOverruns) core-ticks' neuron updates were still running or waiting when the next timer fired, so their spikes went out late: \(raise)\(fewer) (provenance.json has each core's load)")
            }
            if p.backgroundOverloads > 0 {
                w.append("\(p.backgroundOverloads) neuron updates were lost because a core's background queue was full (their inputs merged into the next update): \(raise)\(fewer)")
            }
            if p.lateSpikes > 0 {
                let late = cycle.cores.map(\.maxLateTicks).max() ?? 0
                let colour = image.machine.timing.colourBits
                let corrected = colour > 0 ? "their colour (\(colour) bits) placed them in their own tick, and \(p.skippedSynapses) of their synapses whose delay had passed were skipped" : "without colour bits they were applied late"
                w.append("\(p.lateSpikes) packets were processed after the tick they were sent in (up to \(late) tick\(late == 1 ? "" : "s") late); \(corrected): \(raise)\(fewer)")
            }
            if p.inputBufferOverflows > 0 {
                w.append("\(p.inputBufferOverflows) packets were lost because a core's \(image.machine.inputBufferPackets)-packet input buffer was full: \(raise)\(fewer), so that each core receives fewer packets at once")
            }
        } else {
            if p.droppedPackets > 0 { w.append("\(p.droppedPackets) packets were dropped by routers: a routing table sends them off the machine or to no core") }
            if p.timerOverruns > 0 {
                w.append("\(p.timerOverruns) core-ticks overran their cycle budget (in ideal timing a prediction; spikes were not delayed; --timing cycle shows what the machine does): \(raise)\(fewer) (provenance.json has each core's load)")
            }
        }
        w += saturationWarnings(image, saturated)
        w += roundingWarnings(image, total: p.weightsRoundedToZero)
        if p.invalidKeys > 0 { w.append("\(p.invalidKeys) packets matched no master population table entry on the cores they reached") }
        return w
    }

    /// The populations of the cores that overran (or, if none did, of the most demanding
    /// cores), most demanding first, up to three, quoted; "" without counters.
    static func busiestPopulations(_ image: ChipImage, counters: [CoreCounters]) -> String {
        guard !counters.isEmpty else { return "" }
        let overran = counters.indices.filter { counters[$0].timerOverruns > 0 }
        var peak: [Int: Int] = [:]
        for c in overran.isEmpty ? Array(counters.indices) : overran {
            peak[image.cores[c].population] = max(peak[image.cores[c].population] ?? 0, counters[c].maxCyclesPerTick)
        }
        let top = peak.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(3)
        return top.map { "'\(image.populations[$0.key].name)'" }.joined(separator: ", ")
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
            return String(format: "the 16-bit ring buffer saturated %ld time%@ on %ld core%@ of '%@' (%@ input%@), clipping up to %.2f%% of a core's input, so the run is not what float64 computes: raise ring_buffer_sigma or spikes_per_second of '%@', or set its ring_buffer_shifts (%@: above %d; each step doubles the headroom and halves the weight resolution)",
                          count, count == 1 ? "" : "s", cores.count, cores.count == 1 ? "" : "s", first.population, first.receptor, from, worst * 100,
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
