/// \file
/// Starting, cancelling and retrying CI runs: what `ci-exec run`, `cancel` and `retry`
/// do, as library functions (the tests drive them in-process).
///
/// A run is identified by a number allocated in the store (`ci_runs`); each attempt has
/// a run execution `run/<id>/<attempt>` (orchestrator `ci-run`). Cancel and retry of an
/// unfinished run post control requests (ci_state.h) and complete the workflow
/// executions' control callbacks through the store's inbox, so they work from any
/// process, whether an engine is running or not. Retrying a finished run starts its
/// next attempt: the same compiled workflows, the jobs not re-run carried over with
/// their results.
#pragma once

#include "runtime/ci_state.h"
#include "runtime/engine.h"

#include <string>
#include <utility>
#include <vector>

namespace runtime {

struct RunRequest {
  /// For the compile step (run_compiler.h): source, event, payload, inputs, vars, repo,
  /// or an inline plan.
  json request = json::object();
  std::string source;
  std::string event = "push";
  std::string provider = "sim";
  json providerConfig; ///< the sim provider's scenario
  bool virtualTime = false;
  /// Secrets for the jobs: kept in `ci_secrets` (not in the journal) until the run ends.
  std::vector<std::pair<std::string, std::string>> secrets;
};

/// Allocates a run id, records the run and starts its execution (its first turn runs
/// the compile step). Returns the run id.
llvm::Expected<int64_t> startRun(Engine &engine, const RunRequest &request);
/// The two halves of `startRun`: record the run (queued, with its execution's input),
/// then start its execution.
llvm::Expected<int64_t> recordRun(Store &store, const RunRequest &request, TimeMs now);
llvm::Error launchRun(Engine &engine, int64_t runId, int attempt = 1);

/// What a process that takes over a store does first: starts the runs recorded but
/// not started (a crash between the two halves), then re-runs every unfinished
/// execution from its journal.
llvm::Error resumeRuns(Engine &engine);

/// Starts the next attempt of a finished run, re-running `target` (a job id, name or
/// instance) or, with `failed`, every failed or cancelled job, and the jobs that
/// depend on them. Returns the new attempt number.
llvm::Expected<int> startNextAttempt(Engine &engine, int64_t runId, const std::string &target,
                                     bool failed);

/// Cancels an unfinished run (or only `job` in it). False when the run has finished.
llvm::Expected<bool> requestCancel(Store &store, int64_t runId, const std::string &job, TimeMs now);
/// Asks an unfinished run to retry `target` (or its failed jobs) now, while other jobs
/// run. False when the run has finished.
llvm::Expected<bool> requestRetry(Store &store, int64_t runId, const std::string &target,
                                  bool failed, TimeMs now);

/// The name of a run attempt's execution.
std::string runExecution(int64_t runId, int attempt);

} // namespace runtime
