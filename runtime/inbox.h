// The inbox: notes left by other processes that an operation of an execution settled.
#pragma once

#include "runtime/clock.h"
#include "runtime/store.h"

#include <string>
#include <vector>

namespace runtime {

/// One inbox row: "operation `opId` of execution `executionId` has settled in the store".
struct InboxEntry {
  int64_t id = 0;
  int64_t executionId = 0;
  std::string opId;
};

namespace inbox {
llvm::Error post(Store &store, int64_t executionId, llvm::StringRef opId, TimeMs now);
/// Entries with id greater than `afterId`, oldest first.
llvm::Expected<std::vector<InboxEntry>> read(Store &store, int64_t afterId);
llvm::Error remove(Store &store, int64_t id);
} // namespace inbox
} // namespace runtime
