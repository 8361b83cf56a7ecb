#!/usr/bin/env bash
# Expression throughput, C++ vs GitHub's @actions/expressions, on every ${{ }} expression
# of the real corpus. Usage: scripts/bench-expr.sh [BUILD_DIR] [PAIRS] [REPETITIONS]
# Runs PAIRS back-to-back pairs (C++: bench_expr_bench with REPETITIONS repetitions;
# Node: bench/expr-node/bench.mjs with REPETITIONS rounds), so that both sides of a pair
# see the same machine load, and prints the median over pairs of each side's median and
# of the per-pair ratio. Both sides measure CPU time. Needs a Release build with
# benchmarks and Node/npm (`npm ci` runs in bench/expr-node/ when needed).
set -euo pipefail
build=${1:-build}
pairs=${2:-5}
reps=${3:-7}
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$build" && pwd)"
data="$build/bench-data"
"$build/bin/bench_expr_bench" --dump="$data"
(cd "$root/bench/expr-node" && { [ -d node_modules/@actions/expressions ] || npm ci --no-audit --no-fund --silent; })
for p in $(seq 1 "$pairs"); do
  "$build/bin/bench_expr_bench" --benchmark_filter='BM_(Parse|Evaluate|ParseAndEvaluate)$' \
    --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
    --benchmark_format=json --benchmark_out="$data/cpp-$p.json" --benchmark_out_format=json >/dev/null
  (cd "$root/bench/expr-node" && node --import ./register.mjs bench.mjs "$data/expressions.json" contexts.json "$reps") \
    > "$data/node-$p.json"
done
python3 - "$data" "$pairs" <<'PY'
import json, statistics, sys
data, pairs = sys.argv[1], int(sys.argv[2])
rows = [("parse", "BM_Parse", "parse"), ("evaluate", "BM_Evaluate", "evaluate"),
        ("parse + evaluate", "BM_ParseAndEvaluate", "parseAndEvaluate")]
cpp, node, ratio = {r[0]: [] for r in rows}, {r[0]: [] for r in rows}, {r[0]: [] for r in rows}
for p in range(1, pairs + 1):
    c = json.load(open(f"{data}/cpp-{p}.json"))
    n = json.load(open(f"{data}/node-{p}.json"))
    med = {b["run_name"].split("/")[0]: b["items_per_second"] for b in c["benchmarks"]
           if b.get("aggregate_name") == "median"}
    for label, cb, nb in rows:
        cpp[label].append(med[cb]); node[label].append(n["median"][nb])
        ratio[label].append(med[cb] / n["median"][nb])
print(f"{n['expressions']} expressions; {pairs} pairs of runs, medians (expressions/s, CPU time)")
print(f"{'':18} {'C++':>12} {'@actions/expressions':>22} {'ratio':>7}   ratio range")
for label, _, _ in rows:
    print(f"{label:18} {statistics.median(cpp[label]):12,.0f} {statistics.median(node[label]):22,.0f} "
          f"{statistics.median(ratio[label]):6.1f}x   {min(ratio[label]):.1f}x-{max(ratio[label]):.1f}x")
PY
