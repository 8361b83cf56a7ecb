// The workflow scheduler's facts: instances finishing, wakes, effects, cancel, retry; reports.
#include "runtime/workflow_scheduler.h"

#include "ir/expr_eval.h"
#include "frontend/template_parser.h"

#include <algorithm>

namespace runtime {

namespace {

/// Outputs as GitHub keeps them: strings, empty values dropped (§3.3).
json dropEmpty(const json &outputs) {
  json out = json::object();
  if (!outputs.is_object())
    return out;
  for (auto it = outputs.begin(); it != outputs.end(); ++it) {
    const json &v = it.value();
    if (v.is_null() || (v.is_string() && v.get_ref<const std::string &>().empty()))
      continue;
    out[it.key()] = v.is_string() ? v.get<std::string>() : toJsonText(v);
  }
  return out;
}

} // namespace

void WorkflowScheduler::finishInstance(uint32_t i, Conclusion c, Reason reason, json outputs,
                                       bool reported, std::string error) {
  InstanceState &inst = instances_[i];
  if (inst.status == InstanceState::Done)
    return;
  bool wasRunning = inst.status == InstanceState::Running;
  bool wasHolding = inst.holdsGroup || inst.status == InstanceState::Waiting;
  if (inst.status != InstanceState::Queued)
    --busy_;
  inst.status = InstanceState::Done;
  inst.conclusion = c;
  inst.result = c == Conclusion::Failure && inst.continueOnError ? Conclusion::Success : c;
  inst.reason = reason;
  inst.outputs = dropEmpty(outputs);
  inst.error = std::move(error);
  inst.finishSeq = ++finishSeq_;
  if (wasRunning && reason != Reason::None && !reported)
    effects_.cancel.push_back({i, reason});
  if (wasHolding && inst.group) {
    effects_.release.push_back({inst.group->key, i});
    inst.holdsGroup = false;
  }
  uint32_t j = inst.job;
  markDirty(j);
  startable_.push_back(j);
  JobState &st = jobs_[j];
  if (c == Conclusion::Failure && !inst.continueOnError && st.failFast && st.instances.size() > 1)
    for (uint32_t sib : st.instances)
      if (sib != i && instances_[sib].status != InstanceState::Done)
        finishInstance(sib, Conclusion::Cancelled, Reason::FailFast, json::object(), false);
  settleJobIfDone(j);
}

void WorkflowScheduler::settleJobIfDone(uint32_t j) {
  JobState &st = jobs_[j];
  if (st.status != JobState::Active || model_->jobs[j].isCall)
    return;
  for (uint32_t i : st.instances)
    if (instances_[i].status != InstanceState::Done)
      return;
  auto aggregate = [&](Conclusion InstanceState::*field) {
    bool failed = false, cancelled = false;
    for (uint32_t i : st.instances) {
      failed |= instances_[i].*field == Conclusion::Failure;
      cancelled |= instances_[i].*field == Conclusion::Cancelled;
    }
    return failed ? Conclusion::Failure : cancelled ? Conclusion::Cancelled : Conclusion::Success;
  };
  st.result = aggregate(&InstanceState::result);
  st.conclusion = aggregate(&InstanceState::conclusion);
  std::vector<uint32_t> order = st.instances;
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return instances_[a].finishSeq < instances_[b].finishSeq; });
  json merged = json::object();
  for (uint32_t i : order)
    for (auto it = instances_[i].outputs.begin(); it != instances_[i].outputs.end(); ++it)
      merged[it.key()] = it.value();
  st.outputs = std::move(merged);
  setDone(j);
}

