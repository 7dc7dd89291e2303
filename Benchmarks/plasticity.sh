#!/usr/bin/env bash
# Plastic rows against static ones on the same network: INPUTS Poisson sources at 10 Hz onto
# NEURONS LIF neurons, all to all (INPUTS × NEURONS synapses), 2 s at dt = 1 ms, s1615 and
# float64, one thread, ideal timing, release build. The plastic network is the static one with
# the additive pair rule on the same initial weights. Each figure is the median simulation wall
# time of RUNS runs (loading excluded); the plastic path's cost per event is the extra wall time
# over the plastic synaptic events.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/release/neurite
INPUTS=${INPUTS:-1000}
NEURONS=${NEURONS:-1000}
RUNS=${RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

network() {  # $1: static | plastic
  local synapse
  if [ "$1" = plastic ]; then
    synapse="{type: STDPMechanism, weight: {uniform: [0, 0.01]}, delay: 1,
               timing_dependence: {type: SpikePairRule, tau_plus: 20, tau_minus: 20, A_plus: 0.0001, A_minus: 0.000105},
               weight_dependence: {type: AdditiveWeightDependence, w_min: 0, w_max: 0.01}}"
  else
    synapse="{type: StaticSynapse, weight: {uniform: [0, 0.01]}, delay: 1}"
  fi
  cat <<YAML
network: plasticity-$1
timestep: 1.0
duration: 2000
seed: 4
populations:
  input: {size: $INPUTS, model: SpikeSourcePoisson, params: {rate: 10}}
  cells:
    size: $NEURONS
    model: IF_curr_exp
    params: {tau_m: 20, cm: 0.25, v_rest: -65, v_reset: -65, v_thresh: -50, tau_refrac: 2, tau_syn_E: 5, tau_syn_I: 5}
    ring_buffer_shifts: {excitatory: -1, inhibitory: -1}
    record: [spikes]
projections:
  - {pre: input, post: cells, connector: {type: AllToAllConnector}, synapse: $synapse}
YAML
}

for kind in static plastic; do
  network "$kind" > "$work/$kind.yaml"
  "$BIN" compile "$work/$kind.yaml" -o "$work/$kind.nchip" >/dev/null 2>&1
done
for _ in $(seq "$RUNS"); do
  for arithmetic in s1615 float64; do
    for kind in static plastic; do
      "$BIN" simulate "$work/$kind.nchip" --arithmetic "$arithmetic" --out "$work/run" --force >/dev/null 2>&1
      python3 -c "import json; s=json.load(open('$work/run/summary.json')); print('$arithmetic $kind', s['wall_seconds'], s['synaptic_events'], s['plastic_synaptic_events'])"
    done
  done
done > "$work/times"
python3 - "$work/times" "$INPUTS" "$NEURONS" <<'PY'
import sys, statistics
rows = [line.split() for line in open(sys.argv[1])]
print(f"{sys.argv[2]} inputs x {sys.argv[3]} neurons, all to all, 2 s")
print(f"{'arithmetic':<10} {'synapses':<8} {'wall (s)':>9} {'events':>11} {'events/s':>10} {'plastic/static':>15} {'ns per plastic event':>21}")
for arithmetic in ["s1615", "float64"]:
    wall, events, plastic = {}, {}, {}
    for kind in ["static", "plastic"]:
        mine = [r for r in rows if r[0] == arithmetic and r[1] == kind]
        wall[kind] = statistics.median(float(r[2]) for r in mine)
        events[kind], plastic[kind] = int(mine[0][3]), int(mine[0][4])
    extra = (wall["plastic"] - wall["static"]) / plastic["plastic"] * 1e9 if plastic["plastic"] else 0
    for kind in ["static", "plastic"]:
        ratio = f"{wall['plastic'] / wall['static']:.2f}x slower" if kind == "plastic" else ""
        cost = f"{extra:.1f}" if kind == "plastic" else ""
        print(f"{arithmetic:<10} {kind:<8} {wall[kind]:9.3f} {events[kind]:11d} {events[kind] / wall[kind]:10.3g} {ratio:>15} {cost:>21}")
PY
