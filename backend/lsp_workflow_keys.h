/// \file
/// The mapping keys of workflow and action files, by where they may appear,
/// with a one-line description each: the language server completes and
/// explains keys from this table (gha-semantics §1.2-1.6). A place is a
/// path of keys from the root, `*` standing for any key (a job id, a
/// service name) and `-` for a sequence item: `jobs/*/steps/-`.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace backend {

struct WorkflowKey {
  const char *place; ///< path pattern, e.g. "jobs/*"
  const char *key;   ///< e.g. "runs-on"
  const char *doc;   ///< one line
  bool isEvent = false;
};

/// Keys of workflow files.
llvm::ArrayRef<WorkflowKey> workflowKeys();
/// Keys of action metadata files.
llvm::ArrayRef<WorkflowKey> actionKeys();

/// The keys allowed at `path` (e.g. {"jobs", "build", "steps", "-"}).
std::vector<const WorkflowKey *> keysAt(llvm::ArrayRef<std::string> path, bool action);

} // namespace backend
