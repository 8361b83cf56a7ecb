/// \file
/// Compute providers (architecture decision 7): the orchestrator hands a job instance
/// to a provider with a callback token and sleeps; the provider runs it somewhere and
/// reports the outcome through that callback (`Engine::completeCallback` in-process,
/// `ci-exec callback TOKEN ...` or `callbacks::deliverTo` from another process).
/// Completion always arrives as a callback, never as a return value, so a crashed
/// orchestrator loses nothing: the completion waits in the store.
#pragma once

#include "runtime/clock.h"
#include "runtime/result.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>

namespace runtime {

/// What a provider is asked to run. The orchestrator fills `spec` with everything the
/// provider needs (steps, environment, outputs to collect); the provider does not read
/// the workflow itself.
struct JobInstance {
  std::string execution; ///< the workflow execution that runs it
  std::string id;        ///< unique within the workflow, e.g. "build.ubuntu_20"
  int attempt = 1;       ///< 1 for the first run, +1 for each retry
  /// The dispatch request: instance, job, local_id, name, attempt, matrix, strategy,
  /// needs, timeout_minutes, continue_on_error, outputs (templates), spec (what the
  /// plan says to run: runs_on, steps...), env, workflow.
  json spec;
};

class Engine;

/// Something in this process that completes callbacks at known times (the sim
/// provider's scheduled completions). The loop that drives the engine asks when the
/// next completion is due, moves a virtual clock there, and lets it deliver. Providers
/// that run jobs elsewhere complete through the store instead and need none.
class CompletionSource {
public:
  virtual ~CompletionSource() = default;
  /// When the next completion is due, if one is scheduled.
  virtual llvm::Expected<std::optional<TimeMs>> nextDue() = 0;
  /// Delivers every completion due at `now` (each through Engine::completeCallback).
  virtual llvm::Error deliverDue(Engine &engine, TimeMs now) = 0;
};

class ComputeProvider {
public:
  virtual ~ComputeProvider() = default;
  /// A short name ("sim", "local", "sandbox").
  virtual llvm::StringRef name() const = 0;
  /// Starts `job`; its outcome must be delivered to `callbackToken`: success with a JSON
  /// value (e.g. {"conclusion": "success", "outputs": {...}}) or failure with a message.
  /// Called from a durable step, so it may be called again for the same (id, attempt)
  /// after a crash: a provider must not start a second copy then.
  virtual llvm::Error dispatch(const JobInstance &job, llvm::StringRef callbackToken) = 0;
  /// Stops a running job. Its callback still settles (the provider reports the
  /// cancellation, or the callback times out).
  virtual llvm::Error cancel(const JobInstance &job) = 0;
};

} // namespace runtime
