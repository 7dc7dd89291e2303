# Neurite: `make demo` runs the CUBA example, `make test` runs every test. Both set up first.
SWIFT ?= swift
BIN := .build/release/neurite

.PHONY: setup build demo test bench clean

setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build -c release --product neurite

demo: build
	$(BIN) compile Examples/cuba.yaml -o .build/cuba.nchip --report .build/cuba-mapping.json
	$(BIN) simulate .build/cuba.nchip --timing ideal --out runs/cuba --force

test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Neurite beside Brian2 and NEST (release build, .venv-bench made on the way): CUBA and COBA at 4k,
# 20k and 80k neurons, dt 1 and 0.1 ms, and CUBA with alpha and delta synapses at 20k and 80k, dt
# 1 ms; writes docs/benchmarks.csv and docs/benchmarks.md. About 50 minutes on 2 cores, with the
# full-scale microcircuit (Benchmarks/microcircuit.sh); SIZES, DTS, MODELS, SHAPE_SIZES, SHAPE_DTS,
# THREADS, RUNS and MICRO_SCALE cut it down (see Benchmarks/README.md).
bench: build
	bash Benchmarks/setup-bench.sh && bash Benchmarks/compare.sh

clean:
	rm -rf .build runs
