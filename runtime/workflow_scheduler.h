/// \file
/// The decisions of one workflow execution as an I/O-free state machine: GitHub's job
/// semantics (gha-semantics §2-4, §8) over the workflow model.
///
/// The durable loop (workflow_orchestrator.cpp) feeds it facts, each taken from a
/// journaled operation: a job instance finished (its job context's report), a
/// concurrency wake arrived, an effects step returned, cancel or retry requests were
/// taken. It asks `advance()` what to do next: instances to launch (a child context
/// with a callback and a dispatch step), instances that need a wake callback, and one
/// batch of side effects for a step (acquire/release concurrency groups, cancel jobs
/// at the provider). Because every input comes from the journal, replaying the same
/// facts yields the same decisions, and so the same operations: that is what makes the
/// loop deterministic.
///
/// Semantics:
///  - a job is ready when all its needs are done (a member of a reusable call also
///    waits for the call's gate); its `if` (default `success()`) is evaluated with the
///    status functions over all ancestors (§3.1): success() = every ancestor succeeded
///    (a skipped one makes it false) and the run is not cancelled; failure() = some
///    ancestor failed; cancelled(); always(). A false `if` skips the job, with reason
///    `needs` when an ancestor did not succeed, else `condition`;
///  - continue-on-error: a failed instance reports result success to `needs` and does
///    not fail the run (§3.2);
///  - matrices: pre-expanded legs, or the matrix evaluated when the job is ready (from
///    needs outputs) and expanded with passes/matrix_expand.h; max-parallel; fail-fast
///    cancels the running and queued siblings of a failed leg without continue-on-error;
///    outputs merged key by key, non-empty values, last finisher wins (§3.3);
///  - timeouts: the job callback's timeout; the instance concludes `cancelled` with
///    reason `timeout`; dependents see `needs.X.result == 'cancelled'`;
///  - concurrency groups per instance (§4), held from dispatch to the end;
///  - run cancellation (§3.5): running and queued instances whose `if` is false once
///    `cancelled()` is true are cancelled; `always()` jobs still run;
///  - retry while running: failed or cancelled instances re-run with attempt+1, and
///    their finished dependents are decided again;
///  - workflow conclusion: `cancelled` if the run was cancelled, else `failure` if a
///    job's result is failure or an instance without continue-on-error timed out, else
///    `success` (skipped jobs count as success).
///
/// Every event costs time proportional to what it changes (not to the workflow's
/// size), so a run of N jobs costs O(N + edges).
#pragma once

#include "runtime/job_state.h"
#include "runtime/workflow_model.h"

#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace runtime {

/// Side effects for one step of the workflow's main context.
struct Effects {
  struct Acquire {
    uint32_t instance;
    GroupClaim group;
  };
  struct Release {
    std::string groupKey;
    uint32_t instance;
  };
  struct Cancel {
    uint32_t instance;
    Reason reason;
  };
  std::vector<Acquire> acquire;
  std::vector<Release> release;
  std::vector<Cancel> cancel;
  bool empty() const { return acquire.empty() && release.empty() && cancel.empty(); }
};

/// What the loop must do before it waits again.
struct Work {
  std::vector<uint32_t> wakes;    ///< create a wake callback for each (before the effects)
  Effects effects;                ///< run in one step; its result goes to applyEffects
  std::vector<uint32_t> launches; ///< start a job context for each
  bool empty() const { return wakes.empty() && effects.empty() && launches.empty(); }
};

/// Run-level inputs of the expressions.
struct RunContexts {
  json github = json::object();
  json inputs = json::object();
  json vars = json::object();
};

class WorkflowScheduler {
public:
  WorkflowScheduler(std::shared_ptr<const WorkflowModel> model, const RunContexts &contexts);

  /// Jobs carried over from an earlier attempt of the run (report entries per job id,
  /// as `report()` gives them): they are done and keep their results. Instances of
  /// other jobs continue the attempt numbering of `attempts` (instance id -> attempt).
  /// `keep` lists instance ids of re-run jobs whose previous result stands (the legs
  /// that succeeded when only the failed ones are re-run).
  void carryOver(const json &previousJobs, const std::vector<uint32_t> &rerun,
                 const std::vector<std::string> &keep = {});

  /// Decides everything that can be decided now.
  Work advance();

  /// At most `n` instances of the workflow busy at once (acquiring a concurrency
  /// group, waiting in one or running); the others stay queued, oldest job first.
  /// Unset: no limit (max-parallel still applies per job).
  void setMaxBusy(std::optional<int64_t> n) { maxBusy_ = n; }

