// A CI orchestrator in a test: an engine on a virtual clock, the sim provider, plans by hand.
#pragma once

#include "runtime_test_util.h"

#include "runtime/ci_orchestrators.h"
#include "runtime/ci_state.h"
#include "runtime/run_compiler.h"
#include "runtime/run_control.h"
#include "runtime/run_driver.h"
#include "runtime/sim_provider.h"

#include <map>

namespace rtest {

/// A plan with one workflow "ci" and these jobs (the plan format of docs/lambda-plan.md).
inline runtime::json plan(runtime::json jobs, runtime::json extra = runtime::json::object()) {
  runtime::json wf{{"id", "ci"}, {"path", ".github/workflows/ci.yml"}, {"name", "CI"}, {"jobs", std::move(jobs)}};
  for (auto it = extra.begin(); it != extra.end(); ++it)
    wf[it.key()] = it.value();
  return runtime::json{{"version", 1}, {"workflows", runtime::json::array({wf})}};
}

class CiHarness {
public:
  explicit CiHarness(bool watch = false) : clock_(1'700'000'000'000, false) {
    engine_ = openEngine(dir_.file("state.db"), &clock_, 1024, watch);
    runtime::registerSimProvider(providers_, engine_->store(), clock_);
    runtime::CiDeps deps;
    deps.engine = engine_.get();
    deps.providers = &providers_;
    deps.compile = [](const runtime::json &r) { return runtime::compileRunRequest(r, nullptr); };
    if (llvm::Error e = runtime::registerCiOrchestrators(*engine_, deps))
      ADD_FAILURE() << llvm::toString(std::move(e));
  }

  runtime::Engine &engine() { return *engine_; }
  runtime::Store &store() { return engine_->store(); }
  runtime::FakeClock &clock() { return clock_; }
  runtime::ProviderRegistry &providers() { return providers_; }
  const std::string path() const { return dir_.file("state.db"); }

  /// Starts a run of `plan` with `scenario`; `github` is merged into the github context.
  int64_t start(const runtime::json &plan, const runtime::json &scenario,
                const runtime::json &github = runtime::json::object()) {
    runtime::RunRequest req;
    req.request = runtime::json{{"plan", plan}, {"event", "push"}, {"github", github}};
    req.source = "plan.json";
    req.providerConfig = scenario;
    req.virtualTime = true;
    return takeOrFail(runtime::startRun(*engine_, req));
  }

  /// Drives until `done()` (default: every execution finished).
  void drive(const std::function<bool()> &done = {}) {
    auto allDone = [&] {
      auto running = runtime::executions::running(engine_->store());
      return running && running->empty();
    };
    if (llvm::Error e = runtime::drive(*engine_, providers_, done ? done : allDone, 0))
      ADD_FAILURE() << llvm::toString(std::move(e));
  }

  bool finished(int64_t runId) {
    auto r = takeOrFail(runtime::ci::findRun(engine_->store(), runId));
    return r && r->status == "completed";
  }

  runtime::json document(int64_t runId) { return takeOrFail(runtime::ci::runDocument(engine_->store(), runId)); }

  /// Runs a plan to its end and returns the run document.
  runtime::json run(const runtime::json &plan, const runtime::json &scenario = runtime::json::object(),
                    const runtime::json &github = runtime::json::object()) {
    int64_t id = start(plan, scenario, github);
    drive([&] { return finished(id); });
    return document(id);
  }

private:
  TempDir dir_;
  runtime::FakeClock clock_;
  std::unique_ptr<runtime::Engine> engine_;
  runtime::ProviderRegistry providers_;
};

/// Display name -> conclusion.
inline std::map<std::string, std::string> conclusions(const runtime::json &doc) {
  std::map<std::string, std::string> out;
  for (const auto &j : doc["jobs"])
    out[j["name"].get<std::string>()] = j["conclusion"].is_string() ? j["conclusion"].get<std::string>() : "null";
  return out;
}

/// The entry of a job by display name.
inline runtime::json entry(const runtime::json &doc, const std::string &name) {
  for (const auto &j : doc["jobs"])
    if (j["name"] == name)
      return j;
  ADD_FAILURE() << "no job named " << name << " in " << doc.dump();
  return runtime::json();
}

using Conclusions = std::map<std::string, std::string>;

} // namespace rtest
