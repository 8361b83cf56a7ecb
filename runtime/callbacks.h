// Callbacks: the only way into an execution. Tokens, deadlines, heartbeats and delivery.
#pragma once

#include "runtime/clock.h"
#include "runtime/result.h"
#include "runtime/store.h"

#include "llvm/ADT/StringMap.h"

#include <optional>
#include <string>

namespace runtime {

/// Column `status` of a callback.
enum class CallbackStatus : uint8_t {
  Pending,   ///< "pending": waiting for a completion
  Succeeded, ///< "succeeded": completed with a JSON result
  Failed,    ///< "failed": completed with a failure message
  TimedOut,  ///< "timed_out": its deadline or heartbeat deadline passed first
  Cancelled, ///< "cancelled": its execution finished before it completed
};
llvm::StringRef callbackStatusName(CallbackStatus status);

/// One callbacks row.
struct CallbackRecord {
  std::string token;      ///< 32 hex digits: 128 bits from the kernel CSPRNG
  int64_t executionId = 0;
  std::string opId;       ///< the owning callback operation
  std::string name;       ///< the operation's name
  CallbackStatus status = CallbackStatus::Pending;
  std::optional<int64_t> timeoutMs;          ///< overall timeout (none: waits forever)
  std::optional<int64_t> heartbeatTimeoutMs; ///< max gap between heartbeats (none: no heartbeat needed)
  std::optional<TimeMs> deadlineMs;
  std::optional<TimeMs> heartbeatDeadlineMs;
  std::optional<std::string> result; ///< JSON text
  std::optional<std::string> error;
  TimeMs createdMs = 0;
  std::optional<TimeMs> completedMs;
};

/// A fresh unguessable token: 128 bits from getrandom(2), as 32 lowercase hex digits.
std::string generateCallbackToken();

/// What a delivery did.
struct Delivery {
  int64_t executionId = 0;
  std::string opId;
};

namespace callbacks {

llvm::Error create(Store &store, const CallbackRecord &cb);
llvm::Expected<std::optional<CallbackRecord>> find(Store &store, llvm::StringRef token);
/// Tokens of an execution's callbacks by operation id (to hand the same token back on replay).
llvm::Expected<llvm::StringMap<std::string>> tokensOf(Store &store, int64_t executionId);

/// Completes a pending callback with `outcome` (success with JSON or failure with a
/// message): updates the callback and its journal operation and, when `postToInbox`,
/// leaves an inbox entry that wakes the owning engine (another process). Runs in the
/// caller's transaction. Errors: unknown token; already settled.
llvm::Expected<Delivery> deliver(Store &store, llvm::StringRef token, const Result &outcome,
                                 TimeMs now, bool postToInbox);
/// Records a heartbeat: pushes the heartbeat deadline to now + heartbeat timeout.
llvm::Error heartbeat(Store &store, llvm::StringRef token, TimeMs now);
/// Marks the callback of (execution, op) timed out with `message` and fails its
/// operation, if it is still pending. Returns whether it was pending.
llvm::Expected<bool> timeOut(Store &store, int64_t executionId, llvm::StringRef opId,
                             const std::string &message, TimeMs now);
/// Cancels every pending callback of a finished execution.
llvm::Error cancelAll(Store &store, int64_t executionId, TimeMs now);

/// Opens the store at `path` and delivers in one transaction (the path of
/// `ci-exec callback`, from any process).
llvm::Error deliverTo(const std::string &storePath, llvm::StringRef token, const Result &outcome,
                      const Clock &clock);
/// Opens the store at `path` and records a heartbeat.
llvm::Error heartbeatTo(const std::string &storePath, llvm::StringRef token, const Clock &clock);

} // namespace callbacks
} // namespace runtime
