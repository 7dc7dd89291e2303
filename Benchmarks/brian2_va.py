#!/usr/bin/env python3
"""A network of Benchmarks/va_network.py in Brian2 (cpp_standalone): the same cells, connections,
delays and source spikes. The current cells (CUBA, ALPHA, DELTA) integrate with `exact`, COBA with
`exponential_euler`, as Neurite's `brian2` step convention does (docs/step-semantics.md); the alpha
and delta synapses are written as in Tests/RuntimeTests/Fixtures/brian2/make_model_references.py
(an alpha drive z += w·e, named z since Brian2 reserves `xi`; a delta step, dropped while the
target is refractory). Writes OUT/spikes.csv in Neurite's format and prints Brian2's own loop
time in seconds (`device._last_run_time`: the simulation, not code generation or compilation).
The compiled project lives in BUILD, so that a repetition with the same network reuses it.

Usage: brian2_va.py NETWORK.json THREADS BUILD OUT"""
import json
import os
import sys

import numpy as np
from brian2 import (Network, NeuronGroup, SpikeMonitor, Synapses, defaultclock, device, ms, mV, nA, nF, prefs,
                    seed, set_device, uS)

spec_path, threads, build, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
with open(spec_path) as f:
    spec = json.load(f)
set_device("cpp_standalone", directory=build, build_on_run=False)
if threads > 1:
    prefs.devices.cpp_standalone.openmp_threads = threads
defaultclock.dt = spec["dt_ms"] * ms
seed(spec["seed"])

cell = spec["cell"]
p = cell["params"]
namespace = {"tau_m": p["tau_m"] * ms, "c_m": p["cm"] * nF, "v_rest": p["v_rest"] * mV, "v_reset": p["v_reset"] * mV,
             "v_thresh": p["v_thresh"] * mV}
if "tau_syn_E" in p:  # not DELTA's
    namespace.update(tau_e=p["tau_syn_E"] * ms, tau_i=p["tau_syn_I"] * ms)
# Per model: equations, method, and the statement each synapse type runs on a spike ({w}: its
# weight with unit).
if spec["model"] == "cuba":
    eqs = """dv/dt = (v_rest - v)/tau_m + (ie + ii)/c_m : volt (unless refractory)
             die/dt = -ie/tau_e : amp
             dii/dt = -ii/tau_i : amp"""
    method, unit, on_pre = "exact", nA, {"exc": "ie += {w}", "inh": "ii += {w}"}
elif spec["model"] == "alpha":
    eqs = """dv/dt = (v_rest - v)/tau_m + (ie + ii)/c_m : volt (unless refractory)
             die/dt = (ze - ie)/tau_e : amp
             dze/dt = -ze/tau_e : amp
             dii/dt = (zi - ii)/tau_i : amp
             dzi/dt = -zi/tau_i : amp"""
    method, unit, on_pre = "exact", nA, {"exc": "ze += {w}*exp(1)", "inh": "zi += {w}*exp(1)"}
elif spec["model"] == "delta":
    eqs = "dv/dt = (v_rest - v)/tau_m : volt (unless refractory)"
    method, unit = "exact", mV
    on_pre = {k: "v_post += {w}*int(not_refractory_post)" for k in ("exc", "inh")}
else:
    namespace.update(e_e=p["e_rev_E"] * mV, e_i=p["e_rev_I"] * mV)
    eqs = """dv/dt = (v_rest - v)/tau_m + (ge*(e_e - v) + gi*(e_i - v))/c_m : volt (unless refractory)
             dge/dt = -ge/tau_e : siemens
             dgi/dt = -gi/tau_i : siemens"""
    method, unit, on_pre = "exponential_euler", uS, {"exc": "ge += {w}", "inh": "gi += {w}"}

sizes = spec["sizes"]
n_exc = sizes["exc"]
cells = NeuronGroup(spec["n"], eqs, threshold="v >= v_thresh", reset="v = v_reset",
                    refractory=p["tau_refrac"] * ms, method=method, namespace=namespace)
lo, hi = spec["initial_v"]
cells.v = f"({lo} + rand() * ({hi - lo}))*mV"
offset = {"exc": 0, "inh": n_exc}
conn = np.load(spec["connections"])
groups = []
for pre in ("exc", "inh"):
    w = cell["weights"][pre]
    # Inhibitory current weights are negative (PyNN); conductance weights are positive.
    syn = Synapses(cells, cells, on_pre=on_pre[pre].format(w=f"{w}*{unit.name}"), delay=spec["delay_ms"] * ms)
    i = np.concatenate([conn[f"{pre}_{post}"][0] + offset[pre] for post in ("exc", "inh")])
    j = np.concatenate([conn[f"{pre}_{post}"][1] + offset[post] for post in ("exc", "inh")])
    syn.connect(i=i, j=j)
    groups.append(syn)
monitor = SpikeMonitor(cells)
# An explicit Network: Brian2's magic run() would not see the Synapses held in a list.
Network(cells, monitor, *groups).run(spec["duration_ms"] * ms)
device.build(directory=build, run=True)

i = np.asarray(monitor.i)
t = np.asarray(monitor.t / ms)
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "spikes.csv"), "w") as f:
    f.write("population,neuron,time_ms\n")
    for k, tk in zip(i.tolist(), t.tolist()):
        f.write(f"exc,{k},{tk:.4f}\n" if k < n_exc else f"inh,{k - n_exc},{tk:.4f}\n")
print(f"{device._last_run_time:.6f}")
