// Futures of durable operations: what `co_await` on a step, callback, wait... gives back.
#pragma once

#include "runtime/journal.h"
#include "runtime/result.h"

#include "llvm/ADT/IntrusiveRefCntPtr.h"
#include "llvm/ADT/SmallVector.h"

#include <coroutine>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace runtime {

struct StepContext;
struct OpState;
struct WaitSetState;
/// Operations are shared by futures and their execution within one thread: the
/// reference count is not atomic (any() over thousands of futures copies many).
using OpRef = llvm::IntrusiveRefCntPtr<OpState>;
using StepFn = std::function<Result(StepContext &)>;

/// How a failing step is retried: attempt n+1 starts `initialDelayMs * backoffRate^(n-1)`
/// (at most `maxDelayMs`) after attempt n failed, up to `maxAttempts` attempts in all.
/// The wait between attempts is a durable timer, so it survives restarts.
struct RetryPolicy {
  int maxAttempts = 3;
  int64_t initialDelayMs = 1000;
  double backoffRate = 2.0;
  int64_t maxDelayMs = 60'000;
  /// The delay before attempt `attempt + 1`.
  int64_t delayAfter(int attempt) const;
  static RetryPolicy none() { return RetryPolicy{1, 0, 1.0, 0}; }
};

/// The in-memory state of one operation, shared by its futures and the execution.
/// It settles once; settling resumes the coroutines awaiting it and informs the
/// any/all operations listening to it.
struct OpState : llvm::RefCountedBase<OpState> {
  const bool *doomed = nullptr; ///< the owning execution's "doomed" flag
  std::string id;
  OpType type = OpType::Step;
  std::string name;
  bool settled = false;
  /// A journal row exists for it. Child contexts and any/next operations are journaled
  /// only once they settle: a pending one carries no information replay needs.
  bool journaled = false;
  int64_t seq = 0;         ///< creation order (the row's `seq`, also when written late)
  int64_t startedMs = 0;   ///< creation time (the row's `started_ms`)
  Result result;
  llvm::SmallVector<std::coroutine_handle<>, 1> waiters;
  /// any/all operations waiting for this one, with this one's index in their inputs.
  llvm::SmallVector<std::pair<OpState *, uint32_t>, 1> listeners;

  // Step: the body, kept between retries.
  StepFn stepFn;
  RetryPolicy retry;
  int attempt = 0;

  // any / all: the operations combined, and how many have not settled yet.
  std::vector<OpRef> inputs;
  size_t remaining = 0;

  // any: the winner's outcome; its serial while pending (see LiveExecution::any).
  Result winner;
  uint32_t anySerial = 0;
  /// Inputs where this any could not use the waiter slot and registered a listener.
  llvm::SmallVector<OpState *, 0> listenedInputs;

  /// The one `any` waiting on this operation through the fast slot: valid while the
  /// execution says `slotSerial` is pending (a settled any leaves a stale slot behind).
  OpState *slotAny = nullptr;
  uint32_t slotIndex = 0;
  uint32_t slotSerial = 0;

  /// The wait set this operation is a member of (see WaitSet), and its index there.
  WaitSetState *waitSet = nullptr;
  uint32_t waitSetIndex = 0;
};

/// A handle on a durable operation. `co_await future` gives its `Result`, suspending
/// until it settles. Operations start when created (ids are assigned at the call, as in
/// the AWS SDK), so a future may be awaited later, or combined with any/all.
class Future {
public:
  Future() = default;
  explicit Future(OpRef state) : state_(std::move(state)) {}
  /// The positional operation id ("3", "3-2").
  const std::string &id() const { return state_->id; }
  bool valid() const { return state_ != nullptr; }

  bool await_ready() const noexcept { return state_->settled && !*state_->doomed; }
  void await_suspend(std::coroutine_handle<> h) {
    // A doomed execution (failed, over budget, nondeterministic) never resumes: the
    // engine destroys its frames once control returns to it.
    if (!*state_->doomed)
      state_->waiters.push_back(h);
  }
  Result await_resume() const { return state_->result; }

  const OpRef &state() const { return state_; }
  OpRef takeState() { return std::move(state_); }

private:
  OpRef state_;
};

/// Operations to wait on one at a time with `DurableContext::next`: each member is
/// handed out once, when it has settled, in the order members settled. Adding a member
/// and handing one out cost O(1), so a loop over thousands of outstanding jobs stays
/// linear (an `any` over the outstanding list costs O(outstanding) per call).
/// A wait set lives in the orchestrator's frame; an operation belongs to at most one set.
class WaitSet {
public:
  WaitSet();
  ~WaitSet();
  WaitSet(const WaitSet &) = delete;
  WaitSet &operator=(const WaitSet &) = delete;
  /// Adds `future`; returns its index in the set (0, 1, ... in the order of adding).
  size_t add(const Future &future);
  /// Members added so far.
  size_t size() const;
  /// Members not handed out yet (settled or not).
  size_t outstanding() const;

private:
  friend class LiveExecution;
  std::unique_ptr<WaitSetState> state_;
};

/// What `co_await ctx.any(...)` gives: the index of the first operation to settle
/// (success or failure) and its outcome.
struct Selected {
  size_t index = 0;
  Result result;
};

/// The future of an `any` operation.
class AnyFuture {
public:
  explicit AnyFuture(Future op) : op_(std::move(op)) {}
  bool await_ready() const noexcept { return op_.await_ready(); }
  void await_suspend(std::coroutine_handle<> h) { op_.await_suspend(h); }
  Selected await_resume() const;
  /// The underlying operation (to nest it in another any/all).
  const Future &future() const { return op_; }

private:
  Future op_;
};

} // namespace runtime
