#!/usr/bin/env bash
# Neurite beside Brian2 2.9.0 (cpp_standalone) and NEST 3.10 on the Vogels-Abbott networks of
# va_network.py: CUBA and COBA at SIZES neurons and time steps DTS (ms), and CUBA with alpha and
# delta synapses (ALPHA, DELTA) at SHAPE_SIZES and SHAPE_DTS; 1 s of biological time, the same
# connections in every tool. Neurite runs a release build in ideal timing, both arithmetics, the
# brian2 step convention; every tool runs on each of THREADS threads. RUNS repetitions, interleaved
# so that the machine's drifts fall on every tool alike. Per run it records the tool's own loop
# time and the whole process's wall time, and for the first repetition the rates and CVs of
# inter-spike intervals per population (spike_stats.py). Every run on two threads waits until
# the machine's two CPUs run independently (HostProbe: not on the two hyperthreads of one host
# core), and records the probe's worst reading before and after it. Then it profiles Neurite with perf
# (profile.sh) and writes docs/benchmarks.csv and docs/benchmarks.md (benchmarks_md.py).
# Needs `make build` and Benchmarks/setup-bench.sh (`make bench` does both).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$PWD/.build/release/neurite
PY=$PWD/.venv-bench/bin/python
SIZES=${SIZES:-"4000 20000 80000"}
DTS=${DTS:-"1.0 0.1"}
MODELS=${MODELS:-"cuba coba alpha delta"}
SHAPE_SIZES=${SHAPE_SIZES:-"20000 80000"}
SHAPE_DTS=${SHAPE_DTS:-"1.0"}
THREADS=${THREADS:-"1 2"}
RUNS=${RUNS:-3}
WORK=${WORK:-$PWD/.build/bench}
CSV=${CSV:-docs/benchmarks.csv}
MD=${MD:-docs/benchmarks.md}
[ -x "$BIN" ] || { echo "compare.sh: no $BIN; run make build" >&2; exit 1; }
[ -x "$PY" ] || { echo "compare.sh: no .venv-bench; run Benchmarks/setup-bench.sh" >&2; exit 1; }
swift build -c release --product HostProbe >/dev/null
PROBE=$PWD/.build/release/HostProbe
mkdir -p "$WORK"
started=$(date +%s)

QUIET_LOAD=${QUIET_LOAD:-2.5}

now() { date +%s.%N; }
elapsed() { awk "BEGIN { printf \"%.4f\", $2 - $1 }"; }
load() { cut -d' ' -f1 /proc/loadavg; }
# Other people's work on the shared machine slows every tool: before each repetition of a network,
# wait up to 30 s for the 1-minute load average to fall below QUIET_LOAD; each row records the load.
settle() {
  for _ in $(seq 15); do
    awk "BEGIN { exit !($(load) < $QUIET_LOAD) }" && return
    sleep 2
  done
}
# A cloud machine's two vCPUs sometimes share one host core for minutes (HostProbe prints the
# slowdown of two threads over one on private L2-sized work: 1.0 independent, 2.0 shared).
# Before a run on more than one thread, wait up to about 25 s for them to be independent
# (PAIR_LIMIT); the run's row records the worse of the probe's readings just before and just
# after it ("-" for runs on one thread).
PAIR_LIMIT=${PAIR_LIMIT:-1.3}
PAIR=-
before_run() {  # threads
  PAIR=-
  [ "$1" -gt 1 ] || return 0
  for _ in $(seq 20); do
    PAIR=$("$PROBE")
    awk "BEGIN { exit !($PAIR <= $PAIR_LIMIT) }" && return
    sleep 1
  done
}
after_run() {  # threads
  [ "$1" -gt 1 ] || return 0
  local after; after=$("$PROBE")
  PAIR=$(awk "BEGIN { print ($after > $PAIR) ? $after : $PAIR }")
}
row() { echo "$* $(load) $PAIR" | tr ' ' ',' >> "$WORK/runs.csv"; }
stats() {  # spikes.csv network.json → rate_exc rate_inh cv_exc cv_inh events
  "$PY" Benchmarks/spike_stats.py "$1" "$2" | "$PY" -c "import json,sys; s=json.load(sys.stdin); p=s['populations']
print(*[p[k]['rate_hz'] for k in ('exc','inh')], *[p[k]['cv_isi'] for k in ('exc','inh')], s['synaptic_events'])"
}

