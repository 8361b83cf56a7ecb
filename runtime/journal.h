// The journal: one row per durable operation of an execution, keyed by positional id.
#pragma once

#include "runtime/clock.h"
#include "runtime/result.h"
#include "runtime/store.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace runtime {

/// What kind of operation a journal row records (column `type`).
enum class OpType : uint8_t {
  Step,     ///< "step": a function whose result is journaled, with retries
  Context,  ///< "context": a child context (runInChildContext)
  Callback, ///< "callback": waits for a completion from outside, by token
  Invoke,   ///< "invoke": a child execution with its own name and budget
  Wait,     ///< "wait": a durable timer
  Any,      ///< "any": the first of several operations to settle
  All,      ///< "all": all of several operations
};

/// The state of an operation (column `status`).
enum class OpStatus : uint8_t {
  Pending,   ///< "pending": started, not settled (a callback waiting, a step between retries)
  Succeeded, ///< "succeeded": `result` holds its JSON value
  Failed,    ///< "failed": `error` holds the message
};

llvm::StringRef opTypeName(OpType type);
std::optional<OpType> parseOpType(llvm::StringRef name);
llvm::StringRef opStatusName(OpStatus status);
std::optional<OpStatus> parseOpStatus(llvm::StringRef name);

/// One journal row.
struct OpRecord {
  std::string id;      ///< positional id: "3" in the root context, "3-2" inside child context 3
  int64_t seq = 0;     ///< creation order within the execution (1-based)
  OpType type = OpType::Step;
  std::string name;    ///< the name the orchestrator gave the operation
  OpStatus status = OpStatus::Pending;
  int attempt = 0;     ///< step attempts made so far (0 for other types)
  std::optional<std::string> result; ///< JSON text of the value when succeeded
  std::optional<std::string> error;  ///< message when failed
  std::optional<std::string> detail; ///< type-specific JSON (invoke: child execution name; wait/retry: fire time)
  TimeMs startedMs = 0;
  std::optional<TimeMs> endedMs;

  bool settled() const { return status != OpStatus::Pending; }
  /// The settled outcome (value parsed from `result`, or `error`).
  Result outcome() const;
};

/// Journal access for one store. All writes go through the caller's transaction.
namespace journal {

/// Every operation of an execution, in creation order.
llvm::Expected<std::vector<OpRecord>> load(Store &store, int64_t executionId);
/// One operation, if recorded.
llvm::Expected<std::optional<OpRecord>> get(Store &store, int64_t executionId, llvm::StringRef opId);
/// Records a new operation.
llvm::Error insert(Store &store, int64_t executionId, const OpRecord &op);
/// Settles an operation with `outcome` (only if still pending when `onlyIfPending`).
/// Returns whether a row changed.
llvm::Expected<bool> settle(Store &store, int64_t executionId, llvm::StringRef opId,
                            const Result &outcome, TimeMs endedMs, bool onlyIfPending = true);
/// Updates a pending step between attempts.
llvm::Error updateAttempt(Store &store, int64_t executionId, llvm::StringRef opId, int attempt,
                          const std::optional<std::string> &lastError,
                          const std::optional<std::string> &detail);
/// Number of operations and total bytes of their payloads (for inspection and benchmarks).
llvm::Expected<std::pair<int64_t, int64_t>> stats(Store &store, int64_t executionId);

} // namespace journal
} // namespace runtime
