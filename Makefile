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
	$(BIN) simulate .build/cuba.nchip --timing ideal --out runs/cuba

test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Release-build benchmark of CUBA at 4k, 20k and 80k neurons (see Benchmarks/README.md).
bench: build
	bash Benchmarks/setup-brian2.sh && bash Benchmarks/cuba.sh

clean:
	rm -rf .build runs
