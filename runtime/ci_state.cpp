// The CI state tables: runs, workflow executions, job rows, control requests, secrets.
#include "runtime/ci_state.h"

namespace runtime {

namespace {

const char *kCiV1 = R"sql(
CREATE TABLE ci_runs (
  run_id INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  execution TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  event TEXT NOT NULL,
  provider TEXT NOT NULL,
  virtual_time INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL,
  conclusion TEXT,
  error TEXT,
  skipped TEXT,
  input TEXT NOT NULL DEFAULT '{}',
  created_ms INTEGER NOT NULL,
  ended_ms INTEGER,
  PRIMARY KEY (run_id, attempt)
);
CREATE TABLE ci_workflows (
  execution TEXT PRIMARY KEY,
  run_id INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  workflow_id TEXT NOT NULL,
  path TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  conclusion TEXT,
  cancel_token TEXT,
  retry_token TEXT,
  error TEXT
);
CREATE INDEX ci_workflows_run ON ci_workflows(run_id, attempt);
CREATE TABLE ci_jobs (
  execution TEXT NOT NULL,
  job_index INTEGER NOT NULL,
  leg INTEGER NOT NULL,
  job TEXT NOT NULL,
  entry TEXT NOT NULL,
  report TEXT NOT NULL,
  PRIMARY KEY (execution, job_index, leg)
);
CREATE TABLE ci_requests (
  id INTEGER PRIMARY KEY,
  execution TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  taken_ms INTEGER
);
CREATE INDEX ci_requests_open ON ci_requests(execution, kind, taken_ms);
CREATE TABLE ci_groups (
  group_key TEXT NOT NULL,
  holder TEXT NOT NULL,
  state TEXT NOT NULL,
  name TEXT NOT NULL,
  execution TEXT NOT NULL,
  instance TEXT,
  wake_token TEXT,
  seq INTEGER NOT NULL,
  PRIMARY KEY (group_key, holder)
);
CREATE TABLE ci_secrets (
  run_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_id, name)
);
)sql";

RunRecord readRun(Statement &s) {
  RunRecord r;
  r.runId = s.int64(0);
  r.attempt = static_cast<int>(s.int64(1));
  r.execution = s.text(2);
  r.source = s.text(3);
  r.event = s.text(4);
  r.provider = s.text(5);
  r.virtualTime = s.int64(6) != 0;
  r.status = s.text(7);
  r.conclusion = s.optText(8).value_or("");
  r.createdMs = s.int64(9);
  r.endedMs = s.optInt64(10);
  r.error = s.optText(11).value_or("");
  r.skipped = s.optText(12).value_or("");
  r.input = json::parse(s.optText(13).value_or("{}"), nullptr, false);
  return r;
}

constexpr const char *kRunColumns =
    "run_id, attempt, execution, source, event, provider, virtual_time, status, conclusion, "
    "created_ms, ended_ms, error, skipped, input";

WorkflowRecord readWorkflow(Statement &s) {
  WorkflowRecord w;
  w.execution = s.text(0);
  w.runId = s.int64(1);
  w.attempt = static_cast<int>(s.int64(2));
  w.workflowId = s.text(3);
  w.path = s.text(4);
  w.name = s.text(5);
  w.status = s.text(6);
  w.conclusion = s.optText(7).value_or("");
  w.cancelToken = s.optText(8).value_or("");
  w.retryToken = s.optText(9).value_or("");
  w.error = s.optText(10).value_or("");
  return w;
}

} // namespace

llvm::Error ensureCiSchema(Store &store) { return store.ensureSchema("ci", {kCiV1}); }

