// Operation estimates and partitions of Lambda executions (the same algorithm as backend/lambda/src/plan.js).
#include "passes/operation_budget.h"

#include "llvm/ADT/StringMap.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <functional>
#include <optional>
#include <set>

namespace passes {
namespace {

bool isCall(const ir::PlanJob &j) { return !j.uses.empty(); }

/// A compile-time max-parallel, floored (negative as 0); nullopt when unlimited
/// or an expression.
std::optional<int64_t> maxParallel(const ir::PlanJob &j) {
  if (!j.strategy || !j.strategy->maxParallel.resolved())
    return std::nullopt;
  const ir::Value &v = *j.strategy->maxParallel.constant;
  if (!v.isNumber() || std::isnan(v.getNumber()))
    return std::nullopt;
  double d = std::floor(v.getNumber());
  if (d >= 4e18) // more than any leg count: no limit
    return std::nullopt;
  return d < 0 ? 0 : static_cast<int64_t>(d);
}

/// Job ids to indices, and each job's dependencies as indices.
struct Graph {
  explicit Graph(const ir::PlanWorkflow &wf) : wf(wf) {
    for (size_t i = 0; i < wf.jobs.size(); ++i)
      index.try_emplace(wf.jobs[i].id, i);
    needs.resize(wf.jobs.size());
    call.assign(wf.jobs.size(), -1);
    for (size_t i = 0; i < wf.jobs.size(); ++i) {
      for (const auto &n : wf.jobs[i].needs) {
        auto it = index.find(n);
        assert(it != index.end() && "needs must name plan jobs (resolve-needs)");
        if (it != index.end())
          needs[i].push_back(it->second);
      }
      if (!wf.jobs[i].call.empty()) {
        auto it = index.find(wf.jobs[i].call);
        assert(it != index.end() && "a member's call must be a plan job");
        if (it != index.end())
          call[i] = static_cast<int64_t>(it->second);
      }
    }
  }
  const ir::PlanWorkflow &wf;
  llvm::StringMap<size_t> index;
  std::vector<std::vector<size_t>> needs;
  std::vector<int64_t> call; ///< index of the call node, or -1
};

/// Queued legs of job `i` that wait for a max-parallel slot.
int64_t heldBack(const ir::PlanJob &j) {
  int64_t legs = jobLegs(j);
  std::optional<int64_t> p = maxParallel(j);
  return p && *p < legs ? legs - *p : 0;
}

/// Instances of job `i` not dispatchable when the execution starts.
int64_t lateInstances(const Graph &g, size_t i, const std::vector<bool> &members) {
  const ir::PlanJob &j = g.wf.jobs[i];
  if (isCall(j))
    return 0;
  bool hasNeeds = std::any_of(g.needs[i].begin(), g.needs[i].end(), [&](size_t n) { return members[n]; });
  if (g.call[i] >= 0 && members[g.call[i]] && !g.needs[g.call[i]].empty())
    hasNeeds = true;
  return hasNeeds ? jobLegs(j) : heldBack(j);
}

/// What job `i` waits for in this execution: its needs there and its call's
/// gate (as -1 - call); empty when it can start at once.
std::vector<int64_t> prerequisites(const Graph &g, size_t i, const std::vector<bool> &members) {
  std::vector<int64_t> ids;
  for (size_t n : g.needs[i])
    if (members[n])
      ids.push_back(static_cast<int64_t>(n));
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (g.call[i] >= 0 && members[g.call[i]] && !g.needs[g.call[i]].empty())
    ids.push_back(-1 - g.call[i]);
  return ids;
}

/// Dispatch waves after the first come from completions. Jobs with the same
/// prerequisites in the execution start in the same wave, so the waves that
/// start jobs with needs are at most the distinct prerequisite sets, and at
/// most the jobs some member waits for (one wave each, at their last leg);
/// each leg that frees a max-parallel slot adds one. Never more than the
/// instances that start late.
int64_t estimate(const Graph &g, const std::vector<bool> &members, int64_t children, bool withWorkflowGroup) {
  std::vector<bool> needed(g.wf.jobs.size(), false);
  for (size_t i = 0; i < g.wf.jobs.size(); ++i)
    if (members[i])
      for (size_t n : g.needs[i])
        needed[n] = true;
  int64_t ops = 4 + (withWorkflowGroup ? 2 : 0) + 2 * children;
  int64_t late = 0, unlockers = 0, held = 0;
  std::set<std::vector<int64_t>> sets;
  for (size_t i = 0; i < g.wf.jobs.size(); ++i) {
    if (!members[i])
      continue;
    const ir::PlanJob &j = g.wf.jobs[i];
    int64_t n = isCall(j) ? 0 : jobLegs(j);
    if (n == 0)
      continue;
    ops += 2 * n + (j.concurrency ? n : 0);
    late += lateInstances(g, i, members);
    if (needed[i] || (g.call[i] >= 0 && needed[g.call[i]]))
      ++unlockers;
    std::vector<int64_t> pre = prerequisites(g, i, members);
    if (!pre.empty())
      sets.insert(std::move(pre));
    held += heldBack(j);
  }
  ops += std::min(late, std::min(unlockers, static_cast<int64_t>(sets.size())) + held);
  return ops;
}

/// The partitioning state: partitions so far and the jobs they took.
class Partitioner {
public:
  Partitioner(ir::PlanWorkflow &wf, int64_t budget) : wf_(wf), g_(wf), budget_(budget) {
    taken_.assign(wf.jobs.size(), false);
    for (const auto &p : wf.partitions)
      for (const auto &id : p.jobs)
        if (auto it = g_.index.find(id); it != g_.index.end())
          taken_[it->second] = true;
  }

