// The workflow scheduler's decisions: readiness, conditions, matrices, starting instances.
#include "runtime/workflow_scheduler.h"

#include "passes/matrix_expand.h"
#include "passes/matrix_template.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace runtime {

/// The job-level status functions of one job (gha-semantics §3.1).
class StatusFunctions : public ir::ExprHost {
public:
  StatusFunctions(const WorkflowScheduler &s, uint32_t job) : s_(s), job_(job) {}
  bool callFunction(llvm::StringRef name, llvm::ArrayRef<ir::Value> args, ir::Value &result,
                    std::string &error) override {
    if (name.equals_insensitive("always")) {
      result = ir::Value::boolean(true);
      return true;
    }
    if (name.equals_insensitive("cancelled")) {
      result = ir::Value::boolean(s_.cancelled_);
      return true;
    }
    bool success = name.equals_insensitive("success");
    if (!success && !name.equals_insensitive("failure")) {
      error = "the function " + name.str() + " is not available in a job's if";
      return false;
    }
    const ModelJob &job = s_.model_->jobs[job_];
    bool answer;
    if (args.empty()) {
      if (success) {
        answer = !s_.cancelled_;
        for (uint32_t d : job.statusDeps)
          answer = answer && s_.jobs_[d].allSucceeded;
      } else {
        answer = false;
        for (uint32_t d : job.statusDeps)
          answer = answer || s_.jobs_[d].anyFailed;
      }
    } else {
      // Narrowed to the named ancestors (the schema's job-id arguments).
      std::vector<uint32_t> picked;
      for (uint32_t a : s_.ancestors(job_)) {
        const ModelJob &aj = s_.model_->jobs[a];
        for (const ir::Value &v : args) {
          std::string id = v.toString();
          if (llvm::StringRef(aj.localId).equals_insensitive(id) || llvm::StringRef(aj.id).equals_insensitive(id)) {
            picked.push_back(a);
            break;
          }
        }
      }
      if (success) {
        answer = !s_.cancelled_;
        for (uint32_t a : picked)
          answer = answer && s_.jobs_[a].result == Conclusion::Success;
      } else {
        answer = false;
        for (uint32_t a : picked)
          answer = answer || s_.jobs_[a].result == Conclusion::Failure;
      }
    }
    result = ir::Value::boolean(answer);
    return true;
  }

private:
  const WorkflowScheduler &s_;
  uint32_t job_;
};

WorkflowScheduler::WorkflowScheduler(std::shared_ptr<const WorkflowModel> model,
                                     const RunContexts &contexts)
    : model_(std::move(model)) {
  github_ = jsonToValue(contexts.github);
  inputs_ = jsonToValue(contexts.inputs);
  vars_ = jsonToValue(contexts.vars);
  size_t n = model_->jobs.size();
  jobs_.resize(n);
  isHeldBack_.assign(n, 0);
  openJobs_ = n;
  for (uint32_t j = 0; j < n; ++j) {
    const ModelJob &job = model_->jobs[j];
    jobs_[j].unsettled = static_cast<uint32_t>(job.needs.size()) + (job.call >= 0 ? 1 : 0);
    jobs_[j].openMembers = static_cast<uint32_t>(job.members.size());
    if (jobs_[j].unsettled == 0)
      ready_.push_back(j);
    dirty_.push_back(j);
  }
}

ir::Value WorkflowScheduler::needsContext(uint32_t job) const {
  const ModelJob &m = model_->jobs[job];
  ir::ValueObject needs;
  for (size_t i = 0; i < m.needs.size(); ++i) {
    const JobState &n = jobs_[m.needs[i]];
    ir::ValueObject entry;
    entry.set("result", ir::Value::string(conclusionName(n.result)));
    entry.set("outputs", jsonToValue(n.outputs));
    needs.set(m.needsKeys[i], ir::Value::object(std::move(entry)));
  }
  return ir::Value::object(std::move(needs));
}

std::string WorkflowScheduler::callPrefix(uint32_t job) const {
  std::string prefix;
  for (int32_t c = model_->jobs[job].call; c >= 0; c = model_->jobs[c].call)
    prefix = model_->jobs[c].name + " / " + prefix;
  return prefix;
}

const ir::Value &WorkflowScheduler::inputsFor(uint32_t job) const {
  int32_t call = model_->jobs[job].call;
  return call >= 0 ? jobs_[call].callInputs : inputs_;
}

ir::Value WorkflowScheduler::contextsFor(uint32_t job) const {
  ir::ValueObject o;
  o.set("github", github_);
  o.set("inputs", inputsFor(job));
  o.set("vars", vars_);
  o.set("needs", needsContext(job));
  return ir::Value::object(std::move(o));
}

