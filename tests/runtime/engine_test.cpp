// Engine behaviour: steps, callbacks, replay, nondeterminism, timeouts, budget, eviction.
#include "runtime_test_util.h"

#include "runtime/callbacks.h"
#include "runtime/journal.h"

#include <map>

using namespace runtime;
using namespace std::chrono_literals;
using rtest::takeOrFail;

namespace {

/// Counts how many times each step body ran.
struct Counters {
  std::map<std::string, int> runs;
};

/// step a -> callback "approve" -> step b(value) -> result.
OrchestratorFn approvalFlow(Counters &c, std::string *tokenOut) {
  return [&c, tokenOut](DurableContext &ctx, const json &input) -> Task<Result> {
    int x = input.value("x", 0);
    Result a = co_await ctx.step("a", [&c, x](StepContext &) {
      ++c.runs["a"];
      return Result::success(x * 2);
    });
    Callback cb = ctx.createCallback("approve");
    *tokenOut = cb.token;
    Result approved = co_await cb.future;
    if (!approved)
      co_return approved;
    int sum = a.value().get<int>() + approved.value().get<int>();
    Result b = co_await ctx.step("b", [&c, sum](StepContext &) {
      ++c.runs["b"];
      return Result::success(sum);
    });
    co_return Result::success(json{{"sum", b.value()}});
  };
}

TEST(Engine, StepsAndACallbackProduceTheExecutionResult) {
  // An execution waits on a callback; completing it resumes the live coroutine (no replay).
  rtest::TempDir dir;
  FakeClock clock;
  auto engine = rtest::openEngine(dir.file("s.db"), &clock);
  Counters c;
  std::string token;
  engine->registerOrchestrator("flow", approvalFlow(c, &token));
  ExecutionRecord rec = takeOrFail(engine->start({"e1", "flow", json{{"x", 5}}}));
  EXPECT_EQ(rec.status, ExecStatus::Running);
  EXPECT_EQ(token.size(), 32u);
  ASSERT_OK(engine->completeCallback(token, 7));
  rec = *takeOrFail(engine->execution("e1"));
  ASSERT_EQ(rec.status, ExecStatus::Succeeded) << rec.error.value_or("");
  EXPECT_EQ(rec.outcome().value(), (json{{"sum", 17}}));
  EXPECT_EQ(c.runs["a"], 1);
  EXPECT_EQ(c.runs["b"], 1);
  EXPECT_EQ(engine->stats().hydrations, 0u);
  auto ops = takeOrFail(journal::load(engine->store(), rec.id));
  ASSERT_EQ(ops.size(), 3u);
  EXPECT_EQ(ops[0].id, "1");
  EXPECT_EQ(ops[1].id, "2");
  EXPECT_EQ(ops[1].type, OpType::Callback);
  EXPECT_EQ(ops[1].result, "7");
}

TEST(Engine, StartingTheSameNameTwiceReturnsTheExistingExecution) {
  // Idempotent start: the second start neither creates a row nor runs anything.
  rtest::TempDir dir;
  FakeClock clock;
  auto engine = rtest::openEngine(dir.file("s.db"), &clock);
  Counters c;
  std::string token;
  engine->registerOrchestrator("flow", approvalFlow(c, &token));
  ExecutionRecord first = takeOrFail(engine->start({"same", "flow", json{{"x", 1}}}));
  ExecutionRecord second = takeOrFail(engine->start({"same", "flow", json{{"x", 99}}}));
  EXPECT_EQ(first.id, second.id);
  EXPECT_EQ(second.input, (json{{"x", 1}}));
  EXPECT_EQ(c.runs["a"], 1);
  ASSERT_OK(engine->completeCallback(token, 1));
  ExecutionRecord done = takeOrFail(engine->start({"same", "flow", json{{"x", 1}}}));
  EXPECT_EQ(done.status, ExecStatus::Succeeded);
  EXPECT_EQ(c.runs["a"], 1);
}

TEST(Engine, ReplayAfterRestartReturnsRecordedResultsWithoutRerunningSteps) {
  // Replay equivalence: a restart between operations gives the same result as an
  // uninterrupted run, and no completed step body runs twice.
  rtest::TempDir dir;
  FakeClock clock;
  json uninterrupted;
  {
    auto engine = rtest::openEngine(dir.file("ref.db"), &clock);
    Counters c;
    std::string token;
    engine->registerOrchestrator("flow", approvalFlow(c, &token));
    takeOrFail(engine->start({"e", "flow", json{{"x", 3}}}));
    ASSERT_OK(engine->completeCallback(token, 4));
    uninterrupted = takeOrFail(engine->execution("e"))->outcome().value();
  }
  Counters c;
  std::string token;
  {
    auto engine = rtest::openEngine(dir.file("s.db"), &clock);
    engine->registerOrchestrator("flow", approvalFlow(c, &token));
    takeOrFail(engine->start({"e", "flow", json{{"x", 3}}}));
  } // the process "dies" while the execution waits for its callback
  std::string firstToken = token;
  auto engine = rtest::openEngine(dir.file("s.db"), &clock);
  engine->registerOrchestrator("flow", approvalFlow(c, &token));
  ASSERT_OK(engine->resumeAll());
  EXPECT_EQ(engine->stats().hydrations, 1u);
  EXPECT_EQ(token, firstToken) << "replay hands back the same callback token";
  ASSERT_OK(engine->completeCallback(token, 4));
  auto rec = *takeOrFail(engine->execution("e"));
  ASSERT_EQ(rec.status, ExecStatus::Succeeded) << rec.error.value_or("");
  EXPECT_EQ(rec.outcome().value(), uninterrupted);
  EXPECT_EQ(c.runs["a"], 1);
  EXPECT_EQ(c.runs["b"], 1);
}

TEST(Engine, ACompletionWrittenWhileNoEngineRunsIsPickedUpOnResume) {
  // A callback completed through the store while the engine is down is not lost.
  rtest::TempDir dir;
  FakeClock clock;
  Counters c;
  std::string token;
  {
    auto engine = rtest::openEngine(dir.file("s.db"), &clock);
    engine->registerOrchestrator("flow", approvalFlow(c, &token));
    takeOrFail(engine->start({"e", "flow", json{{"x", 1}}}));
  }
  ASSERT_OK(callbacks::deliverTo(dir.file("s.db"), token, Result::success(10), clock));
  auto engine = rtest::openEngine(dir.file("s.db"), &clock);
  engine->registerOrchestrator("flow", approvalFlow(c, &token));
  ASSERT_OK(engine->resumeAll());
  auto rec = *takeOrFail(engine->execution("e"));
  ASSERT_EQ(rec.status, ExecStatus::Succeeded) << rec.error.value_or("");
  EXPECT_EQ(rec.outcome().value(), (json{{"sum", 12}}));
}

TEST(Engine, AChangedOperationOnReplayIsANondeterminismError) {
  // The journal says operation 1 is step "a"; the new code starts step "a2" there.
  rtest::TempDir dir;
  FakeClock clock;
  Counters c;
  std::string token;
  {
    auto engine = rtest::openEngine(dir.file("s.db"), &clock);
    engine->registerOrchestrator("flow", approvalFlow(c, &token));
    takeOrFail(engine->start({"e", "flow", json{{"x", 1}}}));
  }
  auto engine = rtest::openEngine(dir.file("s.db"), &clock);
  engine->registerOrchestrator("flow", [](DurableContext &ctx, const json &) -> Task<Result> {
    co_await ctx.step("a", [](StepContext &) { return Result::success(2); });
    co_await ctx.wait("approve", 10ms); // was a callback named "approve"
    co_return Result::success();
  });
  ASSERT_OK(engine->resumeAll());
  auto rec = *takeOrFail(engine->execution("e"));
  ASSERT_EQ(rec.status, ExecStatus::Failed);
  EXPECT_NE(rec.error->find("nondeterminism"), std::string::npos) << *rec.error;
  EXPECT_NE(rec.error->find("operation 2 of the root context"), std::string::npos) << *rec.error;
  EXPECT_NE(rec.error->find("callback \"approve\""), std::string::npos) << *rec.error;
  EXPECT_NE(rec.error->find("wait \"approve\""), std::string::npos) << *rec.error;
  EXPECT_NE(rec.error->find("the type differs"), std::string::npos) << *rec.error;
  // Its callback is cancelled: completing it now is refused.
  llvm::Error late = engine->completeCallback(token, 1);
  ASSERT_TRUE(bool(late));
  EXPECT_NE(llvm::toString(std::move(late)).find("cancelled"), std::string::npos);
}

TEST(Engine, ARenamedStepIsANondeterminismErrorNamingBothNames) {
  rtest::TempDir dir;
  FakeClock clock;
  Counters c;
  std::string token;
  {
    auto engine = rtest::openEngine(dir.file("s.db"), &clock);
    engine->registerOrchestrator("flow", approvalFlow(c, &token));
    takeOrFail(engine->start({"e", "flow", json{{"x", 1}}}));
  }
  auto engine = rtest::openEngine(dir.file("s.db"), &clock);
  engine->registerOrchestrator("flow", [](DurableContext &ctx, const json &) -> Task<Result> {
    co_await ctx.step("compute", [](StepContext &) { return Result::success(2); });
    co_return Result::success();
  });
  ASSERT_OK(engine->resumeAll());
  auto rec = *takeOrFail(engine->execution("e"));
  ASSERT_EQ(rec.status, ExecStatus::Failed);
  EXPECT_NE(rec.error->find("recorded in the journal as step \"a\""), std::string::npos) << *rec.error;
  EXPECT_NE(rec.error->find("now starts step \"compute\""), std::string::npos) << *rec.error;
  EXPECT_NE(rec.error->find("the name differs"), std::string::npos) << *rec.error;
}

OrchestratorFn timedCallback(std::optional<std::chrono::milliseconds> timeout,
                             std::optional<std::chrono::milliseconds> heartbeat,
                             std::string *token) {
  return [=](DurableContext &ctx, const json &) -> Task<Result> {
    Callback cb = ctx.createCallback("job", {timeout, heartbeat});
    *token = cb.token;
    Result r = co_await cb.future;
    co_return Result::success(json{{"ok", r.ok()}, {"error", r.error()}});
  };
}

TEST(Engine, ACallbackTimesOutAtItsDeadlineAndWakesTheOrchestrator) {
  rtest::TempDir dir;
  FakeClock clock;
  auto engine = rtest::openEngine(dir.file("s.db"), &clock);
  std::string token;
  engine->registerOrchestrator("t", timedCallback(1000ms, std::nullopt, &token));
  takeOrFail(engine->start({"e", "t", {}}));
  clock.advance(999);
  ASSERT_OK(engine->runUntilIdle());
  EXPECT_EQ(takeOrFail(engine->execution("e"))->status, ExecStatus::Running);
  clock.advance(1);
  ASSERT_OK(engine->runUntilIdle());
  auto rec = *takeOrFail(engine->execution("e"));
  ASSERT_EQ(rec.status, ExecStatus::Succeeded);
  EXPECT_EQ(rec.outcome().value()["ok"], false);
  EXPECT_EQ(rec.outcome().value()["error"], "callback \"job\" timed out: no completion within 1000 ms");
  auto cb = *takeOrFail(callbacks::find(engine->store(), token));
  EXPECT_EQ(cb.status, CallbackStatus::TimedOut);
  llvm::Error late = engine->completeCallback(token, 1);
  ASSERT_TRUE(bool(late));
  EXPECT_NE(llvm::toString(std::move(late)).find("already timed_out"), std::string::npos);
}

TEST(Engine, HeartbeatsKeepACallbackAliveUntilTheyStop) {
  rtest::TempDir dir;
  FakeClock clock;
  auto engine = rtest::openEngine(dir.file("s.db"), &clock);
  std::string token;
  engine->registerOrchestrator("t", timedCallback(std::nullopt, 1000ms, &token));
  takeOrFail(engine->start({"e", "t", {}}));
  for (int i = 0; i < 5; ++i) { // 5 heartbeats 800 ms apart: alive for 4000 ms
    clock.advance(800);
    ASSERT_OK(engine->heartbeat(token));
    ASSERT_OK(engine->runUntilIdle());
  }
  EXPECT_EQ(takeOrFail(engine->execution("e"))->status, ExecStatus::Running);
  clock.advance(999);
  ASSERT_OK(engine->runUntilIdle());
  EXPECT_EQ(takeOrFail(engine->execution("e"))->status, ExecStatus::Running);
  clock.advance(1);
  ASSERT_OK(engine->runUntilIdle());
  auto rec = *takeOrFail(engine->execution("e"));
  ASSERT_EQ(rec.status, ExecStatus::Succeeded);
  EXPECT_EQ(rec.outcome().value()["error"], "callback \"job\" timed out: no heartbeat within 1000 ms");
}

TEST(Engine, ExceedingTheOperationBudgetFailsOnlyThatExecution) {
  rtest::TempDir dir;
  FakeClock clock;
  auto engine = rtest::openEngine(dir.file("s.db"), &clock);
  engine->registerOrchestrator("loop", [](DurableContext &ctx, const json &input) -> Task<Result> {
    for (int i = 0; i < input["n"].get<int>(); ++i)
      co_await ctx.step("s" + std::to_string(i), [](StepContext &) { return Result::success(); });
    co_return Result::success("done");
  });
  StartRequest big{"big", "loop", json{{"n", 20}}};
  big.opBudget = 10;
  StartRequest small{"small", "loop", json{{"n", 10}}};
  small.opBudget = 10;
  auto b = takeOrFail(engine->start(big));
  auto s = takeOrFail(engine->start(small));
  ASSERT_EQ(b.status, ExecStatus::Failed);
  EXPECT_EQ(*b.error, "execution \"big\" exceeded its operation budget of 10 operations: step "
                      "\"s10\" (id 11) would be operation 11; raise the budget (--op-budget) or "
                      "move work into child executions with invoke");
  EXPECT_EQ(s.status, ExecStatus::Succeeded);
  EXPECT_EQ(takeOrFail(journal::load(engine->store(), b.id)).size(), 10u);
}

TEST(Engine, EvictedExecutionsAreRehydratedByReplayOnTheirNextEvent) {
  // A cache of 2 live executions for 6 waiting ones: the others are re-run from their
  // journal when their callback arrives, and no step body runs twice.
  rtest::TempDir dir;
  FakeClock clock;
  auto engine = rtest::openEngine(dir.file("s.db"), &clock, /*cacheCapacity=*/2);
  Counters c;
  std::map<std::string, std::string> tokens;
  engine->registerOrchestrator("f", [&](DurableContext &ctx, const json &) -> Task<Result> {
    std::string name = ctx.executionName();
    // Created outside co_await: the lambda captures a std::string by value (see
    // docs/runtime.md, "Writing orchestrators with GCC 12").
    Future fa = ctx.step("a", [&c, name](StepContext &) {
      ++c.runs[name];
      return Result::success(name.size());
    });
    Result a = co_await fa;
    Callback cb = ctx.createCallback("cb");
    tokens[name] = cb.token;
    Result v = co_await cb.future;
    co_return Result::success(a.value().get<int>() + v.value().get<int>());
  });
  for (int i = 0; i < 6; ++i)
    takeOrFail(engine->start({"exec-" + std::to_string(i), "f", {}}));
  EXPECT_EQ(engine->liveCount(), 2u);
  EXPECT_GE(engine->stats().evictions, 4u);
  for (int i = 0; i < 6; ++i)
    ASSERT_OK(engine->completeCallback(tokens["exec-" + std::to_string(i)], i));
  EXPECT_GE(engine->stats().hydrations, 4u);
  for (int i = 0; i < 6; ++i) {
    std::string name = "exec-" + std::to_string(i);
    auto rec = *takeOrFail(engine->execution(name));
    ASSERT_EQ(rec.status, ExecStatus::Succeeded) << rec.error.value_or("");
    EXPECT_EQ(rec.outcome().value(), 6 + i);
    EXPECT_EQ(c.runs[name], 1);
  }
}

TEST(Engine, AFailingStepIsRetriedWithBackoffOnDurableTimers) {
  rtest::TempDir dir;
  FakeClock clock;
  auto engine = rtest::openEngine(dir.file("s.db"), &clock);
  std::vector<TimeMs> attempts;
  engine->registerOrchestrator("r", [&](DurableContext &ctx, const json &) -> Task<Result> {
    StepOptions o;
    o.retry = RetryPolicy{4, 100, 2.0, 1000};
    Result r = co_await ctx.step("flaky", [&](StepContext &sc) {
      attempts.push_back(sc.now);
      return sc.attempt < 3 ? Result::failure("boom " + std::to_string(sc.attempt))
                            : Result::success(sc.attempt);
    }, o);
    co_return r;
  });
  TimeMs t0 = clock.now();
  takeOrFail(engine->start({"e", "r", {}}));
  auto ops = takeOrFail(journal::load(engine->store(), 1));
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].status, OpStatus::Pending);
  EXPECT_EQ(ops[0].error, "boom 1");
  ASSERT_TRUE(takeOrFail(engine->runUntil([] { return false; })) == false);
  clock.setAutoAdvance(true);
  auto rec = takeOrFail(engine->runToCompletion("e"));
  ASSERT_EQ(rec.status, ExecStatus::Succeeded);
  EXPECT_EQ(rec.outcome().value(), 3);
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_EQ(attempts[1] - t0, 100);
  EXPECT_EQ(attempts[2] - t0, 300);
}

