#!/usr/bin/env bash
# bench/parser_bench.sh BUILD_DIR: the parser benchmark (docs/performance.md).
#
# Generates a realistic Airflow 1.x DAG folder once (bench/generate_dags.py; cached in
# BUILD_DIR/../bench-dags, rebuilt only when missing or when the generator changed), then in one
# run measures on the same files: `dagport inspect --format json` with -j 1 and -j 2, the raw
# tree-sitter parse (dagport_parse_bench), Python's ast.parse (bench/ast_parse_bench.py), peak
# memory of dagport, and the ratios between them; best of 3 runs each. An untimed run first
# checks dagport's output against what was generated and names any file it fails on.
#
# Figures only: this script always exits 0 so that `make bench` never fails on a slow machine.
# Environment: DAGPORT_BENCH_FILES (10000), DAGPORT_BENCH_RUNS (3), DAGPORT_BENCH_TIMEOUT
# (seconds per run, 600).
set -uo pipefail
build=$(realpath -m "${1:-$(dirname "$0")/../build/release}")
cd "$(dirname "$0")/.." || exit 0
if ! command -v python3 >/dev/null; then
  echo "parser bench: skipped: python3 not found"
  exit 0
fi
# Peak memory comes from GNU time; install it when missing if that can be done without a prompt
# (otherwise parser_bench.py polls /proc).
if ! /usr/bin/time -f %M true >/dev/null 2>&1 && command -v apt-get >/dev/null; then
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo -n)
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq time >/dev/null 2>&1 || true
fi
python3 bench/parser_bench.py "$build" || echo "parser bench: failed (ignored)"
exit 0
