// ci-exec callback / inspect / runs / resume, as users run them.
#include "runtime/exec_commands.h"
#include "runtime/inspect.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <spawn.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>

using namespace runtime;

extern char **environ;

namespace {

struct TempStore {
  TempStore() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ci-exec-XXXXXX").string();
    dir = mkdtemp(tmpl.data());
    path = dir + "/state.db";
  }
  ~TempStore() { std::filesystem::remove_all(dir); }
  std::string dir, path;
};

struct Ran {
  int exit = -1;
  std::string out;
};

/// Runs ci-exec with `args` (a shell-quoted string), capturing stdout and stderr.
Ran ciExec(const std::string &args) {
  std::string cmd = (testutil::binDir() / "ci-exec").string() + " " + args + " 2>&1";
  Ran r;
  FILE *p = popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0)
    r.out.append(buf, n);
  int status = pclose(p);
  r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::unique_ptr<Engine> engineOn(const std::string &path, bool watch) {
  EngineOptions o;
  o.storePath = path;
  o.watchStore = watch;
  auto e = Engine::open(o);
  EXPECT_TRUE(bool(e));
  return e ? std::move(*e) : nullptr;
}

Task<Result> waitForApproval(DurableContext &ctx, const json &) {
  Future build = ctx.step("build", [](StepContext &) { return Result::success("app.tar"); });
  co_await build;
  Callback cb = ctx.createCallback("approve");
  Result r = co_await cb.future;
  co_return r;
}

std::string pendingToken(Store &store) {
  Statement &s = store.stmt("SELECT token FROM callbacks WHERE status = 'pending'");
  auto row = s.step();
  std::string t = row && *row ? s.text(0) : "";
  if (!row)
    llvm::consumeError(row.takeError());
  s.reset();
  return t;
}

