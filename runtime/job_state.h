// The state of jobs and job instances in a workflow execution, and their report form.
#pragma once

#include "runtime/result.h"

#include "ir/value.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace runtime {

/// A job's or instance's conclusion (gha-semantics §3.2). `None` while unfinished.
enum class Conclusion : uint8_t { None, Success, Failure, Cancelled, Skipped };
llvm::StringRef conclusionName(Conclusion c); ///< "success", ...; "" for None
Conclusion parseConclusion(llvm::StringRef s); ///< None when unknown

/// Why a job did not simply run to its own end (the `reason` of the run document).
enum class Reason : uint8_t {
  None,
  Timeout,       ///< "timeout": its timeout-minutes passed (the callback timed out)
  FailFast,      ///< "fail-fast": a sibling matrix leg failed
  Concurrency,   ///< "concurrency": replaced or cancelled in its concurrency group
  CancelRequest, ///< "cancel-request": `ci-exec cancel`, or the run was cancelled before it could run
  Needs,         ///< "needs": skipped because an ancestor failed, was skipped or cancelled
  Condition,     ///< "condition": skipped because its `if` was false
};
llvm::StringRef reasonName(Reason r); ///< "" for None
Reason parseReason(llvm::StringRef s);

/// A concurrency group an instance (or the workflow) must hold (gha-semantics §4).
struct GroupClaim {
  std::string name;      ///< as evaluated
  std::string key;       ///< lower-cased: groups are case-insensitive
  bool cancelInProgress = false;
  std::string queue = "single";
};

/// One job instance: a matrix leg, or the single run of a job without a matrix.
struct InstanceState {
  enum Status : uint8_t {
    Queued,    ///< waiting for max-parallel (or the retry that re-queued it)
    Acquiring, ///< asking for its concurrency group (effects step pending)
    Waiting,   ///< pending in its concurrency group, until the wake callback
    Running,   ///< its job context is dispatched / running
    Done,
  };
  uint32_t job = 0;
  std::string id;   ///< unique in the workflow
  std::string name; ///< display name
  ir::Value matrix;
  ir::Value strategy;
  int attempt = 1;
  Status status = Queued;
  Conclusion conclusion = Conclusion::None; ///< as the job ended (failure even with continue-on-error)
  Conclusion result = Conclusion::None;     ///< after continue-on-error (`needs.X.result`)
  Reason reason = Reason::None;
  std::string error; ///< why it failed before running (matrix, expression, dispatch)
  json outputs = json::object();
  bool continueOnError = false;
  int64_t timeoutMs = 360 * 60'000;
  std::optional<GroupClaim> group;
  bool holdsGroup = false;
  int wakes = 0;            ///< concurrency waits so far (names each wait's callback)
  uint64_t finishSeq = 0;   ///< order of finishing (matrix outputs: last finisher wins)
};

/// One job of the workflow.
struct JobState {
  enum Status : uint8_t { Pending, Active, Done };
  Status status = Pending;
  Conclusion result = Conclusion::None;     ///< `needs.<id>.result`
  Conclusion conclusion = Conclusion::None; ///< before continue-on-error
  Reason reason = Reason::None;
  std::string error;
  json outputs = json::object();       ///< merged per §3.3
  std::vector<uint32_t> instances;     ///< indices into the instance table
  bool entered = false;  ///< its `if` was true (a call: its members may start)
  bool failFast = false;
  std::optional<int64_t> maxParallel;
  ir::Value callInputs;  ///< a call: its `with:` evaluated, the `inputs` of its members
  // Bookkeeping of the incremental scheduler.
  uint32_t unsettled = 0;   ///< needs not done (+1 while a member's call gate is closed)
  uint32_t openMembers = 0; ///< a call's members not done
  bool allSucceeded = false; ///< done with result success, and so is every ancestor
  bool anyFailed = false;    ///< it or an ancestor has result failure
  bool dirty = true;         ///< its report rows changed since the last projection
};

/// One entry of the run document's `jobs` list (an instance, or a job without
/// instances: skipped, failed before expanding, or not started yet).
struct JobReport {
  std::string id;  ///< instance id (or job id)
  std::string job; ///< plan job id
  std::string name;
  Conclusion conclusion = Conclusion::None;
  Conclusion result = Conclusion::None;
  Reason reason = Reason::None;
  json outputs = json::object();
  int attempt = 1;
  std::string status; ///< "pending", "queued", "waiting", "in_progress", "completed"
  std::string error;
  bool continueOnError = false;

  /// The contract's entry; `status` is included for unfinished runs (and always for
  /// an unfinished job).
  json toJson(bool withStatus = false) const;
  static JobReport fromJson(const json &j);
};

} // namespace runtime
