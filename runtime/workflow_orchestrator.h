// The ci-workflow orchestrator's loop (see ci_orchestrators.h for the design).
#pragma once

#include "runtime/ci_orchestrators.h"
#include "runtime/workflow_scheduler.h"

#include <memory>
#include <optional>
#include <unordered_map>
#include <string>
#include <vector>

namespace runtime {

/// What every operation of one workflow execution needs to know about its run.
struct WorkflowRun {
  int64_t runId = 0;
  int attempt = 1;
  std::string runKey;    ///< the run execution's name (the provider is per run)
  std::string execution; ///< this workflow execution's name
  std::string providerName;
  std::shared_ptr<const json> providerConfig;
};

/// One instance to start in a job context.
struct JobLaunch {
  std::string instance;
  int attempt = 1;
  int64_t timeoutMs = 0;
  json request; ///< WorkflowScheduler::dispatchRequest
};

/// The body of a job's child context: a completion callback with the job's timeout, a
/// dispatch step, and the wait for the callback. It returns the job's report:
/// {"conclusion", "outputs", "reason"?, "error"?} (a timeout: cancelled/timeout).
Task<Result> runJobContext(DurableContext &ctx, std::shared_ptr<const CiDeps> deps,
                           std::shared_ptr<const WorkflowRun> run, JobLaunch launch);

/// The ci-workflow orchestrator.
Task<Result> runWorkflow(DurableContext &ctx, std::shared_ptr<const CiDeps> deps, json input);

/// The loop of one workflow execution.
class WorkflowLoop {
public:
  WorkflowLoop(DurableContext &ctx, std::shared_ptr<const CiDeps> deps,
               std::shared_ptr<const WorkflowRun> run, std::shared_ptr<const WorkflowModel> model,
               const RunContexts &contexts);
  /// Keeps the jobs of the previous attempt that are not re-run: {"jobs": [report
  /// entries], "target": job or "", "failed": bool}.
  void carryOver(const json &carry);
  Task<Result> run();

private:
  struct Tag {
    enum Kind : uint8_t { Job, Wake, Cancel, Retry, WorkflowWake } kind;
    uint32_t instance = 0;
    int attempt = 0;
    int wake = 0;
  };
  size_t add(const Future &f, Tag tag);
  void armCancel();
  void armRetry();
  /// Writes the workflow row and changed job rows (not while replaying: the replay's
  /// end writes what it changed).
  void project();
  /// Creates wake callbacks, runs the effects step and launches job contexts until
  /// the scheduler has nothing more to do now.
  Task<bool> act();
  /// Handles the member of the wait set that settled.
  Task<bool> handle(size_t index, const Result &result);
  /// Takes the control requests of one kind (a journaled step) and re-arms its callback.
  Task<std::vector<json>> takeRequests(const char *kind);
  /// Acquires the workflow-level group; false when the workflow was cancelled instead.
  Task<bool> acquireWorkflowGroup();
  Result summary() const;

  DurableContext &ctx_;
  std::shared_ptr<const CiDeps> deps_;
  std::shared_ptr<const WorkflowRun> run_;
  WorkflowScheduler sched_;
  json github_, inputs_, vars_;
  WaitSet set_;
  std::vector<Tag> tags_;
  size_t outstanding_ = 0; ///< job contexts and wakes not handed out yet
  std::unordered_map<uint32_t, std::string> wakeTokens_; ///< instance -> current wake callback
  std::unordered_map<uint32_t, int> wakeSeq_;             ///< instance -> waits so far
  int cancelSeq_ = 0, retrySeq_ = 0;
  std::string cancelToken_, retryToken_;
  bool tokensChanged_ = false;
  std::optional<GroupClaim> workflowGroup_;
  bool holdsWorkflowGroup_ = false;
  Reason abandonReason_ = Reason::Concurrency;
  bool rowWritten_ = false;
  std::vector<uint32_t> projectedRows_; ///< job rows each job has in ci_jobs (UINT32_MAX: unknown)
  std::string failure_; ///< an operational failure that ends the execution
};

} // namespace runtime