  void run() {
    std::vector<bool> all(wf_.jobs.size(), true);
    int64_t total = estimate(g_, all, 0, wf_.concurrency.has_value());
    if (total <= budget_ && wf_.partitions.empty()) {
      wf_.estimate = total;
      return;
    }
    splitCalls();
    splitMatrices();
    if (parentCost() > budget_)
      splitLevels();
    int64_t sum = 0;
    for (auto &p : wf_.partitions) {
      p.estimate = childCost(indicesOf(p.jobs));
      sum += p.estimate;
    }
    wf_.estimate = parentCost() + sum;
  }

private:
  int64_t parentCost() const {
    std::vector<bool> members(wf_.jobs.size());
    for (size_t i = 0; i < members.size(); ++i)
      members[i] = !taken_[i];
    return estimate(g_, members, static_cast<int64_t>(wf_.partitions.size()), wf_.concurrency.has_value());
  }
  int64_t childCost(const std::vector<size_t> &jobs) const {
    std::vector<bool> members(wf_.jobs.size(), false);
    for (size_t i : jobs)
      members[i] = true;
    return estimate(g_, members, 0, false);
  }
  std::vector<size_t> indicesOf(const std::vector<std::string> &ids) const {
    std::vector<size_t> out;
    for (const auto &id : ids)
      if (auto it = g_.index.find(id); it != g_.index.end())
        out.push_back(it->second);
    return out;
  }
  void add(const char *kind, const std::vector<size_t> &jobs) {
    ir::PlanPartition p;
    p.id = "p" + std::to_string(wf_.partitions.size() + 1);
    p.kind = kind;
    for (size_t i : jobs) {
      p.jobs.push_back(wf_.jobs[i].id);
      taken_[i] = true;
    }
    wf_.partitions.push_back(std::move(p));
  }

  /// 1. Reusable calls, largest first, each as a whole.
  void splitCalls() {
    struct Call {
      std::vector<size_t> members;
      int64_t cost;
    };
    std::vector<Call> calls;
    for (size_t c = 0; c < wf_.jobs.size(); ++c) {
      if (!isCall(wf_.jobs[c]) || taken_[c])
        continue;
      Call call;
      for (size_t m = 0; m < wf_.jobs.size(); ++m)
        if (wf_.jobs[m].call == wf_.jobs[c].id)
          call.members.push_back(m);
      call.cost = childCost(call.members);
      calls.push_back(std::move(call));
    }
    std::stable_sort(calls.begin(), calls.end(), [](const Call &a, const Call &b) { return a.cost > b.cost; });
    for (const Call &c : calls) {
      if (parentCost() <= budget_)
        break;
      bool free = std::none_of(c.members.begin(), c.members.end(), [&](size_t m) { return taken_[m]; });
      if (!c.members.empty() && c.cost <= budget_ && free)
        add("call", c.members);
    }
  }

  /// 2. Matrix jobs, most legs first, one per partition.
  void splitMatrices() {
    std::vector<size_t> mats;
    for (size_t i = 0; i < wf_.jobs.size(); ++i)
      if (!taken_[i] && !isCall(wf_.jobs[i]) && jobLegs(wf_.jobs[i]) > 1)
        mats.push_back(i);
    std::stable_sort(mats.begin(), mats.end(),
                     [&](size_t a, size_t b) { return jobLegs(wf_.jobs[a]) > jobLegs(wf_.jobs[b]); });
    for (size_t i : mats) {
      if (parentCost() <= budget_)
        break;
      add("matrix", {i});
    }
  }

