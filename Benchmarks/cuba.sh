#!/usr/bin/env bash
# CUBA (Vogels-Abbott, ~80 synapses per neuron, dt = 1 ms, 1 s) at 4k, 20k and 80k neurons:
# Neurite (release build, ideal timing, both arithmetics, 1 and 2 threads) beside Brian2 2.9.0
# cpp_standalone (1 thread) run on the same machine in the same session. Each figure is the
# median simulation wall time of 3 runs (loading and compiling excluded on both sides).
# Brian2 runs when Benchmarks/setup-brian2.sh has made .venv-bench; otherwise only Neurite runs.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/release/neurite
SIZES=${SIZES:-"4000 20000 80000"}
RUNS=${RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

neurite_wall() {  # image arithmetic threads → median wall seconds and events
  for _ in $(seq "$RUNS"); do
    "$BIN" simulate "$1" --arithmetic "$2" --threads "$3" --out "$work/run" >/dev/null
    python3 -c "import json; s=json.load(open('$work/run/summary.json')); print(s['wall_seconds'], s['synaptic_events'])"
  done | sort -g | awk '{w[NR]=$1; e[NR]=$2} END {m=int((NR+1)/2); print w[m], e[m]}'
}

printf "%-7s %-22s %10s %14s %10s\n" N tool "wall (s)" "syn. events/s" "vs Brian2"
for n in $SIZES; do
  python3 Benchmarks/make_cuba.py "$n" > "$work/cuba.yaml"
  "$BIN" compile "$work/cuba.yaml" -o "$work/cuba.nchip" >/dev/null
  brian=""
  if [ -x .venv-bench/bin/python ]; then
    read -r bwall bevents < <(for _ in $(seq "$RUNS"); do (cd "$work" && "$OLDPWD/.venv-bench/bin/python" "$OLDPWD/Benchmarks/brian2_cuba.py" "$n" 2>/dev/null | tail -1); done \
      | awk '{print $2, $4}' | sort -g | awk '{w[NR]=$1; e[NR]=$2} END {m=int((NR+1)/2); print w[m], e[m]}')
    brian=$bwall
    printf "%-7s %-22s %10.4f %14.3g %10s\n" "$n" "Brian2 cpp_standalone" "$bwall" "$(python3 -c "print($bevents/$bwall)")" "1.00"
  fi
  for arithmetic in s1615 float64; do
    for threads in 1 2; do
      read -r wall events < <(neurite_wall "$work/cuba.nchip" "$arithmetic" "$threads")
      ratio=$([ -n "$brian" ] && python3 -c "print(f'{$brian/$wall:.2f}')" || echo "-")
      printf "%-7s %-22s %10.4f %14.3g %10s\n" "$n" "neurite $arithmetic ${threads}t" "$wall" "$(python3 -c "print($events/$wall)")" "$ratio"
    done
  done
done
echo "(vs Brian2 > 1 means Neurite is faster)"
