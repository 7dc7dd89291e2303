"""Brian2 reference spike trains for the IF_curr_alpha, IF_curr_delta, IF_cond_exp and
IF_cond_alpha models (tests: Tests/RuntimeTests/ModelReferenceTests.swift).

One neuron driven by an excitatory and an inhibitory SpikeGeneratorGroup through one synapse
each, plus a constant offset current, at dt = 1 ms and 0.1 ms. The equations are PyNN's models
as Neurite's `brian2` step convention runs them (docs/step-semantics.md):

  alpha synapses: dI/dt = (x - I)/tau, dx/dt = -x/tau, on_pre x += w*e  (I peaks at w at t = tau)
  delta synapses: on_pre v += w, dropped while refractory (as NEST's iaf_psc_delta)
  current cells integrate with method='exact', conductance cells with 'exponential_euler'
  (Brian2's own choice for them).

Run with Brian2 2.9.0 (Benchmarks/setup-bench.sh makes .venv-bench):
  .venv-bench/bin/python Tests/RuntimeTests/Fixtures/brian2/make_model_references.py
"""
import json
import os
import sys

import numpy as np
import brian2 as b2
from brian2 import ms, mV, nA, nF, uS, volt, amp, siemens

b2.prefs.codegen.target = "numpy"
HERE = os.path.dirname(os.path.abspath(__file__))

EXC_TIMES = [5.0, 20.0, 21.0, 22.0, 40.0, 60.0, 61.0, 62.0, 63.0, 64.0, 90.0, 91.0, 92.0, 120.0, 121.0, 150.0,
             151.0, 152.0, 153.0, 154.0, 155.0, 156.0, 180.0, 181.0, 182.0, 183.0, 184.0, 185.0, 186.0, 187.0]
INH_TIMES = [30.0, 65.0, 95.0, 152.0, 186.0]

CASES = {
    "d_lif_alpha": dict(model="IF_curr_alpha", method="exact",
                        params=dict(cm=0.5, tau_m=10.0, v_rest=-65.0, v_reset=-70.0, v_thresh=-55.0, tau_refrac=2.0,
                                    tau_syn_E=2.0, tau_syn_I=4.0, i_offset=0.6),
                        w_exc=2.0, w_inh=-3.0, d_exc=1.0, d_inh=2.0),
    "e_lif_delta": dict(model="IF_curr_delta", method="exact",
                        params=dict(cm=0.25, tau_m=20.0, v_rest=-65.0, v_reset=-65.0, v_thresh=-50.0, tau_refrac=3.0,
                                    i_offset=0.6),
                        w_exc=6.0, w_inh=-4.0, d_exc=1.0, d_inh=3.0),
    "f_cond_exp": dict(model="IF_cond_exp", method="exponential_euler",
                       params=dict(cm=0.2, tau_m=15.0, v_rest=-60.0, v_reset=-65.0, v_thresh=-52.0, tau_refrac=2.0,
                                   tau_syn_E=3.0, tau_syn_I=8.0, e_rev_E=0.0, e_rev_I=-80.0, i_offset=0.12),
                       w_exc=0.02, w_inh=0.05, d_exc=1.0, d_inh=1.0),
    "g_cond_alpha": dict(model="IF_cond_alpha", method="exponential_euler",
                         params=dict(cm=0.2, tau_m=15.0, v_rest=-60.0, v_reset=-65.0, v_thresh=-52.0, tau_refrac=2.0,
                                     tau_syn_E=1.0, tau_syn_I=3.0, e_rev_E=0.0, e_rev_I=-80.0, i_offset=0.12),
                         w_exc=0.015, w_inh=0.03, d_exc=2.0, d_inh=1.0),
}


def equations(model):
    leak = "(v_rest - v)/tau_m"
    if model == "IF_curr_alpha":
        return f"""dv/dt = {leak} + (I_e - I_i + i_offset)/C_m : volt (unless refractory)
dI_e/dt = (x_e - I_e)/tau_e : amp
dx_e/dt = -x_e/tau_e : amp
dI_i/dt = (x_i - I_i)/tau_i : amp
dx_i/dt = -x_i/tau_i : amp"""
    if model == "IF_curr_delta":
        return f"dv/dt = {leak} + i_offset/C_m : volt (unless refractory)"
    if model == "IF_cond_exp":
        return f"""dv/dt = {leak} + (g_e*(e_rev_e - v) + g_i*(e_rev_i - v) + i_offset)/C_m : volt (unless refractory)
dg_e/dt = -g_e/tau_e : siemens
dg_i/dt = -g_i/tau_i : siemens"""
    return f"""dv/dt = {leak} + (g_e*(e_rev_e - v) + g_i*(e_rev_i - v) + i_offset)/C_m : volt (unless refractory)
dg_e/dt = (x_e - g_e)/tau_e : siemens
dx_e/dt = -x_e/tau_e : siemens
dg_i/dt = (x_i - g_i)/tau_i : siemens
dx_i/dt = -x_i/tau_i : siemens"""


