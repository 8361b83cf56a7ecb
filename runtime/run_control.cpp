// Starting runs and attempts; cancel and retry requests.
#include "runtime/run_control.h"

#include "runtime/callbacks.h"
#include "runtime/journal.h"

namespace runtime {

std::string runExecution(int64_t runId, int attempt) { return ci::runExecutionName(runId, attempt); }

namespace {

/// Completes a control callback from outside the engine's turns: the completion and an
/// inbox entry, in the caller's transaction.
ci::CallbackCompleter viaInbox(Store &store, TimeMs now) {
  return [&store, now](llvm::StringRef token, const json &value) -> llvm::Error {
    llvm::Expected<Delivery> d = callbacks::deliver(store, token, Result::success(value), now, true);
    return d ? llvm::Error::success() : d.takeError();
  };
}

llvm::Expected<RunRecord> unfinished(Store &store, int64_t runId) {
  llvm::Expected<std::optional<RunRecord>> run = ci::findRun(store, runId);
  if (!run)
    return run.takeError();
  if (!*run)
    return llvm::createStringError(std::errc::invalid_argument,
                                   "no run %lld in this store; `ci-exec status` lists the runs",
                                   static_cast<long long>(runId));
  return **run;
}

} // namespace

llvm::Expected<int64_t> recordRun(Store &store, const RunRequest &req, TimeMs now) {
  int64_t runId = 0;
  if (llvm::Error e = store.transact([&]() -> llvm::Error {
        llvm::Expected<int64_t> id = ci::nextRunId(store);
        if (!id)
          return id.takeError();
        runId = *id;
        RunRecord r;
        r.runId = runId;
        r.attempt = 1;
        r.execution = ci::runExecutionName(runId, 1);
        r.source = req.source;
        r.event = req.event;
        r.provider = req.provider;
        r.virtualTime = req.virtualTime;
        r.status = "queued";
        r.createdMs = now;
        r.input = json{{"run", {{"id", runId}, {"attempt", 1}, {"source", req.source}, {"event", req.event}}},
                       {"request", req.request},
                       {"provider", {{"name", req.provider}, {"config", req.providerConfig}}}};
        if (llvm::Error e = ci::insertRun(store, r))
          return e;
        return ci::storeSecrets(store, runId, req.secrets);
      }))
    return e;
  return runId;
}

llvm::Error launchRun(Engine &engine, int64_t runId, int attempt) {
  llvm::Expected<std::optional<RunRecord>> run = ci::findRun(engine.store(), runId, attempt);
  if (!run)
    return run.takeError();
  if (!*run)
    return llvm::createStringError(std::errc::invalid_argument, "no run %lld attempt %d",
                                   static_cast<long long>(runId), attempt);
  llvm::Expected<ExecutionRecord> rec =
      engine.start(StartRequest((*run)->execution, "ci-run", (*run)->input));
  return rec ? llvm::Error::success() : rec.takeError();
}

llvm::Error resumeRuns(Engine &engine) {
  Store &store = engine.store();
  std::vector<RunRecord> queued;
  {
    Statement &s = store.stmt("SELECT run_id, attempt FROM ci_runs WHERE status = 'queued' AND "
                              "execution NOT IN (SELECT name FROM executions) ORDER BY run_id, attempt");
    if (llvm::Error e = s.forEach([&] {
          RunRecord r;
          r.runId = s.int64(0);
          r.attempt = static_cast<int>(s.int64(1));
          queued.push_back(r);
        }))
      return e;
  }
  for (const RunRecord &r : queued)
    if (llvm::Error e = launchRun(engine, r.runId, r.attempt))
      return e;
  return engine.resumeAll();
}

llvm::Expected<int64_t> startRun(Engine &engine, const RunRequest &req) {
  llvm::Expected<int64_t> id = recordRun(engine.store(), req, engine.clock().now());
  if (!id)
    return id.takeError();
  if (llvm::Error e = launchRun(engine, *id))
    return e;
  return *id;
}

llvm::Expected<int> startNextAttempt(Engine &engine, int64_t runId, const std::string &target, bool failed) {
  Store &store = engine.store();
  llvm::Expected<RunRecord> last = unfinished(store, runId);
  if (!last)
    return last.takeError();
  if (last->status != "completed")
    return llvm::createStringError(std::errc::operation_not_permitted,
                                   "run %lld is still running; its jobs are retried in place",
                                   static_cast<long long>(runId));
  llvm::Expected<std::optional<ExecutionRecord>> exec = executions::byName(store, last->execution);
  if (!exec)
    return exec.takeError();
  if (!*exec)
    return llvm::createStringError(std::errc::invalid_argument, "run %lld has no execution",
                                   static_cast<long long>(runId));
  llvm::Expected<std::optional<OpRecord>> compile = journal::get(store, (*exec)->id, "1");
  if (!compile)
    return compile.takeError();
  if (!*compile || (*compile)->status != OpStatus::Succeeded || !(*compile)->result)
    return llvm::createStringError(std::errc::operation_not_permitted,
                                   "run %lld failed before it ran any job (%s); start a new run",
                                   static_cast<long long>(runId), last->error.c_str());
  json compiled = json::parse(*(*compile)->result, nullptr, false);
  llvm::Expected<std::vector<WorkflowRecord>> wfs = ci::workflowsOf(store, runId, last->attempt);
  if (!wfs)
    return wfs.takeError();
  json previous = json::object();
  bool matched = false;
  for (const WorkflowRecord &w : *wfs) {
    llvm::Expected<std::vector<JobReport>> rows = ci::jobRows(store, w.execution);
    if (!rows)
      return rows.takeError();
    json jobs = json::array();
    for (const JobReport &r : *rows) {
      jobs.push_back(r.toJson());
      if (failed)
        matched |= r.conclusion == Conclusion::Failure || r.conclusion == Conclusion::Cancelled;
      else
        matched |= llvm::StringRef(target).equals_insensitive(r.id) ||
                   llvm::StringRef(target).equals_insensitive(r.job) ||
                   llvm::StringRef(target).equals_insensitive(r.name);
    }
    previous[w.path] = json{{"jobs", std::move(jobs)}};
  }
  if (!matched)
    return llvm::createStringError(std::errc::invalid_argument,
                                   failed ? "run %lld has no failed or cancelled job to re-run"
                                          : "run %lld has no job \"%s\"",
                                   static_cast<long long>(runId), target.c_str());
  int attempt = last->attempt + 1;
  json input = (*exec)->input;
  input["run"]["attempt"] = attempt;
  input["compiled"] = std::move(compiled);
  input["previous"] = std::move(previous);
  input["retry_target"] = failed ? std::string() : target;
  input["retry_failed"] = failed;
  if (llvm::Error e = store.transact([&]() -> llvm::Error {
        RunRecord r = *last;
        r.attempt = attempt;
        r.execution = ci::runExecutionName(runId, attempt);
        r.status = "queued";
        r.conclusion.clear();
        r.error.clear();
        r.createdMs = engine.clock().now();
        r.endedMs.reset();
        r.input = input;
        return ci::insertRun(store, r);
      }))
    return e;
  if (llvm::Error e = launchRun(engine, runId, attempt))
    return e;
  return attempt;
}

llvm::Expected<bool> requestCancel(Store &store, int64_t runId, const std::string &job, TimeMs now) {
  llvm::Expected<RunRecord> run = unfinished(store, runId);
  if (!run)
    return run.takeError();
  if (run->status == "completed")
    return false;
  llvm::Error e = store.transact([&]() -> llvm::Error {
    json payload{{"reason", "cancel-request"}};
    if (!job.empty())
      payload["job"] = job;
    else if (llvm::Error e = store
                                 .stmt("INSERT INTO ci_requests(execution, kind, payload, created_ms) "
                                       "VALUES (?, 'cancel', ?, ?)")
                                 .bind(1, run->execution)
                                 .bind(2, toJsonText(payload))
                                 .bind(3, now)
                                 .run())
      return e; // seen by workflow executions that start after this
    llvm::Expected<std::vector<WorkflowRecord>> wfs = ci::workflowsOf(store, runId, run->attempt);
    if (!wfs)
      return wfs.takeError();
    for (const WorkflowRecord &w : *wfs) {
      llvm::Expected<bool> posted = ci::postRequest(store, w.execution, "cancel", payload, now, viaInbox(store, now));
      if (!posted)
        return posted.takeError();
    }
    return llvm::Error::success();
  });
  if (e)
    return e;
  return true;
}

llvm::Expected<bool> requestRetry(Store &store, int64_t runId, const std::string &target, bool failed,
                                  TimeMs now) {
  llvm::Expected<RunRecord> run = unfinished(store, runId);
  if (!run)
    return run.takeError();
  if (run->status == "completed")
    return false;
  llvm::Error e = store.transact([&]() -> llvm::Error {
    json payload{{"failed", failed}};
    if (!failed)
      payload["job"] = target;
    llvm::Expected<std::vector<WorkflowRecord>> wfs = ci::workflowsOf(store, runId, run->attempt);
    if (!wfs)
      return wfs.takeError();
    for (const WorkflowRecord &w : *wfs) {
      llvm::Expected<bool> posted = ci::postRequest(store, w.execution, "retry", payload, now, viaInbox(store, now));
      if (!posted)
        return posted.takeError();
    }
    return llvm::Error::success();
  });
  if (e)
    return e;
  return true;
}

} // namespace runtime
