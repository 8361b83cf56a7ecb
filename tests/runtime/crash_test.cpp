// Crash recovery: a child process runs the workload and is killed with SIGKILL at
// random instants and at chosen journal writes; resuming must give the uninterrupted
// result, each step body's effect exactly once per completed journal entry, and no
// lost completion. CI_RUNTIME_CRASH_POINTS=1000 selects the long mode.
#include "kill_harness.h"
#include "workload.h"

#include "runtime/journal.h"

using namespace runtime;
using rtest::takeOrFail;

namespace {

constexpr int kJobs = 40;

/// Runs the workload to completion in this process (the child), with the store
/// writes planned by `plan` (a SIGKILL before one of them, or a count).
[[noreturn]] void childMain(const std::string &path, const rtest::WritePlan &plan) {
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
  std::function<void()> finished = rtest::applyWritePlan((*engine)->store(), plan);
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
  finished();
  _exit(0);
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

/// The resumed store at `path` gives the reference run's result and step count.
void expectSame(const std::string &path, const Checked &reference) {
  Checked c = checkStore(path);
  EXPECT_EQ(c.result, reference.result);
  EXPECT_EQ(c.steps, reference.steps);
}

TEST(Crash, SigkillAtRandomInstantsThenResumeGivesTheUninterruptedResult) {
  rtest::TempDir dir;
  // Reference run, timed, to spread the kill instants over the workload.
  std::string ref = dir.file("ref.db");
  int64_t durationUs = rtest::timedReferenceRun(childMain, ref);
  ASSERT_GE(durationUs, 0);
  Checked reference = checkStore(ref);
  ASSERT_EQ(reference.result, expectedResult());
  rtest::killAtRandomInstants(dir, childMain, durationUs, 20261126,
                              [&](const std::string &path) { expectSame(path, reference); }, "crash test");
}

TEST(Crash, SigkillBeforeChosenJournalWritesThenResumeGivesTheUninterruptedResult) {
  // Kills at write statements spread over the whole run (deterministic points).
  rtest::TempDir dir;
  std::string ref = dir.file("ref.db");
  ASSERT_EQ(rtest::runChild(childMain, ref, -1), 0);
  Checked reference = checkStore(ref);
  int writes = rtest::killBeforeSpreadWrites(dir, childMain,
                                             [&](const std::string &path) { expectSame(path, reference); });
  EXPECT_GT(writes, 100);
}

} // namespace