void WorkflowScheduler::settleCall(uint32_t c) {
  JobState &st = jobs_[c];
  const ModelJob &call = model_->jobs[c];
  bool failed = false, cancelled = false, allSkipped = !call.members.empty();
  ir::ValueObject jobsCtx;
  for (uint32_t m : call.members) {
    const JobState &ms = jobs_[m];
    failed |= ms.result == Conclusion::Failure;
    cancelled |= ms.result == Conclusion::Cancelled;
    allSkipped &= ms.result == Conclusion::Skipped;
    ir::ValueObject entry;
    entry.set("result", ir::Value::string(conclusionName(ms.result)));
    entry.set("outputs", jsonToValue(ms.outputs));
    jobsCtx.set(model_->jobs[m].localId, ir::Value::object(std::move(entry)));
  }
  st.result = st.conclusion = failed ? Conclusion::Failure
                              : cancelled ? Conclusion::Cancelled
                              : allSkipped ? Conclusion::Skipped
                                           : Conclusion::Success;
  ir::ValueObject ctx;
  ctx.set("github", github_);
  ctx.set("inputs", st.callInputs);
  ctx.set("vars", vars_);
  ctx.set("jobs", ir::Value::object(std::move(jobsCtx)));
  ir::Value contexts = ir::Value::object(std::move(ctx));
  json outputs = json::object();
  if (call.outputs.is_object())
    for (auto it = call.outputs.begin(); it != call.outputs.end(); ++it) {
      llvm::Expected<PlanExpr> e = PlanExpr::read(it.value(), "outputs");
      if (!e) {
        llvm::consumeError(e.takeError());
        continue;
      }
      ir::Value v;
      std::string err;
      if (e->evaluate(contexts, nullptr, v, err))
        outputs[it.key()] = v.isString() ? json(v.getString().str()) : valueToJson(v);
    }
  st.outputs = dropEmpty(outputs);
  setDone(c);
}

void WorkflowScheduler::setDone(uint32_t j) {
  JobState &st = jobs_[j];
  const ModelJob &job = model_->jobs[j];
  st.status = JobState::Done;
  --openJobs_;
  st.allSucceeded = st.result == Conclusion::Success;
  st.anyFailed = st.result == Conclusion::Failure;
  for (uint32_t d : job.statusDeps) {
    st.allSucceeded = st.allSucceeded && jobs_[d].allSucceeded;
    st.anyFailed = st.anyFailed || jobs_[d].anyFailed;
  }
  markDirty(j);
  for (uint32_t d : job.dependents)
    if (--jobs_[d].unsettled == 0)
      ready_.push_back(d);
  if (job.call >= 0) {
    JobState &call = jobs_[job.call];
    if (--call.openMembers == 0 && call.status == JobState::Active)
      settleCall(static_cast<uint32_t>(job.call));
  }
}

void WorkflowScheduler::setNotDone(uint32_t j) {
  JobState &st = jobs_[j];
  if (st.status != JobState::Done)
    return;
  const ModelJob &job = model_->jobs[j];
  st.status = JobState::Active;
  ++openJobs_;
  st.allSucceeded = st.anyFailed = false;
  for (uint32_t d : job.dependents)
    ++jobs_[d].unsettled;
  if (job.call >= 0)
    ++jobs_[job.call].openMembers;
  markDirty(j);
}

void WorkflowScheduler::resetJob(uint32_t j) {
  JobState &st = jobs_[j];
  setNotDone(j);
  if (st.entered && model_->jobs[j].isCall)
    for (uint32_t m : model_->jobs[j].members)
      ++jobs_[m].unsettled;
  st.status = JobState::Pending;
  st.entered = false;
  st.result = st.conclusion = Conclusion::None;
  st.reason = Reason::None;
  st.error.clear();
  st.outputs = json::object();
  st.instances.clear();
  if (st.unsettled == 0)
    ready_.push_back(j);
  markDirty(j);
}

void WorkflowScheduler::onInstanceReport(uint32_t i, const json &report) {
  if (instances_[i].status == InstanceState::Done)
    return;
  Conclusion c = parseConclusion(report.value("conclusion", std::string()));
  if (c != Conclusion::Success && c != Conclusion::Failure && c != Conclusion::Cancelled)
    c = Conclusion::Failure;
  Reason reason = parseReason(report.value("reason", json()).is_string() ? report["reason"].get<std::string>() : "");
  if (c == Conclusion::Cancelled && reason == Reason::None)
    reason = Reason::CancelRequest;
  if (c != Conclusion::Cancelled && reason != Reason::Timeout)
    reason = Reason::None;
  std::string error = report.value("error", json()).is_string() ? report["error"].get<std::string>() : "";
  finishInstance(i, c, reason, report.value("outputs", json::object()), reason != Reason::Timeout,
                 std::move(error));
}

void WorkflowScheduler::onWake(uint32_t i, const Result &wake) {
  InstanceState &inst = instances_[i];
  if (inst.status != InstanceState::Waiting)
    return;
  if (wake.ok() && wake.value().is_object() && wake.value().value("granted", false)) {
    inst.holdsGroup = true;
    inst.status = InstanceState::Running;
    launches_.push_back(i);
    markDirty(inst.job);
    return;
  }
  // Replaced by a newer pending item (or the wait failed): cancelled (§4). The
  // replacing item already removed this one from the group.
  inst.status = InstanceState::Acquiring;
  finishInstance(i, Conclusion::Cancelled, Reason::Concurrency, json::object(), true);
}

