/// \file
/// The CI orchestrator's state tables (store component `ci`, versioned with
/// `Store::ensureSchema`): runs, workflow executions with their control callback
/// tokens, the job rows `ci-exec status` reads, control requests (cancel, retry),
/// concurrency groups (concurrency_groups.h) and per-run secrets.
///
/// The journal is the source of truth of an execution; these tables are what other
/// processes read and write: `status` reads the job rows, `cancel`/`retry` post a
/// request and complete the execution's control callback in one transaction. The
/// workflow orchestrator writes its rows in the transaction of the turn that changed
/// them (a projection of its deterministic state, rewritten identically on replay).
#pragma once

#include "runtime/clock.h"
#include "runtime/job_state.h"
#include "runtime/result.h"
#include "runtime/store.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace runtime {

/// Brings the `ci` tables to the current version.
llvm::Error ensureCiSchema(Store &store);

/// One ci_runs row: an attempt of a run.
struct RunRecord {
  int64_t runId = 0;
  int attempt = 1;
  std::string execution; ///< the run execution's name
  std::string source;    ///< FILE or DIR as given
  std::string event;
  std::string provider;
  bool virtualTime = false;
  std::string status;    ///< "queued", "in_progress", "completed"
  std::string conclusion; ///< "" while unfinished
  std::string error;      ///< why it failed without running (a compile error...)
  std::string skipped;    ///< JSON list: workflows the event did not trigger, and why
  json input;             ///< the run execution's input (no secrets: those are in ci_secrets)
  TimeMs createdMs = 0;
  std::optional<TimeMs> endedMs;
};

/// One ci_workflows row: a workflow execution of a run attempt.
struct WorkflowRecord {
  std::string execution;
  int64_t runId = 0;
  int attempt = 1;
  std::string workflowId, path, name;
  std::string status, conclusion;
  std::string cancelToken, retryToken;
  std::string error; ///< the execution failed (operation budget, nondeterminism...)
};

namespace ci {

/// Execution names: `run/<id>/<attempt>` and `run/<id>/<attempt>/<workflow path>`.
std::string runExecutionName(int64_t runId, int attempt);
std::string workflowExecutionName(int64_t runId, int attempt, llvm::StringRef path);

/// A new run id (one more than the largest known), in the caller's transaction.
llvm::Expected<int64_t> nextRunId(Store &store);
llvm::Error insertRun(Store &store, const RunRecord &run);
llvm::Error setRunStatus(Store &store, int64_t runId, int attempt, llvm::StringRef status,
                         llvm::StringRef conclusion, std::optional<TimeMs> endedMs,
                         llvm::StringRef error = "");
/// Records the compiled run's event and the workflows it did not trigger.
llvm::Error setRunCompiled(Store &store, int64_t runId, int attempt, llvm::StringRef event,
                           const json &skipped);
/// The latest attempt of a run (or the given attempt).
llvm::Expected<std::optional<RunRecord>> findRun(Store &store, int64_t runId, int attempt = 0);
/// Whether the latest attempt of a run is over: its row says "completed", or its run
/// execution has finished (an execution that failed outright updates no row), or the
/// run does not exist. One small query with no JSON: the drive loop asks after every wake.
llvm::Expected<bool> runOver(Store &store, int64_t runId);
/// Runs, newest first.
llvm::Expected<std::vector<RunRecord>> listRuns(Store &store, int64_t limit);

llvm::Error upsertWorkflow(Store &store, const WorkflowRecord &wf);
llvm::Error setWorkflowTokens(Store &store, llvm::StringRef execution, llvm::StringRef cancelToken,
                              llvm::StringRef retryToken);
llvm::Error setWorkflowStatus(Store &store, llvm::StringRef execution, llvm::StringRef status,
                              llvm::StringRef conclusion, llvm::StringRef error = "");
llvm::Expected<std::vector<WorkflowRecord>> workflowsOf(Store &store, int64_t runId, int attempt);
llvm::Expected<std::optional<WorkflowRecord>> findWorkflow(Store &store, llvm::StringRef execution);

/// Replaces the job rows of one job of a workflow execution; `previousCount` is how
/// many rows it had (rows beyond the new count are deleted; UINT32_MAX: unknown).
llvm::Error writeJobRows(Store &store, llvm::StringRef execution, uint32_t jobIndex,
                         const std::string &jobId, const std::vector<JobReport> &rows,
                         uint32_t previousCount = UINT32_MAX);
/// The job rows of a workflow execution in job and leg order.
llvm::Expected<std::vector<JobReport>> jobRows(Store &store, llvm::StringRef execution);

/// The run document of the contract: {"run", "conclusion", "jobs": [...]} (+ "attempt",
/// "status", "workflows"). For an unfinished run `conclusion` is null and every job
/// has a `status`.
llvm::Expected<json> runDocument(Store &store, int64_t runId, int attempt = 0);

/// The latest time the store records (journal, callbacks, sim dispatches): where a
/// virtual clock resumes, so that time never runs backwards across a restart.
llvm::Expected<TimeMs> latestRecordedTime(Store &store);

/// A control request for a workflow execution: `kind` "cancel" or "retry", `payload`
/// {"job": target?, "reason": ...} / {"job": target?, "failed": bool}.
struct ControlRequest {
  int64_t id = 0;
  std::string kind;
  json payload;
};

/// How a request's control callback is completed: in-process from a step
/// (`Engine::completeCallback`), or from another process (`callbacks::deliver` with
/// an inbox entry). Errors for a callback that has already settled are ignored by
/// the caller (the orchestrator takes every request when its callback fires).
using CallbackCompleter = std::function<llvm::Error(llvm::StringRef token, const json &value)>;

/// Records a request and wakes the execution through its current control callback,
/// in the caller's transaction. False when the execution has no row (unknown).
llvm::Expected<bool> postRequest(Store &store, llvm::StringRef execution, llvm::StringRef kind,
                                 const json &payload, TimeMs now, const CallbackCompleter &complete);
/// Takes (marks handled and returns) the pending requests of one kind.
llvm::Expected<std::vector<ControlRequest>> takeRequests(Store &store, llvm::StringRef execution,
                                                         llvm::StringRef kind, TimeMs now);

/// Drops the error a completion of an already settled (or cancelled) callback gives;
/// passes any other error on.
llvm::Error ignoreSettled(llvm::Error e);

llvm::Error storeSecrets(Store &store, int64_t runId, const std::vector<std::pair<std::string, std::string>> &secrets);
llvm::Expected<json> secretsOf(Store &store, int64_t runId);
llvm::Error dropSecrets(Store &store, int64_t runId);

} // namespace ci
} // namespace runtime
