/// \file
/// The job graph of the plan as a cached analysis (passes/pass_manager.h).
///
/// Node i is plan job i. Edges are the plan's needs, plus the edges that a
/// reusable call implies: its members wait for the call (its needs and `if`
/// gate them), and a job that needs a call waits for every member of it
/// (nested calls included). Weights are minutes: `--durations` by plan id or
/// job id, else the job's constant timeout-minutes (360 by default); call
/// nodes weigh 0.
///
/// `recordJobGraph` copies levels, the needs the transitive reduction drops
/// and the critical path into the plan;
/// resolve-needs and inline-reusable call it after they change the graph.
#pragma once

#include "ir/job_graph.h"
#include "passes/compile_unit.h"

#include <vector>

namespace passes {

struct JobGraphInfo {
  ir::JobGraph graph;
  bool acyclic = true;
  std::vector<uint32_t> levels;              ///< empty when cyclic
  std::vector<double> weights;               ///< minutes per job
  std::vector<ir::JobGraph::Node> criticalPath; ///< empty when cyclic
  double criticalMinutes = 0;
};

struct JobGraphAnalysis {
  static AnalysisKey Key;
  using Result = JobGraphInfo;
  static Result run(CompileUnit &unit, CompileAnalysisManager &am);
};

/// For each job, the needs implied by its other needs (transitive reduction);
/// computed on request only (it is the one super-linear query).
struct RedundantNeedsAnalysis {
  static AnalysisKey Key;
  using Result = std::vector<std::vector<ir::JobGraph::Node>>;
  static Result run(CompileUnit &unit, CompileAnalysisManager &am);
};

/// The weight of a plan job: --durations, else its timeout, else 360; calls 0.
double jobWeight(const CompileUnit &unit, const ir::PlanJob &job);

/// Writes levels, weights, redundant needs and the critical path of the graph
/// into the plan.
void recordJobGraph(CompileUnit &unit, CompileAnalysisManager &am);

} // namespace passes
