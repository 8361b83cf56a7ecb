/// \file
/// The unit the compile pipeline works on: the root workflow, the reusable
/// workflows it calls (loaded on demand), the options of the run and the
/// `ir::Plan` under construction.
///
/// The IR itself stays as lowered; passes write their results into the plan.
/// A new unit holds a plan *seed*: one PlanJob per job of the root workflow in
/// file order with its id, display name, source job, GitHub's rewritten `if`,
/// continue-on-error, timeout and outputs. The passes then fill in the rest:
///
///   resolve-needs          needs (checked, case-resolved), levels, critical path
///   inline-reusable        call nodes' inputs/secrets/outputs, member jobs
///   expand-matrix          strategy, instances (legs) in GitHub's order
///   resolve-concurrency    workflow and job concurrency
///   fold-conditions        folded `if`, jobs that can never run
///   type-check-expressions diagnostics only
///
/// Jobs are looked up by plan id through an index (`findJob`), rebuilt by
/// `reindex()` after a pass adds or removes jobs.
#pragma once

#include "ir/diagnostic.h"
#include "ir/plan.h"
#include "ir/source_manager.h"
#include "passes/const_eval.h"
#include "passes/pass_manager.h"
#include "passes/reusable_workflow.h"

#include "llvm/ADT/StringMap.h"

#include <string>

namespace passes {

struct CompileOptions {
  /// --repo-root: where `./.github/workflows/x.yml` calls are read; "" = the
  /// repository containing the root file (repositoryRootOf).
  std::string repoRoot;
  /// --workflow-cache DIR: remote calls are read from DIR/owner/repo@ref/path.
  std::string workflowCache;
  /// --durations: minutes per job, keyed by plan id or job id (lower case).
  llvm::StringMap<double> durations;
  /// --contexts: what is known at compile time (github, vars, inputs, ...).
  KnownContexts contexts;
  frontend::LowerOptions lower;
  /// Reusable workflows supplied by reference (`--workflow-file REF=FILE`):
  /// (the text after `uses:`, the file's content).
  std::vector<std::pair<std::string, std::string>> workflowFiles;
  unsigned maxNestingDepth = 10;     ///< gha-semantics §6: top caller + 9
  unsigned maxReusableWorkflows = 50; ///< unique reusable workflows per run
  size_t maxJobs = 100000;           ///< jobs the plan may grow to by inlining calls
  int64_t opBudget = 3000;           ///< for the operation-budget pass
};

class CompileUnit {
public:
  /// A unit for the already lowered `root`; seeds the plan from it.
  CompileUnit(ir::SourceManager &sm, ir::DiagnosticEngine &diags, ir::Workflow root,
              CompileOptions opts = {});
  CompileUnit(const CompileUnit &) = delete;
  CompileUnit &operator=(const CompileUnit &) = delete;

  ir::SourceManager &sm;
  ir::DiagnosticEngine &diags;
  CompileOptions options;
  ir::Workflow root;
  WorkflowLoader loader;
  ir::Plan plan;

  ir::PlanWorkflow &workflow() { return plan.workflows.front(); }
  const ir::PlanWorkflow &workflow() const { return plan.workflows.front(); }

  /// The plan job with id `id` (case-insensitive), or null.
  ir::PlanJob *findJob(llvm::StringRef id);
  /// Index of a plan job, or -1.
  int64_t indexOf(llvm::StringRef id) const;
  /// Rebuilds the id index after jobs were added, removed or reordered.
  void reindex();

  /// The contexts known for the expressions of `job`: the run's known contexts
  /// plus, for members of reusable calls, the call's constant inputs.
  KnownContexts knownFor(const ir::PlanJob &job) const;
  /// The call node of a member (null for root jobs).
  const ir::PlanJob *callOf(const ir::PlanJob &job) const;

private:
  void seedPlan();
  llvm::StringMap<uint32_t> index_;
};

/// A plan job as the plan seed makes it from an IR job: id, local id, name,
/// source, GitHub's rewritten `if`, continue-on-error, timeout, outputs, uses.
ir::PlanJob seedJob(const ir::Job &job, const ir::Workflow &wf, const KnownContexts &known);

/// The contexts known inside a reusable call's callee: github and vars of the
/// run, and `inputs` from the call node's constant inputs (complete when all
/// of them are constant).
KnownContexts knownForCallee(const CompileOptions &opts, const ir::PlanJob &call);

/// The workflow id the plan uses for a file: its base name without extension,
/// reduced to [A-Za-z0-9_-] and at most 40 characters.
std::string planWorkflowId(llvm::StringRef path);

using CompileAnalysisManager = AnalysisManager<CompileUnit>;
using CompilePass = Pass<CompileUnit>;
using CompilePassManager = PassManager<CompileUnit>;

} // namespace passes
