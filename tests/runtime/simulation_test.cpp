// Deterministic simulation: seeded runs of the workload with injected faults (a crash at
// any journal write, restarts, duplicate, late and lost callbacks) on a virtual clock,
// checking the engine's invariants. 1,000 seeds by default; CI_RUNTIME_SIM_SEEDS=N runs
// N seeds, CI_RUNTIME_SIM_SEED=S reproduces one seed with a trace of its actions.
#include "runtime_test_util.h"
#include "workload.h"

#include "runtime/callbacks.h"
#include "runtime/journal.h"

#include <map>
#include <random>
#include <set>
#include <sstream>

using namespace runtime;

namespace {

std::string scratchDir() {
  return std::filesystem::is_directory("/dev/shm") ? "/dev/shm"
                                                   : std::filesystem::temp_directory_path().string();
}

class Simulation {
public:
  Simulation(uint64_t seed, std::string path, bool trace)
      : seed_(seed), rng_(seed), path_(std::move(path)), trace_(trace), clock_(1'000'000) {
    jobs_ = 3 + static_cast<int>(rng_() % 10);
    timeoutMs_ = 500 + static_cast<int64_t>(rng_() % 4500);
  }

  /// Runs the seed; returns the invariant violations (empty: all held).
  std::vector<std::string> run() {
    if (!open())
      return violations_;
    guard([&] { return engine_->start({"sim", "workload", json{{"jobs", jobs_}}}).takeError(); }, "start");
    for (int step = 0; step < 80 && !finished(); ++step)
      act();
    // The world calms down: no more faults, time runs until everything timed out.
    if (engine_)
      engine_->store().setFaultHook(nullptr);
    for (int i = 0; i < 3 && !finished(); ++i) {
      clock_.setAutoAdvance(true);
      guard([&] { return engine_->runUntil([&] { return finished(); }, 0).takeError(); }, "drain");
      clock_.setAutoAdvance(false);
    }
    check();
    return violations_;
  }

  const std::string &log() const { return log_; }

  /// Coverage counters, summed over seeds.
  struct Stats {
    int crashes = 0, deliveries = 0, rejected = 0, timeouts = 0, lost = 0;
  };
  void addTo(Stats &s) const {
    s.crashes += crashes_;
    s.deliveries += static_cast<int>(accepted_.size());
    s.rejected += rejected_;
    s.timeouts += timeouts_;
    s.lost += static_cast<int>(lost_.size());
  }

private:
  void note(const std::string &s) {
    if (trace_)
      log_ += s + "\n";
  }
  void violation(const std::string &s) { violations_.push_back(s); }

  bool open() {
    engine_ = rtest::openEngine(path_, &clock_);
    if (!engine_) {
      violation("cannot open the engine");
      return false;
    }
    if (llvm::Error e = rtest::ensureWorkloadSchema(engine_->store())) {
      violation(llvm::toString(std::move(e)));
      return false;
    }
    rtest::WorkloadOptions o;
    o.selfComplete = false;
    o.callbackTimeoutMs = timeoutMs_;
    engine_->registerOrchestrator("workload", rtest::workload(engine_.get(), o));
    return guard([&] { return engine_->resumeAll(); }, "resume");
  }

  /// Runs an engine call; an injected fault is a crash: the engine is dropped and a new
  /// one resumes from the store. Returns false on any other error.
  bool guard(const std::function<llvm::Error()> &fn, const char *what) {
    for (int attempt = 0; attempt < 10; ++attempt) {
      llvm::Error e = fn();
      if (!e)
        return true;
      std::string msg = llvm::toString(std::move(e));
      if (msg.find("injected fault") == std::string::npos) {
        violation(std::string(what) + ": " + msg);
        return false;
      }
      note(std::string("  crash during ") + what);
      ++crashes_;
      engine_.reset();
      engine_ = rtest::openEngine(path_, &clock_);
      if (!engine_) {
        violation("cannot reopen the engine");
        return false;
      }
      rtest::WorkloadOptions o;
      o.selfComplete = false;
      o.callbackTimeoutMs = timeoutMs_;
      engine_->registerOrchestrator("workload", rtest::workload(engine_.get(), o));
      fn_ = nullptr;
      llvm::Error r = engine_->resumeAll();
      if (r) {
        violation("resume after crash: " + llvm::toString(std::move(r)));
        return false;
      }
      if (std::string(what) != "start" && std::string(what) != "resume")
        return true; // the interrupted call is not retried: the world moves on
    }
    return true;
  }

  bool finished() {
    if (!engine_)
      return true;
    auto rec = engine_->execution("sim");
    if (!rec) {
      llvm::consumeError(rec.takeError());
      return false;
    }
    return *rec && (*rec)->finished();
  }