void WorkflowScheduler::applyEffects(const json &result) {
  const json &acquired = result.value("acquired", json::object());
  for (auto it = acquired.begin(); it != acquired.end(); ++it) {
    uint32_t i = static_cast<uint32_t>(std::stoul(it.key()));
    if (i >= instances_.size() || instances_[i].status != InstanceState::Acquiring)
      continue;
    std::string what = it.value().is_string() ? it.value().get<std::string>() : "";
    InstanceState &inst = instances_[i];
    if (what == "granted") {
      inst.holdsGroup = true;
      inst.status = InstanceState::Running;
      launches_.push_back(i);
    } else if (what == "pending") {
      inst.status = InstanceState::Waiting;
    } else {
      finishInstance(i, Conclusion::Cancelled, Reason::Concurrency, json::object(), true);
    }
    markDirty(inst.job);
  }
}

int32_t WorkflowScheduler::findTarget(const std::string &target, int32_t *instance) const {
  *instance = -1;
  llvm::StringRef t(target);
  for (size_t j = 0; j < jobs_.size(); ++j) {
    const ModelJob &m = model_->jobs[j];
    if (t.equals_insensitive(m.id) || t.equals_insensitive(m.localId) || t.equals_insensitive(m.name))
      return static_cast<int32_t>(j);
  }
  for (size_t j = 0; j < jobs_.size(); ++j)
    for (uint32_t i : jobs_[j].instances)
      if (t.equals_insensitive(instances_[i].id) || t.equals_insensitive(instances_[i].name)) {
        *instance = static_cast<int32_t>(i);
        return static_cast<int32_t>(j);
      }
  return -1;
}

void WorkflowScheduler::cancel(const std::string &target, Reason reason) {
  if (target.empty()) {
    if (cancelled_)
      return;
    cancelled_ = true;
    // §3.5: running and queued instances whose `if` no longer holds are cancelled.
    for (uint32_t j = 0; j < jobs_.size(); ++j) {
      if (jobs_[j].status != JobState::Active || model_->jobs[j].isCall)
        continue;
      if (evaluateCondition(j))
        continue;
      std::vector<uint32_t> insts = jobs_[j].instances;
      for (uint32_t i : insts)
        finishInstance(i, Conclusion::Cancelled, reason, json::object(), false);
    }
    return;
  }
  int32_t inst = -1;
  int32_t j = findTarget(target, &inst);
  if (j < 0)
    return;
  if (inst >= 0)
    return finishInstance(static_cast<uint32_t>(inst), Conclusion::Cancelled, reason, json::object(), false);
  std::vector<uint32_t> todo{static_cast<uint32_t>(j)};
  while (!todo.empty()) {
    uint32_t k = todo.back();
    todo.pop_back();
    JobState &st = jobs_[k];
    for (uint32_t m : model_->jobs[k].members)
      todo.push_back(m);
    if (st.status == JobState::Pending) {
      st.result = st.conclusion = Conclusion::Cancelled;
      st.reason = reason;
      setDone(k);
    } else if (st.status == JobState::Active) {
      std::vector<uint32_t> insts = st.instances;
      for (uint32_t i : insts)
        finishInstance(i, Conclusion::Cancelled, reason, json::object(), false);
    }
  }
}

void WorkflowScheduler::abandon(Reason reason) {
  cancelled_ = true;
  for (uint32_t j = 0; j < jobs_.size(); ++j) {
    JobState &st = jobs_[j];
    if (st.status == JobState::Done)
      continue;
    for (uint32_t i : st.instances)
      if (instances_[i].status != InstanceState::Done)
        finishInstance(i, Conclusion::Cancelled, reason, json::object(), false);
    if (st.status != JobState::Done) {
      st.result = st.conclusion = Conclusion::Cancelled;
      st.reason = reason;
      setDone(j);
    }
  }
}

