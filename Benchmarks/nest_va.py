#!/usr/bin/env python3
"""A network of Benchmarks/va_network.py in NEST 3.10: iaf_psc_exp (CUBA), iaf_psc_alpha (ALPHA)
or iaf_psc_delta (DELTA), all by exact integration, or iaf_cond_exp (COBA, adaptive Runge-Kutta),
the same connections and delays, weights in NEST's units (pA, nS; mV for DELTA, whose steps
NEST drops while the target is refractory, as Neurite and the Brian2 script do). Writes OUT/spikes.csv in Neurite's format and prints the loop time in seconds:
`nest.Run` alone, after `nest.Prepare` has built the connection infrastructure.

Usage: nest_va.py NETWORK.json THREADS OUT"""
import json
import os
import sys
import time

import numpy as np

spec_path, threads, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(spec_path) as f:
    spec = json.load(f)

import nest  # noqa: E402  (prints a banner; imported once the arguments are read)

nest.set_verbosity("M_ERROR")
nest.ResetKernel()
nest.SetKernelStatus({"resolution": spec["dt_ms"], "local_num_threads": threads, "rng_seed": spec["seed"]})

p = spec["cell"]["params"]
params = {"C_m": p["cm"] * 1000.0, "tau_m": p["tau_m"], "E_L": p["v_rest"], "V_reset": p["v_reset"],
          "V_th": p["v_thresh"], "t_ref": p["tau_refrac"]}
if "tau_syn_E" in p:
    params.update(tau_syn_ex=p["tau_syn_E"], tau_syn_in=p["tau_syn_I"])
# NEST's weight per PyNN weight: nA → pA, µS → nS, mV as it is.
scale = 1.0 if spec["model"] == "delta" else 1000.0
if spec["model"] in ("cuba", "alpha", "delta"):
    model = {"cuba": "iaf_psc_exp", "alpha": "iaf_psc_alpha", "delta": "iaf_psc_delta"}[spec["model"]]
    params["I_e"] = 0.0
    sign = {"exc": 1.0, "inh": 1.0}  # PyNN's inhibitory current weights are already negative
else:
    model = "iaf_cond_exp"
    del params["tau_m"]  # iaf_cond_exp takes the leak as a conductance, g_L = C_m / tau_m
    params.update(E_ex=p["e_rev_E"], E_in=p["e_rev_I"], g_L=p["cm"] / p["tau_m"] * 1000.0, I_e=0.0)
    sign = {"exc": 1.0, "inh": -1.0}  # NEST marks inhibitory conductance synapses by a negative weight
sizes = spec["sizes"]
cells = nest.Create(model, spec["n"], params=params)
lo, hi = spec["initial_v"]
cells.V_m = nest.random.uniform(lo, hi)
first = cells[0].global_id
offset = {"exc": first, "inh": first + sizes["exc"]}
conn = np.load(spec["connections"])
for pre in ("exc", "inh"):
    weight = spec["cell"]["weights"][pre] * scale * sign[pre]
    for post in ("exc", "inh"):
        a = conn[f"{pre}_{post}"]
        sources = (a[0] + offset[pre]).astype(np.uint64)
        targets = (a[1] + offset[post]).astype(np.uint64)
        nest.Connect(sources, targets, "one_to_one", syn_spec={"synapse_model": "static_synapse",
                                                               "weight": np.full(a.shape[1], weight),
                                                               "delay": np.full(a.shape[1], spec["delay_ms"])})
recorder = nest.Create("spike_recorder")
nest.Connect(cells, recorder)

nest.Prepare()
start = time.perf_counter()
nest.Run(spec["duration_ms"])
loop = time.perf_counter() - start
nest.Cleanup()

events = recorder.get("events")
senders = np.asarray(events["senders"]) - first
times = np.asarray(events["times"])
order = np.lexsort((senders, times))
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "spikes.csv"), "w") as f:
    f.write("population,neuron,time_ms\n")
    for k, t in zip(senders[order].tolist(), times[order].tolist()):
        f.write(f"exc,{k},{t:.4f}\n" if k < sizes["exc"] else f"inh,{k - sizes['exc']},{t:.4f}\n")
print(f"{loop:.6f}")
