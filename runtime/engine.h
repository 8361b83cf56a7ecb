/// \file
/// The durable execution engine: runs orchestrator coroutines against the store.
///
/// Modes of an execution, as in Restate's and Temporal's cores:
///  - *Live*: its coroutines are suspended in memory (in the execution cache). An event
///    (a callback settled, a timer fired, a child finished) resumes the waiting
///    coroutine directly: O(1) per event, no replay.
///  - *Replaying*: after a restart, or when an evicted execution gets an event, the
///    orchestrator is re-run from the start against its journal. Recorded operations
///    return their results without running side effects; finished child contexts are
///    skipped whole. When the journal is exhausted it is live again.
///  - *Finished*: succeeded or failed; its pending callbacks are cancelled.
///
/// One event is handled in one *turn*, and one turn is one SQLite transaction: the
/// event's own writes, every journal write of the resumed coroutines, the step bodies'
/// writes in the store and the execution's end. A crash at any instant leaves the store
/// at the end of some turn; `resumeAll` continues from there.
///
/// Nothing polls. The engine waits on its notifier (inotify on the database directory,
/// woken by any other process's commit, such as `ci-exec callback`; an eventfd for
/// other threads) and on its timer heap, with the timeout of the next timer. On a
/// virtual clock it jumps to the next timer instead of sleeping.
#pragma once

#include "runtime/clock.h"
#include "runtime/durable_context.h"
#include "runtime/executions.h"
#include "runtime/execution_cache.h"
#include "runtime/notify.h"
#include "runtime/store.h"
#include "runtime/timers.h"


#include "llvm/ADT/StringMap.h"

#include <deque>
#include <functional>
#include <memory>
#include <string>

namespace runtime {

/// An orchestrator: the coroutine an execution runs.
using OrchestratorFn = std::function<Task<Result>(DurableContext &, const json &input)>;

struct EngineOptions {
  std::string storePath;
  StoreOptions store;
  /// The time source; null means the real clock.
  Clock *clock = nullptr;
  /// Live executions kept in memory; the least recently used idle one is evicted
  /// beyond this and re-hydrated by replay on its next event.
  size_t cacheCapacity = 1024;
  /// Operation budget of executions started without one.
  int64_t defaultOpBudget = kDefaultOpBudget;
  /// Watch the database for other processes' writes (needed for cross-process callbacks).
  bool watchStore = true;
  /// Take the store's engine lock, so that two engines never run the same executions.
  bool exclusive = true;
};

/// Counters for tests and benchmarks.
struct EngineStats {
  uint64_t turns = 0;       ///< transactions committed by turns
  uint64_t hydrations = 0;  ///< executions re-run from their journal
  uint64_t evictions = 0;   ///< live executions dropped from the cache
  uint64_t stepRuns = 0;    ///< step bodies run (attempts)
  uint64_t replayedOps = 0; ///< operations answered from the journal
};

class Engine {
public:
  /// Opens the store and loads its armed timers. Does not resume anything: call
  /// `resumeAll` once the orchestrators are registered.
  static llvm::Expected<std::unique_ptr<Engine>> open(EngineOptions options);
  ~Engine();

  void registerOrchestrator(std::string name, OrchestratorFn fn);
  const OrchestratorFn *orchestrator(llvm::StringRef name) const;

  /// Starts an execution, or returns the existing one with the same name. A new
  /// execution runs its first turn before this returns.
  llvm::Expected<ExecutionRecord> start(StartRequest request);

  /// Completes a callback with a JSON value / fails it / records a heartbeat. Durable
  /// when it returns. Called from a step body (inside a turn), the completion commits
  /// with that turn and is handled right after it.
  llvm::Error completeCallback(llvm::StringRef token, json value);
  /// Same, and runs `alsoInTurn` in the turn's transaction after the completion is
  /// handled, so that a completion source's own bookkeeping (the sim provider marking
  /// its report delivered) commits with the turn or not at all: one commit per wake
  /// instead of two. If the turn fails, neither is written.
  llvm::Error completeCallback(llvm::StringRef token, json value,
                               const std::function<llvm::Error()> &alsoInTurn);
  llvm::Error failCallback(llvm::StringRef token, std::string message);
  llvm::Error heartbeat(llvm::StringRef token);

