#!/usr/bin/env bash
# HD-SNN delay learning (docs/delay-learning.md), release build: generate the training pool and
# the test movies, train the kernel, evaluate it offline (top-15 %, all voxels, spiking at 1 and
# 10 spikes/s, per step on switching movies), run it on the chip, and write the pruning and
# shortening curves offline and on the chip: `neurite delays train`. Prints timings and tables;
# writes model.json, report.json, curves.md, pruning.svg and shortening.svg to $OUT.
#   CONFIG=a|b          configuration (default a; b is the paper's 36 classes)
#   MODEL=FILE          evaluate this model file instead of training (e.g. Examples/delays/model-a.json)
#   OUT=DIR             where to write (default .build/delay-learning/config-$CONFIG)
#   EXTRA="--steps 500" further options of neurite delays train (--help lists them)
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG=${CONFIG:-a}
OUT=${OUT:-.build/delay-learning/config-$CONFIG}
swift build -c release --product neurite >/dev/null
mkdir -p "$OUT"
args=(--config "$CONFIG" --out "$OUT")
if [ -n "${MODEL:-}" ]; then args+=(--model "$MODEL"); fi
# shellcheck disable=SC2086
.build/release/neurite delays train "${args[@]}" ${EXTRA:-} | tee "$OUT/log.txt"
