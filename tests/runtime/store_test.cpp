// The store: WAL mode, schema versions, the trigger queue, cross-process callbacks.
#include "runtime_test_util.h"

#include "runtime/callbacks.h"
#include "runtime/trigger_queue.h"

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

using namespace runtime;
using rtest::takeOrFail;

namespace {

TEST(Store, OpensInWalModeWithTheEngineSchemaVersion) {
  rtest::TempDir dir;
  auto store = takeOrFail(Store::open(dir.file("s.db")));
  Statement &s = store->stmt("PRAGMA journal_mode");
  ASSERT_TRUE(takeOrFail(s.step()));
  EXPECT_EQ(s.text(0), "wal");
  s.reset();
  EXPECT_EQ(takeOrFail(store->schemaVersion("engine")), kEngineSchemaVersion);
}

TEST(Store, RefusesAStoreWrittenByANewerVersion) {
  rtest::TempDir dir;
  {
    auto store = takeOrFail(Store::open(dir.file("s.db")));
    ASSERT_OK(store->exec("UPDATE schema_versions SET version = 99 WHERE component = 'engine'"));
  }
  auto again = Store::open(dir.file("s.db"));
  ASSERT_FALSE(bool(again));
  std::string msg = llvm::toString(again.takeError());
  EXPECT_NE(msg.find("has engine schema version 99, newer than the version 1"), std::string::npos) << msg;
}

TEST(Store, ComponentsMigrateTheirOwnTablesOneVersionAtATime) {
  rtest::TempDir dir;
  auto store = takeOrFail(Store::open(dir.file("s.db")));
  ASSERT_OK(store->ensureSchema("orchestrator", {"CREATE TABLE jobs(id TEXT)"}));
  ASSERT_OK(store->ensureSchema("orchestrator", {"CREATE TABLE jobs(id TEXT)",
                                                 "ALTER TABLE jobs ADD COLUMN status TEXT"}));
  EXPECT_EQ(takeOrFail(store->schemaVersion("orchestrator")), 2);
  ASSERT_OK(store->exec("INSERT INTO jobs(id, status) VALUES ('a', 'queued')"));
}

TEST(Store, ANonDatabaseFileIsAnOperationalError) {
  rtest::TempDir dir;
  {
    std::ofstream(dir.file("junk.db")) << "this is not a database, just text that is long enough";
  }
  auto store = Store::open(dir.file("junk.db"));
  ASSERT_FALSE(bool(store));
  std::string msg = llvm::toString(store.takeError());
  EXPECT_NE(msg.find("junk.db"), std::string::npos) << msg;
}

TEST(Store, ASecondEngineOnTheSameStoreIsRefused) {
  rtest::TempDir dir;
  FakeClock clock;
  auto first = rtest::openEngine(dir.file("s.db"), &clock);
  EngineOptions o;
  o.storePath = dir.file("s.db");
  o.clock = &clock;
  auto second = Engine::open(o);
  ASSERT_FALSE(bool(second));
  EXPECT_NE(llvm::toString(second.takeError()).find("another process is running the executions"),
            std::string::npos);
}

TEST(Store, AnEngineCreatesTheStoreDirectory) {
  rtest::TempDir dir;
  FakeClock clock;
  auto engine = rtest::openEngine(dir.file(".ci-exec/nested/state.db"), &clock);
  ASSERT_NE(engine, nullptr);
  EXPECT_TRUE(std::filesystem::exists(dir.file(".ci-exec/nested/state.db")));
}

TEST(TriggerQueue, ItemsAreLeasedRetriedAndDeadLetteredAfterTheirAttempts) {
  rtest::TempDir dir;
  auto store = takeOrFail(Store::open(dir.file("s.db")));
  TriggerQueue q(*store, "events");
  int64_t a = takeOrFail(q.enqueue(json{{"event", "push"}}, 2, 100));
  int64_t b = takeOrFail(q.enqueue(json{{"event", "pull_request"}}, 3, 101));
  auto first = *takeOrFail(q.lease(200, 1000));
  EXPECT_EQ(first.id, a);
  EXPECT_EQ(first.attempts, 1);
  EXPECT_EQ(first.payload["event"], "push");
  auto second = *takeOrFail(q.lease(200, 1000));
  EXPECT_EQ(second.id, b);
  EXPECT_FALSE(takeOrFail(q.lease(200, 1000)).has_value()) << "leased items are invisible";
  ASSERT_OK(q.ack(b, 300));
  EXPECT_FALSE(takeOrFail(q.fail(a, "compile failed", 300, 50)));
  EXPECT_EQ(takeOrFail(q.nextVisible()), std::optional<TimeMs>(350));
  EXPECT_FALSE(takeOrFail(q.lease(349, 1000)).has_value());
  auto retry = *takeOrFail(q.lease(350, 1000));
  EXPECT_EQ(retry.attempts, 2);
  EXPECT_TRUE(takeOrFail(q.fail(a, "compile failed again", 400, 50))) << "2 attempts used";
  auto dead = takeOrFail(q.deadLetters());
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].lastError, "compile failed again");
  EXPECT_FALSE(takeOrFail(q.nextVisible()).has_value());
}

