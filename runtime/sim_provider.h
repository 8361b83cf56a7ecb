/// \file
/// The `sim` compute provider: job outcomes, outputs and durations from a scenario
/// (scenario.h), for tests, simulations and benchmarks.
///
/// `dispatch` decides the attempt's outcome and schedules its completion in the
/// store's `sim_jobs` table, in the transaction of the dispatch step: a dispatch is
/// recorded exactly when its journal entry is, and a scheduled completion survives a
/// crash of the orchestrator like a real job would. `SimCompletions` (a
/// `CompletionSource`) delivers the completions when they are due: on the real clock
/// after their duration, or at once on a virtual clock that the driving loop moves to
/// the next due completion (`--virtual-time`: thousands of jobs in milliseconds).
/// `cancel` makes a pending job report `cancelled` now.
#pragma once

#include "runtime/provider.h"
#include "runtime/provider_registry.h"
#include "runtime/scenario.h"
#include "runtime/store.h"

namespace runtime {

/// Creates the `sim_jobs` table (store component `sim`).
llvm::Error ensureSimSchema(Store &store);

class SimProvider final : public ComputeProvider {
public:
  SimProvider(Scenario scenario, Store &store, const Clock &clock)
      : scenario_(std::move(scenario)), store_(store), clock_(clock) {}
  llvm::StringRef name() const override { return "sim"; }
  llvm::Error dispatch(const JobInstance &job, llvm::StringRef callbackToken) override;
  llvm::Error cancel(const JobInstance &job) override;

private:
  Scenario scenario_;
  Store &store_;
  const Clock &clock_;
};

/// Delivers the sim provider's scheduled completions.
class SimCompletions final : public CompletionSource {
public:
  explicit SimCompletions(Store &store) : store_(store) {}
  llvm::Expected<std::optional<TimeMs>> nextDue() override;
  llvm::Error deliverDue(Engine &engine, TimeMs now) override;

private:
  Store &store_;
};

/// Registers `sim` (config: the scenario object) and its completion source.
void registerSimProvider(ProviderRegistry &registry, Store &store, const Clock &clock);

} // namespace runtime