  /// 3. Topological levels of plain jobs (an antichain is always convex),
  /// largest first, chunked so that each chunk fits.
  void splitLevels() {
    std::vector<int64_t> level(wf_.jobs.size(), -1);
    std::function<int64_t(size_t)> lv = [&](size_t i) -> int64_t {
      if (level[i] >= 0)
        return level[i];
      int64_t l = -1;
      for (size_t n : g_.needs[i])
        l = std::max(l, lv(n));
      if (g_.call[i] >= 0)
        l = std::max(l, lv(static_cast<size_t>(g_.call[i])));
      level[i] = l + 1;
      return level[i];
    };
    // Levels in the order they are first met in job order (as a JS Map iterates).
    std::vector<int64_t> order;
    std::vector<std::vector<size_t>> byLevel;
    for (size_t i = 0; i < wf_.jobs.size(); ++i) {
      if (taken_[i] || isCall(wf_.jobs[i]) || !wf_.jobs[i].call.empty())
        continue;
      int64_t l = lv(i);
      auto it = std::find(order.begin(), order.end(), l);
      if (it == order.end()) {
        order.push_back(l);
        byLevel.emplace_back();
        it = order.end() - 1;
      }
      byLevel[it - order.begin()].push_back(i);
    }
    std::vector<std::pair<int64_t, std::vector<size_t>>> ordered;
    for (auto &ids : byLevel)
      ordered.emplace_back(childCost(ids), std::move(ids));
    std::stable_sort(ordered.begin(), ordered.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    for (const auto &entry : ordered) {
      if (parentCost() <= budget_)
        break;
      std::vector<size_t> chunk;
      for (size_t i : entry.second) {
        if (!chunk.empty()) {
          std::vector<size_t> grown = chunk;
          grown.push_back(i);
          if (childCost(grown) > budget_) {
            add("stage", chunk);
            chunk.clear();
          }
        }
        chunk.push_back(i);
      }
      if (!chunk.empty())
        add("stage", chunk);
    }
  }

  ir::PlanWorkflow &wf_;
  Graph g_;
  int64_t budget_;
  std::vector<bool> taken_;
};

} // namespace

int64_t jobLegs(const ir::PlanJob &job) { return job.legs; }

int64_t estimateExecution(const ir::PlanWorkflow &wf, const std::vector<bool> &members, int64_t children,
                          bool withWorkflowGroup) {
  assert(members.size() == wf.jobs.size());
  return estimate(Graph(wf), members, children, withWorkflowGroup);
}

void partitionWorkflow(ir::PlanWorkflow &wf, int64_t budget) { Partitioner(wf, budget).run(); }

std::vector<ExecutionEstimate> executionEstimates(const ir::PlanWorkflow &wf) {
  std::vector<ExecutionEstimate> out;
  int64_t children = 0;
  for (const auto &p : wf.partitions)
    children += p.estimate;
  out.push_back({"main", wf.estimate - children});
  for (const auto &p : wf.partitions)
    out.push_back({p.id, p.estimate});
  return out;
}

std::vector<ExecutionEstimate> overBudget(const ir::PlanWorkflow &wf, int64_t budget) {
  std::vector<ExecutionEstimate> out;
  for (auto &e : executionEstimates(wf))
    if (e.operations > budget)
      out.push_back(std::move(e));
  return out;
}

void runOperationBudget(ir::Plan &plan) {
  for (auto &wf : plan.workflows)
    partitionWorkflow(wf, plan.opBudget);
}

PreservedAnalyses OperationBudgetPass::run(CompileUnit &unit, CompileAnalysisManager &) {
  unit.plan.opBudget = unit.options.opBudget;
  for (ir::PlanWorkflow &wf : unit.plan.workflows) {
    partitionWorkflow(wf, unit.plan.opBudget);
    for (const ExecutionEstimate &e : overBudget(wf, unit.plan.opBudget)) {
      // Point at the first job the execution runs.
      const ir::PlanJob *first = nullptr;
      std::vector<std::string> jobs;
      for (const auto &p : wf.partitions)
        if (p.id == e.id)
          jobs = p.jobs;
      for (const auto &j : wf.jobs) {
        bool inPartition = false;
        for (const auto &p : wf.partitions)
          inPartition = inPartition || std::find(p.jobs.begin(), p.jobs.end(), j.id) != p.jobs.end();
        bool member = e.id == "main" ? !inPartition : std::find(jobs.begin(), jobs.end(), j.id) != jobs.end();
        if (member && j.source) {
          first = &j;
          break;
        }
      }
      ir::SourceRange range = first ? first->source->id.range : ir::SourceRange{};
      unit.diags.report(ir::DiagKind::OperationBudgetExceeded, range,
                        e.id == "main" ? std::string("the main execution") : "child execution " + e.id, wf.id,
                        e.operations, unit.plan.opBudget);
    }
  }
  return PreservedAnalyses::all();
}

} // namespace passes
