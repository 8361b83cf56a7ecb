#!/usr/bin/env bash
# `make demo`: compiles the example workflows, writes their IR JSON and an SVG
# of each job graph into <build>/demo/, and says where they are.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
compile="$root/$build/bin/ci-compile"
out="$root/$build/demo"
mkdir -p "$out"

for wf in "$root"/examples/.github/workflows/*.yml; do
  name=$(basename "$wf" .yml)
  "$compile" "$wf" --emit=ir -o "$out/$name.ir.json"
  "$compile" "$wf" --emit=svg -o "$out/$name.svg"
  jobs=$(grep -c '"kind": "normal"\|"kind": "reusable-call"' "$out/$name.ir.json" || true)
  echo "compiled examples/.github/workflows/$name.yml ($jobs jobs)"
done
for action in "$root"/examples/.github/actions/*/action.yml; do
  name=$(basename "$(dirname "$action")")
  "$compile" "$action" -o "$out/action-$name.ir.json"
  echo "compiled examples/.github/actions/$name/action.yml"
done
# GitHub's own view of the nightly workflow, with its local reusable workflow.
"$compile" "$root/examples/.github/workflows/nightly.yml" --emit=github-template \
  --workflow-file="./.github/workflows/notify.yml=$root/examples/.github/workflows/notify.yml" \
  -o "$out/nightly.github-template.json"

echo
echo "IR JSON:        $out/*.ir.json"
echo "job graphs:     $out/*.svg"
echo "GitHub template: $out/nightly.github-template.json"

# Run the CI workflow end to end: progress, summary table, step logs, HTML report.
exec_bin="$root/$build/bin/ci-exec"
store="$out/run/state.db"
rm -rf "$out/run"
mkdir -p "$out/run"
provider=local
# The examples as a repository of their own (jobs check it out; ./.github/actions/greet
# is relative to it).
repo="$out/repo"
rm -rf "$repo"
cp -r "$root/examples" "$repo"
(cd "$repo" && git init -q && git add -A &&
  git -c user.name=demo -c user.email=demo@localhost commit -qm "ci-toolchain examples")
echo
echo "ci-exec run examples/.github/workflows/ci.yml --provider $provider --event workflow_dispatch"
status=0
(cd "$repo" && "$exec_bin" run .github/workflows/ci.yml --provider "$provider" \
  --event workflow_dispatch --input environment=staging --store "$store") || status=$?
echo "(exit status $status: 0 when the run succeeded, 1 when a job failed)"
"$exec_bin" report 1 --store "$store" -o "$out/report.html"
echo
echo "step logs:      $exec_bin logs 1 --store $store"
echo "HTML report:    $out/report.html"
