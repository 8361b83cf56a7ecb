// The ci-workflow orchestrator: the durable loop around the workflow scheduler.
#include "runtime/workflow_orchestrator.h"

#include "runtime/ci_state.h"
#include "runtime/concurrency_groups.h"

#include <chrono>

namespace runtime {

namespace {

ci::CallbackCompleter inTurnCompleter(Engine *engine) {
  return [engine](llvm::StringRef token, const json &value) { return engine->completeCallback(token, value); };
}

llvm::Expected<ComputeProvider *> providerOf(const CiDeps &deps, const WorkflowRun &run) {
  return deps.providers->forRun(run.runKey, run.providerName, *run.providerConfig);
}

JobInstance jobInstance(const WorkflowRun &run, const std::string &instance, int attempt, json request) {
  JobInstance ji;
  ji.execution = run.execution;
  ji.id = instance;
  ji.attempt = attempt;
  ji.spec = std::move(request);
  return ji;
}

GroupClaim claimFromJson(const json &a) {
  GroupClaim g;
  g.name = a.value("group", std::string());
  g.key = a.value("key", std::string());
  g.cancelInProgress = a.value("cancel_in_progress", false);
  g.queue = a.value("queue", std::string("single"));
  return g;
}

/// One effects batch, in a step: group releases, provider cancels, group acquisitions.
Result runEffects(const CiDeps &deps, const WorkflowRun &run, const json &batch, StepContext &sc) {
  ci::CallbackCompleter complete = inTurnCompleter(deps.engine);
  for (const json &r : batch["release"]) {
    groups::Holder h{run.execution, r["instance"].get<std::string>()};
    if (llvm::Error e = groups::release(sc.store, r["key"].get<std::string>(), h, complete))
      return Result::failure(llvm::toString(std::move(e)));
  }
  if (!batch["cancel"].empty()) {
    llvm::Expected<ComputeProvider *> p = providerOf(deps, run);
    if (!p)
      llvm::consumeError(p.takeError()); // nothing to stop with; the callbacks time out
    else
      for (const json &c : batch["cancel"])
        // A provider that cannot stop a job still reports it, or its callback times out.
        llvm::consumeError((*p)->cancel(jobInstance(run, c["instance"], c["attempt"], json::object())));
  }
  json acquired = json::object();
  for (const json &a : batch["acquire"]) {
    groups::Holder h{run.execution, a["instance"].get<std::string>()};
    llvm::Expected<groups::Outcome> o =
        groups::acquire(sc.store, claimFromJson(a), h, a["wake"].get<std::string>(), sc.now, complete);
    if (!o)
      return Result::failure(llvm::toString(o.takeError()));
    acquired[a["index"].get<std::string>()] = groups::outcomeName(*o).str();
  }
  return Result::success(json{{"acquired", std::move(acquired)}});
}

} // namespace

Task<Result> runJobContext(DurableContext &ctx, std::shared_ptr<const CiDeps> deps,
                           std::shared_ptr<const WorkflowRun> run, JobLaunch launch) {
  CallbackOptions options;
  options.timeout = std::chrono::milliseconds(launch.timeoutMs);
  Callback done = ctx.createCallback("done", options);
  std::string token = done.token;
  Future dispatch = ctx.step("dispatch", [deps, run, launch, token](StepContext &) -> Result {
    llvm::Expected<ComputeProvider *> p = providerOf(*deps, *run);
    if (!p)
      return Result::failure(llvm::toString(p.takeError()));
    if (llvm::Error e = (*p)->dispatch(jobInstance(*run, launch.instance, launch.attempt, launch.request), token))
      return Result::failure(llvm::toString(std::move(e)));
    return Result::success();
  });
  Result dispatched = co_await dispatch;
  if (!dispatched)
    co_return Result::success(json{{"conclusion", "failure"}, {"error", "dispatch failed: " + dispatched.error()}});
  Result r = co_await done.future;
  if (r.ok()) {
    if (r.value().is_object())
      co_return r;
    co_return Result::success(json{{"conclusion", "failure"},
                                   {"error", "the provider reported " + toJsonText(r.value())}});
  }
  // The engine's timeout message; any other failure was reported by the provider.
  if (llvm::StringRef(r.error()).startswith("callback \"done\" timed out"))
    co_return Result::success(json{{"conclusion", "cancelled"}, {"reason", "timeout"}, {"error", r.error()}});
  co_return Result::success(json{{"conclusion", "failure"}, {"error", r.error()}});
}

WorkflowLoop::WorkflowLoop(DurableContext &ctx, std::shared_ptr<const CiDeps> deps,
                           std::shared_ptr<const WorkflowRun> run,
                           std::shared_ptr<const WorkflowModel> model, const RunContexts &contexts)
    : ctx_(ctx), deps_(std::move(deps)), run_(std::move(run)), sched_(std::move(model), contexts),
      github_(contexts.github), inputs_(contexts.inputs), vars_(contexts.vars) {
  // The provider's job limit (`ci-exec run --jobs N`), journaled with the run.
  const json *config = run_->providerConfig.get();
  if (config && config->is_object() && config->contains("max_jobs") && (*config)["max_jobs"].is_number_integer() &&
      (*config)["max_jobs"].get<int64_t>() > 0)
    sched_.setMaxBusy((*config)["max_jobs"].get<int64_t>());
}

size_t WorkflowLoop::add(const Future &f, Tag tag) {
  tags_.push_back(tag);
  if (tag.kind == Tag::Job || tag.kind == Tag::Wake)
    ++outstanding_;
  return set_.add(f);
}

void WorkflowLoop::armCancel() {
  Callback cb = ctx_.createCallback("cancel#" + std::to_string(cancelSeq_++));
  cancelToken_ = cb.token;
  add(cb.future, Tag{Tag::Cancel});
  tokensChanged_ = true;
}

void WorkflowLoop::armRetry() {
  Callback cb = ctx_.createCallback("retry#" + std::to_string(retrySeq_++));
  retryToken_ = cb.token;
  add(cb.future, Tag{Tag::Retry});
  tokensChanged_ = true;
}

void WorkflowLoop::project() {
  if (ctx_.isReplaying())
    return;
  Store &store = ctx_.store();
  llvm::Error e = llvm::Error::success();
  if (!rowWritten_) {
    WorkflowRecord w;
    w.execution = run_->execution;
    w.runId = run_->runId;
    w.attempt = run_->attempt;
    w.workflowId = sched_.model().id;
    w.path = sched_.model().path;
    w.name = sched_.model().name;
    w.status = "in_progress";
    w.cancelToken = cancelToken_;
    w.retryToken = retryToken_;
    e = ci::upsertWorkflow(store, w);
    rowWritten_ = true;
    tokensChanged_ = false;
  } else if (tokensChanged_) {
    e = ci::setWorkflowTokens(store, run_->execution, cancelToken_, retryToken_);
    tokensChanged_ = false;
  }
  if (e)
    return ctx_.failTurn(std::move(e));
  if (projectedRows_.empty())
    projectedRows_.assign(sched_.model().jobs.size(), UINT32_MAX);
  for (uint32_t j : sched_.takeDirtyJobs()) {
    std::vector<JobReport> rows = sched_.reportJob(j);
    if (llvm::Error w = ci::writeJobRows(store, run_->execution, j, sched_.model().jobs[j].id, rows,
                                         projectedRows_[j]))
      return ctx_.failTurn(std::move(w));
    projectedRows_[j] = static_cast<uint32_t>(rows.size());
  }
}

void WorkflowLoop::carryOver(const json &carry) {
  const WorkflowModel &m = sched_.model();
  std::string target = carry.value("target", std::string());
  bool failed = carry.value("failed", false);
  const json &jobs = carry.contains("jobs") ? carry["jobs"] : json::array();
  std::vector<uint8_t> again(m.jobs.size(), 0);
  std::vector<uint32_t> queue;
  auto mark = [&](int32_t j) {
    if (j >= 0 && !again[j]) {
      again[j] = 1;
      queue.push_back(static_cast<uint32_t>(j));
    }
  };
  // Legs of a directly re-run job keep their result unless they are what is re-run:
  // with --failed the legs that failed, with an instance target that instance, with a
  // job target every leg.
  std::vector<JobReport> entries;
  for (const json &e : jobs)
    entries.push_back(JobReport::fromJson(e));
  std::vector<uint8_t> direct(m.jobs.size(), 0);
  std::vector<std::string> keep;
  llvm::StringRef t(target);
  bool jobTarget = !failed && m.findJob(target) >= 0;
  for (const JobReport &r : entries) {
    bool hit = failed ? (r.conclusion == Conclusion::Failure || r.conclusion == Conclusion::Cancelled)
                      : (t.equals_insensitive(r.id) || t.equals_insensitive(r.name) || t.equals_insensitive(r.job));
    int32_t j = m.findJob(r.job);
    if (hit && j >= 0)
      direct[j] = 1;
  }
  for (const JobReport &r : entries) {
    int32_t j = m.findJob(r.job);
    if (j < 0 || !direct[j] || r.id == m.jobs[j].id)
      continue;
    bool rerunThis = failed ? (r.conclusion == Conclusion::Failure || r.conclusion == Conclusion::Cancelled)
                            : jobTarget || t.equals_insensitive(r.id) || t.equals_insensitive(r.name);
    if (!rerunThis)
      keep.push_back(r.id);
  }
  for (uint32_t j = 0; j < direct.size(); ++j)
    if (direct[j])
      mark(static_cast<int32_t>(j));
  if (jobTarget)
    mark(m.findJob(target));
  while (!queue.empty()) {
    uint32_t x = queue.back();
    queue.pop_back();
    for (uint32_t d : m.jobs[x].dependents)
      mark(static_cast<int32_t>(d));
    for (uint32_t d : m.jobs[x].members)
      mark(static_cast<int32_t>(d));
    mark(m.jobs[x].call);
  }
  std::vector<uint32_t> rerun;
  for (uint32_t j = 0; j < again.size(); ++j)
    if (again[j])
      rerun.push_back(j);
  sched_.carryOver(jobs, rerun, keep);
}

Task<std::vector<json>> WorkflowLoop::takeRequests(const char *kindName) {
  std::string kind = kindName;
  std::string execution = run_->execution;
  int seq = kind == "cancel" ? cancelSeq_ : retrySeq_;
  Future f = ctx_.step("take-" + kind + "#" + std::to_string(seq - 1),
                       [kind, execution](StepContext &sc) -> Result {
                         llvm::Expected<std::vector<ci::ControlRequest>> reqs =
                             ci::takeRequests(sc.store, execution, kind, sc.now);
                         if (!reqs)
                           return Result::failure(llvm::toString(reqs.takeError()));
                         json out = json::array();
                         for (const ci::ControlRequest &r : *reqs)
                           out.push_back(r.payload);
                         return Result::success(std::move(out));
                       });
  Result r = co_await f;
  if (kind == "cancel")
    armCancel();
  else
    armRetry();
  std::vector<json> out;
  if (r.ok() && r.value().is_array())
    for (const json &p : r.value())
      out.push_back(p);
  co_return out;
}

Task<bool> WorkflowLoop::act() {
  Work w = sched_.advance();
  while (!w.empty()) {
    for (uint32_t i : w.wakes) {
      const InstanceState &inst = sched_.instance(i);
      int n = ++wakeSeq_[i];
      Callback cb = ctx_.createCallback("wake:" + inst.id + "#" + std::to_string(inst.attempt) + "." +
                                        std::to_string(n));
      wakeTokens_[i] = cb.token;
      add(cb.future, Tag{Tag::Wake, i, inst.attempt, n});
    }
    if (!w.effects.empty()) {
      json batch{{"release", json::array()}, {"cancel", json::array()}, {"acquire", json::array()}};
      for (const Effects::Release &r : w.effects.release)
        batch["release"].push_back(json{{"key", r.groupKey}, {"instance", sched_.instance(r.instance).id}});
      for (const Effects::Cancel &c : w.effects.cancel)
        batch["cancel"].push_back(json{{"instance", sched_.instance(c.instance).id},
                                       {"attempt", sched_.instance(c.instance).attempt},
                                       {"reason", reasonName(c.reason).str()}});
      for (const Effects::Acquire &a : w.effects.acquire)
        batch["acquire"].push_back(json{{"index", std::to_string(a.instance)},
                                        {"instance", sched_.instance(a.instance).id},
                                        {"group", a.group.name},
                                        {"key", a.group.key},
                                        {"cancel_in_progress", a.group.cancelInProgress},
                                        {"queue", a.group.queue},
                                        {"wake", wakeTokens_[a.instance]}});
      std::shared_ptr<const CiDeps> deps = deps_;
      std::shared_ptr<const WorkflowRun> run = run_;
      Future f = ctx_.step("effects", [deps, run, batch](StepContext &sc) { return runEffects(*deps, *run, batch, sc); });
      Result r = co_await f;
      if (!r) {
        failure_ = "the effects step failed: " + r.error();
        co_return false;
      }
      sched_.applyEffects(r.value());
    }
    for (uint32_t i : w.launches) {
      const InstanceState &inst = sched_.instance(i);
      JobLaunch launch{inst.id, inst.attempt, inst.timeoutMs, sched_.dispatchRequest(i)};
      std::shared_ptr<const CiDeps> deps = deps_;
      std::shared_ptr<const WorkflowRun> run = run_;
      Future f = ctx_.runInChildContext("job:" + inst.id + "#" + std::to_string(inst.attempt),
                                        [deps, run, launch](DurableContext &c) {
                                          return runJobContext(c, deps, run, launch);
                                        });
      add(f, Tag{Tag::Job, i, inst.attempt});
    }
    w = sched_.advance();
  }
  co_return true;
}

Task<bool> WorkflowLoop::handle(size_t index, const Result &result) {
  Tag t = tags_[index];
  switch (t.kind) {
  case Tag::Job: {
    --outstanding_;
    if (sched_.instance(t.instance).attempt != t.attempt)
      break; // the report of an earlier attempt (cancelled, then retried)
    json report = result.ok() ? result.value()
                              : json{{"conclusion", "failure"}, {"error", result.error()}};
    sched_.onInstanceReport(t.instance, report);
    break;
  }
  case Tag::Wake:
    --outstanding_;
    if (sched_.instance(t.instance).attempt == t.attempt && wakeSeq_[t.instance] == t.wake)
      sched_.onWake(t.instance, result);
    break;
  case Tag::Cancel: {
    Task<std::vector<json>> take = takeRequests("cancel");
    std::vector<json> requests = co_await take;
    for (const json &r : requests) {
      std::string target = r.value("job", json()).is_string() ? r["job"].get<std::string>() : "";
      Reason reason = parseReason(r.value("reason", std::string()));
      sched_.cancel(target, reason == Reason::None ? Reason::CancelRequest : reason);
    }
    break;
  }
  case Tag::Retry: {
    Task<std::vector<json>> take = takeRequests("retry");
    std::vector<json> requests = co_await take;
    for (const json &r : requests) {
      bool failed = r.value("failed", false);
      std::string target = !failed && r.value("job", json()).is_string() ? r["job"].get<std::string>() : "";
      sched_.retry(target);
    }
    break;
  }
  case Tag::WorkflowWake:
    break;
  }
  co_return true;
}

Task<bool> WorkflowLoop::acquireWorkflowGroup() {
  const WorkflowModel &m = sched_.model();
  ir::ValueObject o;
  o.set("github", jsonToValue(github_));
  o.set("inputs", jsonToValue(inputs_));
  o.set("vars", jsonToValue(vars_));
  ir::Value contexts = ir::Value::object(std::move(o));
  ir::Value group, cip;
  std::string err;
  if (!m.concurrency->group.evaluate(contexts, nullptr, group, err) ||
      !m.concurrency->cancelInProgress.evaluate(contexts, nullptr, cip, err) || group.toString().empty()) {
    failure_ = "workflow concurrency: " + (err.empty() ? std::string("the group is empty") : err);
    co_return false;
  }
  GroupClaim claim;
  claim.name = group.toString();
  claim.key = llvm::StringRef(claim.name).lower();
  claim.cancelInProgress = cip.isBool() && cip.getBool();
  claim.queue = m.concurrency->queue;
  workflowGroup_ = claim;
  Callback wake = ctx_.createCallback("workflow-wake");
  add(wake.future, Tag{Tag::WorkflowWake});
  json a{{"group", claim.name}, {"key", claim.key}, {"cancel_in_progress", claim.cancelInProgress},
         {"queue", claim.queue}, {"wake", wake.token}};
  std::shared_ptr<const CiDeps> deps = deps_;
  std::shared_ptr<const WorkflowRun> run = run_;
  Future f = ctx_.step("acquire-workflow-group", [deps, run, a](StepContext &sc) -> Result {
    groups::Holder h{run->execution, ""};
    llvm::Expected<groups::Outcome> o = groups::acquire(sc.store, claimFromJson(a), h, a["wake"].get<std::string>(),
                                                        sc.now, inTurnCompleter(deps->engine));
    if (!o)
      return Result::failure(llvm::toString(o.takeError()));
    return Result::success(groups::outcomeName(*o).str());
  });
  Result r = co_await f;
  std::string outcome = r.ok() && r.value().is_string() ? r.value().get<std::string>() : "rejected";
  if (outcome == "granted") {
    holdsWorkflowGroup_ = true;
    co_return true;
  }
  if (outcome == "pending") {
    while (true) {
      AnyFuture nx = ctx_.next("next", set_);
      Selected s = co_await nx;
      Tag t = tags_[s.index];
      if (t.kind == Tag::WorkflowWake) {
        bool granted = s.result.ok() && s.result.value().is_object() && s.result.value().value("granted", false);
        holdsWorkflowGroup_ = granted;
        if (!granted)
          abandonReason_ = Reason::Concurrency;
        co_return granted;
      }
      if (t.kind == Tag::Retry) {
        Task<std::vector<json>> take = takeRequests("retry");
        co_await take;
        continue;
      }
      Task<std::vector<json>> take = takeRequests("cancel");
      std::vector<json> requests = co_await take;
      bool runCancel = false;
      for (const json &req : requests)
        runCancel = runCancel || !req.value("job", json()).is_string();
      if (runCancel) {
        abandonReason_ = Reason::CancelRequest;
        holdsWorkflowGroup_ = true; // leave the pending row in the finish step
        co_return false;
      }
    }
  }
  abandonReason_ = Reason::Concurrency;
  co_return false;
}

Result WorkflowLoop::summary() const {
  size_t jobs = 0;
  for (uint32_t j = 0; j < sched_.model().jobs.size(); ++j)
    jobs += sched_.reportJob(j).size();
  return Result::success(json{{"workflow", sched_.model().id},
                              {"path", sched_.model().path},
                              {"conclusion", conclusionName(sched_.conclusion()).str()},
                              {"jobs", jobs}});
}

Task<Result> WorkflowLoop::run() {
  armCancel();
  armRetry();
  project();
  std::string runKey = run_->runKey;
  Future start = ctx_.step("start", [runKey](StepContext &sc) -> Result {
    // A cancel posted for the run before this execution had its row.
    Statement &s = sc.store.stmt("SELECT count(*) FROM ci_requests WHERE execution = ? AND kind = 'cancel'");
    s.bind(1, runKey);
    llvm::Expected<bool> row = s.step();
    if (!row)
      return Result::failure(llvm::toString(row.takeError()));
    int64_t n = s.int64(0);
    s.reset();
    return Result::success(json{{"cancelled", n > 0}});
  });
  Result started = co_await start;
  bool cancelledEarly = started.ok() && started.value().value("cancelled", false);
  bool proceed = true;
  if (cancelledEarly) {
    sched_.cancel("", Reason::CancelRequest);
  } else if (sched_.model().concurrency) {
    Task<bool> acquire = acquireWorkflowGroup();
    proceed = co_await acquire;
    if (!proceed && failure_.empty())
      sched_.abandon(abandonReason_);
  }
  while (proceed && failure_.empty()) {
    Task<bool> acting = act();
    if (!co_await acting)
      break;
    project();
    if (sched_.done())
      break;
    if (outstanding_ == 0) {
      failure_ = "the workflow cannot progress: no job is running or waiting, but some are not done";
      break;
    }
    AnyFuture nx = ctx_.next("next", set_);
    Selected s = co_await nx;
    Task<bool> handling = handle(s.index, s.result);
    if (!co_await handling)
      break;
  }
  project();
  std::shared_ptr<const CiDeps> deps = deps_;
  std::shared_ptr<const WorkflowRun> run = run_;
  std::optional<GroupClaim> group = holdsWorkflowGroup_ ? workflowGroup_ : std::nullopt;
  std::string conclusion = failure_.empty() ? conclusionName(sched_.conclusion()).str() : "failure";
  Future finish = ctx_.step("finish", [deps, run, group, conclusion](StepContext &sc) -> Result {
    if (group)
      if (llvm::Error e = groups::release(sc.store, group->key, groups::Holder{run->execution, ""},
                                          inTurnCompleter(deps->engine)))
        return Result::failure(llvm::toString(std::move(e)));
    if (llvm::Error e = ci::setWorkflowStatus(sc.store, run->execution, "completed", conclusion))
      return Result::failure(llvm::toString(std::move(e)));
    return Result::success();
  });
  co_await finish;
  if (!failure_.empty())
    co_return Result::failure(failure_);
  co_return summary();
}

Task<Result> runWorkflow(DurableContext &ctx, std::shared_ptr<const CiDeps> deps, json input) {
  llvm::Expected<std::shared_ptr<const WorkflowModel>> model = readWorkflowModel(input["workflow"]);
  if (!model)
    co_return Result::failure(llvm::toString(model.takeError()));
  auto run = std::make_shared<WorkflowRun>();
  const json &runIn = input["run"];
  run->runId = runIn.value("id", int64_t(0));
  run->attempt = runIn.value("attempt", 1);
  run->runKey = runIn.value("execution", std::string());
  run->execution = ctx.executionName();
  const json &provider = input.contains("provider") ? input["provider"] : json::object();
  run->providerName = provider.value("name", std::string("sim"));
  run->providerConfig = std::make_shared<const json>(provider.value("config", json()));
  RunContexts rc;
  rc.github = runIn.value("github", json::object());
  rc.github["workflow"] = (*model)->name;
  rc.inputs = input["workflow"].contains("inputs") ? input["workflow"]["inputs"]
                                                    : runIn.value("inputs", json::object());
  rc.vars = runIn.value("vars", json::object());
  WorkflowLoop loop(ctx, deps, run, *model, rc);
  if (input.contains("carry"))
    loop.carryOver(input["carry"]);
  Task<Result> body = loop.run();
  Result r = co_await body;
  co_return r;
}

} // namespace runtime
