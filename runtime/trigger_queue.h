// The trigger queue: durable work items (e.g. "start a run for this event") with
// attempts, a visibility deadline and a dead-letter state.
#pragma once

#include "runtime/clock.h"
#include "runtime/result.h"
#include "runtime/store.h"

#include <optional>
#include <string>
#include <vector>

namespace runtime {

/// One triggers row. `status`: "ready" (waiting, visible from `visibleMs`), "leased"
/// (being handled until `visibleMs`; after that the lease has expired and it is handed
/// out again), "done", "dead" (dead-lettered after `maxAttempts` attempts).
struct TriggerItem {
  int64_t id = 0;
  std::string queue;
  json payload;
  std::string status;
  int attempts = 0;
  int maxAttempts = 0;
  TimeMs visibleMs = 0;
  std::optional<std::string> lastError;
};

/// A named queue in the store. Consumers lease an item, handle it (typically by
/// starting an execution whose unique name is derived from the item, so a second
/// handling is harmless), then ack it; a failure or an expired lease makes it visible
/// again until it has used its attempts, then it is dead-lettered.
class TriggerQueue {
public:
  TriggerQueue(Store &store, std::string name) : store_(store), name_(std::move(name)) {}

  llvm::Expected<int64_t> enqueue(const json &payload, int maxAttempts, TimeMs now);
  /// The oldest visible item, leased for `visibilityMs` (its attempt count goes up);
  /// none if nothing is visible. Atomic: runs in its own transaction unless one is open. Items whose lease expired on their last attempt are
  /// dead-lettered here.
  llvm::Expected<std::optional<TriggerItem>> lease(TimeMs now, int64_t visibilityMs);
  /// Marks a leased item done.
  llvm::Error ack(int64_t id, TimeMs now);
  /// Reports a failed attempt: visible again after `retryDelayMs`, or dead-lettered if
  /// it has no attempts left. Returns true when dead-lettered.
  llvm::Expected<bool> fail(int64_t id, const std::string &error, TimeMs now, int64_t retryDelayMs);
  /// Dead-lettered items, oldest first.
  llvm::Expected<std::vector<TriggerItem>> deadLetters();
  /// When the next item becomes visible (ready or lease expiry), if any: the consumer's
  /// timer, so nobody polls the queue.
  llvm::Expected<std::optional<TimeMs>> nextVisible();
  llvm::Expected<std::optional<TriggerItem>> get(int64_t id);

private:
  Store &store_;
  std::string name_;
};

} // namespace runtime
