// The operation-budget pass: durable operations per Lambda execution, and partitions that keep each execution within budget.
/// \file
/// AWS Lambda durable functions cap the operations one execution may journal
/// (3,000 by default here; a plan setting). The Lambda package's loop
/// (docs/lambda.md) costs, per execution, when every job succeeds, every
/// completion wakes the execution on its own and no concurrency group makes
/// anything wait, at most:
///
///   4 fixed (cancel and retry callbacks, the first effects step, the finish step)
///   + 2 with a workflow-level concurrency group (wake callback, acquire step)
///   + 2 per job instance (its callback, the wait that sees it finish)
///   + 1 per instance in a job-level concurrency group (the step that releases it)
///   + 1 per later dispatch wave: one per completion that starts something.
///     Jobs with the same prerequisites start together, so waves are at most
///     min(distinct prerequisite sets, jobs others wait for) + legs held back
///     by max-parallel, and at most the instances that start late
///   + 2 per child execution (its invoke, the wait that sees it finish).
///
/// Reusable-workflow call nodes and skipped jobs cost nothing themselves. A
/// matrix expanded at run time counts kDefaultSymbolicLegs legs.
///
/// When a workflow's estimate exceeds the budget, `partitionWorkflow` moves
/// jobs into child executions (started with `invoke`) until the parent fits:
/// first reusable calls (largest first, each whole), then matrix jobs (most
/// legs first), then topological levels of plain jobs, chunked so that each
/// chunk fits. This is the algorithm of `partitionWorkflow` in
/// backend/lambda/src/plan.js, step for step; tests/passes/operation_budget_test.cpp
/// runs both over the same generated plans and requires identical estimates
/// and partitions.
#pragma once

#include "ir/plan.h"
#include "passes/compile_unit.h"

#include <cstdint>
#include <string>
#include <vector>

namespace passes {

/// Legs assumed for a matrix that is expanded at run time.
inline constexpr int64_t kDefaultSymbolicLegs = 256;
/// Operations allowed per durable execution unless the plan says otherwise.
inline constexpr int64_t kDefaultOperationBudget = 3000;

/// Instances a job runs: `job.legs` as expand-matrix sets it (the legs, or
/// kDefaultSymbolicLegs for a run-time matrix) and the plan writes it. (Call
/// nodes run none; see estimateExecution.)
int64_t jobLegs(const ir::PlanJob &job);

/// Operation estimate of one execution that runs the jobs whose `members`
/// flag is set (indices of `wf.jobs`) and invokes `children` child executions.
int64_t estimateExecution(const ir::PlanWorkflow &wf, const std::vector<bool> &members,
                          int64_t children, bool withWorkflowGroup);

/// One execution of a partitioned workflow and its estimate.
struct ExecutionEstimate {
  std::string id; ///< "main" or the partition id
  int64_t operations = 0;
};

/// Fills `wf.estimate` (all executions together) and, when the workflow is
/// over `budget`, `wf.partitions` (each with its own estimate). Partitions
/// already present are kept and re-estimated.
void partitionWorkflow(ir::PlanWorkflow &wf, int64_t budget);

/// The executions of a workflow after partitionWorkflow: "main" (the parent)
/// first, then one per partition.
std::vector<ExecutionEstimate> executionEstimates(const ir::PlanWorkflow &wf);

/// Executions whose estimate is still over `budget` (a single matrix job or
/// reusable call larger than the budget cannot be split further).
std::vector<ExecutionEstimate> overBudget(const ir::PlanWorkflow &wf, int64_t budget);

/// Runs partitionWorkflow over every workflow with the plan's budget.
void runOperationBudget(ir::Plan &plan);

/// `operation-budget`: fills the estimate and partitions of every workflow of
/// the plan (budget: CompileOptions::opBudget) and reports an execution that
/// stays over budget (`operation-budget`, an error). Not in the default
/// pipeline; `ci-compile --emit=lambda-plan` appends it.
class OperationBudgetPass : public CompilePass {
public:
  llvm::StringRef name() const override { return "operation-budget"; }
  PreservedAnalyses run(CompileUnit &unit, CompileAnalysisManager &am) override;
};

} // namespace passes