namespace ci {

std::string runExecutionName(int64_t runId, int attempt) {
  return "run/" + std::to_string(runId) + "/" + std::to_string(attempt);
}

std::string workflowExecutionName(int64_t runId, int attempt, llvm::StringRef path) {
  return runExecutionName(runId, attempt) + "/" + path.str();
}

llvm::Expected<int64_t> nextRunId(Store &store) {
  Statement &s = store.stmt("SELECT COALESCE(MAX(run_id), 0) + 1 FROM ci_runs");
  llvm::Expected<bool> row = s.step();
  if (!row)
    return row.takeError();
  int64_t id = s.int64(0);
  s.reset();
  return id;
}

llvm::Error insertRun(Store &store, const RunRecord &r) {
  return store
      .stmt("INSERT INTO ci_runs(run_id, attempt, execution, source, event, provider, "
            "virtual_time, status, conclusion, created_ms, ended_ms, input) VALUES (?, ?, ?, ?, ?, ?, ?, "
            "?, NULL, ?, NULL, ?)")
      .bind(1, r.runId)
      .bind(2, int64_t(r.attempt))
      .bind(3, r.execution)
      .bind(4, r.source)
      .bind(5, r.event)
      .bind(6, r.provider)
      .bind(7, int64_t(r.virtualTime))
      .bind(8, r.status)
      .bind(9, r.createdMs)
      .bind(10, toJsonText(r.input))
      .run();
}

llvm::Error setRunStatus(Store &store, int64_t runId, int attempt, llvm::StringRef status,
                         llvm::StringRef conclusion, std::optional<TimeMs> endedMs,
                         llvm::StringRef error) {
  Statement &s = store.stmt("UPDATE ci_runs SET status = ?, conclusion = ?, ended_ms = ?, error = ? "
                            "WHERE run_id = ? AND attempt = ?");
  s.bind(1, status);
  if (conclusion.empty())
    s.bindNull(2);
  else
    s.bind(2, conclusion);
  if (endedMs)
    s.bind(3, *endedMs);
  else
    s.bindNull(3);
  if (error.empty())
    s.bindNull(4);
  else
    s.bind(4, error);
  return s.bind(5, runId).bind(6, int64_t(attempt)).run();
}

llvm::Error setRunCompiled(Store &store, int64_t runId, int attempt, llvm::StringRef event,
                           const json &skipped) {
  return store.stmt("UPDATE ci_runs SET event = ?, skipped = ? WHERE run_id = ? AND attempt = ?")
      .bind(1, event)
      .bind(2, toJsonText(skipped))
      .bind(3, runId)
      .bind(4, int64_t(attempt))
      .run();
}

llvm::Expected<std::optional<RunRecord>> findRun(Store &store, int64_t runId, int attempt) {
  static const std::string latest = std::string("SELECT ") + kRunColumns +
                                    " FROM ci_runs WHERE run_id = ? ORDER BY attempt DESC LIMIT 1";
  static const std::string exact = std::string("SELECT ") + kRunColumns +
                                   " FROM ci_runs WHERE run_id = ? AND attempt = ?";
  Statement &s = store.stmt(attempt > 0 ? exact.c_str() : latest.c_str());
  s.bind(1, runId);
  if (attempt > 0)
    s.bind(2, int64_t(attempt));
  llvm::Expected<bool> row = s.step();
  if (!row)
    return row.takeError();
  std::optional<RunRecord> out;
  if (*row)
    out = readRun(s);
  s.reset();
  return out;
}

llvm::Expected<bool> runOver(Store &store, int64_t runId) {
  Statement &s = store.stmt(
      "SELECT r.status = 'completed' OR coalesce(e.status <> 'running', 1) FROM ci_runs r "
      "LEFT JOIN executions e ON e.name = r.execution WHERE r.run_id = ? "
      "ORDER BY r.attempt DESC LIMIT 1");
  s.bind(1, runId);
  llvm::Expected<bool> row = s.step();
  if (!row) {
    s.reset();
    return row.takeError();
  }
  bool over = !*row || s.int64(0) != 0;
  s.reset();
  return over;
}

llvm::Expected<std::vector<RunRecord>> listRuns(Store &store, int64_t limit) {
  static const std::string sql = std::string("SELECT ") + kRunColumns +
                                 " FROM ci_runs ORDER BY run_id DESC, attempt DESC LIMIT ?";
  Statement &s = store.stmt(sql.c_str());
  s.bind(1, limit);
  return s.collect(readRun);
}

llvm::Error upsertWorkflow(Store &store, const WorkflowRecord &w) {
  return store
      .stmt("INSERT INTO ci_workflows(execution, run_id, attempt, workflow_id, path, name, status, "
            "conclusion, cancel_token, retry_token) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?) "
            "ON CONFLICT(execution) DO UPDATE SET status = excluded.status, "
            "cancel_token = excluded.cancel_token, retry_token = excluded.retry_token")
      .bind(1, w.execution)
      .bind(2, w.runId)
      .bind(3, int64_t(w.attempt))
      .bind(4, w.workflowId)
      .bind(5, w.path)
      .bind(6, w.name)
      .bind(7, w.status)
      .bind(8, w.cancelToken)
      .bind(9, w.retryToken)
      .run();
}

llvm::Error setWorkflowTokens(Store &store, llvm::StringRef execution, llvm::StringRef cancelToken,
                              llvm::StringRef retryToken) {
  return store.stmt("UPDATE ci_workflows SET cancel_token = ?, retry_token = ? WHERE execution = ?")
      .bind(1, cancelToken)
      .bind(2, retryToken)
      .bind(3, execution)
      .run();
}

llvm::Error setWorkflowStatus(Store &store, llvm::StringRef execution, llvm::StringRef status,
                              llvm::StringRef conclusion, llvm::StringRef error) {
  Statement &s = store.stmt(
      "UPDATE ci_workflows SET status = ?, conclusion = ?, error = ? WHERE execution = ?");
  s.bind(1, status);
  if (conclusion.empty())
    s.bindNull(2);
  else
    s.bind(2, conclusion);
  if (error.empty())
    s.bindNull(3);
  else
    s.bind(3, error);
  return s.bind(4, execution).run();
}

llvm::Expected<std::vector<WorkflowRecord>> workflowsOf(Store &store, int64_t runId, int attempt) {
  Statement &s = store.stmt(
      "SELECT execution, run_id, attempt, workflow_id, path, name, status, conclusion, "
      "cancel_token, retry_token, error FROM ci_workflows WHERE run_id = ? AND attempt = ? "
      "ORDER BY rowid");
  s.bind(1, runId).bind(2, int64_t(attempt));
  return s.collect(readWorkflow);
}

llvm::Expected<std::optional<WorkflowRecord>> findWorkflow(Store &store, llvm::StringRef execution) {
  Statement &s = store.stmt(
      "SELECT execution, run_id, attempt, workflow_id, path, name, status, conclusion, "
      "cancel_token, retry_token, error FROM ci_workflows WHERE execution = ?");
  s.bind(1, execution);
  llvm::Expected<bool> row = s.step();
  if (!row) {
    s.reset();
    return row.takeError();
  }
  std::optional<WorkflowRecord> out;
  if (*row)
    out = readWorkflow(s);
  s.reset();
  return out;
}

llvm::Error writeJobRows(Store &store, llvm::StringRef execution, uint32_t jobIndex,
                         const std::string &jobId, const std::vector<JobReport> &rows,
                         uint32_t previousCount) {
  for (size_t leg = 0; leg < rows.size(); ++leg)
    if (llvm::Error e = store
                            .stmt("INSERT OR REPLACE INTO ci_jobs(execution, job_index, leg, job, "
                                  "entry, report) VALUES (?, ?, ?, ?, ?, ?)")
                            .bind(1, execution)
                            .bind(2, int64_t(jobIndex))
                            .bind(3, int64_t(leg))
                            .bind(4, jobId)
                            .bind(5, rows[leg].id)
                            .bind(6, toJsonText(rows[leg].toJson(true)))
                            .run())
      return e;
  if (previousCount <= rows.size())
    return llvm::Error::success();
  return store.stmt("DELETE FROM ci_jobs WHERE execution = ? AND job_index = ? AND leg >= ?")
      .bind(1, execution)
      .bind(2, int64_t(jobIndex))
      .bind(3, int64_t(rows.size()))
      .run();
}

llvm::Expected<std::vector<JobReport>> jobRows(Store &store, llvm::StringRef execution) {
  Statement &s = store.stmt(
      "SELECT report FROM ci_jobs WHERE execution = ? ORDER BY job_index, leg");
  s.bind(1, execution);
  std::vector<JobReport> out;
  if (llvm::Error e = s.forEach([&] {
        json j = json::parse(s.text(0), nullptr, false);
        if (!j.is_discarded())
          out.push_back(JobReport::fromJson(j));
      }))
    return e;
  return out;
}

llvm::Expected<json> runDocument(Store &store, int64_t runId, int attempt) {
  llvm::Expected<std::optional<RunRecord>> run = findRun(store, runId, attempt);
  if (!run)
    return run.takeError();
  if (!*run)
    return llvm::createStringError(std::errc::invalid_argument,
                                   "no run %lld in this store; `ci-exec status` lists the runs",
                                   static_cast<long long>(runId));
  const RunRecord &r = **run;
  bool finished = r.status == "completed";
  llvm::Expected<std::vector<WorkflowRecord>> wfs = workflowsOf(store, r.runId, r.attempt);
  if (!wfs)
    return wfs.takeError();
  json jobs = json::array();
  json workflows = json::array();
  for (const WorkflowRecord &w : *wfs) {
    json wj{{"id", w.workflowId},
            {"path", w.path},
            {"name", w.name},
            {"conclusion", w.conclusion.empty() ? json() : json(w.conclusion)}};
    if (!w.error.empty())
      wj["error"] = w.error;
    workflows.push_back(std::move(wj));
    llvm::Expected<std::vector<JobReport>> rows = jobRows(store, w.execution);
    if (!rows)
      return rows.takeError();
    for (const JobReport &j : *rows) {
      json e = j.toJson(!finished);
      if (wfs->size() > 1)
        e["workflow"] = w.workflowId;
      jobs.push_back(std::move(e));
    }
  }
  json doc{{"run", r.runId},
           {"conclusion", finished && !r.conclusion.empty() ? json(r.conclusion) : json()},
           {"jobs", std::move(jobs)},
           {"attempt", r.attempt},
           {"status", r.status},
           {"event", r.event},
           {"workflows", std::move(workflows)}};
  if (!r.error.empty())
    doc["error"] = r.error;
  if (!r.skipped.empty()) {
    json skipped = json::parse(r.skipped, nullptr, false);
    if (skipped.is_array() && !skipped.empty())
      doc["skipped_workflows"] = std::move(skipped);
  }
  return doc;
}

llvm::Expected<TimeMs> latestRecordedTime(Store &store) {
  Statement &s = store.stmt(
      "SELECT MAX(t) FROM (SELECT MAX(started_ms) AS t FROM operations UNION ALL "
      "SELECT MAX(ended_ms) FROM operations UNION ALL SELECT MAX(completed_ms) FROM callbacks "
      "UNION ALL SELECT MAX(dispatched_ms) FROM sim_jobs UNION ALL SELECT MAX(created_ms) FROM ci_runs)");
  llvm::Expected<bool> row = s.step();
  if (!row) {
    s.reset();
    return row.takeError();
  }
  TimeMs t = s.optInt64(0).value_or(0);
  s.reset();
  return t;
}

llvm::Expected<bool> postRequest(Store &store, llvm::StringRef execution, llvm::StringRef kind,
                                 const json &payload, TimeMs now, const CallbackCompleter &complete) {
  llvm::Expected<std::optional<WorkflowRecord>> wf = findWorkflow(store, execution);
  if (!wf)
    return wf.takeError();
  if (!*wf)
    return false;
  if (llvm::Error e = store
                          .stmt("INSERT INTO ci_requests(execution, kind, payload, created_ms) "
                                "VALUES (?, ?, ?, ?)")
                          .bind(1, execution)
                          .bind(2, kind)
                          .bind(3, toJsonText(payload))
                          .bind(4, now)
                          .run())
    return e;
  const std::string &token = kind == "retry" ? (*wf)->retryToken : (*wf)->cancelToken;
  if (token.empty() || (*wf)->status == "completed")
    return true;
  // Already fired: the orchestrator takes this request with the earlier one.
  if (llvm::Error e = ignoreSettled(complete(token, json::object())))
    return e;
  return true;
}

llvm::Error ignoreSettled(llvm::Error e) {
  return llvm::handleErrors(std::move(e), [](const llvm::ErrorInfoBase &info) -> llvm::Error {
    std::error_code ec = info.convertToErrorCode();
    if (ec == std::errc::operation_not_permitted)
      return llvm::Error::success();
    return llvm::createStringError(ec, "%s", info.message().c_str());
  });
}

llvm::Expected<std::vector<ControlRequest>> takeRequests(Store &store, llvm::StringRef execution,
                                                         llvm::StringRef kind, TimeMs now) {
  Statement &s = store.stmt(
      "SELECT id, payload FROM ci_requests WHERE execution = ? AND kind = ? AND taken_ms IS NULL "
      "ORDER BY id");
  s.bind(1, execution).bind(2, kind);
  std::vector<ControlRequest> out;
  if (llvm::Error e = s.forEach([&] {
        ControlRequest r;
        r.id = s.int64(0);
        r.kind = kind.str();
        r.payload = json::parse(s.text(1), nullptr, false);
        if (r.payload.is_discarded())
          r.payload = json::object();
        out.push_back(std::move(r));
      }))
    return e;
  for (const ControlRequest &r : out)
    if (llvm::Error e = store.stmt("UPDATE ci_requests SET taken_ms = ? WHERE id = ?")
                            .bind(1, now)
                            .bind(2, r.id)
                            .run())
      return e;
  return out;
}

llvm::Error storeSecrets(Store &store, int64_t runId,
                         const std::vector<std::pair<std::string, std::string>> &secrets) {
  for (const auto &[name, value] : secrets)
    if (llvm::Error e = store.stmt("INSERT OR REPLACE INTO ci_secrets(run_id, name, value) VALUES (?, ?, ?)")
                            .bind(1, runId)
                            .bind(2, name)
                            .bind(3, value)
                            .run())
      return e;
  return llvm::Error::success();
}

llvm::Expected<json> secretsOf(Store &store, int64_t runId) {
  Statement &s = store.stmt("SELECT name, value FROM ci_secrets WHERE run_id = ? ORDER BY name");
  s.bind(1, runId);
  json out = json::object();
  if (llvm::Error e = s.forEach([&] {
        out[s.text(0)] = s.text(1);
      }))
    return e;
  return out;
}

llvm::Error dropSecrets(Store &store, int64_t runId) {
  return store.stmt("DELETE FROM ci_secrets WHERE run_id = ?").bind(1, runId).run();
}

} // namespace ci
} // namespace runtime