def on_pre(model, kind):
    if model == "IF_curr_delta":
        return "v_post += w*int(not_refractory_post)"
    if model == "IF_curr_alpha":
        return f"x_{kind}_post += w*exp(1)"
    if model == "IF_cond_exp":
        return f"g_{kind}_post += w"
    return f"x_{kind}_post += w*exp(1)"


def weight_unit(model):
    return {"IF_curr_alpha": nA, "IF_curr_delta": mV}.get(model, uS)


def run(name, case, dt):
    b2.start_scope()
    b2.defaultclock.dt = dt * ms
    p = case["params"]
    model = case["model"]
    namespace = dict(tau_m=p["tau_m"] * ms, C_m=p["cm"] * nF, v_rest=p["v_rest"] * mV, i_offset=p["i_offset"] * nA,
                     tau_e=p.get("tau_syn_E", 1.0) * ms, tau_i=p.get("tau_syn_I", 1.0) * ms,
                     e_rev_e=p.get("e_rev_E", 0.0) * mV, e_rev_i=p.get("e_rev_I", 0.0) * mV)
    neuron = b2.NeuronGroup(1, equations(model), threshold="v >= v_thresh", reset="v = v_reset",
                            refractory=p["tau_refrac"] * ms, method=case["method"], namespace=dict(
                                namespace, v_thresh=p["v_thresh"] * mV, v_reset=p["v_reset"] * mV))
    neuron.v = p["v_rest"] * mV
    unit = weight_unit(model)
    # Inhibitory current weights are negative as in PyNN; the magnitude enters the inhibitory
    # input (current and conductance cells) or steps v down (delta cells).
    groups = []
    for kind, times, w, d in [("e", EXC_TIMES, case["w_exc"], case["d_exc"]), ("i", INH_TIMES, case["w_inh"], case["d_inh"])]:
        source = b2.SpikeGeneratorGroup(1, [0] * len(times), np.array(times) * ms)
        syn = b2.Synapses(source, neuron, "w : " + {nA: "amp", mV: "volt", uS: "siemens"}[unit], on_pre=on_pre(model, kind))
        syn.connect(i=0, j=0)
        syn.w = (w if model == "IF_curr_delta" else abs(w)) * unit
        syn.delay = d * ms
        groups += [source, syn]
    spikes = b2.SpikeMonitor(neuron)
    trace = b2.StateMonitor(neuron, "v", record=0)
    net = b2.Network(neuron, spikes, trace, *groups)
    t_stop = 220.0
    net.run(t_stop * ms)
    out = {
        "case": f"{name}: one {model} neuron, offset current, one excitatory and one inhibitory SpikeSourceArray synapse",
        "simulator": f"brian2 {b2.__version__}",
        "codegen_target": "numpy (float64)",
        "integration": f"method='{case['method']}'",
        "equations": equations(model),
        "threshold": "v >= v_thresh",
        "reset": "v = v_reset",
        "synapse": on_pre(model, "e"),
        "model": model,
        "parameters": p,
        "excitatory": {"spike_times_ms": EXC_TIMES, "weight": case["w_exc"], "delay_ms": case["d_exc"]},
        "inhibitory": {"spike_times_ms": INH_TIMES, "weight": case["w_inh"], "delay_ms": case["d_inh"]},
        "dt_ms": dt,
        "t_stop_ms": t_stop,
        "spike_times_ms": [round(float(t / ms), 9) for t in spikes.t],
        "traces": {"note": "v at t_k = k*dt (start of step k)", "v_mV": [round(float(v / mV), 9) for v in trace.v[0]]},
        "generated_by": "make_model_references.py",
    }
    path = os.path.join(HERE, f"{name}_dt{dt:g}.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
    print(path, len(out["spike_times_ms"]), "spikes", file=sys.stderr)


for name, case in CASES.items():
    for dt in (1.0, 0.1):
        run(name, case, dt)
