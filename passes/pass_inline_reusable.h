/// \file
/// inline-reusable: expands each reusable-workflow call (gha-semantics §7)
/// into the jobs of the called workflow.
///
/// * `uses: ./.github/workflows/x.yml` is read from the repository root
///   (`--repo-root`, by default the repository holding the root file);
///   `owner/repo/path@ref` from `--workflow-cache DIR` (as
///   `DIR/owner/repo@ref/path`), else it stays symbolic (a call node without
///   members, note `reusable-symbolic`).
/// * The call's `with` and `secrets` are checked against the callee's
///   `on.workflow_call` (undefined, required, wrongly typed), and the call node
///   records every input (given, defaulted, or false/0/'' by type), the
///   secrets (or `secrets: inherit`) and the callee's outputs, which read
///   `jobs.<callee job>.outputs`.
/// * Members get plan ids `<call>/<job>`, `call` = the call node, needs
///   mapped into the same prefix; their display names read
///   `<caller> / <callee>` (and `<caller> / <callee> (<values>)` for legs).
/// * A caller-side matrix known at compile time becomes one call node per
///   leg (`<call>.<configId>`, each with its own members); jobs that need the
///   call need every leg.
/// * Limits: nesting depth 10 (the root is level 1), 50 unique reusable
///   workflows, workflows calling each other in a cycle; each an error at the
///   `uses:` that crosses it.
#pragma once

#include "passes/compile_unit.h"

namespace passes {

class InlineReusablePass : public CompilePass {
public:
  llvm::StringRef name() const override { return "inline-reusable"; }
  PreservedAnalyses run(CompileUnit &unit, CompileAnalysisManager &am) override;
};

} // namespace passes
