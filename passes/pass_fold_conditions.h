/// \file
/// fold-conditions: job `if:` conditions (gha-semantics §3.1, §5.7, §8 #9-11).
///
/// The plan seed already holds GitHub's rewrite (`success() && (...)` unless
/// a status function is called; ir/condition.h). This pass folds
/// it under the known contexts (const_eval.h): closed parts become constants,
/// `true &&` and `false ||` drop out, and a condition whose truth is decided
/// replaces it (`github.event_name == 'push' && success()` on a known
/// pull_request is `false`). Status functions are never folded away.
///
/// A job can never run when its condition is always false, or when it depends
/// (transitively) on a job that can never run and its condition is false once
/// success() is false — a skipped ancestor makes success() false, so the
/// implicit `success()` keeps the whole chain skipped (§8 #9) while `always()`
/// or `!cancelled()` run. Members of a call that can never run never run.
/// Each such job gets a `never-runs` warning and `neverRuns` in the plan.
#pragma once

#include "passes/compile_unit.h"

namespace passes {

class FoldConditionsPass : public CompilePass {
public:
  llvm::StringRef name() const override { return "fold-conditions"; }
  PreservedAnalyses run(CompileUnit &unit, CompileAnalysisManager &am) override;
};

} // namespace passes
