#!/usr/bin/env bash
# Runs every benchmark binary of a build directory (build/bin/bench_*) and any
# side-by-side comparison script under bench/*/run.sh; figures go to stdout.
set -euo pipefail
build=${1:-build}
status=0
for b in "$build"/bin/bench_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b" || status=1
done
for s in bench/*/run.sh; do
  [ -x "$s" ] || continue
  echo "== $s"
  "$s" "$build" || status=1
done
exit $status