bool WorkflowScheduler::evaluateCondition(uint32_t job) {
  StatusFunctions host(*this, job);
  ir::Value v;
  std::string error;
  if (!model_->jobs[job].condition.evaluate(contextsFor(job), &host, v, error))
    return false;
  return v.truthy();
}

Reason WorkflowScheduler::skipReason(uint32_t job) const {
  for (uint32_t d : model_->jobs[job].statusDeps)
    if (!jobs_[d].allSucceeded)
      return Reason::Needs;
  return cancelled_ ? Reason::CancelRequest : Reason::Condition;
}

std::vector<uint32_t> WorkflowScheduler::ancestors(uint32_t job) const {
  std::vector<uint32_t> out;
  std::vector<uint8_t> seen(jobs_.size(), 0);
  std::vector<uint32_t> stack(model_->jobs[job].statusDeps);
  while (!stack.empty()) {
    uint32_t a = stack.back();
    stack.pop_back();
    if (seen[a])
      continue;
    seen[a] = 1;
    out.push_back(a);
    for (uint32_t d : model_->jobs[a].statusDeps)
      stack.push_back(d);
  }
  return out;
}

void WorkflowScheduler::markDirty(uint32_t job) {
  if (!jobs_[job].dirty) {
    jobs_[job].dirty = true;
    dirty_.push_back(job);
  }
}

std::vector<uint32_t> WorkflowScheduler::takeDirtyJobs() {
  std::vector<uint32_t> out = std::move(dirty_);
  dirty_.clear();
  for (uint32_t j : out)
    jobs_[j].dirty = false;
  return out;
}

Work WorkflowScheduler::advance() {
  while (!ready_.empty() || !startable_.empty()) {
    while (!ready_.empty()) {
      uint32_t j = ready_.front();
      ready_.pop_front();
      if (jobs_[j].status == JobState::Pending && jobs_[j].unsettled == 0)
        enterJob(j);
    }
    startHeldBack();
    while (!startable_.empty()) {
      uint32_t j = startable_.front();
      startable_.pop_front();
      if (!startQueued(j) && !isHeldBack_[j]) {
        isHeldBack_[j] = 1;
        heldBack_.push_back(j);
      }
    }
  }
  Work w;
  w.wakes = std::move(wakes_);
  w.effects = std::move(effects_);
  w.launches = std::move(launches_);
  wakes_.clear();
  effects_ = Effects();
  launches_.clear();
  return w;
}

void WorkflowScheduler::skipJob(uint32_t job, Reason reason) {
  JobState &st = jobs_[job];
  if (st.status == JobState::Done)
    return;
  st.result = st.conclusion = Conclusion::Skipped;
  st.reason = reason;
  setDone(job);
  for (uint32_t m : model_->jobs[job].members)
    skipJob(m, reason);
}

void WorkflowScheduler::failJob(uint32_t job, std::string error) {
  JobState &st = jobs_[job];
  st.result = st.conclusion = Conclusion::Failure;
  st.error = std::move(error);
  setDone(job);
}

namespace {

struct Leg {
  std::string id;
  std::string name;
  ir::Value matrix;
};

std::string valueText(const ir::Value &v) { return v.toString(); }

} // namespace

