#!/usr/bin/env python3
"""Mean rate and CV of inter-spike intervals per population from a spikes file in Neurite's
format (`population,neuron,time_ms`, a header line), the one format every tool of
Benchmarks/compare.sh writes. Also counts synaptic events from the shared connections: each
spike of a neuron delivers one event per outgoing synapse.

Usage: spike_stats.py SPIKES.csv NETWORK.json  → one JSON object on standard output:
{"populations": {name: {"spikes", "rate_hz", "cv_isi", "cv_neurons"}}, "synaptic_events"}
CV of ISIs is the mean over the neurons with at least two intervals (cv_neurons of them)."""
import json
import sys

import numpy as np


def read_spikes(path):
    pops, neurons, times = [], [], []
    with open(path) as f:
        next(f)
        for line in f:
            p, i, t = line.rstrip("\n").split(",")
            pops.append(p)
            neurons.append(int(i))
            times.append(float(t))
    return np.array(pops), np.array(neurons, dtype=np.int64), np.array(times)


def population_stats(neurons, times, size, duration_ms):
    order = np.lexsort((times, neurons))
    neurons, times = neurons[order], times[order]
    cvs = []
    starts = np.flatnonzero(np.r_[True, neurons[1:] != neurons[:-1]]) if neurons.size else np.array([], dtype=int)
    ends = np.r_[starts[1:], neurons.size]
    for s, e in zip(starts, ends):
        if e - s >= 3:
            isi = np.diff(times[s:e])
            cvs.append(isi.std() / isi.mean())
    return {"spikes": int(neurons.size), "rate_hz": neurons.size / size / (duration_ms * 1e-3),
            "cv_isi": float(np.mean(cvs)) if cvs else None, "cv_neurons": len(cvs)}


def stats(spikes_path, spec):
    pops, neurons, times = read_spikes(spikes_path)
    conn = np.load(spec["connections"])
    result, events = {}, 0
    for pop, size in spec["sizes"].items():
        mine = pops == pop
        result[pop] = population_stats(neurons[mine], times[mine], size, spec["duration_ms"])
        counts = np.bincount(neurons[mine], minlength=size)
        out_degree = sum(np.bincount(conn[f"{pop}_{post}"][0], minlength=size) for post in spec["sizes"])
        events += int((counts * out_degree).sum())
    return {"populations": result, "synaptic_events": events}


if __name__ == "__main__":
    with open(sys.argv[2]) as f:
        print(json.dumps(stats(sys.argv[1], json.load(f))))
