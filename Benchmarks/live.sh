#!/usr/bin/env bash
# Live I/O in a release build: the round-trip latency of one lock-step tick (client → simulator →
# client, loopback TCP) through LiveIOServer with an echo standing in for the simulation, beside a
# bare libzmq echo. TICKS (default 20000) and KEYS ("0 16 1024", spikes per tick) set the runs.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product LiveBench >/dev/null
.build/release/LiveBench "${TICKS:-20000}" ${KEYS:-0 16 1024}

# The same round trip through the real simulator: `neurite simulate Examples/live/network.yaml
# --live` in lock-step mode, driven by LiveBench's client (one spike a tick in, the tick's output
# back).
swift build -c release --product neurite >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
live_ticks=$(( ${TICKS:-20000} + 1000 ))
.build/release/neurite simulate Examples/live/network.yaml --live --duration "$live_ticks" --out "$work/run" \
  --control "tcp://127.0.0.1:*" --spikes-in "tcp://127.0.0.1:*" --spikes-out "tcp://127.0.0.1:*" > "$work/sim.out" &
sim=$!
for _ in $(seq 100); do grep -q "^live:" "$work/sim.out" && break; sleep 0.1; done
read -r control spikes_in spikes_out < <(sed -n 's/^live: control \([^,]*\), spikes in \([^,]*\), spikes out \([^;]*\);.*/\1 \2 \3/p' "$work/sim.out")
.build/release/LiveBench client "$control" "$spikes_in" "$spikes_out" "$live_ticks"
wait "$sim"
