// The exec_* tables: job attempts, step records and annotations of the local providers.
#include "runtime/local_store.h"

#include "runtime/callbacks.h"

namespace runtime {

namespace {
const char *kExecV1 = R"sql(
CREATE TABLE exec_jobs (
  execution TEXT NOT NULL,
  instance TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  run_id INTEGER NOT NULL,
  token TEXT NOT NULL,
  provider TEXT NOT NULL,
  name TEXT NOT NULL,
  state TEXT NOT NULL,
  pid INTEGER,
  heartbeat_ms INTEGER NOT NULL,
  started_ms INTEGER NOT NULL,
  finished_ms INTEGER,
  current_step TEXT,
  report TEXT,
  dir TEXT NOT NULL,
  PRIMARY KEY (execution, instance, attempt)
);
CREATE INDEX exec_jobs_state ON exec_jobs(state);
CREATE INDEX exec_jobs_run ON exec_jobs(run_id);
CREATE TABLE exec_steps (
  run_id INTEGER NOT NULL,
  execution TEXT NOT NULL,
  instance TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  step_index INTEGER NOT NULL,
  step_id TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  outcome TEXT,
  conclusion TEXT,
  started_ms INTEGER NOT NULL,
  finished_ms INTEGER,
  log TEXT NOT NULL,
  error TEXT,
  PRIMARY KEY (execution, instance, attempt, step_index)
);
CREATE INDEX exec_steps_run ON exec_steps(run_id);
CREATE TABLE exec_annotations (
  run_id INTEGER NOT NULL,
  execution TEXT NOT NULL,
  instance TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  step_index INTEGER NOT NULL,
  level TEXT NOT NULL,
  message TEXT NOT NULL,
  file TEXT,
  line INTEGER,
  col INTEGER,
  end_line INTEGER,
  end_col INTEGER,
  title TEXT
);
CREATE INDEX exec_annotations_run ON exec_annotations(run_id);
)sql";

std::optional<std::string> nonEmpty(const std::string &s) {
  if (s.empty())
    return std::nullopt;
  return s;
}
} // namespace

llvm::Error ensureExecSchema(Store &store) { return store.ensureSchema("exec", {kExecV1}); }