  // --- facts ---
  /// An instance's job context ended with `report` ({"conclusion", "outputs",
  /// "reason"?, "error"?}); ignored if the instance already finished.
  void onInstanceReport(uint32_t instance, const json &report);
  /// A concurrency wake: {"granted": true} or {"cancelled": true}.
  void onWake(uint32_t instance, const Result &wake);
  /// The result of the effects step: {"acquired": {"<instance index>": "granted" |
  /// "pending" | "rejected"}}.
  void applyEffects(const json &result);
  /// Cancels the run (§3.5), or one job / instance when `target` is set.
  void cancel(const std::string &target, Reason reason);
  /// Retries failed or cancelled jobs: one (by id, local id, name or instance id or
  /// name), or every failed one when `target` is empty. False when nothing matched.
  bool retry(const std::string &target);
  /// Ends the workflow before it started (replaced in its concurrency group, or
  /// cancelled while waiting for it): the run is cancelled and every job that is not
  /// done concludes `cancelled` with `reason`.
  void abandon(Reason reason);

  // --- state ---
  bool done() const { return openJobs_ == 0; }
  bool cancelled() const { return cancelled_; }
  Conclusion conclusion() const;
  const WorkflowModel &model() const { return *model_; }
  const InstanceState &instance(uint32_t i) const { return instances_[i]; }
  const JobState &job(uint32_t j) const { return jobs_[j]; }
  size_t instanceCount() const { return instances_.size(); }
  /// The run document's entries of one job, or of all jobs.
  std::vector<JobReport> reportJob(uint32_t job) const;
  std::vector<JobReport> report() const;
  /// Jobs whose report changed since the last call (the loop projects them into the
  /// state tables); clears the marks.
  std::vector<uint32_t> takeDirtyJobs();
  /// The `needs` context of a job (its direct needs by their keys).
  ir::Value needsContext(uint32_t job) const;
  /// Everything the compute provider gets for an instance.
  json dispatchRequest(uint32_t instance) const;

private:
  friend class StatusFunctions;
  ir::Value contextsFor(uint32_t job) const;
  /// The `inputs` a job's expressions see: its call's evaluated `with:`, or the run's.
  const ir::Value &inputsFor(uint32_t job) const;
  /// The display-name prefix of a member of reusable calls: `outer / inner / `.
  std::string callPrefix(uint32_t job) const;
  bool evaluateCondition(uint32_t job);
  Reason skipReason(uint32_t job) const;
  void enterJob(uint32_t job);
  void skipJob(uint32_t job, Reason reason);
  void failJob(uint32_t job, std::string error);
  /// Starts the queued instances of `job` that max-parallel and the workflow's limit
  /// allow; false when the limit stopped it with instances left.
  bool startQueued(uint32_t job);
  /// Starts queued instances of the jobs the limit held back, oldest first.
  void startHeldBack();
  void startInstance(uint32_t instance);
  void finishInstance(uint32_t instance, Conclusion c, Reason reason, json outputs, bool reported,
                      std::string error = "");
  void settleJobIfDone(uint32_t job);
  void settleCall(uint32_t call);
  void setDone(uint32_t job);
  void setNotDone(uint32_t job);
  void resetJob(uint32_t job);
  void markDirty(uint32_t job);
  /// Ancestors of a job (for status functions with job-id arguments).
  std::vector<uint32_t> ancestors(uint32_t job) const;
  int32_t findTarget(const std::string &target, int32_t *instance) const;

  std::shared_ptr<const WorkflowModel> model_;
  ir::Value github_, inputs_, vars_;
  std::vector<JobState> jobs_;
  std::vector<InstanceState> instances_;
  std::unordered_map<std::string, uint32_t> instanceById_;
  std::unordered_map<std::string, int> attempts_;
  std::unordered_map<std::string, JobReport> kept_; ///< instance id -> result carried into a re-run job
  std::deque<uint32_t> ready_;     ///< jobs whose needs may all be done
  std::deque<uint32_t> startable_; ///< jobs with queued instances that may start
  std::deque<uint32_t> heldBack_;  ///< jobs with queued instances held back by maxBusy_
  std::vector<uint8_t> isHeldBack_; ///< per job: in heldBack_
  std::optional<int64_t> maxBusy_;
  int64_t busy_ = 0; ///< instances acquiring, waiting or running
  std::vector<uint32_t> launches_; ///< instances granted their group, to launch
  Effects effects_;
  std::vector<uint32_t> wakes_;
  std::vector<uint32_t> dirty_;
  size_t openJobs_ = 0;
  uint64_t finishSeq_ = 0;
  bool cancelled_ = false;
};

} // namespace runtime
