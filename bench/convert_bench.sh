#!/usr/bin/env bash
# bench/convert_bench.sh BUILD_DIR: the converter benchmark (docs/performance.md).
#
# `dagport convert` on the generated 10,000-file DAG folder of the parser benchmark (shared cache
# BUILD_DIR/../bench-dags), against `dagport inspect --format json` on the same folder in the same
# run; best of 3 each; the ratio and its goal (<= 1.5x). Figures only: always exits 0.
set -uo pipefail
build=$(realpath -m "${1:-$(dirname "$0")/../build/release}")
cd "$(dirname "$0")/.." || exit 0
if ! command -v python3 >/dev/null; then
  echo "convert bench: skipped: python3 not found"
  exit 0
fi
python3 bench/convert_bench.py "$build" || echo "convert bench: failed (ignored)"
exit 0