void WorkflowScheduler::enterJob(uint32_t j) {
  const ModelJob &job = model_->jobs[j];
  JobState &st = jobs_[j];
  if (job.call >= 0 && jobs_[job.call].status == JobState::Done &&
      jobs_[job.call].result == Conclusion::Skipped)
    return skipJob(j, jobs_[job.call].reason == Reason::Condition ? Reason::Needs : jobs_[job.call].reason);
  if (!evaluateCondition(j))
    return skipJob(j, skipReason(j));
  st.entered = true;
  st.status = JobState::Active;
  markDirty(j);
  if (job.isCall) {
    // The callee's `inputs`: the call's `with:` in the caller's contexts (§5); a leg
    // of a caller-side matrix is a call node of its own, whose matrix `with:` sees.
    ir::Value ctx = contextsFor(j);
    if (job.instances && job.instances->size() == 1 && !(*job.instances)[0].matrix.isNull()) {
      ir::ValueObject withMatrix = ctx.getObject();
      withMatrix.set("matrix", (*job.instances)[0].matrix);
      ctx = ir::Value::object(std::move(withMatrix));
    }
    ir::ValueObject inputs;
    for (const auto &[name, expr] : job.with) {
      ir::Value v;
      std::string error;
      if (!expr.evaluate(ctx, nullptr, v, error)) {
        failJob(j, "with." + name + ": " + error);
        for (uint32_t m : job.members)
          skipJob(m, Reason::Needs);
        return;
      }
      inputs.set(name, std::move(v));
    }
    st.callInputs = ir::Value::object(std::move(inputs));
    for (uint32_t m : job.members)
      if (--jobs_[m].unsettled == 0)
        ready_.push_back(m);
    if (job.members.empty())
      settleCall(j);
    return;
  }
  ir::Value ctx = contextsFor(j);
  std::string prefix = callPrefix(j);
  std::string error;
  auto evalName = [&](const ir::Value &c, std::string fallback) {
    if (!job.nameExpr.isTemplate())
      return fallback;
    ir::Value v;
    std::string err;
    return job.nameExpr.evaluate(c, nullptr, v, err) ? valueText(v) : job.localId;
  };
  std::vector<Leg> legs;
  if (job.instances) {
    for (const ModelInstance &i : *job.instances)
      legs.push_back({i.id, i.name, i.matrix});
  } else if (!job.matrix) {
    legs.push_back({job.id, prefix + evalName(ctx, job.name), ir::Value()});
  } else {
    ir::Value matrix;
    if (!job.matrix->evaluate(ctx, nullptr, matrix, error))
      return failJob(j, "strategy.matrix: " + error);
    if (passes::holdsTemplate(matrix)) { // expressions inside the mapping (keys too)
      passes::MatrixTemplateResult r = passes::evaluateMatrixTemplate(matrix, ctx);
      if (!r.value)
        return failJob(j, "strategy.matrix: " + r.error);
      matrix = std::move(*r.value);
    }
    if (!matrix.isObject())
      return failJob(j, "strategy.matrix must be a mapping, not " +
                            ir::Value::kindName(matrix.kind()).str());
    passes::MatrixOptions mo;
    mo.suffixName = !job.nameExpr.isTemplate();
    passes::MatrixExpansion ex = passes::expandMatrix(matrix, job.name, mo);
    if (ex.error)
      return failJob(j, ex.error->message);
    for (passes::MatrixLeg &leg : ex.legs) {
      ir::ValueObject withMatrix = ctx.getObject();
      withMatrix.set("matrix", leg.matrix);
      std::string name = evalName(ir::Value::object(std::move(withMatrix)), leg.displayName);
      legs.push_back({job.id + "." + leg.configId, prefix + name, leg.matrix});
    }
  }
  bool hasMatrix = job.matrix.has_value() || (job.instances && !(*job.instances)[0].matrix.isNull());
  ir::Value v;
  st.failFast = job.hasStrategy && job.failFast.evaluate(ctx, nullptr, v, error) && v.truthy();
  st.maxParallel.reset();
  if (job.hasStrategy && job.maxParallel.evaluate(ctx, nullptr, v, error)) {
    double mp = v.isNull() ? 0 : v.toNumber();
    if (mp == mp && mp >= 1)
      st.maxParallel = static_cast<int64_t>(mp);
  }
  for (size_t i = 0; i < legs.size(); ++i) {
    InstanceState inst;
    inst.job = j;
    inst.id = legs[i].id;
    inst.name = legs[i].name;
    inst.matrix = legs[i].matrix;
    std::optional<double> mp;
    if (st.maxParallel)
      mp = static_cast<double>(*st.maxParallel);
    inst.strategy = passes::strategyContext(hasMatrix ? st.failFast : true, i, legs.size(),
                                            hasMatrix ? mp : std::optional<double>(1));
    auto kept = kept_.find(inst.id);
    if (kept != kept_.end()) { // a leg whose result stands in this attempt
      const JobReport &r = kept->second;
      inst.attempt = r.attempt;
      inst.status = InstanceState::Done;
      inst.conclusion = r.conclusion;
      inst.result = r.result;
      inst.reason = r.reason;
      inst.outputs = r.outputs;
      inst.continueOnError = r.continueOnError;
      inst.finishSeq = ++finishSeq_;
      uint32_t index = static_cast<uint32_t>(instances_.size());
      instanceById_[inst.id] = index;
      instances_.push_back(std::move(inst));
      st.instances.push_back(index);
      kept_.erase(kept);
      continue;
    }
    inst.attempt = ++attempts_[inst.id];
    ir::ValueObject legObj = ctx.getObject();
    legObj.set("matrix", inst.matrix);
    legObj.set("strategy", inst.strategy);
    ir::Value legCtx = ir::Value::object(std::move(legObj));
    std::string err;
    bool ok = job.continueOnError.evaluate(legCtx, nullptr, v, err);
    inst.continueOnError = ok && v.isBool() && v.getBool();
    if (ok && job.timeoutMinutes.evaluate(legCtx, nullptr, v, err)) {
      double minutes = v.toNumber();
      if (!(minutes > 0) || minutes != minutes)
        minutes = 360;
      inst.timeoutMs = static_cast<int64_t>(std::llround(minutes * 60'000));
    } else {
      ok = false;
    }
    if (ok && job.concurrency) {
      ir::Value group, cip;
      if (job.concurrency->group.evaluate(legCtx, nullptr, group, err) &&
          job.concurrency->cancelInProgress.evaluate(legCtx, nullptr, cip, err)) {
        GroupClaim claim;
        claim.name = group.toString();
        claim.key = llvm::StringRef(claim.name).lower();
        claim.cancelInProgress = cip.isBool() && cip.getBool();
        claim.queue = job.concurrency->queue;
        if (claim.name.empty()) {
          ok = false;
          err = "the concurrency group evaluated to an empty string";
        } else {
          inst.group = std::move(claim);
        }
      } else {
        ok = false;
      }
    }
    uint32_t index = static_cast<uint32_t>(instances_.size());
    instanceById_[inst.id] = index;
    instances_.push_back(std::move(inst));
    st.instances.push_back(index);
    if (!ok) {
      InstanceState &bad = instances_[index];
      bad.status = InstanceState::Done;
      bad.conclusion = bad.result = Conclusion::Failure;
      bad.error = err;
      bad.finishSeq = ++finishSeq_;
    }
  }
  startable_.push_back(j);
  settleJobIfDone(j);
}

bool WorkflowScheduler::startQueued(uint32_t j) {
  JobState &st = jobs_[j];
  if (st.status != JobState::Active)
    return true;
  int64_t busy = 0;
  for (uint32_t i : st.instances) {
    InstanceState::Status s = instances_[i].status;
    busy += s != InstanceState::Queued && s != InstanceState::Done;
  }
  for (uint32_t i : st.instances) {
    if (instances_[i].status != InstanceState::Queued)
      continue;
    if (st.maxParallel && busy >= *st.maxParallel)
      break;
    if (maxBusy_ && busy_ >= *maxBusy_)
      return false;
    ++busy;
    startInstance(i);
  }
  return true;
}

void WorkflowScheduler::startHeldBack() {
  while (!heldBack_.empty() && (!maxBusy_ || busy_ < *maxBusy_)) {
    uint32_t j = heldBack_.front();
    if (!startQueued(j))
      return; // still held back: it keeps its place
    heldBack_.pop_front();
    isHeldBack_[j] = 0;
  }
}

void WorkflowScheduler::startInstance(uint32_t i) {
  InstanceState &inst = instances_[i];
  assert(inst.status == InstanceState::Queued && "only a queued instance starts");
  ++busy_;
  markDirty(inst.job);
  if (inst.group && !inst.holdsGroup) {
    inst.status = InstanceState::Acquiring;
    wakes_.push_back(i);
    effects_.acquire.push_back({i, *inst.group});
    return;
  }
  inst.status = InstanceState::Running;
  launches_.push_back(i);
}

json WorkflowScheduler::dispatchRequest(uint32_t i) const {
  const InstanceState &inst = instances_[i];
  const ModelJob &job = model_->jobs[inst.job];
  json req{{"instance", inst.id},
              {"job", job.id},
              {"local_id", job.localId},
              {"name", inst.name},
              {"attempt", inst.attempt},
              {"matrix", valueToJson(inst.matrix)},
              {"strategy", valueToJson(inst.strategy)},
              {"needs", valueToJson(needsContext(inst.job))},
              {"timeout_minutes", static_cast<double>(inst.timeoutMs) / 60'000.0},
              {"continue_on_error", inst.continueOnError},
              {"outputs", job.outputs},
              {"spec", job.spec},
              {"env", model_->env},
              {"workflow", model_->path}};
  if (job.call >= 0) {
    // A member of a reusable call: the callee's inputs, and the `secrets:` of each
    // enclosing call, outermost first, for the provider to map the run's secrets.
    req["inputs"] = valueToJson(inputsFor(inst.job));
    json layers = json::array();
    for (int32_t c = job.call; c >= 0; c = model_->jobs[c].call)
      layers.insert(layers.begin(), model_->jobs[c].secrets);
    req["call_secrets"] = std::move(layers);
  }
  return req;
}

} // namespace runtime
