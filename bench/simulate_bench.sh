#!/usr/bin/env bash
# bench/simulate_bench.sh BUILD_DIR: the simulator benchmark (figures, never pass/fail).
set -euo pipefail
"$1/bench/dagport_simulate_bench"
