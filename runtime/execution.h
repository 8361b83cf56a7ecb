// A live execution: its coroutines, pending operations and the journal it replays.
#pragma once

#include "runtime/durable_context.h"
#include "runtime/executions.h"
#include "runtime/timers.h"

#include "llvm/ADT/StringMap.h"

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>

namespace runtime {

class Engine;
using OrchestratorFn = std::function<Task<Result>(DurableContext &, const json &input)>;

/// The in-memory side of one running execution. It implements the operations of
/// `DurableContext` (matching each one against the journal while replaying, writing a
/// new journal row otherwise) and applies the events the engine hands it. All its
/// writes go to the engine's current transaction; a store failure marks it broken
/// (`ioError`) and the engine rolls the turn back and drops it.
class LiveExecution {
public:
  LiveExecution(Engine &engine, ExecutionRecord record);
  ~LiveExecution();
  LiveExecution(const LiveExecution &) = delete;
  LiveExecution &operator=(const LiveExecution &) = delete;

  /// Loads the journal to replay.
  llvm::Error load();
  /// Creates the root coroutine (not yet run).
  void startRoot(const OrchestratorFn &fn);
  /// Resumes ready coroutines until every one is suspended or the execution ended.
  void drain();

  /// An operation settled in the store (callback delivered, child execution ended).
  void settleFromStore(const OpRecord &rec);
  /// A durable timer of this execution fired (already checked against the store).
  void onTimer(const TimerEntry &timer);

  const ExecutionRecord &record() const { return record_; }
  int64_t id() const { return record_.id; }
  /// True once the root returned or the execution was doomed.
  bool ended() const { return finished_ || doomed_; }
  /// The execution's outcome once ended.
  Result outcome() const { return finished_ ? outcome_ : Result::failure(doomReason_); }
  const std::optional<std::string> &ioError() const { return ioError_; }
  /// True while journal rows remain that the orchestrator will still meet (the rows
  /// inside finished child contexts, which are not run again, do not count).
  bool replaying() const { return unmatched_ > 0; }
  size_t pendingCount() const { return pending_.size(); }

  // --- DurableContext operations ---
  Future step(DurableContext &ctx, std::string name, StepFn fn, StepOptions options);
  Future childContext(DurableContext &ctx, std::string name, ChildFn fn);
  Callback callback(DurableContext &ctx, std::string name, CallbackOptions options);
  Future invoke(DurableContext &ctx, std::string name, std::string target, json input,
                InvokeOptions options);
  Future wait(DurableContext &ctx, std::string name, std::chrono::milliseconds duration);
  AnyFuture any(DurableContext &ctx, std::string name, const std::vector<Future> &futures);
  AnyFuture next(DurableContext &ctx, std::string name, WaitSet &set);
  Future all(DurableContext &ctx, std::string name, const std::vector<Future> &futures);
  TimeMs now() const;
  Engine &engine() const { return engine_; }
  void failTurn(llvm::Error error) { fail(std::move(error)); }
  /// A member of a wait set settled (hands it to a pending `next`).
  void onMemberSettled(WaitSetState &set, uint32_t index);

private:
  /// A new operation: its state and, when replaying, its journal row.
  struct Begun {
    OpRef state;
    std::optional<OpRecord> rec;
    bool dead = false; ///< the execution is doomed: a future that never settles
  };
  Begun begin(DurableContext &ctx, OpType type, std::string name);
  void doom(std::string reason);
  void fail(llvm::Error error);
  bool check(llvm::Error error);
  /// Writes a new journal row for `op`.
  void record(const OpState &op, OpStatus status, const std::optional<Result> &outcome,
              std::optional<std::string> detail = std::nullopt);
  void settle(const OpRef &op, Result result);
  /// Journals the outcome of an operation: updates its row, or writes it now when it
  /// was not journaled while pending.
  void journalSettled(const OpRef &op, const Result &outcome);
  void runStepAttempt(const OpRef &op, bool isNew);
  void finishCombinator(const OpRef &comb, Result result);
  void onInputSettled(OpState &comb, uint32_t index, const OpState &input);

  bool anyPending(uint32_t serial) const { return serial < anyPending_.size() && anyPending_[serial]; }
  Result allResult(const OpState &comb) const;
  void destroyFrames();

  DetachedTask runRoot(const OrchestratorFn *fn, DurableContext *ctx);
  DetachedTask runChild(DurableContext *ctx, ChildFn fn, OpRef op);

  Engine &engine_;
  ExecutionRecord record_;

  // Replay: journal rows not matched yet, by operation id.
  llvm::StringMap<OpRecord> recorded_;
  llvm::StringMap<std::string> tokens_;
  /// Journal rows inside each child context (all depths), by the context's id.
  llvm::StringMap<int64_t> descendants_;
  int64_t unmatched_ = 0;
  int64_t recordedCount_ = 0;
  int64_t newOps_ = 0;
  int64_t maxSeq_ = 0;

  std::deque<std::unique_ptr<DurableContext>> contexts_;
  llvm::StringMap<OpRef> pending_;
  std::deque<std::coroutine_handle<>> ready_;
  std::unordered_set<void *> frames_;
  /// Pending `any` operations by serial (index 0 unused).
  std::vector<bool> anyPending_ = {false};

  bool doomed_ = false;
  bool finished_ = false;
  Result outcome_;
  std::string doomReason_;
  std::optional<std::string> ioError_;
};

} // namespace runtime
