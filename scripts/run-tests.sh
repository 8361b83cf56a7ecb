#!/usr/bin/env bash
# Runs every test of a build directory with ctest, printing output of failures.
set -euo pipefail
build=${1:-build}; shift || true
cd "$build"
ctest --output-on-failure -j "$(nproc)" "$@"
