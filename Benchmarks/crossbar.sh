#!/usr/bin/env bash
# One crossbar tile in a release build: the per-programming-state IR-drop solve (one array and
# the whole tile) and reads per second with IR drop on, at 1, 4, 16 and 64 active rows.
# SIDES="64 128 256" sets the tile sides measured (default 256).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product CrossbarBench >/dev/null
for side in ${SIDES:-256}; do
  .build/release/CrossbarBench "$side"
done