  /// Re-runs every unfinished execution from its journal (after a crash).
  llvm::Error resumeAll();
  /// Handles everything ready now (queued events, inbox, due timers) without waiting.
  llvm::Error runUntilIdle();
  /// Handles events, waiting for notifications and timers, until `done()` holds.
  /// Returns false if it would wait longer than `maxIdleMs` (-1: no limit) for
  /// anything to happen, or forever (no timers, no notifier).
  llvm::Expected<bool> runUntil(const std::function<bool()> &done, int64_t maxIdleMs = -1);
  /// Runs until the named execution finishes and returns its record.
  llvm::Expected<ExecutionRecord> runToCompletion(llvm::StringRef name, int64_t maxIdleMs = -1);

  llvm::Expected<std::optional<ExecutionRecord>> execution(llvm::StringRef name);
  bool isLive(int64_t executionId) const { return cache_.contains(executionId); }
  size_t liveCount() const { return cache_.size(); }

  Store &store() { return *store_; }
  Clock &clock() { return *clock_; }
  /// When the earliest armed timer is due (it may be stale: disarmed timers leave
  /// their heap entry until it comes up), if any.
  std::optional<TimeMs> nextTimerDue() const {
    return heap_.empty() ? std::nullopt : std::optional<TimeMs>(heap_.top().dueMs);
  }
  /// Waits up to `timeoutMs` (-1: no limit) for another process's write to the store
  /// (or a wake from another thread). False when nothing came; without a notifier it
  /// sleeps for `timeoutMs` (returns at once for -1).
  bool waitForNotification(int64_t timeoutMs);
  const EngineStats &stats() const { return stats_; }
  EngineStats &mutableStats() { return stats_; }
  int64_t defaultOpBudget() const { return options_.defaultOpBudget; }
  bool inTurn() const { return inTurn_; }

  // --- used by executions during a turn ---
  /// Arms a durable timer: row in the store (current transaction) and heap entry.
  llvm::Error armTimer(const TimerEntry &timer);
  /// Queues a child execution's first turn.
  void queueStart(int64_t executionId);
  /// Queues "operation `opId` of `executionId` settled in the store".
  void queueSettled(int64_t executionId, std::string opId);

private:
  explicit Engine(EngineOptions options) : options_(std::move(options)), cache_(options_.cacheCapacity) {}

  struct Event {
    enum Kind { Start, Settled, Timer, Deliver } kind;
    explicit Event(Kind k) : kind(k) {}
    int64_t executionId = 0;
    std::string opId;
    int64_t inboxId = 0; ///< Settled from another process: the inbox row to delete
    TimerEntry timer;
    std::string token; ///< Deliver
    std::optional<Result> outcome; ///< Deliver (none: heartbeat)
    const std::function<llvm::Error()> *alsoInTurn = nullptr; ///< Deliver: extra writes
  };

  llvm::Error processEvent(const Event &event);
  llvm::Error applyEvent(const Event &event);
  llvm::Error applySettled(int64_t executionId, llvm::StringRef opId);
  /// The live execution, hydrating it from the journal if needed; null if finished.
  llvm::Expected<LiveExecution *> acquire(int64_t executionId);
  /// Resumes ready coroutines, then records the end of the execution if it ended.
  llvm::Error finishTurn(LiveExecution &exec);
  llvm::Error deliverNow(llvm::StringRef token, std::optional<Result> outcome,
                         const std::function<llvm::Error()> *alsoInTurn = nullptr);
  llvm::Error drainQueue();
  void evict(int64_t executionId);

  EngineOptions options_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Clock> ownedClock_;
  Clock *clock_ = nullptr;
  std::unique_ptr<Notifier> notifier_;
  int lockFd_ = -1;
  llvm::StringMap<OrchestratorFn> orchestrators_;
  ExecutionCache cache_;
  TimerHeap heap_;
  std::deque<Event> queue_;
  bool inTurn_ = false;
  int64_t touched_ = 0; ///< the execution the current turn acquired
  EngineStats stats_;
};

} // namespace runtime
