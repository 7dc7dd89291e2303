#!/usr/bin/env python3
"""Writes the Vogels-Abbott CUBA network at N neurons with ~80 synapses per neuron (p = 80/N),
the scaling of DESIGN §7, as Neurite YAML. Usage: make_cuba.py N [duration_ms] > cuba_N.yaml"""
import sys

n = int(sys.argv[1])
duration = float(sys.argv[2]) if len(sys.argv) > 2 else 1000.0
p = min(1.0, 80.0 / n)
print(f"""network: cuba{n}
timestep: 1.0
duration: {duration}
seed: 12345
populations:
  exc:
    size: {n * 4 // 5}
    model: IF_curr_exp
    params: &cell {{tau_m: 20, cm: 0.2, v_rest: -49, v_reset: -60, v_thresh: -50,
                   tau_refrac: 5, tau_syn_E: 5, tau_syn_I: 10}}
    initial: &v0 {{v: {{uniform: [-60, -50]}}}}
    record: [spikes]
  inh:
    size: {n // 5}
    model: IF_curr_exp
    params: *cell
    initial: *v0
    record: [spikes]
projections:
  - {{pre: exc, post: exc, connector: &c {{type: FixedProbabilityConnector, p_connect: {p}}}, synapse: &e {{weight: 0.0162, delay: 1.0}}}}
  - {{pre: exc, post: inh, connector: *c, synapse: *e}}
  - {{pre: inh, post: exc, connector: *c, synapse: &i {{weight: -0.09, delay: 1.0}}, receptor: inhibitory}}
  - {{pre: inh, post: inh, connector: *c, synapse: *i, receptor: inhibitory}}""")
