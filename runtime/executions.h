// The executions table: one row per named execution, the unit of idempotent start.
#pragma once

#include "runtime/clock.h"
#include "runtime/result.h"
#include "runtime/store.h"

#include <optional>
#include <string>
#include <vector>

namespace runtime {

/// Column `status` of an execution.
enum class ExecStatus : uint8_t {
  Running,   ///< "running": started, not finished (live, evicted or awaiting resume)
  Succeeded, ///< "succeeded": `result` holds the orchestrator's value
  Failed,    ///< "failed": `error` says why (orchestrator failure, budget, nondeterminism)
};
llvm::StringRef execStatusName(ExecStatus status);

/// Default operation budget of an execution (AWS Lambda durable functions' documented
/// ceiling; configurable per execution and with `--op-budget`).
constexpr int64_t kDefaultOpBudget = 3000;

/// One executions row.
struct ExecutionRecord {
  int64_t id = 0;
  std::string name;         ///< unique; starting the same name twice returns this row
  std::string orchestrator; ///< the registered orchestrator that runs it
  json input;
  ExecStatus status = ExecStatus::Running;
  std::optional<std::string> result; ///< JSON text when succeeded
  std::optional<std::string> error;  ///< message when failed
  int64_t opBudget = kDefaultOpBudget;
  std::optional<int64_t> parentId;   ///< the execution that invoked this one
  std::optional<std::string> parentOp; ///< the parent's invoke operation id
  TimeMs createdMs = 0, updatedMs = 0;
  std::optional<TimeMs> endedMs;

  bool finished() const { return status != ExecStatus::Running; }
  Result outcome() const;
};

/// What to start.
struct StartRequest {
  StartRequest() = default;
  StartRequest(std::string name, std::string orchestrator, json input = json::object(),
               int64_t opBudget = 0)
      : name(std::move(name)), orchestrator(std::move(orchestrator)), input(std::move(input)),
        opBudget(opBudget) {}
  std::string name;         ///< unique execution name (idempotency key)
  std::string orchestrator; ///< name the orchestrator was registered under
  json input = json::object();
  int64_t opBudget = 0;     ///< 0: the engine's default
  std::optional<int64_t> parentId;
  std::optional<std::string> parentOp;
};

namespace executions {

/// Inserts the execution unless one with the same name exists; returns the row and
/// whether it was created now.
llvm::Expected<std::pair<ExecutionRecord, bool>> createOrGet(Store &store, const StartRequest &req,
                                                             TimeMs now);
llvm::Expected<std::optional<ExecutionRecord>> byName(Store &store, llvm::StringRef name);
llvm::Expected<std::optional<ExecutionRecord>> byId(Store &store, int64_t id);
/// Executions that have not finished, oldest first.
llvm::Expected<std::vector<ExecutionRecord>> running(Store &store);
/// Every execution, newest first (at most `limit`).
llvm::Expected<std::vector<ExecutionRecord>> list(Store &store, int64_t limit);
/// Records the end of a running execution. Returns false if it had already finished.
llvm::Expected<bool> finish(Store &store, int64_t id, const Result &outcome, TimeMs now);
/// Links an existing execution to the invoke operation waiting for it.
llvm::Error setParent(Store &store, int64_t id, int64_t parentId, llvm::StringRef parentOp);

} // namespace executions
} // namespace runtime
