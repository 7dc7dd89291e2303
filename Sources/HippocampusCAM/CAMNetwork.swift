/// The spiking content-addressable memory of Casanueva-Morato et al. (Neural Networks 178,
/// 2024): cue and content cells of hippocampal CA3 linked by STDP-plastic recurrent
/// collaterals, with gates and interneurons for recall and forgetting (research notes A.2, A.3;
/// `docs/hippocampus-cam.md`). ``yaml(_:)`` writes it as a Neurite network for an experiment.
public enum CAMNetwork {
    /// The populations in the order the paper's code builds them, with their sizes for `c` cues
    /// and `n` content bits.
    public static func populations(cues c: Int, contentBits n: Int) -> [(name: String, size: Int)] {
        [("IN", c + n), ("CueCue", c), ("CueCont", c), ("ContCue", n), ("ContCont", n), ("ContCond", n), ("ContCondInt", 1),
         ("MergeCue", c), ("MergeCont", n), ("OUT", c + n)]
    }

    /// The network YAML of `experiment`: its sizes, its input spikes, its duration; `seed` for
    /// completeness (nothing in the model is random).
    public static func yaml(_ experiment: CAMExperiment, name: String = "hippocampus-cam") -> String {
        let c = experiment.cues, n = experiment.contentBits
        let spikes = experiment.inputSpikes.map { "[" + $0.map(String.init).joined(separator: ", ") + "]" }.joined(separator: ", ")
        let inhibition = Double(6 * n)
        return """
        # The CA3 content-addressable memory (Casanueva-Morato et al. 2024) for \(c) cues and \(n) content bits.
        network: \(name)
        timestep: 1.0
        duration: \(experiment.duration)
        seed: 1
        step_convention: spinnaker

        populations:
          IN: {size: \(c + n), model: SpikeSourceArray, spike_times: [\(spikes)], record: [spikes]}
          CueCue: {size: \(c), model: IF_curr_exp, params: &slow {cm: 0.27, tau_m: 3.0, tau_syn_E: 0.3, tau_syn_I: 0.3, v_rest: -60, v_reset: -60, v_thresh: -57, tau_refrac: 1, i_offset: 0}, initial: &rest {v: -60}, record: [spikes]}
          CueCont: {size: \(c), model: IF_curr_exp, params: &fast {cm: 0.14, tau_m: 0.5, tau_syn_E: 0.3, tau_syn_I: 0.3, v_rest: -60, v_reset: -60, v_thresh: -57, tau_refrac: 1, i_offset: 0}, initial: *rest, record: [spikes]}
          ContCue: {size: \(n), model: IF_curr_exp, params: *slow, initial: *rest, record: [spikes]}
          ContCont: {size: \(n), model: IF_curr_exp, params: *slow, initial: *rest, record: [spikes]}
          ContCond: {size: \(n), model: IF_curr_exp, params: *fast, initial: *rest, record: [spikes]}
          ContCondInt: {size: 1, model: IF_curr_exp, params: *fast, initial: *rest, record: [spikes]}
          MergeCue: {size: \(c), model: IF_curr_exp, params: *slow, initial: *rest, record: [spikes]}
          MergeCont: {size: \(n), model: IF_curr_exp, params: *slow, initial: *rest, record: [spikes]}
          OUT: {size: \(c + n), model: IF_curr_exp, params: {<<: *slow, v_thresh: -57.5}, initial: *rest, record: [spikes]}

        projections:
          - {pre: "IN[0:\(c)]", post: CueCue, connector: &one {type: OneToOneConnector}, synapse: &relay {weight: 6, delay: 1}}
          - {pre: "IN[\(c):\(c + n)]", post: ContCue, connector: *one, synapse: *relay}
          - {pre: CueCue, post: CueCont, connector: *one, synapse: {weight: 6, delay: 2}}
          - {pre: CueCue, post: CueCont, connector: &others {type: AllButMeConnector}, synapse: {weight: -\(inhibition), delay: 3}, receptor: inhibitory}
          - {pre: CueCue, post: ContCond, connector: &all {type: AllToAllConnector}, synapse: {weight: -6, delay: 2}, receptor: inhibitory}
          - {pre: ContCue, post: ContCond, connector: *one, synapse: {weight: 9, delay: 1}}
          - {pre: ContCue, post: ContCondInt, connector: *all, synapse: *relay}
          - {pre: ContCondInt, post: ContCond, connector: *all, synapse: {weight: 2, delay: 1}}
          - {pre: ContCond, post: ContCont, connector: *one, synapse: *relay}
          - {pre: CueCue, post: ContCue, connector: *all, synapse: &learning {type: STDPMechanism, weight: 0, delay: 1,
               timing_dependence: {type: SpikePairRule, tau_plus: 3, tau_minus: 3, A_plus: 6, A_minus: 6},
               weight_dependence: {type: AdditiveWeightDependence, w_min: 0, w_max: 6}}, label: "cue→content"}
          - {pre: ContCont, post: CueCont, connector: *all, synapse: *learning, label: "content→cue"}
          - {pre: CueCont, post: CueCont, connector: *others, synapse: {weight: -\(inhibition), delay: 2}, receptor: inhibitory}
          - {pre: CueCue, post: MergeCue, connector: *one, synapse: {weight: 6, delay: 3}}
          - {pre: CueCont, post: MergeCue, connector: *one, synapse: *relay}
          - {pre: ContCue, post: MergeCont, connector: *one, synapse: {weight: 6, delay: 3}}
          - {pre: ContCont, post: MergeCont, connector: *one, synapse: *relay}
          - {pre: MergeCue, post: "OUT[0:\(c)]", connector: *one, synapse: *relay}
          - {pre: MergeCont, post: "OUT[\(c):\(c + n)]", connector: *one, synapse: *relay}

        """
    }
}