TEST(Engine, AStepThatKeepsFailingFailsWithItsLastError) {
  rtest::TempDir dir;
  FakeClock clock(1000, /*autoAdvance=*/true);
  auto engine = rtest::openEngine(dir.file("s.db"), &clock);
  int runs = 0;
  engine->registerOrchestrator("r", [&](DurableContext &ctx, const json &) -> Task<Result> {
    StepOptions o;
    o.retry = RetryPolicy{3, 10, 2.0, 1000};
    co_return co_await ctx.step("bad", [&](StepContext &sc) {
      ++runs;
      return Result::failure("attempt " + std::to_string(sc.attempt) + " failed");
    }, o);
  });
  takeOrFail(engine->start({"e", "r", {}}));
  auto rec = takeOrFail(engine->runToCompletion("e"));
  ASSERT_EQ(rec.status, ExecStatus::Failed);
  EXPECT_EQ(*rec.error, "attempt 3 failed");
  EXPECT_EQ(runs, 3);
}

TEST(Engine, NondeterminismInsideAChildContextNamesTheContext) {
  // The child context "job" (operation 1) changed its second operation.
  rtest::TempDir dir;
  FakeClock clock;
  auto version = [](bool renamed) -> OrchestratorFn {
    return [renamed](DurableContext &ctx, const json &) -> Task<Result> {
      Future job = ctx.runInChildContext("job", [renamed](DurableContext &child) -> Task<Result> {
        Future a = child.step("prepare", [](StepContext &) { return Result::success(); });
        co_await a;
        Callback cb = child.createCallback(renamed ? "finished" : "done");
        co_return co_await cb.future;
      });
      co_return co_await job;
    };
  };
  {
    auto engine = rtest::openEngine(dir.file("s.db"), &clock);
    engine->registerOrchestrator("f", version(false));
    takeOrFail(engine->start({"e", "f", {}}));
  }
  auto engine = rtest::openEngine(dir.file("s.db"), &clock);
  engine->registerOrchestrator("f", version(true));
  ASSERT_OK(engine->resumeAll());
  auto rec = *takeOrFail(engine->execution("e"));
  ASSERT_EQ(rec.status, ExecStatus::Failed);
  EXPECT_EQ(*rec.error, "nondeterminism in execution \"e\": operation 2 of child context 1 (id 1-2) "
                        "is recorded in the journal as callback \"done\", but the orchestrator now "
                        "starts callback \"finished\" (the name differs); an orchestrator must "
                        "create the same operations in the same order on replay");
}

TEST(Engine, ACompletionThroughTheInboxResumesALiveExecutionWithoutReplay) {
  // Another process completes the callback; the engine that holds the execution in
  // memory resumes it directly (no hydration) and deletes the inbox entry.
  rtest::TempDir dir;
  FakeClock clock;
  auto engine = rtest::openEngine(dir.file("s.db"), &clock);
  Counters c;
  std::string token;
  engine->registerOrchestrator("flow", approvalFlow(c, &token));
  takeOrFail(engine->start({"e", "flow", json{{"x", 2}}}));
  ASSERT_OK(callbacks::deliverTo(dir.file("s.db"), token, Result::success(1), clock));
  ASSERT_OK(engine->runUntilIdle());
  auto rec = *takeOrFail(engine->execution("e"));
  ASSERT_EQ(rec.status, ExecStatus::Succeeded) << rec.error.value_or("");
  EXPECT_EQ(rec.outcome().value(), (json{{"sum", 5}}));
  EXPECT_EQ(engine->stats().hydrations, 0u);
  EXPECT_EQ(c.runs["a"], 1);
}

} // namespace
