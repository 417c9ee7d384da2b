#!/usr/bin/env python3
"""The parser benchmark (run through bench/parser_bench.sh BUILD_DIR; see docs/performance.md).

On one generated Airflow 1.x DAG folder (bench/generate_dags.py, cached), in one run:
`dagport inspect --format json` with -j 1 and -j 2, the raw tree-sitter parse
(dagport_parse_bench, 1 and 2 threads), and CPython's ast.parse (bench/ast_parse_bench.py);
best of N runs each; peak memory of dagport; the ratios, and the goals they are judged by.
Prints figures, never fails: problems are reported and the exit code is 0.
"""
import argparse
import codecs
import collections
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Goals (docs/performance.md)
GOAL_OVERHEAD = 0.50        # analysis time <= 1.5 x raw parse time
GOAL_SCALING = 1.8          # -j 2 at least 1.8 x as fast as -j 1
GOAL_VS_AST = 1.2           # dagport -j 2 throughput >= 1.2 x ast.parse throughput
GOAL_RSS_MB = 200           # peak RSS for 10,000 files


def log(msg):
    print(msg, flush=True)


def generator_digest():
    with open(os.path.join(HERE, "generate_dags.py"), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def ensure_dags(cache, files, seed):
    """The generated folder, built once (again only when missing or the generator changed)."""
    manifest_path = os.path.join(cache, "manifest.json")
    digest = generator_digest()
    try:
        with open(manifest_path) as f:
            m = json.load(f)
        if m.get("files") == files and m.get("seed") == seed and m.get("digest") == digest:
            return m
    except (OSError, ValueError):
        pass
    log("generating %d DAG files into %s (once; cached) ..." % (files, cache))
    parent = os.path.dirname(os.path.abspath(cache))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".bench-dags-", dir=parent)
    try:
        subprocess.run([sys.executable, os.path.join(HERE, "generate_dags.py"), tmp,
                        "--files", str(files), "--seed", str(seed)], check=True)
        with open(os.path.join(tmp, "manifest.json")) as f:
            m = json.load(f)
        m["digest"] = digest
        with open(os.path.join(tmp, "manifest.json"), "w") as f:
            json.dump(m, f, indent=1, sort_keys=True)
        if os.path.exists(cache):
            shutil.rmtree(cache)
        os.rename(tmp, cache)
    finally:
        if os.path.exists(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
    return m


def list_files(dags):
    """*.py under the DAG folder, sorted: what `dagport inspect DAGS` analyses (no .airflowignore)."""
    out = []
    for root, dirs, files in os.walk(dags, followlinks=True):
        dirs.sort()
        out.extend(os.path.join(root, f) for f in files if f.endswith(".py"))
    return sorted(out)


class Timed:
    def __init__(self, wall, cpu, rss_kb, code, err_tail, sys_cpu=0.0):
        self.wall, self.cpu, self.rss_kb, self.code, self.err_tail = wall, cpu, rss_kb, code, err_tail
        self.sys = sys_cpu  # the kernel's part of cpu


def gnu_time():
    """/usr/bin/time if it is GNU time (it reports the peak RSS as "%M")."""
    path = "/usr/bin/time"
    try:
        p = subprocess.run([path, "-f", "%M", "true"], capture_output=True, timeout=10)
        return path if p.returncode == 0 and p.stderr.strip().isdigit() else None
    except (OSError, subprocess.TimeoutExpired):
        return None


def run_timed(argv, timeout, time_bin):
    """Runs argv with stdout to /dev/null; wall time (measured here), CPU time and peak RSS.

    The peak RSS comes from GNU time (`/usr/bin/time`, "Maximum resident set size"), which forks
    from a small process. Without it, /proc/PID/status VmHWM is polled. (The rusage that wait4
    gives this Python process is no good: posix_spawn shares this process's memory until exec
    and Linux carries that peak over into the child's maxrss.)"""
    err = tempfile.TemporaryFile()
    fd, time_out = tempfile.mkstemp(prefix="dagport-bench-time-")
    os.close(fd)
    devnull = open(os.devnull, "wb")
    hwm = [0]
    try:
        cmd = [time_bin, "-f", "%e %U %S %M", "-o", time_out] + argv if time_bin else argv
        start = time.perf_counter()
        pid = os.posix_spawn(cmd[0], cmd, os.environ, setsid=True,
                             file_actions=[(os.POSIX_SPAWN_DUP2, devnull.fileno(), 1),
                                           (os.POSIX_SPAWN_DUP2, err.fileno(), 2)])

        def kill():
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        killer = threading.Timer(timeout, kill)
        killer.start()
        stop = threading.Event()

        def poll():     # fallback: VmHWM of the child once it runs argv[0]
            target = os.path.realpath(argv[0])
            while not stop.wait(0.02):
                try:
                    if os.path.realpath("/proc/%d/exe" % pid) != target:
                        continue
                    with open("/proc/%d/status" % pid) as f:
                        for line in f:
                            if line.startswith("VmHWM:"):
                                hwm[0] = max(hwm[0], int(line.split()[1]))
                except (OSError, ValueError):
                    pass
        poller = None
        if not time_bin:
            poller = threading.Thread(target=poll, daemon=True)
            poller.start()
        try:
            _, status, ru = os.wait4(pid, 0)
        finally:
            killer.cancel()
            stop.set()
            if poller:
                poller.join()
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        cpu, sys_cpu, rss = ru.ru_utime + ru.ru_stime, ru.ru_stime, hwm[0]
        if time_bin:
            with open(time_out) as f:
                report = f.read()
            m = re.search(r"terminated by signal (\d+)", report)
            if m:
                code = -int(m.group(1))
            last = report.strip().splitlines()[-1].split() if report.strip() else []
            if len(last) == 4:
                cpu, sys_cpu, rss = float(last[1]) + float(last[2]), float(last[2]), int(last[3])
        err.seek(0)
        tail = err.read()[-4000:].decode("utf-8", "replace")
        return Timed(wall, cpu, rss, code, tail, sys_cpu)
    finally:
        err.close()
        devnull.close()
        os.unlink(time_out)


def kv(line):
    return dict(x.split("=", 1) for x in line.split() if "=" in x)


def run_tool(argv, stdin_path, timeout):
    """Runs a helper that prints a key=value line last; returns (dict, human line) or (None, error)."""
    try:
        with open(stdin_path, "rb") as stdin:
            p = subprocess.run(argv, stdin=stdin, capture_output=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, str(e)
    lines = p.stdout.decode("utf-8", "replace").strip().splitlines()
    if p.returncode != 0 or not lines:
        return None, (p.stderr.decode("utf-8", "replace").strip() or "exit code %d" % p.returncode)
    return kv(lines[-1]), lines[0]


# ---- checking dagport's output against the generator's manifest ---------------------------

def stream_json_files(stream):
    """Yields the objects of the top-level "files" array of dagport's JSON one at a time (the
    whole document is ~1 GB for 10,000 files), then the top-level object's other members."""
    dec = json.JSONDecoder()
    utf8 = codecs.getincrementaldecoder("utf-8")("replace")
    buf = ""
    eof = False

    def more():
        nonlocal buf, eof
        chunk = stream.read(1 << 20)
        if not chunk:
            eof = True
        buf += utf8.decode(chunk, final=eof)

    while '"files"' not in buf and not eof:
        more()
    i = buf.find('"files"')
    if i < 0:
        raise ValueError("no \"files\" array in dagport's JSON")
    while "[" not in buf[i:] and not eof:
        more()
    pos = buf.index("[", i) + 1
    while True:
        while True:
            while pos < len(buf) and buf[pos] in " \t\r\n,":
                pos += 1
            if pos < len(buf) or eof:
                break
            more()
        if pos >= len(buf):
            raise ValueError("dagport's JSON ends inside the files array")
        if buf[pos] == "]":
            break
        while True:
            try:
                obj, end = dec.raw_decode(buf, pos)
                break
            except ValueError:
                if eof:
                    raise
                more()
        yield "file", obj
        pos = end
        if pos > (1 << 20):     # drop what was consumed, now and then (not per object: ~1 GB)
            buf = buf[pos:]
            pos = 0
    while not eof:
        more()
    rest = buf[pos + 1:].strip().lstrip(",")
    try:
        yield "rest", json.loads("{" + rest) if rest.strip() not in ("", "}") else {}
    except ValueError:
        yield "rest", {}


def check_output(dagport, dags, manifest, listed, timeout):
    """One untimed `dagport inspect --format json -j 2`, compared with what was generated."""
    problems = []
    codes = collections.Counter()
    found_dags = found_tasks = 0
    files_seen = 0
    mismatches = []
    error_diags = []
    expected = manifest.get("per_file", {})
    seen = set()
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen([dagport, "inspect", dags, "--format", "json", "-j", "2"],
                             stdout=subprocess.PIPE, stderr=err)
        killer = threading.Timer(timeout, p.kill)
        killer.start()
        try:
            for kind, obj in stream_json_files(p.stdout):
                if kind == "rest":
                    for d in obj.get("diagnostics", []):
                        codes[(d.get("code"), d.get("severity"))] += 1
                        if d.get("severity") == "error":
                            error_diags.append(d)
                    continue
                files_seen += 1
                rel = os.path.relpath(obj.get("path", ""), dags)
                seen.add(rel)
                got = {}
                for dag in obj.get("dags", []):
                    got[dag.get("dag_id")] = len(dag.get("tasks", []))
                found_dags += len(got)
                found_tasks += sum(got.values())
                for d in obj.get("diagnostics", []):
                    codes[(d.get("code"), d.get("severity"))] += 1
                    if d.get("severity") == "error":
                        error_diags.append(d)
                want = expected.get(rel, {} if rel.startswith("common" + os.sep) else None)
                if want is not None and got != want:
                    mismatches.append((rel, want, got))
        except ValueError as e:
            problems.append("could not read dagport's JSON: %s" % e)
        finally:
            try:
                p.stdout.close()
            except OSError:
                pass
            code = p.wait()
            killer.cancel()
        err.seek(0)
        err_tail = err.read()[-3000:].decode("utf-8", "replace").strip()
    if code not in (0, 1):
        problems.append("dagport exited with %s%s" % (
            "signal %d" % -code if code < 0 else "code %d" % code,
            (": " + err_tail.splitlines()[-1]) if err_tail else ""))
    for rel in sorted(set(expected) - seen):
        mismatches.append((rel, expected[rel], "not in the output"))
    return {"problems": problems, "codes": codes, "dags": found_dags, "tasks": found_tasks,
            "files": files_seen, "mismatches": mismatches, "errors": error_diags, "summary": err_tail.splitlines()[-1:] }


# ---- report ---------------------------------------------------------------------------------

def fmt_int(n):
    return "{:,}".format(int(round(n)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build_dir")
    ap.add_argument("--cache", help="generated folder (default: BUILD_DIR/../bench-dags)")
    ap.add_argument("--files", type=int, default=int(os.environ.get("DAGPORT_BENCH_FILES", 10000)))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=int(os.environ.get("DAGPORT_BENCH_RUNS", 3)))
    ap.add_argument("--timeout", type=float, default=float(os.environ.get("DAGPORT_BENCH_TIMEOUT", 600)),
                    help="seconds before a single run is killed")
    ap.add_argument("--no-check", action="store_true", help="skip the untimed output check")
    args = ap.parse_args()
    # dagport runs itself with a larger glibc tcache (cli/allocator_tuning.h); every row gets the
    # same allocator setting, so that the raw parse it is compared with is not slowed by glibc's
    # default. (dagport sees the setting and does not re-execute itself.)
    if "tcache_count" not in os.environ.get("GLIBC_TUNABLES", ""):
        extra = "glibc.malloc.tcache_count=10000"
        os.environ["GLIBC_TUNABLES"] = ":".join(filter(None, [os.environ.get("GLIBC_TUNABLES"), extra]))

    build = os.path.abspath(args.build_dir)
    dagport = os.path.join(build, "cli", "dagport")
    parse_bench = os.path.join(build, "bench", "dagport_parse_bench")
    default_cache = "bench-dags" if (args.files, args.seed) == (10000, 1) else "bench-dags-%d-s%d" % (args.files, args.seed)
    cache = os.path.abspath(args.cache or os.path.join(os.path.dirname(build), default_cache))
    if not os.access(dagport, os.X_OK):
        log("parser bench: skipped: %s not built (make build)" % dagport)
        return 0
    if not os.access(parse_bench, os.X_OK):
        subprocess.run(["cmake", "--build", build, "--target", "dagport_parse_bench"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    manifest = ensure_dags(cache, args.files, args.seed)
    dags = os.path.join(cache, "dags")
    files = list_files(dags)
    total = sum(os.path.getsize(f) for f in files)
    list_path = os.path.join(cache, "files.txt")
    with open(list_path, "w") as f:
        f.write("\n".join(files) + "\n")
    mb = total / 1e6
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    except OSError:
        pass
    runs = max(1, args.runs)
    time_bin = gnu_time()

    log("")
    shown = os.path.relpath(dags, ROOT) if dags.startswith(ROOT + os.sep) else dags
    log("== parser benchmark: %s files, %s bytes (%.1f MB) in %s ==" % (fmt_int(len(files)), fmt_int(total), mb, shown))
    log("   %s generated DAG files (+ common/ helpers; plugins/ beside): %s DAGs, %s tasks expected"
        % (fmt_int(manifest.get("files", 0)), fmt_int(manifest.get("dags", 0)), fmt_int(manifest.get("tasks", 0))))
    log("   machine: %d CPUs (%s), Python %s; best of %d runs each; peak RSS from %s" % (
        os.cpu_count() or 0, cpu, platform.python_version(), runs,
        "GNU time" if time_bin else "/proc VmHWM (no GNU time: apt-get install time)"))

    # 1. untimed check of dagport's output (also warms the page cache)
    check = None
    if not args.no_check:
        log("   checking dagport's output against the generated folder (untimed) ...")
        started = time.perf_counter()
        check = check_output(dagport, dags, manifest, files, args.timeout)
        check["seconds"] = time.perf_counter() - started

    # 2. the timed runs, in rounds (dagport -j 1, -j 2, raw parse 1 and 2 threads, ast.parse) so
    # that slow phases of a noisy machine hit every measurement alike; best of the rounds.
    results = {1: [], 2: []}
    crashes = []
    raw, raw_err, raw_runs = {}, {}, {1: [], 2: []}
    # tree-sitter out of the box (C library allocator, ts_tree_delete): context, not a goal
    stock, stock_runs = None, []
    ast_d, ast_line, ast_runs = None, "", []

    def keep_best(current, new):
        return new if current is None or float(new["seconds"]) < float(current["seconds"]) else current

    for r in range(runs):
        log("   round %d of %d ..." % (r + 1, runs))
        for j in (1, 2):
            if any(c[0] == j for c in crashes):
                continue        # crashed or hung once: not again (a hang costs the timeout)
            t = run_timed([dagport, "inspect", dags, "--format", "json", "-j", str(j)], args.timeout, time_bin)
            results[j].append(t)
            if t.code not in (0, 1):
                crashes.append((j, t))
        for j in (1, 2):
            if not os.access(parse_bench, os.X_OK):
                raw_err[j] = "dagport_parse_bench not built"
                continue
            d, line = run_tool([parse_bench, "-j", str(j), "-r", "1"], list_path, args.timeout)
            if d:
                raw[j] = keep_best(raw.get(j), d)
                raw_runs[j].append(float(d["seconds"]))
            else:
                raw_err[j] = line
        if os.access(parse_bench, os.X_OK):
            d, line = run_tool([parse_bench, "--stock", "-j", "1", "-r", "1"], list_path, args.timeout)
            if d:
                stock = keep_best(stock, d)
                stock_runs.append(float(d["seconds"]))
        d, line = run_tool([sys.executable, os.path.join(HERE, "ast_parse_bench.py"), "-r", "1"],
                           list_path, args.timeout)
        if d:
            ast_d = keep_best(ast_d, d)
            ast_runs.append(float(d["seconds"]))
        else:
            ast_line = line

    # ---- table
    def best(j):
        ok = [t for t in results[j] if t.code in (0, 1)]
        return min(ok, key=lambda t: t.wall) if ok else None

    rows = []
    b1, b2 = best(1), best(2)
    for j, b in ((1, b1), (2, b2)):
        peak = max((t.rss_kb for t in results[j]), default=0)
        if b:
            rows.append(("dagport inspect --format json -j %d" % j, b.wall, len(files) / b.wall, mb / b.wall,
                         b.cpu, "%.0f MB" % (peak / 1024.0)))
        else:
            rows.append(("dagport inspect --format json -j %d" % j, None, None, None, None, "failed"))
    for j, label in ((1, "raw tree-sitter parse, 1 thread"), (2, "raw tree-sitter parse, 2 threads *")):
        d = raw.get(j)
        rows.append((label, float(d["seconds"]), float(d["files_per_s"]), float(d["mb_per_s"]), None, "")
                    if d else (label, None, None, None, None, "n/a"))
    if stock:
        rows.append(("stock tree-sitter parse, 1 thread **", float(stock["seconds"]),
                     float(stock["files_per_s"]), float(stock["mb_per_s"]), None, ""))
    label = "Python %s ast.parse, 1 thread" % platform.python_version()
    rows.append((label, float(ast_d["seconds"]), float(ast_d["files_per_s"]), float(ast_d["mb_per_s"]), None, "")
                if ast_d else (label, None, None, None, None, "n/a"))

    log("")
    log("   %-40s %9s %9s %8s %8s %9s" % ("", "wall s", "files/s", "MB/s", "CPU s", "max RSS"))
    for name, wall, fps, mbs, cpu_s, rss in rows:
        if wall is None:
            log("   %-40s %9s %9s %8s %8s %9s" % (name, "-", "-", "-", "-", rss))
        else:
            log("   %-40s %9.2f %9s %8.2f %8s %9s" % (name, wall, fmt_int(fps), mbs,
                                                     "%.2f" % cpu_s if cpu_s is not None else "", rss))
    log("   * control for -j 2: the same parse work split over 2 threads")
    log("   ** tree-sitter as a library user runs it out of the box (the C library's allocator and")
    log("      ts_tree_delete, one parser per thread); the raw parse above is dagport's own, in an arena")
    log("   every run, wall s: dagport -j 1: %s; -j 2: %s; raw parse: %s; 2 threads: %s; stock: %s; ast.parse: %s" % (
        " ".join("%.1f" % t.wall for t in results[1]), " ".join("%.1f" % t.wall for t in results[2]),
        " ".join("%.1f" % x for x in raw_runs[1]), " ".join("%.1f" % x for x in raw_runs[2]),
        " ".join("%.1f" % x for x in stock_runs), " ".join("%.1f" % x for x in ast_runs)))
    for j, e in raw_err.items():
        log("   raw parse, %d thread(s): %s" % (j, e))
    if not ast_d:
        log("   ast.parse: %s" % ast_line)
    if raw.get(1) and int(raw[1].get("trees_with_errors", 0)):
        log("   note: tree-sitter found syntax errors in %s files" % raw[1]["trees_with_errors"])
    if ast_d and int(ast_d.get("failures", 0)):
        log("   note: ast.parse rejected %s files" % ast_d["failures"])

    # ---- ratios and goals
    log("")
    verdicts = []
    raw1 = float(raw[1]["seconds"]) if raw.get(1) else None
    raw2 = float(raw[2]["seconds"]) if raw.get(2) else None
    if b1 and raw1:
        over = b1.wall / raw1 - 1
        log("   analysis adds %.0f%% on top of the raw parse (dagport -j 1 %.2f s / raw parse %.2f s = %.2fx)"
            % (over * 100, b1.wall, raw1, b1.wall / raw1))
        verdicts.append(("analysis <= %d%% on top of the raw parse" % (GOAL_OVERHEAD * 100), "%.0f%%" % (over * 100), over <= GOAL_OVERHEAD))
        if stock:
            log("   for context, not the goal: dagport -j 1 takes %.2fx a stock tree-sitter parse (%.2f s),"
                " which dagport's own parse beats by %.0f%%"
                % (b1.wall / float(stock["seconds"]), float(stock["seconds"]),
                   (float(stock["seconds"]) / raw1 - 1) * 100))
    if b1 and b2:
        sp = b1.wall / b2.wall
        ctl = " (control: the raw parse on 2 threads is %.2fx as fast as on 1)" % (raw1 / raw2) if raw1 and raw2 else ""
        log("   -j 2 speed-up over -j 1: %.2fx%s" % (sp, ctl))
        verdicts.append(("-j 2 speed-up >= %.1fx" % GOAL_SCALING, "%.2fx" % sp, sp >= GOAL_SCALING))
    if b2 and ast_d:
        ratio = (mb / b2.wall) / float(ast_d["mb_per_s"])
        log("   dagport -j 2 throughput / ast.parse throughput: %.2fx (%.2f / %.2f MB/s)" % (ratio, mb / b2.wall, float(ast_d["mb_per_s"])))
        verdicts.append(("full analysis >= %.1fx ast.parse throughput" % GOAL_VS_AST, "%.2fx" % ratio, ratio >= GOAL_VS_AST))
    peaks = [t.rss_kb for j in (1, 2) for t in results[j]]
    if peaks:
        peak = max(peaks) / 1024.0
        scaled = peak if len(files) >= 10000 else None
        verdicts.append(("peak memory <= %d MB for 10,000 files" % GOAL_RSS_MB, "%.0f MB" % peak,
                         (peak <= GOAL_RSS_MB) if scaled is not None else None))
    log("")
    log("   goals (docs/performance.md):")
    for name, value, ok in verdicts:
        log("     %-46s %9s  %s" % (name, value, "met" if ok else "NOT met" if ok is not None else "n/a (fewer than 10,000 files)"))
    log("     (figures, not a test: `make bench` never fails on them)")

    # ---- problems
    if crashes:
        log("")
        for j, t in crashes[:4]:
            log("   PROBLEM: dagport -j %d exited with %s: %s" % (
                j, "signal %d" % -t.code if t.code < 0 else "code %d" % t.code, (t.err_tail.strip().splitlines() or [""])[-1]))
    if check:
        log("")
        exp_d, exp_t = manifest.get("dags", 0), manifest.get("tasks", 0)
        log("   output check (%.0f s): %s; %s files in the JSON, %s of %s DAGs, %s of %s tasks found%s" % (
            check["seconds"], (check["summary"] or ["no summary"])[0], fmt_int(check["files"]), fmt_int(check["dags"]), fmt_int(exp_d), fmt_int(check["tasks"]), fmt_int(exp_t),
            "" if check["dags"] == exp_d and check["tasks"] == exp_t and not check["mismatches"] else "  <- differs"))
        if check["codes"]:
            log("   diagnostics: " + ", ".join("%s %s x%d" % (c, s, n) for (c, s), n in sorted(check["codes"].items())))
        else:
            log("   diagnostics: none")
        for p in check["problems"]:
            log("   PROBLEM: " + p)
        for rel, want, got in check["mismatches"][:10]:
            log("   PROBLEM: %s: expected %s, dagport found %s" % (rel, want, got))
        if len(check["mismatches"]) > 10:
            log("   ... %d files differ in all" % len(check["mismatches"]))
        for d in check["errors"][:10]:
            log("   PROBLEM: %s:%s: %s %s" % (d.get("file"), d.get("line"), d.get("code"), d.get("message")))
    log("")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        raise
    except Exception as e:  # a benchmark never fails the build
        print("parser bench: failed: %s: %s" % (type(e).__name__, e), flush=True)
        sys.exit(0)