# Whether network MODEL at N neurons and time step DT is one of the runs.
runs_network() {
  case "$1" in
    alpha|delta) [[ " $SHAPE_SIZES " == *" $2 "* && " $SHAPE_DTS " == *" $3 "* ]] ;;
    *) true ;;
  esac
}

echo "model,n,dt_ms,tool,arithmetic,threads,rep,loop_s,process_s,rate_exc_hz,rate_inh_hz,cv_exc,cv_inh,synaptic_events,load_1m,pair_slowdown" > "$WORK/runs.csv"
for n in $SIZES; do
  conn=$WORK/conn-$n
  [ -f "$conn/connections.npz" ] || "$PY" Benchmarks/va_network.py connections "$n" "$conn"
  for model in $MODELS; do
    for dt in $DTS; do
      runs_network "$model" "$n" "$dt" || continue
      net=$WORK/$model-$n-$dt
      "$PY" Benchmarks/va_network.py network "$model" "$n" "$dt" "$net" "$conn"
      PAIR=-
      t0=$(now); "$BIN" compile "$net/network.yaml" -o "$net/image.nchip" >/dev/null; t1=$(now)
      row "$model $n $dt neurite-compile - 1 1 - $(elapsed "$t0" "$t1") - - - - -"
      for rep in $(seq "$RUNS"); do
        settle
        for threads in $THREADS; do
          for arithmetic in s1615 float64; do
            out=$net/neurite-$arithmetic-$threads
            before_run "$threads"
            t0=$(now)
            "$BIN" simulate "$net/image.nchip" --timing ideal --arithmetic "$arithmetic" --threads "$threads" \
              --step-convention brian2 --out "$out" --force >/dev/null
            t1=$(now)
            after_run "$threads"
            loop=$("$PY" -c "import json; print(json.load(open('$out/summary.json'))['wall_seconds'])")
            s="- - - - -"; [ "$rep" = 1 ] && s=$(stats "$out/spikes.csv" "$net/network.json")
            row "$model $n $dt neurite $arithmetic $threads $rep $loop $(elapsed "$t0" "$t1") $s"
          done
          out=$net/brian2-$threads
          before_run "$threads"
          t0=$(now)
          loop=$("$PY" Benchmarks/brian2_va.py "$net/network.json" "$threads" "$WORK/brian2/$model-$n-$dt-t$threads" "$out" 2>/dev/null | tail -1)
          t1=$(now)
          after_run "$threads"
          s="- - - - -"; [ "$rep" = 1 ] && s=$(stats "$out/spikes.csv" "$net/network.json")
          row "$model $n $dt brian2 double $threads $rep $loop $(elapsed "$t0" "$t1") $s"
          out=$net/nest-$threads
          before_run "$threads"
          t0=$(now)
          loop=$("$PY" Benchmarks/nest_va.py "$net/network.json" "$threads" "$out" 2>/dev/null | tail -1)
          t1=$(now)
          after_run "$threads"
          s="- - - - -"; [ "$rep" = 1 ] && s=$(stats "$out/spikes.csv" "$net/network.json")
          row "$model $n $dt nest double $threads $rep $loop $(elapsed "$t0" "$t1") $s"
          tail -3 "$WORK/runs.csv" | sed 's/^/  /'
        done
      done
    done
  done
done

# The microcircuit, Neurite alone: Benchmarks/microcircuit.sh (compile for s1615 and for float64,
# 1 s on 2 threads each, rates beside NEST's published ones), at MICRO_SCALE (default 1, full
# scale; 0 leaves it out).
MICRO_SCALE=${MICRO_SCALE:-1}
rm -f "$WORK/microcircuit.txt"
if [ -f Benchmarks/microcircuit.sh ] && [ "$MICRO_SCALE" != 0 ]; then
  THREADS=2 SCALE=$MICRO_SCALE WORK=$WORK/microcircuit bash Benchmarks/microcircuit.sh > "$WORK/microcircuit.txt"
fi

bash Benchmarks/profile.sh "$WORK"

cp "$WORK/runs.csv" "$CSV"
python3 Benchmarks/benchmarks_md.py "$CSV" "$WORK" "$(( $(date +%s) - started ))" > "$MD"
echo "wrote $CSV and $MD in $(( $(date +%s) - started )) s"
