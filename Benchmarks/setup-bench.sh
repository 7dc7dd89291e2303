#!/usr/bin/env bash
# Makes .venv-bench with the simulators Neurite is compared with (Benchmarks/compare.sh):
# Brian2 2.9.0 (the version of the reference data) and NEST 3.10.0, both from PyPI.
# numpy is held below 2.3: Brian2 2.9.0 uses ndarray.ptp, which newer numpy removed.
# Skips what the environment already has.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv-bench/bin/python ] || python3 -m venv .venv-bench
if ! .venv-bench/bin/python -c "import brian2, nest" >/dev/null 2>&1; then
  .venv-bench/bin/pip install -q "brian2==2.9.0" "nest-simulator==3.10.0" "numpy<2.3"
fi
.venv-bench/bin/python -c "import brian2; print('Brian2', brian2.__version__)"
.venv-bench/bin/python -c "import nest; print('NEST', nest.__version__)" 2>/dev/null | tail -1
