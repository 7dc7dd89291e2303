#!/usr/bin/env bash
# The Potjans-Diesmann microcircuit (Examples/microcircuit.py; full scale by default): compiled
# with --target auto for s1615 (16-bit weights only) and with full-precision weights, each run for
# the network's 1 s of biological time in ideal timing on 2 threads, in s1615 and float64; every
# step under /usr/bin/time -v (wall time and peak memory), the compiler's phases (--timings), and
# the rates per population beside NEST 3.10's (Benchmarks/microcircuit_rates.py).
#
#   bash Benchmarks/microcircuit.sh              # full scale: 77,169 neurons, 3.0e8 synapses
#   SCALE=0.1 bash Benchmarks/microcircuit.sh    # a tenth, in-degrees kept
#
# Needs a release build (make build) and about 6 GB of disk under WORK (default
# .build/microcircuit) for the two full-scale images.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/release/neurite
SCALE=${SCALE:-1}
THREADS=${THREADS:-2}
WORK=${WORK:-.build/microcircuit}
mkdir -p "$WORK"
python3 Examples/microcircuit.py --scale "$SCALE" > "$WORK/microcircuit.yaml"

timed() {  # label, command… → the command's output, then wall time and peak memory
  local label=$1; shift
  /usr/bin/time -v "$@" > "$WORK/$label.out" 2> "$WORK/$label.time"
  cat "$WORK/$label.out"
  awk -F': ' '/Elapsed \(wall clock\)/ {w=$2} /Maximum resident set size/ {m=$2} END {printf "  [%s: wall %s, peak %.2f GB]\n", "'"$label"'", w, m / 1048576}' "$WORK/$label.time"
}

echo "== compile, s1615 only"
timed compile-s1615 "$BIN" compile "$WORK/microcircuit.yaml" --target auto --arithmetic s1615 --timings -o "$WORK/mc-s1615.nchip" --report "$WORK/map.json"
echo "== compile, with full-precision weights"
timed compile-float64 "$BIN" compile "$WORK/microcircuit.yaml" --target auto --timings -o "$WORK/mc.nchip"
for arithmetic in s1615 float64; do
  image="$WORK/mc.nchip"
  [ "$arithmetic" = s1615 ] && image="$WORK/mc-s1615.nchip"
  echo "== simulate 1 s, $arithmetic, $THREADS threads"
  timed "simulate-$arithmetic" "$BIN" simulate "$image" --arithmetic "$arithmetic" --threads "$THREADS" --out "$WORK/run-$arithmetic" --force
  python3 Benchmarks/microcircuit_rates.py "$WORK/run-$arithmetic" || true
done
