#!/usr/bin/env bash
# Live I/O in a release build: the round-trip latency of one lock-step tick (client → simulator →
# client, loopback TCP) through LiveIOServer with an echo standing in for the simulation, beside a
# bare libzmq echo. TICKS (default 20000) and KEYS ("0 16 1024", spikes per tick) set the runs.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product LiveBench >/dev/null
.build/release/LiveBench "${TICKS:-20000}" ${KEYS:-0 16 1024}
