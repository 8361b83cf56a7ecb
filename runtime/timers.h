// Durable timers (waits, retry backoffs, callback deadlines) and the in-memory timer heap.
#pragma once

#include "runtime/clock.h"
#include "runtime/store.h"

#include <queue>
#include <string>
#include <vector>

namespace runtime {

/// Column `kind` of a timer: what happens when it fires.
enum class TimerKind : uint8_t {
  Wait,            ///< "wait": a wait operation completes
  Retry,           ///< "retry": a step runs its next attempt
  CallbackTimeout, ///< "callback-timeout": a callback's overall deadline
  Heartbeat,       ///< "heartbeat": a callback's heartbeat deadline (re-armed on each heartbeat)
};
llvm::StringRef timerKindName(TimerKind kind);

struct TimerEntry {
  TimeMs dueMs = 0;
  int64_t executionId = 0;
  std::string opId;
  TimerKind kind = TimerKind::Wait;
};

/// A min-heap of timers by due time (ties in arrival order). Entries may be stale
/// (disarmed or re-armed later): whoever pops one checks it against the store.
class TimerHeap {
public:
  void push(TimerEntry entry);
  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  const TimerEntry &top() const { return heap_.top().entry; }
  TimerEntry pop();
  void clear() { heap_ = {}; }

private:
  struct Item {
    TimerEntry entry;
    uint64_t order;
    bool operator>(const Item &o) const {
      return entry.dueMs != o.entry.dueMs ? entry.dueMs > o.entry.dueMs : order > o.order;
    }
  };
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap_;
  uint64_t next_ = 0;
};

namespace timers {
/// Arms (or re-arms) a timer in the store.
llvm::Error arm(Store &store, const TimerEntry &t);
/// The due time of an armed timer, if it is armed.
llvm::Expected<std::optional<TimeMs>> due(Store &store, int64_t executionId, llvm::StringRef opId,
                                          TimerKind kind);
llvm::Error disarm(Store &store, int64_t executionId, llvm::StringRef opId, TimerKind kind);
/// Disarms every timer of one operation.
llvm::Error disarmOp(Store &store, int64_t executionId, llvm::StringRef opId);
/// Disarms every timer of an execution.
llvm::Error disarmExecution(Store &store, int64_t executionId);
/// Every armed timer (loaded into the heap when an engine opens the store).
llvm::Expected<std::vector<TimerEntry>> loadAll(Store &store);
} // namespace timers
} // namespace runtime
