#!/usr/bin/env bash
# A run split across processes against one process on the same image: CUBA (80k neurons by
# default, ~80 synapses per neuron, dt = 1 ms, 1 s), ideal timing, s1615, one thread per process,
# --partitions 2 on this host (loopback TCP between the processes). Each figure is the median of
# RUNS runs of rank 0's tick loop (`wall_seconds`; starting the workers and loading excluded).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/release/neurite
N=${N:-80000}
RUNS=${RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 Benchmarks/make_cuba.py "$N" > "$work/cuba.yaml"
"$BIN" compile "$work/cuba.yaml" -o "$work/cuba.nchip" >/dev/null
for _ in $(seq "$RUNS"); do
  for p in 1 2; do
    args=(); [ "$p" -gt 1 ] && args=(--partitions "$p")
    "$BIN" simulate "$work/cuba.nchip" "${args[@]}" --out "$work/p$p" --force >/dev/null
    python3 -c "import json; print($p, json.load(open('$work/p$p/summary.json'))['wall_seconds'])"
  done
done > "$work/times"
same=$(cmp -s "$work/p1/spikes.csv" "$work/p2/spikes.csv" && echo yes || echo NO)
python3 - "$work/times" "$N" "$same" <<'PY'
import sys, statistics
rows = [line.split() for line in open(sys.argv[1])]
one = statistics.median(float(w) for p, w in rows if p == "1")
two = statistics.median(float(w) for p, w in rows if p == "2")
print(f"CUBA {sys.argv[2]}: one process {one:.3f} s, --partitions 2 {two:.3f} s, slowdown {two / one:.2f}x, same spikes: {sys.argv[3]}")
PY
