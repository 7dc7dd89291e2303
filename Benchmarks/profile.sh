#!/usr/bin/env bash
# Where Neurite's time goes, for docs/benchmarks.md: `perf record` of `neurite simulate` (one
# thread, 10,000 ticks) on images Benchmarks/compare.sh compiled into WORK, one per entry of
# PROFILES (model:N:dt:arithmetic). Writes WORK/profile-MODEL-N-DT-ARITHMETIC.txt: the symbols
# above 1.5 % of the samples. Usage: profile.sh WORK
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$PWD/.build/release/neurite
WORK=$1
PROFILES=${PROFILES:-"cuba:20000:1.0:s1615 coba:20000:1.0:float64 cuba:80000:0.1:s1615"}
rm -f "$WORK"/profile-*.txt
# Some hosts' perf prints Swift symbols mangled, with empty columns after them: demangle them.
demangle() { if command -v swift >/dev/null; then swift demangle --simplified; else cat; fi; }
for p in $PROFILES; do
  IFS=: read -r model n dt arithmetic <<< "$p"
  image=$WORK/$model-$n-$dt/image.nchip
  [ -f "$image" ] || continue
  duration=$(awk "BEGIN { print 10000 * $dt }")
  perf record -q -o "$WORK/perf.data" -- "$BIN" simulate "$image" --timing ideal --arithmetic "$arithmetic" \
    --threads 1 --step-convention brian2 --duration "$duration" --out "$WORK/profile-run" --force >/dev/null 2>&1
  perf report -q -i "$WORK/perf.data" --stdio --no-children --sort symbol --percent-limit 1.5 2>/dev/null \
    | sed -e 's/^ *//' -e 's/[ -]*$//' -e '/^$/d' | demangle | head -20 > "$WORK/profile-$model-$n-$dt-$arithmetic.txt"
done
rm -f "$WORK/perf.data"
