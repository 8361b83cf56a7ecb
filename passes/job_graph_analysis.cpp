// The plan's job graph analysis: edges with call gates, levels, weights, critical path.
#include "passes/job_graph_analysis.h"

namespace passes {

AnalysisKey JobGraphAnalysis::Key;
AnalysisKey RedundantNeedsAnalysis::Key;

double jobWeight(const CompileUnit &unit, const ir::PlanJob &job) {
  if (!job.uses.empty())
    return 0;
  const auto &d = unit.options.durations;
  if (!d.empty()) {
    auto it = d.find(llvm::StringRef(job.id).lower());
    if (it == d.end() && job.call.empty())
      it = d.find(llvm::StringRef(job.localId).lower());
    if (it != d.end())
      return it->second;
  }
  if (job.timeoutMinutes.resolved() && job.timeoutMinutes.constant->isNumber())
    return job.timeoutMinutes.constant->getNumber();
  return 360;
}

JobGraphInfo JobGraphAnalysis::run(CompileUnit &unit, CompileAnalysisManager &) {
  JobGraphInfo info;
  const auto &jobs = unit.workflow().jobs;
  const size_t n = jobs.size();
  info.graph = ir::JobGraph(n);
  // Members of each call node, direct ones only.
  std::vector<std::vector<uint32_t>> members(n);
  std::vector<int64_t> callIndex(n, -1);
  for (uint32_t i = 0; i < n; ++i)
    if (!jobs[i].call.empty())
      if (int64_t c = unit.indexOf(jobs[i].call); c >= 0) {
        callIndex[i] = c;
        members[size_t(c)].push_back(i);
      }
  // Every member, transitively, of call c.
  std::vector<uint32_t> stack, all;
  auto allMembers = [&](uint32_t c) {
    all.clear();
    stack.assign(members[c].begin(), members[c].end());
    while (!stack.empty()) {
      uint32_t m = stack.back();
      stack.pop_back();
      all.push_back(m);
      stack.insert(stack.end(), members[m].begin(), members[m].end());
    }
  };
  for (uint32_t i = 0; i < n; ++i) {
    const ir::PlanJob &j = jobs[i];
    if (callIndex[i] >= 0 && j.needs.empty())
      info.graph.addNeed(i, uint32_t(callIndex[i]));
    for (const std::string &need : j.needs) {
      int64_t d = unit.indexOf(need);
      if (d < 0 || d == i)
        continue;
      info.graph.addNeed(i, uint32_t(d));
      if (!jobs[size_t(d)].uses.empty()) {
        allMembers(uint32_t(d));
        for (uint32_t m : all)
          info.graph.addNeed(i, m);
      }
    }
  }
  info.weights.resize(n);
  for (uint32_t i = 0; i < n; ++i)
    info.weights[i] = jobWeight(unit, jobs[i]);
  info.acyclic = !info.graph.findCycle();
  if (info.acyclic) {
    info.levels = info.graph.levels();
    info.criticalPath = info.graph.criticalPath(info.weights, &info.criticalMinutes);
  }
  return info;
}

RedundantNeedsAnalysis::Result RedundantNeedsAnalysis::run(CompileUnit &unit,
                                                           CompileAnalysisManager &am) {
  const JobGraphInfo &g = am.getResult<JobGraphAnalysis>(unit);
  if (!g.acyclic)
    return Result(g.graph.size());
  return g.graph.redundantNeeds();
}

void recordJobGraph(CompileUnit &unit, CompileAnalysisManager &am) {
  const JobGraphInfo &g = am.getResult<JobGraphAnalysis>(unit);
  ir::PlanWorkflow &w = unit.workflow();
  w.criticalPath.clear();
  w.criticalPathMinutes = 0;
  for (size_t i = 0; i < w.jobs.size(); ++i) {
    w.jobs[i].weight = g.weights[i];
    w.jobs[i].level = g.acyclic ? g.levels[i] : 0;
  }
  if (!g.acyclic)
    return;
  const auto &redundant = am.getResult<RedundantNeedsAnalysis>(unit);
  for (size_t i = 0; i < w.jobs.size(); ++i) {
    ir::PlanJob &j = w.jobs[i];
    j.redundantNeeds.clear();
    for (ir::JobGraph::Node d : redundant[i])
      if (std::find(j.needs.begin(), j.needs.end(), w.jobs[d].id) != j.needs.end())
        j.redundantNeeds.push_back(w.jobs[d].id);
  }
  for (ir::JobGraph::Node n : g.criticalPath)
    w.criticalPath.push_back(w.jobs[n].id);
  w.criticalPathMinutes = g.criticalMinutes;
}

} // namespace passes
