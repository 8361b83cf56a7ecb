#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzz build for SECONDS each (default 60):
#   scripts/run-fuzz.sh BUILD_DIR [SECONDS]
# Each target fuzz/<name>.cpp runs as BUILD_DIR/bin/<name> on a working corpus
# fuzz/corpus-<name>/ (git-ignored), seeded from fuzz/seeds/<name>/ when present.
# Crash inputs are written to fuzz/crash-<name>-* and the script fails.
set -euo pipefail
build=${1:?usage: scripts/run-fuzz.sh BUILD_DIR [SECONDS]}
seconds=${2:-60}
root="$(cd "$(dirname "$0")/.." && pwd)"
status=0
for src in "$root"/fuzz/*.cpp; do
  name=$(basename "$src" .cpp)
  bin="$build/bin/$name"
  if [ ! -x "$bin" ]; then
    echo "run-fuzz: $bin is missing; build with 'make fuzz'" >&2
    status=1
    continue
  fi
  corpus="$root/fuzz/corpus-$name"
  mkdir -p "$corpus"
  seeds=()
  [ -d "$root/fuzz/seeds/$name" ] && seeds=("$root/fuzz/seeds/$name")
  echo "run-fuzz: $name for ${seconds}s"
  if ! "$bin" "$corpus" "${seeds[@]}" -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix="$root/fuzz/crash-$name-" -rss_limit_mb=4096; then
    echo "run-fuzz: $name found a problem (see fuzz/crash-$name-*)" >&2
    status=1
  fi
done
exit $status