  /// Dispatched callbacks (job order) with their store status.
  std::vector<std::pair<std::string, CallbackStatus>> dispatched() {
    std::vector<std::pair<std::string, CallbackStatus>> out;
    Statement &s = engine_->store().stmt("SELECT token FROM outbox ORDER BY job");
    while (true) {
      auto row = s.step();
      if (!row) {
        llvm::consumeError(row.takeError());
        break;
      }
      if (!*row)
        break;
      out.push_back({s.text(0), CallbackStatus::Pending});
    }
    s.reset();
    for (auto &[token, status] : out) {
      auto cb = callbacks::find(engine_->store(), token);
      if (cb && *cb)
        status = (*cb)->status;
      else if (!cb)
        llvm::consumeError(cb.takeError());
    }
    return out;
  }

  /// Liveness: once an accepted completion has been handled without a crash, the job's
  /// child context has finished (nothing waits for a restart to notice it).
  void checkJobFinished(const std::string &token) {
    auto cb = rtest::takeOrFail(callbacks::find(engine_->store(), token));
    if (!cb)
      return;
    std::string context = cb->opId.substr(0, cb->opId.find('-'));
    auto op = rtest::takeOrFail(journal::get(engine_->store(), cb->executionId, context));
    auto exec = rtest::takeOrFail(executions::byId(engine_->store(), cb->executionId));
    if (exec && exec->status == ExecStatus::Running && (!op || !op->settled()))
      violation("the completion of " + token + " was accepted and handled, but its job (operation " +
                context + ") did not finish");
  }

  void deliver(const std::string &token, const Result &outcome, bool external, bool mustFail) {
    int crashesBefore = crashes_;
    llvm::Error e = llvm::Error::success();
    if (external) {
      e = callbacks::deliverTo(path_, token, outcome, clock_);
      if (!e && !mustFail)
        accepted_[token] = outcome;
      if (!e)
        guard([&] { return engine_->runUntilIdle(); }, "inbox");
    } else {
      e = outcome.ok() ? engine_->completeCallback(token, outcome.value())
                       : engine_->failCallback(token, outcome.error());
      if (!e && !mustFail)
        accepted_[token] = outcome;
    }
    if (!e) {
      if (mustFail)
        violation("a duplicate or late completion of " + token + " was accepted");
      else if (crashes_ == crashesBefore)
        checkJobFinished(token);
      return;
    }
    std::string msg = llvm::toString(std::move(e));
    if (msg.find("injected fault") != std::string::npos) {
      guard([&] { return llvm::createStringError(std::errc::io_error, "%s", msg.c_str()); }, "deliver");
      return;
    }
    if (msg.find("already") == std::string::npos)
      violation("delivery failed: " + msg);
    else if (!mustFail)
      violation("a first completion was rejected: " + msg);
    else
      ++rejected_;
  }

  void act() {
    auto cbs = dispatched();
    std::vector<std::string> pending, settled;
    for (auto &[token, status] : cbs) {
      if (status == CallbackStatus::Pending) {
        if (!lost_.count(token) && !(rng_() % 10 == 0 && lost_.insert(token).second))
          pending.push_back(token);
      } else if (status != CallbackStatus::Cancelled) {
        settled.push_back(token);
      }
    }
    int dice = static_cast<int>(rng_() % 100);
    if (dice < 35 && !pending.empty()) {
      std::string token = pending[rng_() % pending.size()];
      bool ok = rng_() % 4 != 0;
      Result outcome = ok ? Result::success(json{{"seed", seed_}, {"n", rng_() % 1000}})
                          : Result::failure("job failed #" + std::to_string(rng_() % 1000));
      note("deliver " + token.substr(0, 6) + (ok ? " ok" : " failure"));
      deliver(token, outcome, rng_() % 3 == 0, false);
    } else if (dice < 45 && !settled.empty()) {
      std::string token = settled[rng_() % settled.size()];
      note("duplicate/late " + token.substr(0, 6));
      deliver(token, Result::success("again"), rng_() % 2 == 0, true);
    } else if (dice < 75) {
      int64_t ms = static_cast<int64_t>(rng_() % static_cast<uint64_t>(timeoutMs_));
      note("advance " + std::to_string(ms) + " ms");
      clock_.advance(ms);
      guard([&] { return engine_->runUntilIdle(); }, "timers");
    } else if (dice < 90) {
      int at = 1 + static_cast<int>(rng_() % 25);
      note("crash at write " + std::to_string(at) + " from now");
      auto count = std::make_shared<int>(0);
      engine_->store().setFaultHook([count, at](llvm::StringRef) { return ++*count == at; });
    } else {
      note("restart");
      guard([] { return llvm::createStringError(std::errc::io_error, "injected fault (restart)"); }, "restart");
    }
  }

