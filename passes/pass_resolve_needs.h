/// \file
/// resolve-needs: checks `jobs.<id>.needs` beyond what lowering does (unknown
/// ids and "no job without needs" are reported there) and writes the needs
/// into the plan as plan ids.
///
/// * a job that needs itself: `needs-self`;
/// * an id listed twice (ids compare case-insensitively): `needs-duplicate`;
/// * `needs: [Build]` resolves to job `build` (GitHub's service matches
///   case-insensitively);
/// * a cycle is reported once, as the whole path starting at the earliest job
///   in the file: `a -> b -> c -> a` (`needs-cycle`); independent cycles are
///   reported one each.
///
/// Then it builds the job-graph analysis (passes/job_graph_analysis.h) and
/// records levels and the critical path in the plan.
#pragma once

#include "passes/compile_unit.h"

namespace passes {

/// The checked needs of one workflow file: for each job (index in wf.jobs)
/// the indices of the jobs it needs, in order, without unknown ids,
/// self-references and duplicates.
struct WorkflowNeeds {
  std::vector<std::vector<uint32_t>> needs;
  bool cyclic = false;
};

/// Checks the needs of `wf` and reports what is wrong to `diags`.
WorkflowNeeds resolveWorkflowNeeds(const ir::Workflow &wf, ir::DiagnosticEngine &diags);

class ResolveNeedsPass : public CompilePass {
public:
  llvm::StringRef name() const override { return "resolve-needs"; }
  PreservedAnalyses run(CompileUnit &unit, CompileAnalysisManager &am) override;
};

} // namespace passes
