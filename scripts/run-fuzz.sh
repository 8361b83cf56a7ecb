#!/usr/bin/env bash
# Runs every libFuzzer target under fuzz/ for a time budget, starting from its seed
# corpus (fuzz/corpus/<target>/ and the files matched by fuzz/<target>.seeds, when present). Usage: scripts/run-fuzz.sh BUILD_DIR [SECONDS]
# New inputs go to fuzz/corpus-<target>/ (git-ignored); crashes to BUILD_DIR/fuzz-artifacts/.
# Exits non-zero when a target finds a crash, leak or timeout.
set -euo pipefail
build=${1:-build-fuzz}
seconds=${2:-60}
root="$(cd "$(dirname "$0")/.." && pwd)"
artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"
status=0
for src in "$root"/fuzz/*.cpp; do
  name=$(basename "$src" .cpp)
  bin="$build/bin/$name"
  if [ ! -x "$bin" ]; then
    echo "run-fuzz: $bin is missing (build with 'make fuzz')" >&2
    status=1
    continue
  fi
  work="$root/fuzz/corpus-$name"
  mkdir -p "$work"
  seeds=()
  [ -d "$root/fuzz/corpus/$name" ] && seeds+=("$root/fuzz/corpus/$name")
  # fuzz/<target>.seeds: glob patterns of more seed files (relative to the repo root),
  # copied flat into BUILD_DIR/seeds-<target>/ (libFuzzer does not recurse).
  if [ -f "$root/fuzz/$name.seeds" ]; then
    flat="$build/seeds-$name"
    rm -rf "$flat" && mkdir -p "$flat"
    i=0
    while read -r pattern; do
      [ -n "$pattern" ] || continue
      for f in $root/$pattern; do
        [ -f "$f" ] && cp "$f" "$flat/$i-$(basename "$f")" && i=$((i + 1))
      done
    done <"$root/fuzz/$name.seeds"
    seeds+=("$flat")
  fi
  echo "run-fuzz: $name for ${seconds}s"
  if ! "$bin" "$work" "${seeds[@]}" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/$name-" \
      >"$build/fuzz-$name.log" 2>&1; then
    echo "run-fuzz: $name FAILED; see $build/fuzz-$name.log and $artifacts/" >&2
    tail -40 "$build/fuzz-$name.log" >&2
    status=1
  else
    grep -E '^stat::(number_of_executed_units|peak_rss_mb)|^Done' "$build/fuzz-$name.log" || true
  fi
done
exit $status
