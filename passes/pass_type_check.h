/// \file
/// type-check-expressions: runs the static expression checks
/// (passes/expr_typecheck.h) over every template of the root workflow and of
/// each called workflow, with the contexts available at that key (the schema
/// definition's list, frontend/context_availability.h) and their types:
///
/// * `matrix`: the keys of the job's matrix (vectors and include keys) with
///   the types of their values; for an expanded matrix the union over the legs;
///   `null` without a matrix; `any` when the matrix is only known at run time;
/// * `needs`: the jobs in the job's `needs`, with their declared outputs (a
///   call job's outputs are its callee's `workflow_call` outputs);
/// * `steps`: the ids of the steps before the current one;
/// * `inputs`: what `workflow_dispatch` and `workflow_call` declare, typed;
/// * `jobs` (workflow_call outputs): the workflow's jobs and their outputs.
///
/// Each finding is a diagnostic at the offending token in the file. A
/// property, need or step id that does not exist is a warning here (GitHub
/// runs the workflow; the value is null), whatever the kind's default.
#pragma once

#include "passes/compile_unit.h"

namespace passes {

/// Type-checks every expression of `wf`; `calleeOutputs` gives the outputs a
/// reusable call job provides (null: unknown).
void typeCheckWorkflow(const ir::Workflow &wf, const ir::SourceManager &sm,
                       ir::DiagnosticEngine &diags,
                       const std::function<const std::vector<std::string> *(const ir::Job &)> &calleeOutputs);

class TypeCheckPass : public CompilePass {
public:
  llvm::StringRef name() const override { return "type-check-expressions"; }
  PreservedAnalyses run(CompileUnit &unit, CompileAnalysisManager &am) override;
};

} // namespace passes