bool WorkflowScheduler::retry(const std::string &target) {
  if (cancelled_)
    return false;
  int32_t instTarget = -1;
  int32_t jobTarget = target.empty() ? -1 : findTarget(target, &instTarget);
  if (!target.empty() && jobTarget < 0)
    return false;
  std::vector<uint32_t> hits;
  for (uint32_t j = 0; j < jobs_.size(); ++j) {
    const JobState &st = jobs_[j];
    if (model_->jobs[j].isCall || st.status != JobState::Done || (jobTarget >= 0 && int32_t(j) != jobTarget))
      continue;
    bool failedInstance = false;
    for (uint32_t i : st.instances)
      failedInstance |= instances_[i].conclusion == Conclusion::Failure;
    if (st.result == Conclusion::Failure || st.result == Conclusion::Cancelled || failedInstance)
      hits.push_back(j);
  }
  if (hits.empty())
    return false;
  std::vector<uint8_t> reset(jobs_.size(), 0);
  for (uint32_t j : hits) {
    JobState &st = jobs_[j];
    reset[j] = 1;
    if (st.instances.empty()) { // failed before expanding: decide it again
      resetJob(j);
      continue;
    }
    setNotDone(j);
    st.result = st.conclusion = Conclusion::None;
    st.reason = Reason::None;
    st.error.clear();
    for (uint32_t i : st.instances) {
      InstanceState &inst = instances_[i];
      if (inst.conclusion == Conclusion::Success || (instTarget >= 0 && int32_t(i) != instTarget))
        continue;
      inst.attempt = ++attempts_[inst.id];
      inst.status = InstanceState::Queued;
      inst.conclusion = inst.result = Conclusion::None;
      inst.reason = Reason::None;
      inst.error.clear();
      inst.outputs = json::object();
      inst.holdsGroup = false;
    }
    startable_.push_back(j);
    settleJobIfDone(j);
  }
  // Finished dependents (and the calls of retried members) are decided again.
  std::vector<uint32_t> queue = hits;
  while (!queue.empty()) {
    uint32_t x = queue.back();
    queue.pop_back();
    const ModelJob &mx = model_->jobs[x];
    std::vector<uint32_t> next = mx.dependents;
    if (mx.call >= 0)
      next.push_back(static_cast<uint32_t>(mx.call));
    if (jobs_[x].status == JobState::Pending)
      for (uint32_t m : mx.members)
        next.push_back(m);
    for (uint32_t d : next) {
      if (reset[d])
        continue;
      JobState &sd = jobs_[d];
      if (sd.status != JobState::Done)
        continue;
      reset[d] = 1;
      if (int32_t(d) == mx.call) { // a member changed: the call is open again
        setNotDone(d);
        sd.result = sd.conclusion = Conclusion::None;
        sd.outputs = json::object();
      } else {
        resetJob(d);
      }
      queue.push_back(d);
    }
  }
  return true;
}

Conclusion WorkflowScheduler::conclusion() const {
  if (cancelled_)
    return Conclusion::Cancelled;
  for (uint32_t j = 0; j < jobs_.size(); ++j) {
    if (model_->jobs[j].isCall && jobs_[j].error.empty())
      continue; // a call fails through its members, or on its own (its `with:`)
    if (jobs_[j].result == Conclusion::Failure)
      return Conclusion::Failure;
    for (uint32_t i : jobs_[j].instances)
      if (instances_[i].reason == Reason::Timeout && !instances_[i].continueOnError)
        return Conclusion::Failure;
  }
  return Conclusion::Success;
}

