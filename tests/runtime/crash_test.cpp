// Crash recovery: a child process runs the workload and is killed with SIGKILL at
// random instants and at chosen journal writes; resuming must give the uninterrupted
// result, each step body's effect exactly once per completed journal entry, and no
// lost completion. CI_RUNTIME_CRASH_POINTS=1000 selects the long mode.
#include "runtime_test_util.h"
#include "workload.h"

#include "runtime/journal.h"
#include "test_util.h"

#include <thread>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>

using namespace runtime;
using rtest::takeOrFail;

namespace {

constexpr int kJobs = 40;

int crashPoints() {
  const char *env = std::getenv("CI_RUNTIME_CRASH_POINTS");
  return env ? std::max(1, std::atoi(env)) : 50;
}

/// Runs the workload to completion in this process (the child). `killAtWrite` > 0
/// makes the process SIGKILL itself right before that write statement or commit.
[[noreturn]] void childMain(const std::string &path, int killAtWrite) {
  EngineOptions o;
  o.storePath = path;
  o.watchStore = false;
  auto engine = Engine::open(o);
  if (!engine)
    _exit(3);
  if (llvm::Error e = rtest::ensureWorkloadSchema((*engine)->store())) {
    llvm::consumeError(std::move(e));
    _exit(3);
  }
  if (killAtWrite > 0) {
    auto count = std::make_shared<int>(0);
    (*engine)->store().setFaultHook([count, killAtWrite](llvm::StringRef) {
      if (++*count == killAtWrite)
        raise(SIGKILL);
      return false;
    });
  }
  (*engine)->registerOrchestrator("workload", rtest::workload(engine->get(), {}));
  if (llvm::Error e = (*engine)->resumeAll()) {
    llvm::consumeError(std::move(e));
    _exit(4);
  }
  auto rec = (*engine)->start({"crash-run", "workload", json{{"jobs", kJobs}}});
  if (!rec) {
    llvm::consumeError(rec.takeError());
    _exit(5);
  }
  auto done = (*engine)->runToCompletion("crash-run", 5000);
  if (!done) {
    llvm::consumeError(done.takeError());
    _exit(6);
  }
  _exit(0);
}

/// Forks a child running the workload; kills it after `delayUs` (if >= 0). Returns
/// the child's wait status.
int runChild(const std::string &path, int64_t delayUs, int killAtWrite = 0) {
  fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0)
    childMain(path, killAtWrite);
  if (delayUs >= 0) {
    std::this_thread::sleep_for(std::chrono::microseconds(delayUs));
    kill(pid, SIGKILL);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

struct Checked {
  json result;
  int64_t steps = 0;
};

/// Checks the store after recovery and returns the execution's result.
Checked checkStore(const std::string &path) {
  Checked out;
  auto store = takeOrFail(Store::open(path));
  auto rec = *takeOrFail(executions::byName(*store, "crash-run"));
  EXPECT_EQ(rec.status, ExecStatus::Succeeded) << rec.error.value_or("");
  out.result = rec.outcome().value();
  auto ops = takeOrFail(journal::load(*store, rec.id));
  for (const OpRecord &op : ops) {
    EXPECT_TRUE(op.settled()) << "operation " << op.id << " still pending in a finished run";
    if (op.type != OpType::Step)
      continue;
    ++out.steps;
    Statement &s = store->stmt("SELECT count(*) FROM effects WHERE op_id = ?");
    s.bind(1, op.id);
    EXPECT_TRUE(takeOrFail(s.step()));
    EXPECT_EQ(s.int64(0), 1) << "step " << op.id << " \"" << op.name << "\" left "
                             << s.int64(0) << " effects for one journal entry";
    s.reset();
  }
  Statement &total = store->stmt("SELECT count(*) FROM effects");
  EXPECT_TRUE(takeOrFail(total.step()));
  EXPECT_EQ(total.int64(0), out.steps) << "an effect without its journal entry survived";
  total.reset();
  return out;
}

json expectedResult() {
  json results = json::object();
  for (int i = 0; i < kJobs; ++i)
    results["job-" + std::to_string(i)] = rtest::jobValue(i);
  return json{{"results", results}, {"summary", kJobs}};
}

TEST(Crash, SigkillAtRandomInstantsThenResumeGivesTheUninterruptedResult) {
  rtest::TempDir dir;
  // Reference run, timed, to spread the kill instants over the workload.
  std::string ref = dir.file("ref.db");
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(runChild(ref, -1), 0);
  int64_t durationUs = std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::steady_clock::now() - t0).count();
  Checked reference = checkStore(ref);
  ASSERT_EQ(reference.result, expectedResult());

  int points = crashPoints();
  std::mt19937_64 rng(20261126);
  int killedMidRun = 0;
  for (int p = 0; p < points; ++p) {
    SCOPED_TRACE("crash point " + std::to_string(p));
    std::string path = dir.file("crash-" + std::to_string(p) + ".db");
    int64_t delay = std::uniform_int_distribution<int64_t>(0, durationUs)(rng);
    int status = runChild(path, delay);
    if (WIFSIGNALED(status))
      ++killedMidRun;
    // Sometimes crash the recovery too.
    if (p % 5 == 0)
      runChild(path, std::uniform_int_distribution<int64_t>(0, durationUs / 2)(rng));
    ASSERT_EQ(runChild(path, -1), 0) << "the resumed run did not finish";
    Checked c = checkStore(path);
    EXPECT_EQ(c.result, reference.result);
    EXPECT_EQ(c.steps, reference.steps);
    std::filesystem::remove(path);
  }
  std::printf("crash test: %d kill points, %d killed mid-run (reference run %lld us)\n", points,
              killedMidRun, static_cast<long long>(durationUs));
  EXPECT_GT(killedMidRun, 0);
}

TEST(Crash, SigkillBeforeChosenJournalWritesThenResumeGivesTheUninterruptedResult) {
  // Kills at write statements spread over the whole run (deterministic points).
  rtest::TempDir dir;
  std::string ref = dir.file("ref.db");
  ASSERT_EQ(runChild(ref, -1), 0);
  Checked reference = checkStore(ref);
  int writes = 0;
  {
    // Count the writes of an uninterrupted run.
    std::string counted = dir.file("count.db");
    pid_t pid = fork();
    if (pid == 0) {
      EngineOptions o;
      o.storePath = counted;
      o.watchStore = false;
      auto engine = Engine::open(o);
      if (!engine || rtest::ensureWorkloadSchema((*engine)->store()))
        _exit(3);
      int n = 0;
      (*engine)->store().setFaultHook([&n](llvm::StringRef) { ++n; return false; });
      (*engine)->registerOrchestrator("workload", rtest::workload(engine->get(), {}));
      auto rec = (*engine)->start({"crash-run", "workload", json{{"jobs", kJobs}}});
      auto done = (*engine)->runToCompletion("crash-run", 5000);
      if (!rec || !done)
        _exit(4);
      FILE *f = fopen((counted + ".writes").c_str(), "w");
      fprintf(f, "%d\n", n);
      fclose(f);
      _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_EQ(status, 0);
    writes = std::atoi(testutil::readFile(counted + ".writes").c_str());
  }
  ASSERT_GT(writes, 100);
  int points = std::min(crashPoints(), writes);
  int killed = 0;
  for (int p = 0; p < points; ++p) {
    int at = 1 + static_cast<int>(static_cast<int64_t>(p) * (writes - 1) / std::max(1, points - 1));
    SCOPED_TRACE("kill before write " + std::to_string(at) + " of " + std::to_string(writes));
    std::string path = dir.file("w" + std::to_string(at) + ".db");
    int status = runChild(path, -1, at);
    killed += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    ASSERT_EQ(runChild(path, -1), 0);
    Checked c = checkStore(path);
    EXPECT_EQ(c.result, reference.result);
    EXPECT_EQ(c.steps, reference.steps);
    std::filesystem::remove(path);
  }
  EXPECT_EQ(killed, points);
}

} // namespace
