/// \file
/// Scenario files of the `sim` compute provider: what each job does, for tests,
/// simulations and benchmarks. The format (shared with the Lambda package's fake
/// provider, backend/lambda/src/providers.js):
///
///     {"seed": 1,
///      "default": {"conclusion": "success", "duration_ms": 0},
///      "jobs": {"<display name or job id>": {"conclusion": "success|failure",
///               "duration_ms": 120, "outputs": {"k": "v"}, "fail_attempts": 1}}}
///
/// A job's entry is looked up by display name (`build (ubuntu, 20)`), then instance
/// id, then job id, then its id in its own file; its fields override the defaults.
/// `fail_attempts: N` makes the first N attempts fail (retry tests);
/// `"conclusion": "hang"` never reports (timeout tests). Extensions of ci-exec:
/// `duration_ms: [min, max]` picks a duration and `failure_rate: p` fails a run with
/// probability p, both from the seed and the instance and attempt alone, so a
/// scenario gives the same outcomes in any order and after any restart.
#pragma once

#include "runtime/result.h"

#include "llvm/Support/Error.h"

#include <string>

namespace runtime {

/// What one attempt of one job instance does.
struct SimOutcome {
  std::string conclusion; ///< "success", "failure", "cancelled" or "hang"
  int64_t durationMs = 0;
  json outputs = json::object();
};

class Scenario {
public:
  /// Checks and reads a scenario; errors name the field and say what is allowed.
  static llvm::Expected<Scenario> parse(const json &scenario);
  /// The outcome of `attempt` of the instance with these names.
  SimOutcome decide(const std::string &name, const std::string &instance, const std::string &job,
                    const std::string &localId, int attempt) const;
  const json &source() const { return source_; }

private:
  json source_;
  uint64_t seed_ = 0;
};

} // namespace runtime
