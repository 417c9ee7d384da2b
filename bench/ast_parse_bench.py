#!/usr/bin/env python3
"""CPython's own parser on a set of files: the peer `dagport inspect` is compared with.

    bench/ast_parse_bench.py [-r REPEAT] [PATH...]     (no PATH: paths on stdin, one per line)

Reads every file into memory first (as bytes, like the DAG files on disk), then times only
`ast.parse` of each, REPEAT times, and reports the best. The cyclic garbage collector is off
while timing, as `timeit` does (the trees are freed by reference counting as each parse
finishes). Prints one human line and one `key=value` line for scripts. MB = 10^6 bytes.
"""
import argparse
import ast
import gc
import os
import platform
import sys
import time


def collect(paths):
    out = []
    for p in paths:
        if os.path.isdir(p):
            found = []
            for root, _dirs, files in os.walk(p, followlinks=True):
                found.extend(os.path.join(root, f) for f in files if f.endswith(".py"))
            out.extend(sorted(found))
        else:
            out.append(p)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-r", "--repeat", type=int, default=3)
    ap.add_argument("paths", nargs="*")
    args = ap.parse_args()
    paths = collect(args.paths) if args.paths else [l.rstrip("\n") for l in sys.stdin if l.strip()]
    if not paths:
        print("ast_parse_bench: no files", file=sys.stderr)
        return 2
    sources = []
    for p in paths:
        with open(p, "rb") as f:
            sources.append(f.read())
    total = sum(len(s) for s in sources)

    best = None
    failures = 0
    for _ in range(max(1, args.repeat)):
        failures = 0
        gc.collect()
        gc.disable()
        start = time.perf_counter()
        for s in sources:
            try:
                ast.parse(s)
            except (SyntaxError, ValueError):
                failures += 1
        seconds = time.perf_counter() - start
        gc.enable()
        best = seconds if best is None else min(best, seconds)

    mb = total / 1e6
    print("Python %s ast.parse: %d files, %.1f MB, best of %d: %.3f s, %.0f files/s, %.2f MB/s%s" % (
        platform.python_version(), len(sources), mb, args.repeat, best, len(sources) / best, mb / best,
        " (%d files failed to parse)" % failures if failures else ""))
    print("files=%d bytes=%d repeat=%d seconds=%.6f files_per_s=%.3f mb_per_s=%.4f failures=%d python=%s" % (
        len(sources), total, args.repeat, best, len(sources) / best, mb / best, failures,
        platform.python_version()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
