// Crash recovery of the CI orchestrator: a child process runs a workflow on the sim
// provider (virtual time) and is killed with SIGKILL at random instants and right before
// chosen store writes; a resumed process must reach the uninterrupted run's job
// conclusions and outputs, with every job dispatched exactly once per attempt and every
// completion applied. CI_RUNTIME_CRASH_POINTS=1000 selects the long mode (make torture).
#include "ci_harness.h"
#include "kill_harness.h"

#include "runtime/callbacks.h"
#include "runtime/journal.h"

using namespace runtime;
using rtest::ojson;
using rtest::takeOrFail;

namespace {

/// A workflow with the semantics that carry state across events: a matrix with a
/// failing leg and max-parallel, fail-fast siblings, continue-on-error, a dynamic
/// matrix from outputs, merged outputs, always() and failure() jobs, a timeout, a chain.
ojson crashPlan() {
  ojson jobs = ojson::array();
  jobs.push_back({{"id", "setup"}});
  jobs.push_back({{"id", "build"}, {"needs", {"setup"}},
                  {"strategy", {{"fail_fast", false}, {"max_parallel", 3}, {"matrix", {{"os", {"a", "b", "c", "d", "e"}}}}}}});
  jobs.push_back({{"id", "dyn"}, {"needs", {"setup"}}, {"strategy", {{"matrix", "${{ fromJSON(needs.setup.outputs.m) }}"}}}});
  jobs.push_back({{"id", "ff"}, {"strategy", {{"fail_fast", true}, {"matrix", {{"n", {1, 2, 3, 4}}}}}}});
  jobs.push_back({{"id", "flaky"}, {"continue_on_error", true}});
  jobs.push_back({{"id", "slow"}, {"timeout_minutes", 1}});
  jobs.push_back({{"id", "report"}, {"needs", {"build", "dyn", "flaky"}}, {"if", "always()"}});
  jobs.push_back({{"id", "deploy"}, {"needs", {"build"}}});
  jobs.push_back({{"id", "onfail"}, {"needs", {"ff"}}, {"if", "failure()"}});
  jobs.push_back({{"id", "after-slow"}, {"needs", {"slow"}}, {"if", "always() && needs.slow.result == 'cancelled'"}});
  for (int i = 0; i < 6; ++i) {
    ojson j{{"id", "c" + std::to_string(i)}};
    if (i)
      j["needs"] = {"c" + std::to_string(i - 1)};
    jobs.push_back(j);
  }
  return rtest::plan(jobs);
}

json crashScenario() {
  json jobs = json::object();
  jobs["setup"] = {{"duration_ms", 40}, {"outputs", {{"m", R"({"v": ["x", "y", "z"]})"}}}};
  jobs["build (c)"] = {{"conclusion", "failure"}, {"duration_ms", 25}};
  jobs["ff (2)"] = {{"conclusion", "failure"}, {"duration_ms", 35}};
  jobs["ff (3)"] = {{"duration_ms", 100}};
  jobs["ff (4)"] = {{"duration_ms", 120}};
  jobs["flaky"] = {{"conclusion", "failure"}, {"outputs", {{"f", "1"}}}};
  jobs["slow"] = {{"conclusion", "hang"}};
  jobs["dyn (x)"] = {{"outputs", {{"k", "x"}}}};
  jobs["dyn (z)"] = {{"outputs", {{"k", "z"}}}, {"duration_ms", 90}};
  return json{{"seed", 7}, {"default", {{"duration_ms", json::array({0, 60})}}}, {"jobs", jobs}};
}

constexpr TimeMs kStart = 1'700'000'000'000;

[[noreturn]] void childMain(const std::string &path, const rtest::WritePlan &plan) {
  FakeClock clock(kStart, false);
  EngineOptions o;
  o.storePath = path;
  o.clock = &clock;
  o.watchStore = false;
  auto engine = Engine::open(o);
  if (!engine)
    _exit(3);
  ProviderRegistry providers;
  registerSimProvider(providers, (*engine)->store(), clock);
  CiDeps deps;
  deps.engine = engine->get();
  deps.providers = &providers;
  deps.compile = [](const json &r) { return compileRunRequest(r, nullptr); };
  if (llvm::Error e = registerCiOrchestrators(**engine, deps)) {
    llvm::consumeError(std::move(e));
    _exit(3);
  }
  auto latest = ci::latestRecordedTime((*engine)->store());
  if (!latest)
    _exit(3);
  clock.advanceTo(*latest);
  std::function<void()> finished = rtest::applyWritePlan((*engine)->store(), plan);
  if (llvm::Error e = resumeRuns(**engine)) {
    llvm::consumeError(std::move(e));
    _exit(4);
  }
  auto run = ci::findRun((*engine)->store(), 1);
  if (!run)
    _exit(4);
  if (!*run) {
    RunRequest req;
    req.request = json{{"plan_text", crashPlan().dump()}};
    req.providerConfig = crashScenario();
    req.virtualTime = true;
    auto id = startRun(**engine, req);
    if (!id)
      _exit(5);
  }
  llvm::Error e = drive(**engine, providers, [&] {
    auto r = ci::findRun((*engine)->store(), 1);
    return r && *r && (*r)->status == "completed";
  });
  if (e) {
    llvm::consumeError(std::move(e));
    _exit(6);
  }
  finished();
  _exit(0);
}

struct Outcome {
  json jobs; ///< name -> {conclusion, reason, attempt, outputs}
  std::string conclusion;
  std::vector<std::pair<std::string, int>> dispatches;
};

/// Reads the finished run and checks the store's invariants.
Outcome check(const std::string &path) {
  Outcome out;
  auto store = takeOrFail(Store::open(path));
  json doc = takeOrFail(ci::runDocument(*store, 1));
  EXPECT_EQ(doc["status"], "completed");
  out.conclusion = doc["conclusion"].is_string() ? doc["conclusion"].get<std::string>() : "";
  out.jobs = json::object();
  for (const json &j : doc["jobs"])
    out.jobs[j["name"].get<std::string>()] = {{"conclusion", j["conclusion"]}, {"reason", j["reason"]},
                                              {"attempt", j["attempt"]}, {"outputs", j["outputs"]}};
  // Every job dispatched exactly once per attempt.
  Statement &d = store->stmt("SELECT execution, instance, attempt, count(*) FROM sim_jobs GROUP BY 1, 2, 3 ORDER BY 2, 3");
  while (takeOrFail(d.step())) {
    EXPECT_EQ(d.int64(3), 1) << d.text(1) << " attempt " << d.int64(2) << " was dispatched " << d.int64(3) << " times";
    out.dispatches.push_back({d.text(1), static_cast<int>(d.int64(2))});
  }
  d.reset();
  // No completion lost: every job callback settled by its completion (or its timeout),
  // none is left pending, and every completion the provider delivered was taken.
  Statement &c = store->stmt(
      "SELECT c.name, c.status, s.instance, s.state FROM callbacks c JOIN sim_jobs s ON s.token = c.token");
  while (takeOrFail(c.step())) {
    std::string status = c.text(1), instance = c.text(2), state = c.text(3);
    EXPECT_NE(status, "pending") << "the callback of " << instance << " is still pending";
    if (state == "delivered") {
      EXPECT_NE(status, "pending") << instance;
    }
  }
  c.reset();
  // Every execution finished.
  EXPECT_TRUE(takeOrFail(executions::running(*store)).empty());
  return out;
}

void expectSame(const Outcome &got, const Outcome &want) {
  EXPECT_EQ(got.conclusion, want.conclusion);
  EXPECT_EQ(got.jobs, want.jobs);
  EXPECT_EQ(got.dispatches, want.dispatches);
}

TEST(CiCrash, SigkillAtRandomInstantsThenResumeGivesTheUninterruptedRun) {
  rtest::TempDir dir;
  std::string ref = dir.file("ref.db");
  int64_t durationUs = rtest::timedReferenceRun(childMain, ref);
  ASSERT_GE(durationUs, 0);
  Outcome reference = check(ref);
  ASSERT_EQ(reference.conclusion, "failure") << reference.jobs.dump(1);
  ASSERT_EQ(reference.jobs["slow"]["reason"], "timeout") << reference.jobs.dump(1);
  ASSERT_EQ(reference.jobs["ff (3)"]["reason"], "fail-fast");
  ASSERT_EQ(reference.jobs["report"]["conclusion"], "success");
  rtest::killAtRandomInstants(dir, childMain, durationUs, 20261127,
                              [&](const std::string &path) { expectSame(check(path), reference); },
                              "ci crash test");
}

TEST(CiCrash, SigkillBeforeChosenStoreWritesThenResumeGivesTheUninterruptedRun) {
  rtest::TempDir dir;
  std::string ref = dir.file("ref.db");
  ASSERT_EQ(rtest::runChild(childMain, ref, -1), 0);
  Outcome reference = check(ref);
  int writes = rtest::killBeforeSpreadWrites(dir, childMain,
                                             [&](const std::string &path) { expectSame(check(path), reference); });
  EXPECT_GT(writes, 200);
}

} // namespace
