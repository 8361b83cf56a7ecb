/// \file
/// The `local` and `sandbox` compute providers: real jobs on this machine
/// (docs/ci-exec-local.md).
///
/// `dispatch` writes the job's description (`job.json`: the dispatch request, the
/// run's github/inputs/vars contexts, the directories; never a secret) under
/// `.ci-exec/runs/<run>/jobs/<instance>/`, records the attempt in `exec_jobs` in the
/// dispatch step's transaction, and starts a detached job supervisor
/// (see supervisor_job.h) unless the attempt's `started`
/// marker exists: a dispatch repeated after a crash never starts a second copy. The
/// supervisor is `ci-exec-supervisor JOB.json` (next to this program, or the
/// configuration's `supervisor`, or `$CI_EXEC_SUPERVISOR`). The
/// supervisor completes the job's callback itself, through the store's inbox.
/// `LocalCompletions` delivers what the supervisor could not (a completion recorded
/// while the dispatch's token was not committed) and fails the jobs whose supervisor
/// stopped heartbeating. `cancel` signals the supervisor (SIGINT), which cancels the
/// running step (SIGINT, then SIGKILL to its process group after a grace period) and
/// reports `cancelled`.
///
/// Configuration (journaled with the run): {"default": "local"|"sandbox",
/// "platforms": {label: provider}, "repo": DIR, "action_cache": DIR,
/// "skip_missing_actions": bool, "sandbox_network": bool, "supervisor": PATH,
/// "cancel_grace_ms": N}.
#pragma once

#include "runtime/local_store.h"
#include "runtime/provider.h"
#include "runtime/provider_registry.h"

#include <map>

namespace runtime {

/// A filesystem-safe directory name for a job attempt: the instance id with any
/// character outside [A-Za-z0-9._-] replaced by `_`, plus `~N` for attempt N > 1.
std::string jobDirName(llvm::StringRef instance, int attempt);

/// The providers' root directory for a store: the directory holding the database.
std::string execRootOf(const Store &store);

class LocalProvider final : public ComputeProvider {
public:
  LocalProvider(std::string name, json config, Store &store, const Clock &clock)
      : name_(std::move(name)), config_(std::move(config)), store_(store), clock_(clock) {}
  llvm::StringRef name() const override { return name_; }
  llvm::Error dispatch(const JobInstance &job, llvm::StringRef callbackToken) override;
  llvm::Error cancel(const JobInstance &job) override;

  /// The provider (`local` or `sandbox`) a job with these `runs-on` labels uses.
  std::string providerFor(const json &runsOn) const;

private:
  std::string name_;
  json config_;
  Store &store_;
  const Clock &clock_;
  std::map<std::string, json> runs_; ///< workflow execution -> its input's `run`
};

/// Delivers recorded completions and detects dead supervisors.
class LocalCompletions final : public CompletionSource {
public:
  LocalCompletions(Store &store, const Clock &clock, int64_t staleMs = 30'000)
      : store_(store), clock_(clock), staleMs_(staleMs) {}
  llvm::Expected<std::optional<TimeMs>> nextDue() override;
  llvm::Error deliverDue(Engine &engine, TimeMs now) override;

private:
  Store &store_;
  const Clock &clock_;
  int64_t staleMs_;
};

/// Registers `local` and `sandbox` (and their completion source).
void registerLocalProviders(ProviderRegistry &registry, Store &store, const Clock &clock);

} // namespace runtime
