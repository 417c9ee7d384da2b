#!/usr/bin/env python3
"""The converter benchmark (run through bench/convert_bench.sh BUILD_DIR; docs/performance.md).

On the generated Airflow 1.x DAG folder of the parser benchmark (bench/generate_dags.py, cached
in BUILD_DIR/../bench-dags), in one run and interleaved: `dagport convert dags/ -o OUT` and its
peer `dagport inspect dags/ --format json` (output to /dev/null), both with -j 2; best of N runs
each; peak memory; the ratio convert / inspect and the goal it is judged by (<= 1.5).
Also reports what the conversion did (files converted, unchanged, skipped, not written), the
kernel's share of each command's CPU time, and a control: the same files written the way dagport
writes its output (a new temporary file beside each target, one sync, then the renames), which
shows what creating 10,000 files costs on this file system at that moment.
Prints figures, never fails: problems are reported and the exit code is 0.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import parser_bench  # noqa: E402  (generation cache, timed runs)

GOAL_RATIO = 1.5  # convert time <= 1.5 x inspect time on the same folder


def write_like_dagport(texts, out):
    """The file-system part of a conversion alone: `texts` (relative path -> bytes) written under
    `out` the way dagport stages its output (AtomicWriteBatch: a new temporary file beside each
    target, written and closed; one sync; then every rename), on one thread. Returns the wall
    seconds and this process's system CPU seconds for it."""
    before = os.times()
    start = time.perf_counter()
    folders = set()
    staged = []
    for i, (relative, data) in enumerate(texts):
        target = os.path.join(out, relative)
        folder = os.path.dirname(target)
        if folder not in folders:
            os.makedirs(folder, exist_ok=True)
            folders.add(folder)
        temporary = os.path.join(folder, ".%s.control-%d.tmp" % (os.path.basename(target), i))
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        staged.append((temporary, target))
    os.sync()
    for temporary, target in staged:
        os.rename(temporary, target)
    return time.perf_counter() - start, os.times().system - before.system


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build_dir")
    ap.add_argument("--files", type=int, default=int(os.environ.get("DAGPORT_BENCH_FILES", 10000)))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=int(os.environ.get("DAGPORT_BENCH_RUNS", 3)))
    ap.add_argument("--timeout", type=int, default=int(os.environ.get("DAGPORT_BENCH_TIMEOUT", 600)))
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    build = os.path.abspath(args.build_dir)
    dagport = os.path.join(build, "cli", "dagport")
    if not os.access(dagport, os.X_OK):
        print("convert bench: skipped: %s not built (make build)" % dagport)
        return
    cache_name = "bench-dags" if (args.files, args.seed) == (10000, 1) else \
        "bench-dags-%d-s%d" % (args.files, args.seed)
    cache = os.path.join(os.path.dirname(build), cache_name)
    parser_bench.ensure_dags(cache, args.files, args.seed)
    dags = os.path.join(cache, "dags")
    files = parser_bench.list_files(dags)
    size = sum(os.path.getsize(f) for f in files)
    time_bin = parser_bench.gnu_time()
    out_parent = tempfile.mkdtemp(prefix="dagport-convert-bench-", dir=os.path.dirname(build))
    report_path = os.path.join(out_parent, "report.json")
    print("\n== converter benchmark: %s files, %.1f MB in %s ==" % (
        format(len(files), ","), size / 1e6, dags), flush=True)
    print("   dagport convert DAGS -o OUT -j %d  vs  dagport inspect DAGS --format json -j %d; "
          "best of %d, interleaved" % (args.jobs, args.jobs, args.runs), flush=True)
    runs = {"convert": [], "inspect": []}
    texts = []
    for f in files:
        with open(f, "rb") as src:
            texts.append((os.path.relpath(f, dags), src.read()))
    control = []  # (wall, system CPU) of write_like_dagport, one per run
    try:
        for r in range(args.runs):
            # A new folder for every run, all removed at the end: removing the last run's 10,000
            # files just before the next run would make it pay for them (ext4 skips recently
            # freed inodes when it allocates new ones: docs/performance.md).
            out = os.path.join(out_parent, "out-%d" % r)
            argv = [dagport, "convert", dags, "-o", out, "-j", str(args.jobs), "--fail-on", "never",
                    "--days-ago-from", "2026-11-26"]
            if r == 0:
                argv += ["--report", report_path]
            runs["convert"].append(parser_bench.run_timed(argv, args.timeout, time_bin))
            runs["inspect"].append(parser_bench.run_timed(
                [dagport, "inspect", dags, "--format", "json", "-j", str(args.jobs),
                 "--fail-on", "never"], args.timeout, time_bin))
            control.append(write_like_dagport(texts, os.path.join(out_parent, "control-%d" % r)))
        for name, timed in runs.items():
            for t in timed:
                if t.code != 0:
                    print("   %s exited %d: %s" % (name, t.code, t.err_tail[-500:]))
        best = {name: min(timed, key=lambda t: t.wall) for name, timed in runs.items()}
        print("\n%-45s %8s %9s %8s %8s %9s" % ("", "wall s", "MB/s", "CPU s", "of it sys",
                                                 "max RSS"))
        for name, label in (("convert", "dagport convert -o OUT"),
                            ("inspect", "dagport inspect --format json (peer)")):
            t = best[name]
            print("   %-42s %8.2f %9.2f %8.2f %8.2f %6d MB" % (
                label + " -j %d" % args.jobs, t.wall, size / 1e6 / t.wall, t.cpu, t.sys,
                t.rss_kb // 1024))
        fastest = min(control)
        print("   %-42s %8.2f %9s %8s %8.2f" % (
            "control: write the %s files, 1 thread" % format(len(texts), ","), fastest[0], "", "",
            fastest[1]))
        print("   every run, wall s: convert %s; inspect %s; control %s" % (
            " ".join("%.1f" % t.wall for t in runs["convert"]),
            " ".join("%.1f" % t.wall for t in runs["inspect"]),
            " ".join("%.2f" % c[0] for c in control)))
        ratio = best["convert"].wall / best["inspect"].wall
        print("\n   convert / inspect: %.2fx   goal <= %.1fx: %s" % (
            ratio, GOAL_RATIO, "met" if ratio <= GOAL_RATIO else "NOT met"))
        if best["inspect"].cpu > 0:  # the same runs' CPU time: the work, whatever the waiting
            print("   convert / inspect in CPU time: %.2fx; in user CPU time (without the "
                  "kernel's): %.2fx" % (
                      best["convert"].cpu / best["inspect"].cpu,
                      (best["convert"].cpu - best["convert"].sys) /
                      max(best["inspect"].cpu - best["inspect"].sys, 1e-9)))
        try:
            with open(report_path) as f:
                totals = json.load(f)["totals"]
            print("   conversion: %(files)d files, %(converted)d converted, %(unchanged)d unchanged, "
                  "%(copied)d copied, %(skipped)d skipped, %(not_written)d not written (graph "
                  "check); %(loads_without_edit)d of %(airflow_files)d Airflow files load without a "
                  "manual edit (%(no_manual_work)d need nothing more); %(errors)d errors, "
                  "%(warnings)d warnings" % totals)
        except (OSError, ValueError, KeyError) as e:
            print("   conversion report unreadable: %s" % e)
        print("   (figures, not a test: `make bench` never fails on them)")
    finally:
        shutil.rmtree(out_parent, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # never fail the build on a benchmark
        print("convert bench: failed: %s" % e)
