#!/usr/bin/env python3
"""Orchestration cost of ci-exec on generated workflows, and AWS's local durable runner.

For N jobs in a fan-out (N independent jobs) and a chain (each job needs the previous
one), runs `ci-exec run --provider sim --virtual-time` on a fresh durable store and
reports the wall and CPU time of the whole process (compile, orchestration, every
durable write), the journal operations and bytes per job, and the database size.
Every job gets a distinct seeded duration, so in the fan-out every completion is a
separate wake (one transaction each), as in the comparison below.

Then installs this folder's Node packages with `npm ci` and runs fanout.mjs: the same
fan-out loop on @aws/durable-execution-sdk-js-testing, which replays the whole history
on every wake.

usage: bench/runtime/run.py [--bin build/bin] [--sizes 100,500,10000] [--aws-sizes 50,100,200,500]
                            [--no-aws]
"""
import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def workflow(kind, n):
    lines = ["name: bench", "on: push", "jobs:"]
    for i in range(n):
        lines.append(f"  j{i}:")
        if kind == "chain" and i:
            lines.append(f"    needs: j{i - 1}")
        lines.append("    runs-on: ubuntu-latest")
        lines.append("    steps: [{run: 'true'}]")
    return "\n".join(lines) + "\n"


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_ci_exec(binary, kind, n, work):
    repo = os.path.join(work, f"{kind}{n}")
    os.makedirs(os.path.join(repo, ".git"))
    os.makedirs(os.path.join(repo, ".github", "workflows"))
    with open(os.path.join(repo, ".github", "workflows", "ci.yml"), "w") as f:
        f.write(workflow(kind, n))
    with open(os.path.join(repo, "scenario.json"), "w") as f:
        json.dump({"seed": 7, "default": {"conclusion": "success", "duration_ms": [1, 10_000_000]}}, f)
    store = os.path.join(repo, "state.db")
    cmd = [binary, "run", ".", "--provider", "sim", "--scenario", "scenario.json", "--virtual-time",
           "--op-budget", str(10 * n + 100), "--store", store, "--json"]
    cpu0, t0 = child_cpu(), time.perf_counter()
    p = subprocess.run(cmd, cwd=repo, capture_output=True, text=True,
                       env=dict(os.environ, CI_EXEC_STATS="1"))
    wall, cpu = time.perf_counter() - t0, child_cpu() - cpu0
    doc = json.loads(p.stdout)
    assert doc["conclusion"] == "success" and len(doc["jobs"]) == n, p.stderr
    db = sqlite3.connect(store)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ops, payload = db.execute(
        "SELECT count(*), sum(length(op_id) + length(type) + length(name) + length(status) + "
        "coalesce(length(result), 0) + coalesce(length(error), 0) + coalesce(length(detail), 0)) "
        "FROM operations").fetchone()
    db.close()
    size = os.path.getsize(store)
    stats = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ""
    return {"kind": kind, "n": n, "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
            "cpu_us_per_job": round(cpu / n * 1e6), "journal_ops": ops,
            "journal_bytes_per_job": round(payload / n), "db_bytes_per_job": round(size / n),
            "engine": stats}


def run_aws(sizes):
    npm = shutil.which("npm")
    if not npm:
        return [{"error": "npm not found"}]
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, check=True)
    out = []
    for n in sizes:
        p = subprocess.run(["node", os.path.join(HERE, "fanout.mjs"), str(n)], cwd=HERE,
                           capture_output=True, text=True)
        rows = [json.loads(line) for line in p.stdout.splitlines() if line.startswith("{")]
        out += rows or [{"n": n, "error": p.stderr[-500:]}]
        print(json.dumps(out[-1]), flush=True)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "..", "build", "bin"))
    ap.add_argument("--sizes", default="100,500,10000")
    ap.add_argument("--aws-sizes", default="50,100,200,500")
    ap.add_argument("--no-aws", action="store_true")
    args = ap.parse_args()
    binary = os.path.abspath(os.path.join(args.bin, "ci-exec"))
    work = tempfile.mkdtemp(prefix="ci-exec-bench-")
    try:
        for kind in ("fanout", "chain"):
            for n in [int(x) for x in args.sizes.split(",")]:
                print(json.dumps(run_ci_exec(binary, kind, n, work)), flush=True)
    finally:
        shutil.rmtree(work)
    if not args.no_aws:
        run_aws([int(x) for x in args.aws_sizes.split(",")])


if __name__ == "__main__":
    sys.exit(main())
