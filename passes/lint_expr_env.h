/// \file
/// Types of the workflow-dependent contexts, for the expression rules and the
/// language server: `inputs` from the workflow_dispatch/workflow_call inputs,
/// `matrix` from the job's strategy (rows and `include`), `needs` from the
/// needed jobs' outputs (a local reusable workflow's declared outputs),
/// `github.event.inputs` from workflow_dispatch inputs (strings),
/// `steps` from the ids of earlier steps (with the outputs of local and
/// popular actions), `jobs` for workflow_call outputs, `secrets` of a
/// reusable workflow and `vars` from the config's `config-variables`.
///
/// `envFor` gives the TypeEnv of one key: the contexts of its schema
/// definition (frontend/context_availability.h) with these types.
#pragma once

#include "passes/lint_ir.h"

#include "ir/expr_types.h"
#include "ir/workflow.h"

#include <string>

namespace passes {

/// Where an expression sits: the schema definition of its key, and the job
/// and step it belongs to (null at workflow level / outside steps).
struct ExprSite {
  llvm::StringRef definition;
  const ir::Job *job = nullptr;
  /// Steps before the current one are visible in `steps`; with `allSteps`
  /// (job outputs) every step of the job is.
  const ir::Step *step = nullptr;
  bool allSteps = false;
};

/// The type of a matrix value as written (strings with `${{` are `any`).
ir::TypeRef tokenType(const ir::TemplateToken &t);

class WorkflowTypes {
public:
  WorkflowTypes(const LintContext &ctx, const ir::Workflow &wf);

  ir::TypeEnv envFor(const ExprSite &site) const;

  ir::TypeRef inputs() const { return inputs_; }
  ir::TypeRef matrixOf(const ir::Job &job) const;
  ir::TypeRef needsOf(const ir::Job &job) const;
  ir::TypeRef outputsOfStep(const ir::Step &step) const;
  ir::TypeRef stepsBefore(const ir::Job &job, const ir::Step *step, bool all) const;

private:
  const LintContext &ctx_;
  const ir::Workflow &wf_;
  ir::TypeRef inputs_, secrets_, vars_, jobs_;
  ir::TypeRef github_; ///< null: the default github context (untyped event)
};

} // namespace passes
