// DurableContext operations: child contexts, invoke, wait, any, all, and their replay.
#include "runtime_test_util.h"

#include "runtime/callbacks.h"
#include "runtime/journal.h"

#include <set>

#include <map>

using namespace runtime;
using namespace std::chrono_literals;
using rtest::takeOrFail;

namespace {

/// N jobs, each in a child context { callback; step "dispatch" }, then any() until all done.
struct FanOut {
  std::map<std::string, std::string> tokens; ///< job -> token
  std::map<std::string, int> dispatched;
  std::vector<size_t> order; ///< indexes in completion order, as seen by the orchestrator

  OrchestratorFn orchestrator() {
    return [this](DurableContext &ctx, const json &input) -> Task<Result> {
      int n = input["n"].get<int>();
      std::vector<Future> jobs;
      for (int i = 0; i < n; ++i) {
        std::string job = "job" + std::to_string(i);
        jobs.push_back(ctx.runInChildContext(job, [this, job](DurableContext &child) -> Task<Result> {
          Callback cb = child.createCallback("done", {});
          tokens[job] = cb.token;
          Future dispatch = child.step("dispatch", [this, job](StepContext &) {
            ++dispatched[job];
            return Result::success();
          });
          co_await dispatch;
          Result r = co_await cb.future;
          co_return r;
        }));
      }
      std::vector<size_t> outstanding;
      for (int i = 0; i < n; ++i)
        outstanding.push_back(i);
      json results = json::object();
      int round = 0;
      while (!outstanding.empty()) {
        std::vector<Future> waiting;
        for (size_t i : outstanding)
          waiting.push_back(jobs[i]);
        AnyFuture next = ctx.any("wait-" + std::to_string(round++), waiting);
        Selected s = co_await next;
        size_t job = outstanding[s.index];
        order.push_back(job);
        results["job" + std::to_string(job)] = s.result.ok() ? s.result.value() : json(s.result.error());
        outstanding.erase(outstanding.begin() + static_cast<long>(s.index));
      }
      co_return Result::success(results);
    };
  }
};

TEST(Operations, ChildContextsAndAnyCompleteAFanOutInCompletionOrder) {
  rtest::TempDir dir;
  FakeClock clock;
  auto engine = rtest::openEngine(dir.file("s.db"), &clock);
  FanOut f;
  engine->registerOrchestrator("fan", f.orchestrator());
  takeOrFail(engine->start({"run", "fan", json{{"n", 4}}}));
  ASSERT_EQ(f.tokens.size(), 4u);
  ASSERT_OK(engine->completeCallback(f.tokens["job2"], "two"));
  ASSERT_OK(engine->failCallback(f.tokens["job0"], "zero broke"));
  ASSERT_OK(engine->completeCallback(f.tokens["job3"], 3));
  ASSERT_OK(engine->completeCallback(f.tokens["job1"], json{{"one", 1}}));
  auto rec = *takeOrFail(engine->execution("run"));
  ASSERT_EQ(rec.status, ExecStatus::Succeeded) << rec.error.value_or("");
  EXPECT_EQ(rec.outcome().value(),
            (json{{"job0", "zero broke"}, {"job1", {{"one", 1}}}, {"job2", "two"}, {"job3", 3}}));
  EXPECT_EQ(f.order, (std::vector<size_t>{2, 0, 3, 1}));
  for (auto &[job, n] : f.dispatched)
    EXPECT_EQ(n, 1) << job;
  auto ops = takeOrFail(journal::load(engine->store(), rec.id));
  // 4 contexts + 4 any in the root, 2 per child.
  EXPECT_EQ(ops.size(), 16u);
  std::map<std::string, OpRecord> byId;
  for (const OpRecord &op : ops)
    byId[op.id] = op;
  EXPECT_EQ(byId["1"].type, OpType::Context);
  EXPECT_EQ(byId["1"].name, "job0");
  EXPECT_EQ(byId["1-1"].type, OpType::Callback);
  EXPECT_EQ(byId["1-2"].type, OpType::Step);
  EXPECT_EQ(byId["5"].type, OpType::Any);
  EXPECT_EQ(byId["5"].result, "{\"index\":2}");
}

TEST(Operations, ReplayOfAFanOutPicksTheSameAnyWinnersAndSkipsFinishedChildren) {
  // Restart after two completions; complete the others; the result and the order
  // equal those of an uninterrupted run, and no dispatch step runs twice.
  rtest::TempDir dir;
  FakeClock clock;
  FanOut f;
  {
    auto engine = rtest::openEngine(dir.file("s.db"), &clock);
    engine->registerOrchestrator("fan", f.orchestrator());
    takeOrFail(engine->start({"run", "fan", json{{"n", 4}}}));
    ASSERT_OK(engine->completeCallback(f.tokens["job3"], 3));
    ASSERT_OK(engine->completeCallback(f.tokens["job1"], 1));
  }
  FanOut g;
  auto engine = rtest::openEngine(dir.file("s.db"), &clock);
  engine->registerOrchestrator("fan", g.orchestrator());
  ASSERT_OK(engine->resumeAll());
  EXPECT_EQ(g.order, (std::vector<size_t>{3, 1}));
  EXPECT_TRUE(g.dispatched.empty()) << "every dispatch step was answered from the journal";
  EXPECT_EQ(g.tokens.count("job3"), 0u) << "finished child contexts are not re-run";
  ASSERT_OK(engine->completeCallback(g.tokens["job0"], 0));
  ASSERT_OK(engine->completeCallback(g.tokens["job2"], 2));
  auto rec = *takeOrFail(engine->execution("run"));
  ASSERT_EQ(rec.status, ExecStatus::Succeeded) << rec.error.value_or("");
  EXPECT_EQ(rec.outcome().value(), (json{{"job0", 0}, {"job1", 1}, {"job2", 2}, {"job3", 3}}));
  EXPECT_EQ(g.order, (std::vector<size_t>{3, 1, 0, 2}));
}

TEST(Operations, AllCollectsValuesOrFailsWithTheFirstFailure) {
  rtest::TempDir dir;
  FakeClock clock;
  auto engine = rtest::openEngine(dir.file("s.db"), &clock);
  std::vector<std::string> tokens;
  engine->registerOrchestrator("all", [&](DurableContext &ctx, const json &) -> Task<Result> {
    std::vector<Future> fs;
    for (int i = 0; i < 3; ++i) {
      Callback cb = ctx.createCallback("cb" + std::to_string(i));
      tokens.push_back(cb.token);
      fs.push_back(cb.future);
    }
    Future both = ctx.all("first-two", {fs[0], fs[1]});
    Result r = co_await both;
    Future third = ctx.all("with-third", {fs[0], fs[2]});
    Result r2 = co_await third;
    co_return Result::success(json{{"two", r.value()}, {"third", r2.ok() ? "ok" : r2.error()}});
  });
  takeOrFail(engine->start({"e", "all", {}}));
  ASSERT_OK(engine->completeCallback(tokens[1], "b"));
  ASSERT_OK(engine->completeCallback(tokens[0], "a"));
  ASSERT_OK(engine->failCallback(tokens[2], "c failed"));
  auto rec = *takeOrFail(engine->execution("e"));
  ASSERT_EQ(rec.status, ExecStatus::Succeeded) << rec.error.value_or("");
  EXPECT_EQ(rec.outcome().value(), (json{{"two", {"a", "b"}}, {"third", "c failed"}}));
}

TEST(Operations, WaitIsADurableTimerThatSurvivesARestart) {
  rtest::TempDir dir;
  FakeClock clock;
  auto orchestrator = [](DurableContext &ctx, const json &) -> Task<Result> {
    TimeMs before = ctx.now();
    Future w = ctx.wait("pause", 5000ms);
    co_await w;
    co_return Result::success(ctx.now() - before);
  };
  {
    auto engine = rtest::openEngine(dir.file("s.db"), &clock);
    engine->registerOrchestrator("w", orchestrator);
    takeOrFail(engine->start({"e", "w", {}}));
    clock.advance(3000);
    ASSERT_OK(engine->runUntilIdle());
  }
  clock.advance(2000);
  auto engine = rtest::openEngine(dir.file("s.db"), &clock);
  engine->registerOrchestrator("w", orchestrator);
  ASSERT_OK(engine->resumeAll());
  auto rec = *takeOrFail(engine->execution("e"));
  ASSERT_EQ(rec.status, ExecStatus::Succeeded) << rec.error.value_or("");
  // On replay ctx.now() is the time of the replay, so only completion is checked.
  EXPECT_TRUE(rec.outcome().value().is_number());
}

TEST(Operations, InvokeRunsAChildExecutionWithItsOwnNameAndBudget) {
  rtest::TempDir dir;
  FakeClock clock;
  auto engine = rtest::openEngine(dir.file("s.db"), &clock);
  engine->registerOrchestrator("child", [](DurableContext &ctx, const json &input) -> Task<Result> {
    int n = input["steps"].get<int>();
    for (int i = 0; i < n; ++i)
      co_await ctx.step("s" + std::to_string(i), [](StepContext &) { return Result::success(); });
    co_return Result::success(input["steps"]);
  });
  engine->registerOrchestrator("parent", [](DurableContext &ctx, const json &) -> Task<Result> {
    InvokeOptions small;
    small.executionName = "child-small";
    small.opBudget = 5;
    InvokeOptions big;
    big.executionName = "child-big";
    big.opBudget = 5;
    Future a = ctx.invoke("small", "child", json{{"steps", 3}}, small);
    Future b = ctx.invoke("big", "child", json{{"steps", 50}}, big);
    Future c = ctx.invoke("nobody", "missing", json{});
    Result ra = co_await a;
    Result rb = co_await b;
    Result rc = co_await c;
    co_return Result::success(json{{"a", ra.ok() ? ra.value() : json(ra.error())},
                                   {"b", rb.ok() ? rb.value() : json(rb.error())},
                                   {"c", rc.ok() ? rc.value() : json(rc.error())}});
  });
  takeOrFail(engine->start({"p", "parent", {}}));
  auto rec = takeOrFail(engine->runToCompletion("p", 0));
  ASSERT_EQ(rec.status, ExecStatus::Succeeded) << rec.error.value_or("");
  json v = rec.outcome().value();
  EXPECT_EQ(v["a"], 3);
  EXPECT_NE(v["b"].get<std::string>().find("exceeded its operation budget of 5"), std::string::npos);
  EXPECT_EQ(v["c"], "invoke \"nobody\": no orchestrator named \"missing\" is registered");
  auto small = *takeOrFail(engine->execution("child-small"));
  EXPECT_EQ(small.status, ExecStatus::Succeeded);
  EXPECT_EQ(small.parentId, rec.id);
  EXPECT_EQ(takeOrFail(engine->execution("child-big"))->status, ExecStatus::Failed);
}

TEST(Operations, AnOrchestratorExceptionFailsTheExecution) {
  rtest::TempDir dir;
  FakeClock clock;
  auto engine = rtest::openEngine(dir.file("s.db"), &clock);
  engine->registerOrchestrator("x", [](DurableContext &ctx, const json &) -> Task<Result> {
    co_await ctx.step("ok", [](StepContext &) { return Result::success(); });
    throw std::runtime_error("bad input");
  });
  auto rec = takeOrFail(engine->start({"e", "x", {}}));
  ASSERT_EQ(rec.status, ExecStatus::Failed);
  EXPECT_EQ(*rec.error, "the orchestrator threw an exception: bad input");
}

TEST(Operations, UnknownAndRepeatedCallbackTokensAreRejectedWithAClearError) {
  rtest::TempDir dir;
  FakeClock clock;
  auto engine = rtest::openEngine(dir.file("s.db"), &clock);
  std::string token;
  engine->registerOrchestrator("c", [&](DurableContext &ctx, const json &) -> Task<Result> {
    Callback cb = ctx.createCallback("approve");
    token = cb.token;
    co_return co_await cb.future;
  });
  takeOrFail(engine->start({"e", "c", {}}));
  std::string unknown = llvm::toString(engine->completeCallback("0123", 1));
  EXPECT_EQ(unknown, "no callback has the token \"0123\" in this store; check the token and the "
                     "--store path");
  ASSERT_OK(engine->completeCallback(token, 1));
  std::string again = llvm::toString(engine->completeCallback(token, 2));
  EXPECT_EQ(again, "callback \"approve\" (token " + token +
                       ") is already succeeded; a callback completes only once");
  EXPECT_EQ(takeOrFail(engine->execution("e"))->outcome().value(), 1);
}

TEST(Operations, TokensAreUnguessable128BitHexStrings) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string t = generateCallbackToken();
    ASSERT_EQ(t.size(), 32u);
    ASSERT_EQ(t.find_first_not_of("0123456789abcdef"), std::string::npos);
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

} // namespace
