// resolve-needs: self-dependencies, duplicates, case-insensitive ids, cycles; the job graph.
#include "passes/pass_resolve_needs.h"

#include "ir/job_graph.h"
#include "passes/job_graph_analysis.h"

#include "llvm/ADT/StringMap.h"

namespace passes {

namespace {

/// The `needs` entry of job `from` that names job `to`.
const ir::LocatedString *needEntry(const ir::Job &from, const ir::Job &to) {
  for (const ir::LocatedString &n : from.needs)
    if (llvm::StringRef(n.value).equals_insensitive(to.id.value))
      return &n;
  return nullptr;
}

void reportCycle(const ir::Workflow &wf, const std::vector<ir::JobGraph::Node> &cycle,
                 ir::DiagnosticEngine &diags) {
  std::string path;
  for (ir::JobGraph::Node n : cycle)
    path += wf.jobs[n].id.value + " -> ";
  path += wf.jobs[cycle.front()].id.value;
  auto edge = [&](size_t i) {
    const ir::Job &from = wf.jobs[cycle[i]];
    const ir::Job &to = wf.jobs[cycle[(i + 1) % cycle.size()]];
    const ir::LocatedString *e = needEntry(from, to);
    return std::make_pair(e ? e->range : from.id.range, &to);
  };
  auto [range, first] = edge(0);
  auto &d = diags.report(ir::DiagKind::NeedsCycle, range, path);
  for (size_t i = 1; i < cycle.size(); ++i) {
    auto [r, to] = edge(i);
    d.note(r, "\"" + wf.jobs[cycle[i]].id.value + "\" needs \"" + to->id.value + "\" here");
  }
  (void)first;
}

} // namespace

WorkflowNeeds resolveWorkflowNeeds(const ir::Workflow &wf, ir::DiagnosticEngine &diags) {
  WorkflowNeeds out;
  const size_t n = wf.jobs.size();
  out.needs.resize(n);
  llvm::StringMap<uint32_t> byId;
  for (uint32_t i = 0; i < n; ++i)
    byId.try_emplace(llvm::StringRef(wf.jobs[i].id.value).lower(), i);
  for (uint32_t i = 0; i < n; ++i) {
    const ir::Job &job = wf.jobs[i];
    auto &list = out.needs[i];
    for (const ir::LocatedString &need : job.needs) {
      auto it = byId.find(llvm::StringRef(need.value).lower());
      if (it == byId.end())
        continue; // reported by lowering, with a suggestion
      uint32_t dep = it->second;
      if (dep == i) {
        diags.report(ir::DiagKind::NeedsSelf, need.range, job.id.value);
        continue;
      }
      if (std::find(list.begin(), list.end(), dep) != list.end()) {
        diags.report(ir::DiagKind::NeedsDuplicate, need.range, job.id.value, need.value);
        continue;
      }
      list.push_back(dep);
    }
  }
  // Cycles: report the earliest, drop its jobs, look again (bounded).
  std::vector<bool> dropped(n, false);
  for (int round = 0; round < 10; ++round) {
    ir::JobGraph g(n);
    for (uint32_t i = 0; i < n; ++i)
      if (!dropped[i])
        for (uint32_t d : out.needs[i])
          if (!dropped[d])
            g.addNeed(i, d);
    auto cycle = g.findCycle();
    if (!cycle)
      break;
    out.cyclic = true;
    reportCycle(wf, *cycle, diags);
    for (ir::JobGraph::Node c : *cycle)
      dropped[c] = true;
  }
  return out;
}

PreservedAnalyses ResolveNeedsPass::run(CompileUnit &unit, CompileAnalysisManager &am) {
  WorkflowNeeds res = resolveWorkflowNeeds(unit.root, unit.diags);
  for (size_t i = 0; i < unit.root.jobs.size(); ++i) {
    ir::PlanJob *pj = unit.findJob(unit.root.jobs[i].id.value);
    if (!pj || !pj->call.empty())
      continue;
    pj->needs.clear();
    for (uint32_t d : res.needs[i])
      pj->needs.push_back(unit.root.jobs[d].id.value);
  }
  am.invalidate(PreservedAnalyses::none());
  recordJobGraph(unit, am);
  return PreservedAnalyses::none().preserve<JobGraphAnalysis>().preserve<RedundantNeedsAnalysis>();
}

} // namespace passes
