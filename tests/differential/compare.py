"""compare.py DAGPORT CASES: every DAG file under CASES, analysed by `dagport inspect` and run by
Python with the stand-in Airflow 1.10 (stand_in_dagbag.py), must give the same DAGs, tasks
(id and operator class name) and edges. Prints each difference; exits 1 when there is one.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def dagport_graphs(dagport, cases):
    p = subprocess.run([dagport, "inspect", cases, "--format", "json", "--fail-on", "never"],
                       capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        sys.exit("dagport inspect failed (%d): %s" % (p.returncode, p.stderr[-2000:]))
    out = {}
    for f in json.loads(p.stdout)["files"]:
        tasks, edges = set(), set()
        for dag in f["dags"]:
            for t in dag["tasks"]:
                tasks.add((dag["dag_id"], t["task_id"], t["operator"].split(".")[-1]))
            for e in dag["edges"]:
                edges.add((dag["dag_id"], e["from"], e["to"]))
        out[os.path.realpath(f["path"])] = (tasks, edges)
    return out


def python_graphs(path):
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
    p = subprocess.run([sys.executable, os.path.join(HERE, "stand_in_dagbag.py"), path],
                       capture_output=True, text=True, timeout=60, env=env,
                       cwd=os.path.dirname(path))
    lines = p.stdout.strip().splitlines()
    if not lines:
        sys.exit("the stand-in failed on %s: %s" % (path, p.stderr[-2000:]))
    truth = json.loads(lines[-1])
    tasks = {(d["dag_id"], t, c) for d in truth["dags"] for t, c in d["tasks"]}
    edges = {(d["dag_id"], a, b) for d in truth["dags"] for a, b in d["edges"]}
    return tasks, edges, truth["error"]


def main():
    dagport, cases = sys.argv[1], os.path.realpath(sys.argv[2])
    ours = dagport_graphs(dagport, cases)
    files = sorted(os.path.join(root, f) for root, _, names in os.walk(cases)
                   for f in names if f.endswith(".py"))
    failed = 0
    for path in files:
        tasks, edges, error = python_graphs(path)
        our_tasks, our_edges = ours.get(os.path.realpath(path), (set(), set()))
        if tasks == our_tasks and edges == our_edges:
            continue
        failed += 1
        print("%s differs (Python: %s)" % (os.path.relpath(path, cases), error or "loaded"))
        for what, a, b in (("tasks", tasks, our_tasks), ("edges", edges, our_edges)):
            if a - b:
                print("  %s only Python has: %s" % (what, sorted(a - b)))
            if b - a:
                print("  %s only dagport has: %s" % (what, sorted(b - a)))
    print("%d of %d files as Python runs them" % (len(files) - failed, len(files)))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
