import ChipSim

/// Reads an `STDPMechanism` synapse into an ``STDPRule`` (`docs/models.md`, "Plasticity"):
///
/// ```yaml
/// synapse:
///   type: STDPMechanism
///   weight: 0                       # initial weight
///   delay: 1                        # ms; the dendritic delay of the rule
///   timing_dependence: {type: SpikePairRule, tau_plus: 20, tau_minus: 20, A_plus: 0.01, A_minus: 0.01}
///   weight_dependence: {type: AdditiveWeightDependence, w_min: 0, w_max: 1}
///   a_scaled_by_w_max: false        # the variants; defaults as the real machine behaved
///   depress_on_coincidence: true
///   clip_each_event: true
/// ```
///
/// `SpikeNearestPairRule` pairs nearest spikes only; `MultiplicativeWeightDependence` scales the
/// changes by the room left. PyNN's parameter names; unset ones take PyNN's defaults.
enum PlasticityReader {
    /// The keys an STDP synapse may have besides `type`, `weight`, `delay`.
    static let keys = ["timing_dependence", "weight_dependence", "a_scaled_by_w_max", "depress_on_coincidence", "clip_each_event"]

    static func rule(_ syn: Fields, at node: YAMLNode, unit: String) throws -> STDPRule {
        var rule = STDPRule()
        let timingNode = try syn.required("timing_dependence", "a timing dependence such as {type: SpikePairRule, tau_plus: 20, tau_minus: 20}")
        let timing = try timingNode.fields(allowed: ["type", "tau_plus", "tau_minus", "A_plus", "A_minus"], what: "'timing_dependence'")
        switch try timing["type"]?.string("a timing rule") ?? "SpikePairRule" {
        case "SpikePairRule": rule.pairing = .allToAll
        case "SpikeNearestPairRule": rule.pairing = .nearest
        case let other: throw (timing["type"] ?? timingNode).error("unknown timing dependence '\(other)'; expected SpikePairRule or SpikeNearestPairRule")
        }
        if let v = timing["tau_plus"] { rule.tauPlus = try v.double("a time constant in ms") }
        if let v = timing["tau_minus"] { rule.tauMinus = try v.double("a time constant in ms") }
        if let v = timing["A_plus"] { rule.aPlus = try v.double("an amplitude (\(unit))") }
        if let v = timing["A_minus"] { rule.aMinus = try v.double("an amplitude (\(unit))") }
        let weightNode = try syn.required("weight_dependence", "a weight dependence such as {type: AdditiveWeightDependence, w_min: 0, w_max: 1}")
        let weight = try weightNode.fields(allowed: ["type", "w_min", "w_max"], what: "'weight_dependence'")
        switch try weight["type"]?.string("a weight dependence") ?? "AdditiveWeightDependence" {
        case "AdditiveWeightDependence": rule.weightDependence = .additive
        case "MultiplicativeWeightDependence": rule.weightDependence = .multiplicative
        case let other:
            throw (weight["type"] ?? weightNode).error("unknown weight dependence '\(other)'; expected AdditiveWeightDependence or MultiplicativeWeightDependence")
        }
        if let v = weight["w_min"] { rule.wMin = try v.double("a weight (\(unit))") }
        if let v = weight["w_max"] { rule.wMax = try v.double("a weight (\(unit))") }
        if let v = syn["a_scaled_by_w_max"] { rule.scaleByWMax = try v.bool() }
        if let v = syn["depress_on_coincidence"] { rule.coincidentDepression = try v.bool() }
        if let v = syn["clip_each_event"] { rule.clipEachEvent = try v.bool() }
        if let problem = rule.problem { throw node.error("STDPMechanism: \(problem)") }
        return rule
    }
}
