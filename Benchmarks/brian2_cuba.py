#!/usr/bin/env python3
"""The same CUBA network as Benchmarks/make_cuba.py in Brian2 (cpp_standalone, one thread):
N neurons, 80 % excitatory, p = 80/N, dt = 1 ms, 1 s, refractory 5 ms, exact integration.
Prints: N, simulation wall seconds (Brian2's own run time), spikes, synaptic events.
Usage: brian2_cuba.py N [threads]"""
import sys
import tempfile

import numpy as np

from brian2 import (NeuronGroup, Synapses, SpikeMonitor, defaultclock, device, ms, mV, prefs, run,
                    seed, set_device)

n = int(sys.argv[1])
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
set_device("cpp_standalone", directory=tempfile.mkdtemp(prefix="brian2-cuba-"), build_on_run=False)
if threads > 1:
    prefs.devices.cpp_standalone.openmp_threads = threads
defaultclock.dt = 1 * ms
seed(12345)

taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
Vt, Vr, El = -50 * mV, -60 * mV, -49 * mV
eqs = """dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
         dge/dt = -ge/taue : volt
         dgi/dt = -gi/taui : volt"""
P = NeuronGroup(n, eqs, threshold="v>=Vt", reset="v = Vr", refractory=5 * ms, method="exact")
P.v = "Vr + rand() * (Vt - Vr)"
ne = n * 4 // 5
p = min(1.0, 80.0 / n)
Ce = Synapses(P, P, on_pre="ge += 1.62*mV", delay=1 * ms)
Ci = Synapses(P, P, on_pre="gi -= 9*mV", delay=1 * ms)
Ce.connect("i<ne", p=p)
Ci.connect("i>=ne", p=p)
s = SpikeMonitor(P)
run(1000 * ms)
device.build(run=True)
spikes = s.num_spikes
# Synaptic events = Σ over spikes of the spiking neuron's out-degree.
out_e = np.bincount(np.asarray(Ce.i), minlength=n)
out_i = np.bincount(np.asarray(Ci.i), minlength=n)
counts = np.bincount(np.asarray(s.i), minlength=n)
events = int((counts * (out_e + out_i)).sum())
print(f"{n} {device._last_run_time:.4f} {spikes} {events}")
