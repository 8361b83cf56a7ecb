// The compute providers a ci-exec process knows, by name, and the provider of each run.
#pragma once

#include "runtime/provider.h"

#include "llvm/ADT/StringMap.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace runtime {

/// A run names its provider and a configuration (the sim provider's scenario); the
/// registry creates one provider per run from it on first use and keeps it for the
/// run's later dispatches and cancels. The configuration is part of the run's journaled
/// input, so a resumed process recreates the same provider. A new provider (`local`,
/// `sandbox`) plugs in with `add`; one that completes jobs from inside this process
/// also adds a `CompletionSource` for the driving loop.
class ProviderRegistry {
public:
  using Factory = std::function<llvm::Expected<std::unique_ptr<ComputeProvider>>(const json &config)>;

  void add(std::string name, Factory factory) { factories_[name] = std::move(factory); }
  void addSource(std::unique_ptr<CompletionSource> source) { sources_.push_back(std::move(source)); }
  bool knows(llvm::StringRef name) const { return factories_.count(name) != 0; }
  /// The names of the providers, sorted (for messages).
  std::vector<std::string> names() const;

  /// The provider of run `runKey`, created from `config` the first time.
  llvm::Expected<ComputeProvider *> forRun(const std::string &runKey, const std::string &name,
                                           const json &config);
  /// Checks a configuration by creating a provider from it (nothing is kept).
  llvm::Error validate(const std::string &name, const json &config) const;
  const std::vector<std::unique_ptr<CompletionSource>> &sources() const { return sources_; }

private:
  llvm::StringMap<Factory> factories_;
  llvm::StringMap<std::unique_ptr<ComputeProvider>> byRun_;
  std::vector<std::unique_ptr<CompletionSource>> sources_;
};

} // namespace runtime