TEST(CiExec, CallbackFromTheCommandLineWakesTheWaitingEngine) {
  TempStore ts;
  auto engine = engineOn(ts.path, /*watch=*/true);
  engine->registerOrchestrator("approval", waitForApproval);
  ASSERT_TRUE(bool(engine->start({"release", "approval", {}})));
  std::string token = pendingToken(engine->store());
  ASSERT_EQ(token.size(), 32u);
  // ci-exec runs in its own process while this engine blocks on its notifier.
  std::string bin = (testutil::binDir() / "ci-exec").string();
  std::vector<std::string> args = {bin, "callback", token, "--success", "{\"by\": \"alice\"}", "--store", ts.path};
  std::vector<char *> argv;
  for (auto &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  ASSERT_EQ(posix_spawn(&pid, bin.c_str(), nullptr, nullptr, argv.data(), environ), 0);
  auto rec = engine->runToCompletion("release", 20000);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  ASSERT_TRUE(bool(rec)) << llvm::toString(rec.takeError());
  EXPECT_EQ(rec->status, ExecStatus::Succeeded);
  EXPECT_EQ(rec->outcome().value(), (json{{"by", "alice"}}));
}

TEST(CiExec, CallbackRefusalsAndUsageErrorsHaveTheirExitCodes) {
  TempStore ts;
  std::string token;
  {
    auto engine = engineOn(ts.path, false);
    engine->registerOrchestrator("approval", waitForApproval);
    ASSERT_TRUE(bool(engine->start({"release", "approval", {}})));
    token = pendingToken(engine->store());
  }
  std::string store = " --store " + ts.path;
  Ran bad = ciExec("callback " + token + " --success 'not json'" + store);
  EXPECT_EQ(bad.exit, 2);
  EXPECT_NE(bad.out.find("--success needs a JSON value; got 'not json'"), std::string::npos) << bad.out;
  Ran both = ciExec("callback " + token + " --success 1 --heartbeat" + store);
  EXPECT_EQ(both.exit, 2);
  Ran unknown = ciExec("callback 0000 --failure nope" + store);
  EXPECT_EQ(unknown.exit, 1);
  EXPECT_NE(unknown.out.find("no callback has the token \"0000\""), std::string::npos) << unknown.out;
  Ran hb = ciExec("callback " + token + " --heartbeat" + store);
  EXPECT_EQ(hb.exit, 0) << hb.out;
  Ran first = ciExec("callback " + token + " --failure 'rejected by bob' --json" + store);
  EXPECT_EQ(first.exit, 0) << first.out;
  EXPECT_EQ(json::parse(first.out), (json{{"token", token}, {"result", "failed"}}));
  Ran again = ciExec("callback " + token + " --success 1" + store);
  EXPECT_EQ(again.exit, 1);
  EXPECT_NE(again.out.find("is already failed; a callback completes only once"), std::string::npos) << again.out;
  Ran nostore = ciExec("callback " + token + " --success 1 --store " + ts.dir + "/missing.db");
  EXPECT_EQ(nostore.exit, 2);
  EXPECT_NE(nostore.out.find("no store at"), std::string::npos);
  Ran unknownCommand = ciExec("frobnicate");
  EXPECT_EQ(unknownCommand.exit, 2);
  EXPECT_NE(unknownCommand.out.find("unknown command \"frobnicate\""), std::string::npos);
}

TEST(CiExec, InspectShowsTheJournalAsATableAndAsJson) {
  TempStore ts;
  {
    auto engine = engineOn(ts.path, false);
    engine->registerOrchestrator("approval", waitForApproval);
    ASSERT_TRUE(bool(engine->start({"release", "approval", {}})));
  }
  Ran table = ciExec("inspect release --store " + ts.path);
  EXPECT_EQ(table.exit, 0) << table.out;
  EXPECT_NE(table.out.find("execution release (id 1, orchestrator approval): running"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("ID  TYPE      NAME     STATUS     TRY  MS"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("1   step      build    succeeded  1    "), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("\"app.tar\"\n2   callback  approve  pending"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("pending callback 2 \"approve\": token "), std::string::npos) << table.out;
  Ran js = ciExec("inspect release --json --store " + ts.path);
  ASSERT_EQ(js.exit, 0);
  json v = json::parse(js.out);
  EXPECT_EQ(v["execution"]["status"], "running");
  ASSERT_EQ(v["operations"].size(), 2u);
  EXPECT_EQ(v["operations"][1]["type"], "callback");
  EXPECT_EQ(v["callbacks"][0]["status"], "pending");
  Ran missing = ciExec("inspect nope --store " + ts.path);
  EXPECT_EQ(missing.exit, 1);
  EXPECT_NE(missing.out.find("no execution named \"nope\""), std::string::npos);
  Ran runs = ciExec("runs --store " + ts.path);
  EXPECT_EQ(runs.out, "release  running  (approval)\n");
}

TEST(CiExec, ResumeReplaysUnfinishedExecutionsAndDrivesThemToTheEnd) {
  TempStore ts;
  {
    EngineOptions o;
    o.storePath = ts.path;
    o.watchStore = false;
    auto engine = Engine::open(o);
    ASSERT_TRUE(bool(engine));
    (*engine)->registerOrchestrator("pause", [](DurableContext &ctx, const json &) -> Task<Result> {
      Future w = ctx.wait("short", std::chrono::milliseconds(30));
      co_await w;
      co_return Result::success("woke");
    });
    ASSERT_TRUE(bool((*engine)->start({"p", "pause", {}})));
  } // the process stops while the timer is armed
  ResumeCommand cmd;
  cmd.store = ts.path;
  CommandResult r = runResumeCommand(cmd, [](Engine &e) {
    e.registerOrchestrator("pause", [](DurableContext &ctx, const json &) -> Task<Result> {
      Future w = ctx.wait("short", std::chrono::milliseconds(30));
      co_await w;
      co_return Result::success("woke");
    });
  });
  EXPECT_EQ(r.exitCode, ExitOk) << r.err;
  EXPECT_EQ(r.out, "resumed p: succeeded\n");
  CommandResult again = runResumeCommand(cmd, [](Engine &) {});
  EXPECT_EQ(again.out, "nothing to resume: no unfinished execution in " + ts.path + "\n");
}

} // namespace
