#!/usr/bin/env bash
# bench/runtime_bench.sh BUILD_DIR: the runtime benchmark (docs/performance.md): `dagport run`
# on a generated 10,000-task DAG of no-op tasks, beside ninja running the same graph.
# Figures only: always exits 0. Environment: DAGPORT_BENCH_TASKS (10000), DAGPORT_BENCH_RUNS (3).
set -uo pipefail
build=$(realpath -m "${1:-$(dirname "$0")/../build/release}")
cd "$(dirname "$0")/.." || exit 0
if ! command -v python3 >/dev/null; then
  echo "runtime bench: skipped: python3 not found"
  exit 0
fi
python3 bench/runtime_bench.py "$build" || echo "runtime bench: failed (ignored)"
exit 0
