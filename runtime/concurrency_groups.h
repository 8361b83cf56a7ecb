/// \file
/// Concurrency groups across runs (gha-semantics §4), in the store's `ci_groups`
/// table: one namespace for workflow- and job-level groups, keys compared
/// case-insensitively (the caller passes the lower-cased key).
///
/// `queue: single` (the default): at most one running and one pending item per group.
/// A new item while the group is held becomes pending and replaces (cancels) an older
/// pending one; with `cancel-in-progress` the running item is cancelled too. `queue:
/// max`: up to 100 pending items in FIFO order, more are rejected. When the running
/// item releases the group, the oldest pending one is promoted and woken.
///
/// Items are told through callbacks: a pending item waits on its wake callback, which
/// is completed with {"granted": true} or {"cancelled": true, "group": NAME}; a running
/// item is cancelled through a cancel request to its workflow execution
/// (ci_state.h), naming the instance (job level) or none (workflow level). Everything
/// happens in the caller's transaction (an effects step of the orchestrator).
#pragma once

#include "runtime/ci_state.h"
#include "runtime/job_state.h"

namespace runtime {
namespace groups {

/// Who holds or waits for a group.
struct Holder {
  std::string execution; ///< the workflow execution
  std::string instance;  ///< the job instance id; empty for the workflow itself
  std::string key() const { return execution + "#" + (instance.empty() ? "workflow" : instance); }
};

enum class Outcome { Granted, Pending, Rejected };
llvm::StringRef outcomeName(Outcome o); ///< "granted", "pending", "rejected"

/// Asks for `group` for `holder`, which waits on `wakeToken` if it must. Displaced
/// items are told through `complete` (wake callbacks, cancel requests).
llvm::Expected<Outcome> acquire(Store &store, const GroupClaim &group, const Holder &holder,
                                llvm::StringRef wakeToken, TimeMs now,
                                const ci::CallbackCompleter &complete);
/// Leaves the group, as the running item (the oldest pending one is promoted and
/// woken) or as a pending one (just removed). A no-op for an unknown holder.
llvm::Error release(Store &store, llvm::StringRef groupKey, const Holder &holder,
                    const ci::CallbackCompleter &complete);

/// The items of a group, running first then pending in order: (holder, state).
llvm::Expected<std::vector<std::pair<std::string, std::string>>> members(Store &store,
                                                                         llvm::StringRef groupKey);

} // namespace groups
} // namespace runtime
