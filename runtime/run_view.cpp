// Reads a run back from the store and its log directory for progress, logs and reports.
#include "runtime/run_view.h"

#include "runtime/ci_state.h"
#include "runtime/executions.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>

namespace runtime {

namespace {

std::string str(const json &j, const char *key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// The display name GitHub gives a step without `name:`.
std::string stepDisplayName(const json &step) {
  std::string name = str(step, "name");
  if (!name.empty())
    return name;
  std::string run = str(step, "run");
  if (!run.empty()) {
    size_t nl = run.find('\n');
    return "Run " + run.substr(0, nl);
  }
  std::string uses = str(step, "uses");
  return uses.empty() ? "step" : "Run " + uses;
}

struct JobTiming {
  std::optional<TimeMs> started, ended;
};

/// Start and end of every `job:<id>#<attempt>` context of a workflow execution.
llvm::Expected<std::map<std::string, JobTiming>> jobTimings(Store &store, int64_t executionId) {
  std::map<std::string, JobTiming> out;
  Statement &s = store.stmt("SELECT name, started_ms, ended_ms FROM operations "
                            "WHERE execution_id = ? AND type = 'context' AND name LIKE 'job:%'");
  s.bind(1, executionId);
  if (llvm::Error e = s.forEach([&] {
        JobTiming t;
        t.started = s.int64(1);
        t.ended = s.optInt64(2);
        out[s.text(0).substr(4)] = std::move(t);
      }))
    return e;
  return out;
}

bool tableExists(Store &store, const char *name) {
  Statement &s = store.stmt("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  s.bind(1, name);
  llvm::Expected<bool> row = s.step();
  bool found = row && *row;
  if (!row)
    llvm::consumeError(row.takeError());
  s.reset();
  return found;
}

/// When a running instance was dispatched, from its provider's table (the journal
/// records a job's context only when it settles): `sim_jobs.dispatched_ms`, or
/// `exec_jobs.started_ms` of the local and sandbox providers.
std::optional<TimeMs> dispatchedAt(Store &store, const std::string &execution, const JobView &job) {
  std::optional<TimeMs> out;
  auto probe = [&](const char *table, const char *sql) {
    if (out || !tableExists(store, table))
      return;
    Statement &s = store.stmt(sql);
    s.bind(1, execution).bind(2, job.id).bind(3, int64_t(job.attempt));
    llvm::Expected<bool> row = s.step();
    if (!row)
      llvm::consumeError(row.takeError());
    else if (*row)
      out = s.optInt64(0);
    s.reset();
  };
  probe("exec_jobs", "SELECT started_ms FROM exec_jobs WHERE execution = ? AND instance = ? AND attempt = ?");
  probe("sim_jobs", "SELECT dispatched_ms FROM sim_jobs WHERE execution = ? AND instance = ? AND attempt = ?");
  return out;
}

StepView &stepAt(JobView &job, size_t index) {
  while (job.steps.size() <= index) {
    StepView st;
    st.index = static_cast<int>(job.steps.size());
    st.status = "pending";
    job.steps.push_back(std::move(st));
  }
  return job.steps[index];
}

/// The steps and annotations the local and sandbox providers record (`exec_steps`,
/// `exec_annotations`, docs/ci-exec-local.md; step indexes there are 1-based).
void readProviderSteps(Store &store, const std::string &execution, JobView &job, const std::string &runDir) {
  if (!tableExists(store, "exec_steps"))
    return;
  Statement &s = store.stmt("SELECT step_index, name, kind, status, outcome, conclusion, started_ms, finished_ms, "
                            "log, error FROM exec_steps WHERE execution = ? AND instance = ? AND attempt = ? "
                            "ORDER BY step_index");
  s.bind(1, execution).bind(2, job.id).bind(3, int64_t(job.attempt));
  while (true) {
    llvm::Expected<bool> row = s.step();
    if (!row) {
      llvm::consumeError(row.takeError());
      break;
    }
    if (!*row)
      break;
    int64_t index = s.int64(0);
    if (index < 1 || index > 100'000)
      continue;
    StepView &st = stepAt(job, static_cast<size_t>(index - 1));
    if (std::string name = s.optText(1).value_or(""); !name.empty())
      st.name = s.optText(2).value_or("main") == "post" && name.rfind("Post ", 0) != 0 ? "Post " + name : name;
    st.status = s.optText(3).value_or(st.status);
    st.outcome = s.optText(4).value_or("");
    st.conclusion = s.optText(5).value_or("");
    if (!st.conclusion.empty())
      st.status = "completed";
    st.startedMs = s.optInt64(6);
    st.endedMs = s.optInt64(7);
    if (std::string log = s.optText(8).value_or(""); !log.empty())
      st.logPath = (std::filesystem::path(runDir) / log).string();
    st.error = s.optText(9).value_or("");
  }
  s.reset();
  if (!tableExists(store, "exec_annotations"))
    return;
  Statement &a = store.stmt("SELECT step_index, level, message, file, line FROM exec_annotations "
                            "WHERE execution = ? AND instance = ? AND attempt = ? ORDER BY rowid");
  a.bind(1, execution).bind(2, job.id).bind(3, int64_t(job.attempt));
  while (true) {
    llvm::Expected<bool> row = a.step();
    if (!row) {
      llvm::consumeError(row.takeError());
      break;
    }
    if (!*row)
      break;
    AnnotationView v{a.optText(1).value_or("error"), a.optText(2).value_or(""), a.optText(3).value_or(""),
                     static_cast<int>(a.optInt64(4).value_or(0))};
    int64_t index = a.int64(0);
    if (index >= 1 && static_cast<size_t>(index) <= job.steps.size())
      job.steps[static_cast<size_t>(index - 1)].annotations.push_back(std::move(v));
    else
      job.annotations.push_back(std::move(v));
  }
  a.reset();
}

/// Log files `<instance>[~attempt]/<step index from 1>.log` not known from the store.
void attachLogs(const std::string &logDir, JobView &job) {
  std::error_code ec;
  std::string name = job.id + (job.attempt > 1 ? "~" + std::to_string(job.attempt) : "");
  std::filesystem::path dir = std::filesystem::path(logDir) / name;
  if (!std::filesystem::is_directory(dir, ec))
    return;
  for (const auto &entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string stem = entry.path().stem().string();
    if (entry.path().extension() != ".log" || stem.empty() || stem.size() > 5 ||
        !std::all_of(stem.begin(), stem.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    size_t index = std::stoul(stem);
    if (index == 0)
      continue;
    StepView &st = stepAt(job, index - 1);
    if (st.logPath.empty())
      st.logPath = entry.path().string();
    if (st.status == "pending")
      st.status = "in_progress";
  }
}

} // namespace

const StepView *JobView::currentStep() const {
  if (status != "in_progress")
    return nullptr;
  const StepView *last = nullptr;
  for (const StepView &s : steps)
    if (s.status == "in_progress")
      last = &s;
  return last;
}

TimeMs RunView::latestMs() const {
  TimeMs t = endedMs.value_or(createdMs);
  for (const JobView &j : jobs) {
    t = std::max(t, j.startedMs.value_or(0));
    t = std::max(t, j.endedMs.value_or(0));
    for (const StepView &s : j.steps)
      t = std::max({t, s.startedMs.value_or(0), s.endedMs.value_or(0)});
  }
  return t;
}

std::string runDirOf(const std::string &storePath, int64_t runId) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(storePath, ec);
  std::string runs = p.filename() == "state.db" ? "runs" : "runs-" + p.stem().string();
  return (p.parent_path() / runs / std::to_string(runId)).string();
}

std::string runLogDir(const std::string &storePath, int64_t runId) {
  return (std::filesystem::path(runDirOf(storePath, runId)) / "logs").string();
}

llvm::Expected<RunView> loadRunView(Store &store, int64_t runId, int attempt) {
  if (llvm::Error e = ensureCiSchema(store))
    return e;
  llvm::Expected<std::optional<RunRecord>> run = ci::findRun(store, runId, attempt);
  if (!run)
    return run.takeError();
  if (!*run)
    return llvm::createStringError(std::errc::invalid_argument,
                                   "no run %lld in this store; `ci-exec status` lists the runs",
                                   static_cast<long long>(runId));
  const RunRecord &r = **run;
  RunView v;
  v.runId = r.runId;
  v.attempt = r.attempt;
  v.status = r.status;
  v.conclusion = r.status == "completed" ? r.conclusion : "";
  v.event = r.event;
  v.source = r.source;
  v.provider = r.provider;
  v.error = r.error;
  v.virtualTime = r.virtualTime;
  v.createdMs = r.createdMs;
  v.endedMs = r.endedMs;
  std::string runDir = runDirOf(store.path(), r.runId);
  v.logDir = runLogDir(store.path(), r.runId);
  if (!r.skipped.empty()) {
    json skipped = json::parse(r.skipped, nullptr, false);
    if (skipped.is_array())
      for (const json &s : skipped)
        v.notTriggered.push_back(s.is_string() ? s.get<std::string>() : s.dump());
  }
  llvm::Expected<std::vector<WorkflowRecord>> wfs = ci::workflowsOf(store, r.runId, r.attempt);
  if (!wfs)
    return wfs.takeError();
  for (const WorkflowRecord &w : *wfs) {
    WorkflowView wv{w.path, w.name, w.workflowId, w.execution, w.conclusion, w.error, json()};
    std::map<std::string, JobTiming> timings;
    std::map<std::string, json> planJobs; // plan job id -> plan job
    llvm::Expected<std::optional<ExecutionRecord>> ex = executions::byName(store, w.execution);
    if (!ex)
      return ex.takeError();
    if (*ex) {
      wv.plan = (*ex)->input.value("workflow", json());
      if (wv.plan.is_object() && wv.plan["jobs"].is_array())
        for (const json &pj : wv.plan["jobs"])
          planJobs[str(pj, "id")] = pj;
      llvm::Expected<std::map<std::string, JobTiming>> t = jobTimings(store, (*ex)->id);
      if (!t)
        return t.takeError();
      timings = std::move(*t);
    }
    llvm::Expected<std::vector<JobReport>> rows = ci::jobRows(store, w.execution);
    if (!rows)
      return rows.takeError();
    for (const JobReport &row : *rows) {
      JobView j;
      j.id = row.id;
      j.job = row.job;
      j.name = row.name;
      j.workflow = w.path;
      j.status = row.status;
      j.conclusion = conclusionName(row.conclusion).str();
      j.reason = reasonName(row.reason).str();
      j.error = row.error;
      j.attempt = row.attempt;
      j.continueOnError = row.continueOnError;
      j.outputs = row.outputs;
      if (auto pj = planJobs.find(row.job); pj != planJobs.end()) {
        for (const json &n : pj->second.value("needs", json::array()))
          if (n.is_string())
            j.needs.push_back(n.get<std::string>());
        const json &spec = pj->second.value("spec", json::object());
        if (spec.is_object() && spec["steps"].is_array())
          for (const json &st : spec["steps"]) {
            StepView sv;
            sv.index = static_cast<int>(j.steps.size());
            sv.name = stepDisplayName(st);
            sv.status = "pending";
            j.steps.push_back(std::move(sv));
          }
      }
      if (auto t = timings.find(row.id + "#" + std::to_string(row.attempt)); t != timings.end()) {
        j.startedMs = t->second.started;
        j.endedMs = t->second.ended;
      }
      if (!j.startedMs && j.status == "in_progress")
        j.startedMs = dispatchedAt(store, w.execution, j);
      readProviderSteps(store, w.execution, j, runDir);
      attachLogs(v.logDir, j);
      // A finished job's steps are finished: those never reported did not run.
      if (j.status == "completed")
        for (StepView &s : j.steps)
          if (s.status != "completed")
            s.status = s.logPath.empty() ? "skipped" : "completed";
      for (const StepView &s : j.steps)
        for (const AnnotationView &a : s.annotations)
          j.annotations.push_back(a);
      v.jobs.push_back(std::move(j));
    }
    v.workflows.push_back(std::move(wv));
  }
  return v;
}

std::string formatDuration(int64_t ms) {
  if (ms < 0)
    ms = 0;
  if (ms < 10'000)
    return fmt::format("{:.1f}s", double(ms) / 1000.0);
  int64_t s = ms / 1000;
  if (s < 60)
    return fmt::format("{}s", s);
  if (s < 3600)
    return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

} // namespace runtime
