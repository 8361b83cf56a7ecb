// fold-conditions: constant folding of job conditions and jobs that can never run.
#include "passes/pass_fold_conditions.h"

#include "frontend/expr_parser.h"
#include "passes/job_graph_analysis.h"

namespace passes {

namespace {

const frontend::ExprParseOptions &permissive() {
  static const frontend::ExprParseOptions o = [] {
    frontend::ExprParseOptions p;
    p.allowUnknownFunctions = true;
    return p;
  }();
  return o;
}

std::string quoteCondition(const ir::PlanJob &job) {
  const ir::Job *src = job.source;
  if (src && src->condition && !src->condition->raw.empty())
    return src->condition->raw;
  return job.conditionSource.empty() ? job.condition : job.conditionSource;
}

} // namespace

PreservedAnalyses FoldConditionsPass::run(CompileUnit &unit, CompileAnalysisManager &am) {
  auto &jobs = unit.workflow().jobs;
  const size_t n = jobs.size();
  std::vector<Truth> truth(n, Truth::Unknown), truthIfSkippedNeed(n, Truth::Unknown);
  for (size_t i = 0; i < n; ++i) {
    ir::PlanJob &job = jobs[i];
    job.neverRuns = false;
    job.neverRunsReason.clear();
    const std::string &cond = job.conditionSource.empty() ? job.condition : job.conditionSource;
    frontend::ParsedExpr p = frontend::parseExpression(cond, permissive());
    if (!p.ast)
      continue;
    KnownContexts known = unit.knownFor(job);
    FoldedCondition f = foldCondition(*p.ast, known);
    truth[i] = f.truth;
    if (f.changed) {
      job.conditionSource = cond;
      job.condition = f.source;
    } else {
      job.condition = cond;
      job.conditionSource.clear();
    }
    StatusAssumptions skipped;
    skipped.successIsFalse = true;
    truthIfSkippedNeed[i] = foldCondition(*p.ast, known, skipped).truth;
  }
  // Propagate in topological order: a job that depends on one that never runs
  // sees success() false.
  const JobGraphInfo &g = am.getResult<JobGraphAnalysis>(unit);
  std::vector<int64_t> cause(n, -1); // a job that never runs and this one depends on
  std::vector<ir::JobGraph::Node> order = g.acyclic ? g.graph.topologicalOrder()
                                                    : std::vector<ir::JobGraph::Node>{};
  for (ir::JobGraph::Node i : order) {
    ir::PlanJob &job = jobs[i];
    for (ir::JobGraph::Node d : g.graph.needs(i)) {
      int64_t c = jobs[d].neverRuns ? int64_t(d) : cause[d];
      if (c >= 0 && cause[i] < 0)
        cause[i] = c;
    }
    const ir::PlanJob *call = unit.callOf(job);
    if (truth[i] == Truth::False) {
      job.neverRuns = true;
      job.neverRunsReason = "its condition \"" + quoteCondition(job) + "\" is always false";
    } else if (call && call->neverRuns) {
      job.neverRuns = true;
      job.neverRunsReason = "it belongs to the reusable-workflow call \"" + call->id +
                            "\", which can never run";
    } else if (cause[i] >= 0 && truthIfSkippedNeed[i] == Truth::False) {
      job.neverRuns = true;
      job.neverRunsReason = "it depends on \"" + jobs[size_t(cause[i])].id +
                            "\", which can never run, and a skipped job it depends on makes its "
                            "condition \"" + job.condition + "\" false";
    }
    // Members of a call that never runs are marked; the call carries the warning.
    if (job.neverRuns && job.source && !(call && call->neverRuns)) {
      const ir::Job &src = *job.source;
      ir::SourceRange at = src.condition && src.condition->range.valid() && truth[i] == Truth::False
                               ? src.condition->range
                               : src.id.range;
      auto &d = unit.diags.report(ir::DiagKind::NeverRuns, at, job.id, job.neverRunsReason);
      if (call && call->source && call->source->uses)
        d.note(call->source->uses->range, "as called from here");
    }
  }
  return PreservedAnalyses::all();
}

} // namespace passes
