#!/usr/bin/env python3
"""The runtime benchmark (run through bench/runtime_bench.sh BUILD_DIR; see docs/performance.md).

One generated DAG of N no-op tasks (`true`; default 10,000) in layers with fan-in and fan-out,
run in one script by:
  - `dagport run -j 2 --isolation process` and `--isolation bwrap` (when bwrap is installed),
  - ninja -j 2 on the same graph written as a build.ninja (each task `true && touch stamp`):
    the floor for a C++ executor of commands.
Reports tasks/s, the ratio to ninja, and the scheduling overhead per task beyond ninja's
(what dagport adds to the spawn: scheduling, SQLite state, logs). Best of R runs each.
Prints figures, never fails: problems are reported and the exit code is 0.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

GOAL_RATIO = 1.5  # dagport --isolation process wall time <= 1.5 x ninja's
GOAL_OVERHEAD_MS = 1.0  # per-task scheduling overhead beyond the spawn


def edges(tasks, width):
    """Layers of `width` tasks; each task after the first layer depends on two tasks of the
    layer before (fan-in 2, fan-out 2): (layer, i) <- (layer-1, i) and (layer-1, (7i+3) % w)."""
    layers = (tasks + width - 1) // width
    out = []
    for layer in range(1, layers):
        for i in range(width):
            if layer * width + i >= tasks:
                break
            for j in sorted({i, (7 * i + 3) % width}):
                out.append(((layer - 1, j), (layer, i)))
    return layers, out


def write_dag(path, tasks, width):
    layers = (tasks + width - 1) // width
    with open(path, "w") as f:
        f.write(f"""from datetime import datetime
from airflow import DAG
from airflow.operators.bash import BashOperator

TASKS = {tasks}
WIDTH = {width}

with DAG('runtime_bench', start_date=datetime(2025, 1, 1), schedule=None,
         max_active_tasks=TASKS) as dag:
    grid = []
    for layer in range({layers}):
        row = []
        for i in range(WIDTH):
            if layer * WIDTH + i >= TASKS:
                break
            t = BashOperator(task_id=f'l{{layer}}_{{i}}', bash_command='true',
                             do_xcom_push=False)
            if layer > 0:
                for j in sorted({{i, (7 * i + 3) % WIDTH}}):
                    grid[layer - 1][j] >> t
            row.append(t)
        grid.append(row)
""")


def write_ninja(path, tasks, width):
    layers, deps = edges(tasks, width)
    upstream = {}
    for (a, b) in deps:
        upstream.setdefault(b, []).append(a)
    with open(path, "w") as f:
        f.write("rule run\n  command = true && touch $out\n\n")
        for layer in range(layers):
            for i in range(width):
                if layer * width + i >= tasks:
                    break
                ins = " ".join(f"s/l{l}_{j}" for (l, j) in upstream.get((layer, i), []))
                f.write(f"build s/l{layer}_{i}: run {ins}\n")


def timed(cmd, cwd=None, env=None):
    start = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    return time.perf_counter() - start, r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--tasks", type=int, default=int(os.environ.get("DAGPORT_BENCH_TASKS", 10000)))
    ap.add_argument("--runs", type=int, default=int(os.environ.get("DAGPORT_BENCH_RUNS", 3)))
    args = ap.parse_args()
    dagport = os.path.join(args.build, "cli", "dagport")
    if not os.path.exists(dagport):
        print(f"runtime bench: skipped: {dagport} not built")
        return
    ninja = shutil.which("ninja")
    width = 100
    work = tempfile.mkdtemp(prefix="dagport-runtime-bench-")
    try:
        os.makedirs(os.path.join(work, "dags"))
        write_dag(os.path.join(work, "dags", "bench.py"), args.tasks, width)
        write_ninja(os.path.join(work, "build.ninja"), args.tasks, width)
        print(f"runtime bench: {args.tasks} no-op tasks (`true`) in layers of {width}, fan-in 2, "
              f"-j 2, best of {args.runs}")
        results = {}

        def best(name, make_cmd):
            times = []
            for k in range(args.runs):
                cmd, cwd = make_cmd(k)
                t, r = timed(cmd, cwd=cwd)
                if r.returncode != 0:
                    print(f"  {name}: failed (exit {r.returncode}): {r.stderr.strip()[-300:]}")
                    return None
                times.append(t)
            results[name] = min(times)
            return results[name]

        if ninja:
            def ninja_cmd(k):
                shutil.rmtree(os.path.join(work, "s"), ignore_errors=True)
                os.makedirs(os.path.join(work, "s"), exist_ok=True)
                return [ninja, "-j", "2", "-C", work], None
            best("ninja", ninja_cmd)
        else:
            print("  ninja: not installed (Debian ninja-build): no peer")

        def dagport_cmd(isolation):
            def make(k):
                state = os.path.join(work, f"state-{isolation}-{k}")
                shutil.rmtree(state, ignore_errors=True)
                return [dagport, "run", os.path.join(work, "dags"), "--dag", "runtime_bench",
                        "--date", "2025-01-02", "-j", "2", "--isolation", isolation,
                        "--state", os.path.join(state, "state.sqlite"), "--home", state], None
            return make

        best("dagport process", dagport_cmd("process"))
        if shutil.which("bwrap"):
            best("dagport bwrap", dagport_cmd("bwrap"))
        else:
            print("  bwrap: not installed: no bwrap figure")

        for name, t in results.items():
            line = f"  {name:<16} {t:8.2f} s  {args.tasks / t:9.0f} tasks/s"
            if "ninja" in results and name != "ninja":
                ratio = t / results["ninja"]
                line += f"  {ratio:5.2f}x ninja"
            print(line)
        if "ninja" in results and "dagport process" in results:
            ratio = results["dagport process"] / results["ninja"]
            overhead_ms = (results["dagport process"] - results["ninja"]) * 2 / args.tasks * 1000
            print(f"  goal: --isolation process <= {GOAL_RATIO}x ninja: "
                  f"{'met' if ratio <= GOAL_RATIO else 'NOT met'} ({ratio:.2f}x)")
            print(f"  scheduling overhead per task beyond ninja's (x 2 slots): {overhead_ms:.2f} ms "
                  f"(goal <= {GOAL_OVERHEAD_MS} ms: "
                  f"{'met' if overhead_ms <= GOAL_OVERHEAD_MS else 'NOT met'})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # figures only: never fail `make bench`
        print(f"runtime bench: failed: {e}")
    sys.exit(0)