TEST(TriggerQueue, AnExpiredLeaseMakesTheItemVisibleAgainThenDeadLetters) {
  rtest::TempDir dir;
  auto store = takeOrFail(Store::open(dir.file("s.db")));
  TriggerQueue q(*store, "events");
  int64_t id = takeOrFail(q.enqueue(json{{"n", 1}}, 2, 0));
  ASSERT_TRUE(takeOrFail(q.lease(0, 100)).has_value()); // the consumer dies
  EXPECT_FALSE(takeOrFail(q.lease(99, 100)).has_value());
  auto again = *takeOrFail(q.lease(100, 100));
  EXPECT_EQ(again.id, id);
  EXPECT_EQ(again.attempts, 2);
  EXPECT_FALSE(takeOrFail(q.lease(200, 100)).has_value()); // expired on its last attempt
  auto dead = takeOrFail(q.deadLetters());
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].lastError, "the lease expired without an ack");
}

TEST(CrossProcess, ACallbackCompletedByAnotherProcessWakesTheWaitingEngine) {
  // The engine blocks on its notifier (no timers, no polling); a child process
  // completes the callback through the store; the engine wakes and finishes.
  rtest::TempDir dir;
  std::string path = dir.file("s.db");
  RealClock clock;
  auto engine = rtest::openEngine(path, &clock, 16, /*watch=*/true);
  std::string token;
  engine->registerOrchestrator("w", [&](DurableContext &ctx, const json &) -> Task<Result> {
    Callback cb = ctx.createCallback("remote");
    token = cb.token;
    co_return co_await cb.future;
  });
  takeOrFail(engine->start({"e", "w", {}}));
  fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    RealClock c;
    llvm::Error e = callbacks::deliverTo(path, token, Result::success(json{{"from", "child"}}), c);
    _exit(e ? (llvm::consumeError(std::move(e)), 1) : 0);
  }
  auto t0 = std::chrono::steady_clock::now();
  auto rec = takeOrFail(engine->runToCompletion("e", /*maxIdleMs=*/20000));
  auto waited = std::chrono::steady_clock::now() - t0;
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_EQ(status, 0);
  ASSERT_EQ(rec.status, ExecStatus::Succeeded) << rec.error.value_or("");
  EXPECT_EQ(rec.outcome().value(), (json{{"from", "child"}}));
  EXPECT_LT(waited, std::chrono::seconds(10)) << "woken by the notification, not the idle limit";
  Statement &s = engine->store().stmt("SELECT count(*) FROM inbox");
  ASSERT_TRUE(takeOrFail(s.step()));
  EXPECT_EQ(s.int64(0), 0);
  s.reset();
}

} // namespace