  void check() {
    if (!engine_)
      return;
    Store &store = engine_->store();
    auto rec = rtest::takeOrFail(executions::byName(store, "sim"));
    if (!rec || rec->status != ExecStatus::Succeeded) {
      violation("the execution did not succeed: " + (rec ? rec->error.value_or("still running") : "missing"));
      return;
    }
    json results = rec->outcome().value()["results"];
    auto cbs = dispatched();
    if (static_cast<int>(cbs.size()) != jobs_)
      violation(std::to_string(cbs.size()) + " dispatches recorded for " + std::to_string(jobs_) + " jobs");
    for (size_t i = 0; i < cbs.size(); ++i) {
      auto cb = *rtest::takeOrFail(callbacks::find(store, cbs[i].first));
      json expect;
      if (cb.status == CallbackStatus::Succeeded)
        expect = json::parse(*cb.result);
      else
        expect = cb.error.value_or("");
      // The job index of this token.
      Statement &s = store.stmt("SELECT job FROM outbox WHERE token = ?");
      s.bind(1, cb.token);
      auto row = rtest::takeOrFail(s.step());
      int job = row ? static_cast<int>(s.int64(0)) : -1;
      s.reset();
      json got = results.value("job-" + std::to_string(job), json());
      if (got != expect)
        violation("job " + std::to_string(job) + ": result " + got.dump() + " but its callback holds " + expect.dump());
      auto acc = accepted_.find(cb.token);
      if (acc != accepted_.end()) {
        json a = acc->second.ok() ? acc->second.value() : json(acc->second.error());
        if (a != got)
          violation("job " + std::to_string(job) + ": an accepted completion " + a.dump() + " was lost (result " + got.dump() + ")");
      }
      timeouts_ += cb.status == CallbackStatus::TimedOut;
      if (cb.status == CallbackStatus::TimedOut &&
          expect != "callback \"done\" timed out: no completion within " + std::to_string(timeoutMs_) + " ms")
        violation("unexpected timeout message " + expect.dump());
    }
    for (const OpRecord &op : rtest::takeOrFail(journal::load(store, rec->id))) {
      if (!op.settled())
        violation("operation " + op.id + " pending in a finished execution");
      if (op.type != OpType::Step)
        continue;
      Statement &s = store.stmt("SELECT count(*) FROM effects WHERE op_id = ?");
      s.bind(1, op.id);
      (void)rtest::takeOrFail(s.step());
      if (s.int64(0) != 1)
        violation("step " + op.id + " has " + std::to_string(s.int64(0)) + " effects for one journal entry");
      s.reset();
    }
    for (const char *q : {"SELECT count(*) FROM timers", "SELECT count(*) FROM inbox",
                          "SELECT count(*) FROM callbacks WHERE status = 'pending'"}) {
      Statement &s = store.stmt(q);
      (void)rtest::takeOrFail(s.step());
      if (s.int64(0) != 0)
        violation(std::string(q) + " = " + std::to_string(s.int64(0)) + " after the end");
      s.reset();
    }
  }

  uint64_t seed_;
  std::mt19937_64 rng_;
  std::string path_;
  bool trace_;
  FakeClock clock_;
  std::unique_ptr<Engine> engine_;
  int jobs_;
  int64_t timeoutMs_;
  int crashes_ = 0;
  int rejected_ = 0;
  int timeouts_ = 0;
  std::set<std::string> lost_;
  std::map<std::string, Result> accepted_;
  std::vector<std::string> violations_;
  std::string log_;
  std::function<void()> fn_;
};

TEST(Simulation, SeededFaultInjectionKeepsTheEngineInvariants) {
  uint64_t first = 1, count = 1000;
  bool trace = false;
  if (const char *one = std::getenv("CI_RUNTIME_SIM_SEED")) {
    first = std::strtoull(one, nullptr, 10);
    count = 1;
    trace = true;
  } else if (const char *n = std::getenv("CI_RUNTIME_SIM_SEEDS")) {
    count = std::strtoull(n, nullptr, 10);
  }
  rtest::TempDir dir; // for the lock files if /dev/shm is absent
  std::string base = scratchDir() + "/ci-runtime-sim-" + std::to_string(getpid());
  int failed = 0;
  Simulation::Stats stats;
  for (uint64_t seed = first; seed < first + count; ++seed) {
    std::string path = base + "-" + std::to_string(seed) + ".db";
    Simulation sim(seed, path, trace);
    std::vector<std::string> v = sim.run();
    sim.addTo(stats);
    for (const char *suffix : {"", "-wal", "-shm", ".lock"})
      std::filesystem::remove(path + suffix);
    if (trace)
      std::printf("%s", sim.log().c_str());
    if (!v.empty()) {
      std::ostringstream msg;
      msg << "seed " << seed << " broke " << v.size() << " invariant(s); reproduce with "
          << "CI_RUNTIME_SIM_SEED=" << seed << ":\n";
      for (const std::string &s : v)
        msg << "  " << s << "\n";
      ADD_FAILURE() << msg.str();
      if (++failed >= 3)
        break;
    }
  }
  std::printf("simulation: %llu seeds from %llu, %d failed; %d crashes, %d accepted completions, "
              "%d duplicate/late rejected, %d timeouts, %d lost callbacks\n",
              static_cast<unsigned long long>(count), static_cast<unsigned long long>(first), failed,
              stats.crashes, stats.deliveries, stats.rejected, stats.timeouts, stats.lost);
  EXPECT_GT(stats.crashes + stats.deliveries, 0);
}

} // namespace
