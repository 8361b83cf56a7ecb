/// \file
/// What a person sees of a run, read back from the store and the log directory:
/// the run, its workflows, one entry per job instance with its state, timing and
/// steps. `ci-exec run`'s live progress and summary, `ci-exec logs` and
/// `ci-exec report` all render a `RunView`.
///
/// Sources, all read-only:
/// - the `ci` tables (ci_state.h): the run, its workflows and their job rows;
/// - the journal: a job instance's child context `job:<id>#<attempt>` starts when
///   the instance is dispatched and ends when its completion arrives, which gives the
///   start and end of each instance (the Gantt bars of the report); the journal
///   records it when it settles, so a running instance's start comes from its
///   provider's table (`sim_jobs`, `exec_jobs`);
/// - the plan of each workflow (the workflow execution's input): needs, step names;
/// - the steps and annotations the local and sandbox providers record in the
///   `exec_steps` and `exec_annotations` tables, and the step logs they write under
///   `<store dir>/runs/<run>/logs/<instance>[~attempt]/<step index from 1>.log`
///   (docs/ci-exec-local.md).
///
/// Text read here is shown as stored: providers mask secrets and `add-mask` values
/// before they write a log or a result, so nothing here unmasks or re-masks.
#pragma once

#include "runtime/clock.h"
#include "runtime/result.h"
#include "runtime/store.h"

#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace runtime {

/// An annotation (`::error file=,line=::msg`) a step reported.
struct AnnotationView {
  std::string level; ///< "error", "warning", "notice"
  std::string message;
  std::string file;
  int line = 0;
};

/// One step of a job instance.
struct StepView {
  int index = 0;        ///< 0-based position in the job's steps (the log file's name)
  std::string name;     ///< display name ("" when only the log is known)
  std::string status;   ///< "pending", "in_progress", "completed"
  std::string outcome;  ///< before continue-on-error ("" while unfinished)
  std::string conclusion;
  std::optional<TimeMs> startedMs, endedMs;
  std::string logPath;  ///< "" when the step wrote no log
  std::string error;    ///< why the step failed, as the provider says
  std::vector<AnnotationView> annotations;
};

/// One job instance (a matrix leg or a job without matrix), or a job that did not
/// get an instance (skipped, failed before expanding, not started yet).
struct JobView {
  std::string id;       ///< instance id, unique in its workflow
  std::string job;      ///< the plan's job id
  std::string name;     ///< display name (matrix values included)
  std::string workflow; ///< workflow path
  std::string status;   ///< "pending", "queued", "waiting", "in_progress", "completed"
  std::string conclusion; ///< "" while unfinished
  std::string reason;
  std::string error;
  int attempt = 1;
  bool continueOnError = false;
  std::optional<TimeMs> startedMs, endedMs;
  std::vector<std::string> needs; ///< plan job ids this job waits for
  std::vector<StepView> steps;
  std::vector<AnnotationView> annotations; ///< every step's annotations
  json outputs = json::object();

  /// The step running now (nullptr when none is known).
  const StepView *currentStep() const;
  /// "success", "failure"... once finished, else the status.
  std::string state() const { return conclusion.empty() ? status : conclusion; }
};

struct WorkflowView {
  std::string path, name, id, execution;
  std::string conclusion;
  std::string error;
  /// The job graph of this workflow as planned (for the report), when readable.
  json plan;
};

struct RunView {
  int64_t runId = 0;
  int attempt = 1;
  std::string status, conclusion, event, source, provider, error;
  bool virtualTime = false;
  TimeMs createdMs = 0;
  std::optional<TimeMs> endedMs;
  std::vector<std::string> notTriggered;
  std::vector<WorkflowView> workflows;
  std::vector<JobView> jobs;
  std::string logDir; ///< `runDirOf(store, run)/logs`

  bool finished() const { return status == "completed"; }
  /// The latest instant the view knows (for elapsed times on a virtual clock).
  TimeMs latestMs() const;
};

/// The directory of run `runId`'s files for the store at `storePath`: `runs/<run>`
/// next to it for the default store name `state.db`, `runs-<name>/<run>` for a store
/// `<name>.db`, so that two stores in one directory never share a run's files.
std::string runDirOf(const std::string &storePath, int64_t runId);
/// The log directory of run `runId` for the store at `storePath`.
std::string runLogDir(const std::string &storePath, int64_t runId);

/// Reads run `runId` (its latest attempt, or `attempt`) from an open store.
/// Fails with `invalid_argument` when the store has no such run.
llvm::Expected<RunView> loadRunView(Store &store, int64_t runId, int attempt = 0);

/// "1.2s", "12s", "3m05s", "1h02m".
std::string formatDuration(int64_t ms);

} // namespace runtime
