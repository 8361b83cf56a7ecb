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

/// Plans keep their key order (matrix keys are ordered, gha-semantics §2.1).
using ojson = nlohmann::ordered_json;

/// A plan with one workflow "ci" and these jobs (the plan format of docs/lambda-plan.md).
inline ojson plan(ojson jobs, ojson extra = ojson::object()) {
  ojson wf{{"id", "ci"}, {"path", ".github/workflows/ci.yml"}, {"name", "CI"}, {"jobs", std::move(jobs)}};
  for (auto it = extra.begin(); it != extra.end(); ++it)
    wf[it.key()] = it.value();
  return ojson{{"version", 1}, {"workflows", ojson::array({wf})}};
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
  int64_t start(const ojson &plan, const runtime::json &scenario,
                const runtime::json &github = runtime::json::object()) {
    runtime::RunRequest req;
    req.request = runtime::json{{"plan_text", plan.dump()}, {"event", "push"}, {"github", github}};
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
  runtime::json run(const ojson &plan, const runtime::json &scenario = runtime::json::object(),
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

namespace rtest {

/// Dispatches recorded by the sim provider: (instance, attempt) in dispatch order.
inline std::vector<std::pair<std::string, int>> dispatches(runtime::Store &store) {
  std::vector<std::pair<std::string, int>> out;
  runtime::Statement &s = store.stmt("SELECT instance, attempt FROM sim_jobs ORDER BY rowid");
  while (takeOrFail(s.step()))
    out.push_back({s.text(0), static_cast<int>(s.int64(1))});
  s.reset();
  return out;
}

/// Instances whose pending job the sim provider was asked to cancel.
inline std::vector<std::string> cancelledAtProvider(runtime::Store &store) {
  std::vector<std::string> out;
  runtime::Statement &s = store.stmt(
      "SELECT instance FROM sim_jobs WHERE report LIKE '%\"cancelled\"%' ORDER BY rowid");
  while (takeOrFail(s.step()))
    out.push_back(s.text(0));
  s.reset();
  return out;
}

inline bool wasDispatched(runtime::Store &store, const std::string &instance) {
  for (auto &d : dispatches(store))
    if (d.first == instance)
      return true;
  return false;
}

} // namespace rtest
