#!/usr/bin/env python3
"""Writes the Potjans-Diesmann cortical microcircuit (Cerebral Cortex 24(3):785-806, 2014) as a
Neurite network, at full scale or at a fraction of it.

    python3 Examples/microcircuit.py > Examples/microcircuit.yaml            # full scale
    python3 Examples/microcircuit.py --scale 0.1 > microcircuit-0.1.yaml     # 7,716 neurons

Parameters as the PyNN/NEST example scripts give them (NEST's microcircuit example,
network_params.py): eight populations of current-based LIF cells with exponential synapses
(IF_curr_exp: C_m 250 pF, tau_m 10 ms, tau_ref 2 ms, tau_syn 0.5 ms, E_L = V_reset = -65 mV,
V_th = -50 mV), initial membrane potentials drawn per population ("optimized"), a fixed total
number of synapses per pair of populations K = ln(1 - p) / ln(1 - 1/(N_pre N_post)) with
multapses and autapses, PSCs of 87.81 pA (a 0.15 mV PSP) with a relative SD of 10 %, doubled
from L4E to L2/3E, inhibitory ones -4 times, delays 1.5 ms (excitatory) and 0.75 ms
(inhibitory) with a relative SD of 50 %, both redrawn until they have the right sign or reach
the time step. Background: every neuron receives its own Poisson train of rate 8 Hz x K_ext
(one SpikeSourcePoisson atom per neuron, one to one, 87.81 pA, 1.5 ms).

--scale S multiplies every population and every synapse count by S, so each neuron keeps its
in-degrees and its input (NEST's N_scaling with K_scaling 1): the rates stay close to the full
model's down to S of about 0.1, below which the multapses of small populations begin to tell.
"""
import argparse
import math

POPULATIONS = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"]
SIZES = [20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948]
# Row: target, column: source (the order above).
CONNECTION_PROBABILITIES = [
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
    [0.0077, 0.0059, 0.0497, 0.1350, 0.0067, 0.0003, 0.0453, 0.0],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.0600, 0.3158, 0.0086, 0.0],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.0010, 0.0034, 0.0005, 0.0277, 0.0080, 0.0658, 0.1443],
]
K_EXT = [1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100]
V0_MEAN = [-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43]
V0_SD = [5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48]
BACKGROUND_RATE = 8.0  # Hz per external synapse
C_M, TAU_M, TAU_SYN = 250.0, 10.0, 0.5  # pF, ms, ms
PSP = 0.15  # mV, mean excitatory PSP amplitude
G = -4.0
WEIGHT_REL_SD = 0.1
DELAY_EXC, DELAY_INH, DELAY_REL_SD, DELAY_BACKGROUND = 1.5, 0.75, 0.5, 1.5
LARGE = 1e9  # an open end for redrawn distributions


def psc_over_psp(c_m, tau_m, tau_syn):
    """The PSC (pA) that gives a 1 mV peak PSP on an LIF cell with exponential currents."""
    sub = 1.0 / (tau_syn - tau_m)
    pre = tau_m * tau_syn / c_m * sub
    frac = (tau_m / tau_syn) ** sub
    return 1.0 / (pre * (frac ** tau_m - frac ** tau_syn))


def synapse_count(p, n_pre, n_post):
    """NEST's number of synapses for a connection probability with multapses (full-scale sizes)."""
    if p == 0:
        return 0
    product = n_pre * n_post
    return math.log(1.0 - p) / math.log((product - 1.0) / product)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full model's neurons and synapses (default 1)")
    parser.add_argument("--duration", type=float, default=1000.0, help="ms of biological time (default 1000)")
    parser.add_argument("--timestep", type=float, default=0.1, help="ms (default 0.1, as the reference runs)")
    parser.add_argument("--seed", type=int, default=55)
    parser.add_argument("--neurons-per-core", type=int, help="neurons_per_core of the cell populations (default: the target's)")
    args = parser.parse_args()
    if not 0 < args.scale <= 1:
        parser.error("--scale must be in (0, 1]")

    w = psc_over_psp(C_M, TAU_M, TAU_SYN) * PSP / 1000.0  # nA
    sizes = [max(1, round(n * args.scale)) for n in SIZES]
    out = []
    out.append("# The Potjans-Diesmann cortical microcircuit (2014), written by Examples/microcircuit.py")
    out.append("# --scale %g: %d neurons (%s)." % (args.scale, sum(sizes), "full scale" if args.scale == 1 else "in-degrees kept"))
    out.append("network: microcircuit" + ("" if args.scale == 1 else "-%g" % args.scale))
    out.append("timestep: %g" % args.timestep)
    out.append("duration: %g" % args.duration)
    out.append("seed: %d" % args.seed)
    out.append("populations:")
    per_core = "" if args.neurons_per_core is None else ", neurons_per_core: %d" % args.neurons_per_core
    cell = ("{cm: %g, tau_m: %g, tau_refrac: 2.0, v_rest: -65.0, v_reset: -65.0, v_thresh: -50.0, "
            "tau_syn_E: %g, tau_syn_I: %g, i_offset: 0.0}" % (C_M / 1000.0, TAU_M, TAU_SYN, TAU_SYN))
    for name, n, mean, sd in zip(POPULATIONS, sizes, V0_MEAN, V0_SD):
        out.append("  %s: {size: %d, model: IF_curr_exp, params: %s, initial: {v: {normal: [%g, %g]}}, record: [spikes]%s}"
                   % (name, n, cell, mean, sd, per_core))
    for name, n, k in zip(POPULATIONS, sizes, K_EXT):
        out.append("  %s_bg: {size: %d, model: SpikeSourcePoisson, params: {rate: %g}}" % (name, n, BACKGROUND_RATE * k))
    out.append("projections:")
    for target, name in enumerate(POPULATIONS):
        out.append("  - {pre: %s_bg, post: %s, connector: {type: OneToOneConnector}, synapse: {weight: %.6g, delay: %g}}"
                   % (name, name, w, DELAY_BACKGROUND))
    for target, post in enumerate(POPULATIONS):
        for source, pre in enumerate(POPULATIONS):
            count = round(synapse_count(CONNECTION_PROBABILITIES[target][source], SIZES[source], SIZES[target]) * args.scale)
            if count == 0:
                continue
            excitatory = pre.endswith("E")
            mean = w * (2.0 if (pre, post) == ("L4E", "L23E") else 1.0) * (1.0 if excitatory else G)
            sd = abs(mean) * WEIGHT_REL_SD
            weight = ("{normal_clipped: [%.6g, %.6g, 0, %g]}" % (mean, sd, LARGE) if excitatory
                      else "{normal_clipped: [%.6g, %.6g, %g, 0]}" % (mean, sd, -LARGE))
            d = DELAY_EXC if excitatory else DELAY_INH
            delay = "{normal_clipped: [%g, %g, %g, %g]}" % (d, d * DELAY_REL_SD, args.timestep, LARGE)
            out.append("  - {label: %s-%s, pre: %s, post: %s, receptor: %s, connector: {type: FixedTotalNumberConnector, n: %d, "
                       "with_replacement: true}, synapse: {weight: %s, delay: %s}}"
                       % (pre, post, pre, post, "excitatory" if excitatory else "inhibitory", count, weight, delay))
    print("\n".join(out))


if __name__ == "__main__":
    main()
