/// \file
/// resolve-concurrency: workflow- and job-level `concurrency` (gha-semantics §4).
///
/// * The group is evaluated under the known contexts: a constant group is
///   resolved (it must not be empty nor longer than 400 characters), any other
///   stays a template the runtime evaluates (per leg for matrix jobs, whose
///   groups may read `matrix`). Groups compare case-insensitively.
/// * `cancel-in-progress` is a boolean constant or an expression; a constant
///   that is not a boolean is an error.
/// * `queue` is `single` (the default) or `max`; `queue: max` with
///   `cancel-in-progress: true` is an error.
/// * A job whose constant group equals its own workflow's group (compared
///   case-insensitively) waits for the run it belongs to: a warning.
#pragma once

#include "passes/compile_unit.h"

namespace passes {

/// A concurrency block as a plan value; errors go to `diags`.
ir::PlanConcurrency resolveConcurrency(const ir::Concurrency &c, const KnownContexts &known,
                                       ir::DiagnosticEngine &diags);

class ResolveConcurrencyPass : public CompilePass {
public:
  llvm::StringRef name() const override { return "resolve-concurrency"; }
  PreservedAnalyses run(CompileUnit &unit, CompileAnalysisManager &am) override;
};

} // namespace passes