namespace execdb {

llvm::Error upsertDispatch(Store &store, const JobKey &key, int64_t runId, const std::string &token,
                           const std::string &provider, const std::string &name, const std::string &dir,
                           TimeMs now) {
  return store
      .stmt("INSERT INTO exec_jobs(execution, instance, attempt, run_id, token, provider, name, state, "
            "heartbeat_ms, started_ms, dir) VALUES (?, ?, ?, ?, ?, ?, ?, 'starting', ?, ?, ?) "
            "ON CONFLICT(execution, instance, attempt) DO UPDATE SET token = excluded.token")
      .bind(1, key.execution)
      .bind(2, key.instance)
      .bind(3, int64_t(key.attempt))
      .bind(4, runId)
      .bind(5, token)
      .bind(6, provider)
      .bind(7, name)
      .bind(8, now)
      .bind(9, now)
      .bind(10, dir)
      .run();
}

namespace {
ExecJobRecord readJob(Statement &s) {
  ExecJobRecord r;
  r.key.execution = s.text(0);
  r.key.instance = s.text(1);
  r.key.attempt = static_cast<int>(s.int64(2));
  r.runId = s.int64(3);
  r.token = s.text(4);
  r.provider = s.text(5);
  r.state = s.text(6);
  r.pid = s.optInt64(7);
  r.heartbeatMs = s.int64(8);
  r.report = s.optText(9);
  r.dir = s.text(10);
  return r;
}
} // namespace

llvm::Expected<std::optional<ExecJobRecord>> findJob(Store &store, const JobKey &key) {
  Statement &s = store.stmt("SELECT execution, instance, attempt, run_id, token, provider, state, pid, "
                            "heartbeat_ms, report, dir FROM exec_jobs WHERE execution = ? AND "
                            "instance = ? AND attempt = ?");
  s.bind(1, key.execution).bind(2, key.instance).bind(3, int64_t(key.attempt));
  llvm::Expected<bool> row = s.step();
  if (!row) {
    s.reset();
    return row.takeError();
  }
  std::optional<ExecJobRecord> out;
  if (*row)
    out = readJob(s);
  s.reset();
  return out;
}

llvm::Error markRunning(Store &store, const JobKey &key, int64_t pid, TimeMs now) {
  return store
      .stmt("UPDATE exec_jobs SET state = 'running', pid = ?, heartbeat_ms = ? WHERE execution = ? AND "
            "instance = ? AND attempt = ? AND state = 'starting'")
      .bind(1, pid)
      .bind(2, now)
      .bind(3, key.execution)
      .bind(4, key.instance)
      .bind(5, int64_t(key.attempt))
      .run();
}

llvm::Error heartbeat(Store &store, const JobKey &key, const std::string &currentStep, TimeMs now) {
  return store
      .stmt("UPDATE exec_jobs SET heartbeat_ms = ?, current_step = ? WHERE execution = ? AND "
            "instance = ? AND attempt = ?")
      .bind(1, now)
      .bind(2, currentStep)
      .bind(3, key.execution)
      .bind(4, key.instance)
      .bind(5, int64_t(key.attempt))
      .run();
}

llvm::Error complete(Store &store, const JobKey &key, const json &report, TimeMs now) {
  return store.transact([&]() -> llvm::Error {
    llvm::Expected<std::optional<ExecJobRecord>> job = findJob(store, key);
    if (!job)
      return job.takeError();
    if (!*job)
      return llvm::createStringError(std::errc::invalid_argument, "no exec_jobs row for %s#%d",
                                     key.instance.c_str(), key.attempt);
    if ((*job)->state == "completed" || (*job)->state == "delivered")
      return llvm::Error::success(); // reported already
    std::string state = "delivered";
    llvm::Expected<Delivery> d = callbacks::deliver(store, (*job)->token, Result::success(report), now, true);
    if (!d) {
      llvm::handleAllErrors(d.takeError(), [&](const llvm::ErrorInfoBase &info) {
        // Settled already (timed out, cancelled): nothing more to deliver. Unknown: the
        // dispatch that made the token rolled back; the orchestrator delivers later.
        if (info.convertToErrorCode() != std::errc::operation_not_permitted)
          state = "completed";
      });
    }
    return store
        .stmt("UPDATE exec_jobs SET state = ?, report = ?, finished_ms = ?, heartbeat_ms = ? WHERE "
              "execution = ? AND instance = ? AND attempt = ?")
        .bind(1, state)
        .bind(2, toJsonText(report))
        .bind(3, now)
        .bind(4, now)
        .bind(5, key.execution)
        .bind(6, key.instance)
        .bind(7, int64_t(key.attempt))
        .run();
  });
}

llvm::Expected<std::vector<ExecJobRecord>> undelivered(Store &store, TimeMs staleBefore) {
  Statement &s = store.stmt("SELECT execution, instance, attempt, run_id, token, provider, state, pid, "
                            "heartbeat_ms, report, dir FROM exec_jobs WHERE state = 'completed' OR "
                            "(state IN ('starting', 'running') AND heartbeat_ms < ?)");
  s.bind(1, staleBefore);
  return s.collect(readJob);
}

llvm::Error markDelivered(Store &store, const JobKey &key) {
  return store
      .stmt("UPDATE exec_jobs SET state = 'delivered' WHERE execution = ? AND instance = ? AND attempt = ?")
      .bind(1, key.execution)
      .bind(2, key.instance)
      .bind(3, int64_t(key.attempt))
      .run();
}

llvm::Error stepStarted(Store &store, const StepRow &r, TimeMs now) {
  return store
      .stmt("INSERT OR REPLACE INTO exec_steps(run_id, execution, instance, attempt, step_index, step_id, "
            "name, kind, status, started_ms, log) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'in_progress', ?, ?)")
      .bind(1, r.runId)
      .bind(2, r.key.execution)
      .bind(3, r.key.instance)
      .bind(4, int64_t(r.key.attempt))
      .bind(5, int64_t(r.index))
      .bind(6, r.stepId)
      .bind(7, r.name)
      .bind(8, r.kind)
      .bind(9, now)
      .bind(10, r.log)
      .run();
}

llvm::Error stepFinished(Store &store, const StepRow &r, TimeMs now) {
  return store
      .stmt("UPDATE exec_steps SET status = 'completed', outcome = ?, conclusion = ?, finished_ms = ?, "
            "error = ?, name = ? WHERE execution = ? AND instance = ? AND attempt = ? AND step_index = ?")
      .bind(1, r.outcome)
      .bind(2, r.conclusion)
      .bind(3, now)
      .bind(4, nonEmpty(r.error))
      .bind(5, r.name)
      .bind(6, r.key.execution)
      .bind(7, r.key.instance)
      .bind(8, int64_t(r.key.attempt))
      .bind(9, int64_t(r.index))
      .run();
}

llvm::Error addAnnotation(Store &store, const StepRow &st, const Annotation &a) {
  Statement &s = store.stmt("INSERT INTO exec_annotations(run_id, execution, instance, attempt, step_index, "
                            "level, message, file, line, col, end_line, end_col, title) VALUES "
                            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, st.runId).bind(2, st.key.execution).bind(3, st.key.instance).bind(4, int64_t(st.key.attempt));
  s.bind(5, int64_t(st.index)).bind(6, a.level).bind(7, a.message).bind(8, nonEmpty(a.file));
  auto optInt = [&](int i, int v) {
    if (v > 0)
      s.bind(i, int64_t(v));
    else
      s.bindNull(i);
  };
  optInt(9, a.line);
  optInt(10, a.col);
  optInt(11, a.endLine);
  optInt(12, a.endCol);
  s.bind(13, nonEmpty(a.title));
  return s.run();
}

} // namespace execdb
} // namespace runtime
