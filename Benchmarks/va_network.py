#!/usr/bin/env python3
"""The Vogels-Abbott networks of the Brian2/NEST comparison (Benchmarks/compare.sh), defined once
for every tool.

CUBA (`IF_curr_exp`) and COBA (`IF_cond_exp`), and CUBA with alpha-shaped (`IF_curr_alpha`) or
delta (`IF_curr_delta`) synapses: N neurons, 80 % excitatory, each pair connected with
p = 80/N (about 80 synapses per neuron at every size, DESIGN §7), delay 1 ms, 1 s, initial
membrane potentials uniform in [-60, -50] mV. Both rest at -49 mV, above the -50 mV threshold, as
Brian2's CUBA example does, so that activity sustains itself without outside input (the textbook
COBA, resting at -60 mV and started by a burst of input, fell silent within 100 ms here). COBA's
weights are 2 nS and 67 nS: with Brian2's 6 nS excitation the network was multistable, its rate
8-19 Hz across initial conditions in each of the three tools, so one run per tool said nothing
about agreement; at 2 nS the rate moves by a few per cent between initial conditions. The
ALPHA and DELTA deliver the charge of CUBA's synapses in another shape: an alpha current peaking
at w carries w·τ·e, an exponential one w·τ, so ALPHA's weights are CUBA's over e; a delta synapse
steps v by CUBA's charge over C_m (0.0162 nA · 5 ms / 0.2 nF = 0.405 mV, and -4.5 mV). The
connections are drawn here once, from one seed, and every tool reads the same arrays: Neurite
through `FromListConnector` files, Brian2 and NEST from `connections.npz`.

Usage: va_network.py connections N DIR       draw the connections of N neurons into DIR
       va_network.py network MODEL N DT DIR CONN   write DIR/network.json and DIR/network.yaml
"""
import json
import os
import sys

import numpy as np

SEED = 12345
DURATION_MS = 1000.0
DELAY_MS = 1.0
SYNAPSES_PER_NEURON = 80

# PyNN names and units (ms, mV, nF, nA, µS), as Neurite reads them. Every cell has the same
# membrane; the synapses differ.
MEMBRANE = {"tau_m": 20.0, "cm": 0.2, "v_rest": -49.0, "v_reset": -60.0, "v_thresh": -50.0, "tau_refrac": 5.0}
SYNAPSES = {"tau_syn_E": 5.0, "tau_syn_I": 10.0}
CELLS = {
    "cuba": {"model": "IF_curr_exp", "params": {**MEMBRANE, **SYNAPSES}, "weights": {"exc": 0.0162, "inh": -0.09}},
    "coba": {"model": "IF_cond_exp", "params": {**MEMBRANE, **SYNAPSES, "e_rev_E": 0.0, "e_rev_I": -80.0},
             "weights": {"exc": 0.002, "inh": 0.067}},
    "alpha": {"model": "IF_curr_alpha", "params": {**MEMBRANE, **SYNAPSES}, "weights": {"exc": 0.00596, "inh": -0.0331}},
    "delta": {"model": "IF_curr_delta", "params": dict(MEMBRANE), "weights": {"exc": 0.405, "inh": -4.5}},
}
INITIAL_V = [-60.0, -50.0]  # uniform, mV
PROJECTIONS = [("exc", "exc"), ("exc", "inh"), ("inh", "exc"), ("inh", "inh")]


def sizes(n):
    return {"exc": n * 4 // 5, "inh": n - n * 4 // 5}


def draw(rng, n_pre, n_post, p):
    """Each pre neuron gets Binomial(n_post, p) targets drawn uniformly (a rare repeat is a
    multapse, in every tool alike). Returns (pre, post), sorted by pre."""
    counts = rng.binomial(n_post, p, size=n_pre)
    pre = np.repeat(np.arange(n_pre, dtype=np.int64), counts)
    post = rng.integers(0, n_post, size=pre.size, dtype=np.int64)
    return pre, post


def connections(n, out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(SEED)
    size = sizes(n)
    p = min(1.0, SYNAPSES_PER_NEURON / n)
    arrays = {}
    for pre_pop, post_pop in PROJECTIONS:
        pre, post = draw(rng, size[pre_pop], size[post_pop], p)
        arrays[f"{pre_pop}_{post_pop}"] = np.stack([pre, post])
    np.savez(os.path.join(out, "connections.npz"), **arrays)
    for name, a in arrays.items():
        with open(os.path.join(out, f"{name}.txt"), "w") as f:
            f.write("\n".join(f"{i} {j}" for i, j in zip(a[0].tolist(), a[1].tolist())))
            f.write("\n")


def network(model, n, dt, out, conn):
    """network.json (what the Brian2 and NEST scripts build) and network.yaml (Neurite's)."""
    os.makedirs(out, exist_ok=True)
    cell = CELLS[model]
    size = sizes(n)
    spec = {"model": model, "n": n, "dt_ms": dt, "duration_ms": DURATION_MS, "delay_ms": DELAY_MS,
            "seed": SEED, "sizes": size, "cell": cell, "initial_v": INITIAL_V,
            "connections": os.path.abspath(os.path.join(conn, "connections.npz"))}
    with open(os.path.join(out, "network.json"), "w") as f:
        json.dump(spec, f, indent=1)
    params = ", ".join(f"{k}: {v}" for k, v in cell["params"].items())
    lines = [f"network: {model}{n}", f"timestep: {dt}", f"duration: {DURATION_MS}", f"seed: {SEED}",
             "step_convention: brian2", "populations:"]
    for pop in ("exc", "inh"):
        lines += [f"  {pop}:", f"    size: {size[pop]}", f"    model: {cell['model']}",
                  f"    params: {{{params}}}", f"    initial: {{v: {{uniform: {INITIAL_V}}}}}", "    record: [spikes]"]
    lines.append("projections:")
    conn_dir = os.path.abspath(conn)

    def projection(pre, post, weight, receptor):
        lines.append(f"  - {{pre: {pre}, post: {post}, connector: {{type: FromListConnector, "
                     f"file: {conn_dir}/{pre}_{post}.txt}}, synapse: {{weight: {weight}, delay: {DELAY_MS}}}, "
                     f"receptor: {receptor}}}")

    for pre, post in PROJECTIONS:
        projection(pre, post, cell["weights"][pre], "excitatory" if pre == "exc" else "inhibitory")
    with open(os.path.join(out, "network.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    if sys.argv[1] == "connections":
        connections(int(sys.argv[2]), sys.argv[3])
    elif sys.argv[1] == "network":
        network(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6])
    else:
        sys.exit(__doc__)