std::vector<JobReport> WorkflowScheduler::reportJob(uint32_t j) const {
  std::vector<JobReport> out;
  const ModelJob &job = model_->jobs[j];
  const JobState &st = jobs_[j];
  if (job.isCall && st.error.empty())
    return out;
  if (st.instances.empty()) {
    JobReport r;
    r.id = r.job = job.id;
    std::string prefix = callPrefix(j);
    r.name = job.nameExpr.isTemplate() ? job.id : prefix + job.name;
    r.conclusion = st.conclusion;
    r.result = st.result;
    r.reason = st.reason;
    r.outputs = st.outputs;
    auto a = attempts_.find(job.id);
    r.attempt = a == attempts_.end() ? 1 : std::max(1, a->second);
    r.status = st.status == JobState::Done ? "completed" : "pending";
    r.error = st.error;
    out.push_back(std::move(r));
    return out;
  }
  for (uint32_t i : st.instances) {
    const InstanceState &inst = instances_[i];
    JobReport r;
    r.id = inst.id;
    r.job = job.id;
    r.name = inst.name;
    r.conclusion = inst.conclusion;
    r.result = inst.result;
    r.reason = inst.reason;
    r.outputs = inst.outputs;
    r.attempt = inst.attempt;
    r.error = inst.error;
    r.continueOnError = inst.continueOnError;
    switch (inst.status) {
    case InstanceState::Queued: r.status = "queued"; break;
    case InstanceState::Acquiring:
    case InstanceState::Waiting: r.status = "waiting"; break;
    case InstanceState::Running: r.status = "in_progress"; break;
    case InstanceState::Done: r.status = "completed"; break;
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<JobReport> WorkflowScheduler::report() const {
  std::vector<JobReport> out;
  for (uint32_t j = 0; j < jobs_.size(); ++j) {
    std::vector<JobReport> r = reportJob(j);
    out.insert(out.end(), std::make_move_iterator(r.begin()), std::make_move_iterator(r.end()));
  }
  return out;
}

void WorkflowScheduler::carryOver(const json &previousJobs, const std::vector<uint32_t> &rerun,
                                  const std::vector<std::string> &keep) {
  std::vector<uint8_t> again(jobs_.size(), 0);
  for (uint32_t j : rerun)
    again[j] = 1;
  std::vector<std::vector<JobReport>> byJob(jobs_.size());
  for (const json &e : previousJobs) {
    JobReport r = JobReport::fromJson(e);
    attempts_[r.id] = std::max(attempts_[r.id], r.attempt);
    if (std::find(keep.begin(), keep.end(), r.id) != keep.end())
      kept_[r.id] = r;
    int32_t j = model_->findJob(r.job);
    if (j >= 0)
      byJob[j].push_back(std::move(r));
  }
  // Topological order, so that ancestors' flags are set before their dependents'.
  std::vector<uint32_t> order;
  std::vector<uint32_t> indeg(jobs_.size(), 0);
  for (uint32_t j = 0; j < jobs_.size(); ++j)
    indeg[j] = jobs_[j].unsettled;
  for (uint32_t j = 0; j < jobs_.size(); ++j)
    if (indeg[j] == 0)
      order.push_back(j);
  for (size_t k = 0; k < order.size(); ++k) {
    const ModelJob &m = model_->jobs[order[k]];
    for (uint32_t d : m.dependents)
      if (--indeg[d] == 0)
        order.push_back(d);
    for (uint32_t d : m.members)
      if (--indeg[d] == 0)
        order.push_back(d);
  }
  for (uint32_t j : order) {
    const ModelJob &m = model_->jobs[j];
    JobState &st = jobs_[j];
    if (again[j])
      continue;
    if (m.isCall) {
      bool carried = !m.members.empty();
      for (uint32_t mem : m.members)
        carried = carried && !again[mem] && !byJob[mem].empty();
      if (carried) {
        st.status = JobState::Active;
        st.entered = true;
        for (uint32_t mem : m.members)
          --jobs_[mem].unsettled;
      }
      continue;
    }
    if (byJob[j].empty() || (m.call >= 0 && jobs_[m.call].status == JobState::Pending))
      continue;
    bool complete = true;
    for (const JobReport &r : byJob[j])
      complete = complete && r.conclusion != Conclusion::None;
    if (!complete)
      continue;
    const JobReport &first = byJob[j].front();
    if (byJob[j].size() == 1 && first.id == m.id && first.conclusion != Conclusion::Success &&
        first.conclusion != Conclusion::Failure && first.conclusion != Conclusion::Cancelled) {
      st.result = st.conclusion = first.conclusion; // skipped
      st.reason = first.reason;
      st.outputs = first.outputs;
      st.status = JobState::Active;
      setDone(j);
      continue;
    }
    st.status = JobState::Active;
    st.entered = true;
    for (const JobReport &r : byJob[j]) {
      InstanceState inst;
      inst.job = j;
      inst.id = r.id;
      inst.name = r.name;
      inst.attempt = r.attempt;
      inst.status = InstanceState::Done;
      inst.conclusion = r.conclusion;
      inst.result = r.result == Conclusion::None ? r.conclusion : r.result;
      inst.reason = r.reason;
      inst.outputs = r.outputs;
      inst.error = r.error;
      inst.continueOnError = r.continueOnError;
      inst.finishSeq = ++finishSeq_;
      uint32_t index = static_cast<uint32_t>(instances_.size());
      instanceById_[inst.id] = index;
      instances_.push_back(std::move(inst));
      st.instances.push_back(index);
    }
    settleJobIfDone(j);
  }
}

} // namespace runtime
