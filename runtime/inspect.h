// Read-only views of the store for `ci-exec inspect` and history listings.
#pragma once

#include "runtime/result.h"
#include "runtime/store.h"

#include "llvm/Support/Error.h"

#include <string>

namespace runtime {

/// An execution, its journal and callbacks as JSON:
/// {"execution": {...}, "operations": [{"id", "type", "name", "status", "attempt",
///  "result", "error", "detail", "started_ms", "ended_ms"}...], "callbacks": [...]}.
/// Errors: no execution with that name (or id, when `nameOrId` is a number).
llvm::Expected<json> inspectExecution(Store &store, llvm::StringRef nameOrId);
/// The journal as an aligned text table, with a header line about the execution.
std::string renderInspection(const json &inspection);
/// Executions, newest first, as JSON rows.
llvm::Expected<json> listExecutions(Store &store, int64_t limit);

} // namespace runtime
