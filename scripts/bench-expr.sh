#!/usr/bin/env bash
# Expression throughput, C++ vs GitHub's @actions/expressions, on every ${{ }} expression
# of the real corpus. Usage: scripts/bench-expr.sh [BUILD_DIR] [REPETITIONS]
# Needs a Release build with benchmarks (bench_expr_bench) and Node/npm; installs the
# Node package with `npm ci` in bench/expr-node/. Prints both medians and the ratio.
set -euo pipefail
build=${1:-build}
reps=${2:-7}
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$build" && pwd)"
data="$build/bench-data"
"$build/bin/bench_expr_bench" --dump="$data"
(cd "$root/bench/expr-node" && { [ -d node_modules/@actions/expressions ] || npm ci --no-audit --no-fund --silent; })
"$build/bin/bench_expr_bench" --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
  --benchmark_format=json --benchmark_out="$data/cpp.json" --benchmark_out_format=json >/dev/null
(cd "$root/bench/expr-node" && node --import ./register.mjs bench.mjs "$data/expressions.json" contexts.json "$reps") \
  > "$data/node.json"
python3 - "$data/cpp.json" "$data/node.json" <<'PY'
import json, sys
cpp = json.load(open(sys.argv[1]))
node = json.loads(open(sys.argv[2]).read())
med = {b["run_name"].split("/")[0]: b["items_per_second"] for b in cpp["benchmarks"]
       if b.get("aggregate_name") == "median"}
rows = [("parse", "BM_Parse", "parse"), ("evaluate", "BM_Evaluate", "evaluate"),
        ("parse + evaluate", "BM_ParseAndEvaluate", "parseAndEvaluate")]
print(f"{node['expressions']} expressions; medians of {node['rounds']} rounds (expressions/s)")
print(f"{'':18} {'C++':>14} {'@actions/expressions':>22} {'ratio':>8}")
for label, c, n in rows:
    cv, nv = med[c], node["median"][n]
    print(f"{label:18} {cv:14,.0f} {nv:22,.0f} {cv / nv:7.1f}x")
PY
