#!/usr/bin/env bash
# Makes .venv-bench with Brian2 2.9.0 (the version of the reference data) for Benchmarks/cuba.sh.
# numpy is held below 2.3: Brian2 2.9.0 uses ndarray.ptp, which newer numpy removed.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv-bench/bin/python ] || python3 -m venv .venv-bench
.venv-bench/bin/pip install -q "brian2==2.9.0" "numpy<2.3"
.venv-bench/bin/python -c "import brian2; print('Brian2', brian2.__version__)"
