/// \file
/// Which workflows an event triggers (gha-semantics §1.3): the event must be listed in
/// `on:`; activity `types` must include the payload's `action` (pull_request defaults to
/// opened, synchronize, reopened); `push` applies `branches`/`tags` (and their -ignore
/// forms, and `!` negations in list order) to the pushed ref, where a push with only
/// branch filters does not run for tags and the reverse; pull requests filter on the
/// base branch; `paths`/`paths-ignore` need both the ref filter and the path filter to
/// pass, are not checked for tags, and read the changed files of the payload (push:
/// `commits[].added/modified/removed`; an explicit `changed_files` list anywhere else).
/// A payload that says nothing about files passes the path filters.
#pragma once

#include "runtime/result.h"

#include "ir/workflow.h"

#include <string>
#include <vector>

namespace runtime {

/// GitHub's filter glob (`*`, `**`, `?` and `+` on the preceding character, `[a-z]`,
/// `\` escapes) against a whole branch, tag or path.
bool matchFilterGlob(llvm::StringRef pattern, llvm::StringRef text);

/// Whether `text` passes a filter list: patterns in order, a later `!pattern` excludes
/// and a later pattern re-includes.
bool matchFilterList(const std::vector<std::string> &patterns, llvm::StringRef text);

/// Whether `event` with `payload` triggers `workflow`; `why` says why not.
bool workflowTriggeredBy(const ir::Workflow &workflow, const std::string &event, const json &payload,
                         const std::string &ref, std::string *why = nullptr);

} // namespace runtime
