// The timer heap and the SQL over the timers table.
#include "runtime/timers.h"

namespace runtime {

namespace {
constexpr const char *kKindNames[] = {"wait", "retry", "callback-timeout", "heartbeat"};
std::optional<TimerKind> parseKind(llvm::StringRef s) {
  for (int i = 0; i < 4; ++i)
    if (s == kKindNames[i])
      return static_cast<TimerKind>(i);
  return std::nullopt;
}
} // namespace

llvm::StringRef timerKindName(TimerKind kind) { return kKindNames[static_cast<int>(kind)]; }

void TimerHeap::push(TimerEntry entry) { heap_.push(Item{std::move(entry), next_++}); }

TimerEntry TimerHeap::pop() {
  TimerEntry e = heap_.top().entry;
  heap_.pop();
  return e;
}

namespace timers {

llvm::Error arm(Store &store, const TimerEntry &t) {
  return store
      .stmt("INSERT OR REPLACE INTO timers(execution_id, op_id, kind, fire_ms) VALUES (?, ?, ?, ?)")
      .bind(1, t.executionId)
      .bind(2, t.opId)
      .bind(3, timerKindName(t.kind))
      .bind(4, t.dueMs)
      .run();
}

llvm::Expected<std::optional<TimeMs>> due(Store &store, int64_t executionId, llvm::StringRef opId,
                                          TimerKind kind) {
  Statement &s = store.stmt(
      "SELECT fire_ms FROM timers WHERE execution_id = ? AND op_id = ? AND kind = ?");
  s.bind(1, executionId).bind(2, opId).bind(3, timerKindName(kind));
  llvm::Expected<bool> row = s.step();
  if (!row)
    return row.takeError();
  std::optional<TimeMs> out;
  if (*row)
    out = s.int64(0);
  s.reset();
  return out;
}

llvm::Error disarm(Store &store, int64_t executionId, llvm::StringRef opId, TimerKind kind) {
  return store.stmt("DELETE FROM timers WHERE execution_id = ? AND op_id = ? AND kind = ?")
      .bind(1, executionId)
      .bind(2, opId)
      .bind(3, timerKindName(kind))
      .run();
}

llvm::Error disarmOp(Store &store, int64_t executionId, llvm::StringRef opId) {
  return store.stmt("DELETE FROM timers WHERE execution_id = ? AND op_id = ?")
      .bind(1, executionId)
      .bind(2, opId)
      .run();
}

llvm::Error disarmExecution(Store &store, int64_t executionId) {
  return store.stmt("DELETE FROM timers WHERE execution_id = ?").bind(1, executionId).run();
}

llvm::Expected<std::vector<TimerEntry>> loadAll(Store &store) {
  Statement &s = store.stmt("SELECT execution_id, op_id, kind, fire_ms FROM timers");
  std::vector<TimerEntry> out;
  while (true) {
    llvm::Expected<bool> row = s.step();
    if (!row)
      return row.takeError();
    if (!*row)
      break;
    if (std::optional<TimerKind> kind = parseKind(s.text(2)))
      out.push_back(TimerEntry{s.int64(3), s.int64(0), s.text(1), *kind});
  }
  s.reset();
  return out;
}

} // namespace timers
} // namespace runtime
