// Deterministic simulation of the CI orchestrator: seeded random workflows and scenarios,
// run once fault-free (the reference) and once with injected faults: a crash at a store
// write (the engine is dropped and a new one resumes from the store), duplicate
// completions, late completions (after the job's timeout), lost completions, and provider
// failures (transient and permanent). A fault that changes what a job does is folded into
// the reference's scenario (a lost or late completion is a job that hangs; a permanent
// dispatch failure a job that fails), so the faulty run must give exactly the
// reference's job conclusions, reasons and outputs. Invariants besides: the run ends,
// every job is dispatched once per attempt, duplicate and late completions are refused,
// nothing is left pending (callbacks, timers, inbox, groups).
// 1,000 seeds by default; CI_RUNTIME_SIM_SEEDS=N runs N, CI_RUNTIME_SIM_SEED=S one with a trace.
#include "ci_harness.h"

#include "runtime/callbacks.h"

#include <random>
#include <set>
#include <sstream>

using namespace runtime;
using rtest::ojson;
using rtest::takeOrFail;

namespace {

std::string scratchDir() {
  return std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path().string();
}

constexpr TimeMs kStart = 1'700'000'000'000;

/// A provider that fails the first `failures[name]` dispatches of an attempt (counted in
/// the store, in the dispatch step's transaction), and loses or delays completions.
class FaultyProvider : public ComputeProvider {
public:
  FaultyProvider(std::unique_ptr<ComputeProvider> inner, Store &store, const json *faults)
      : inner_(std::move(inner)), store_(store), faults_(faults) {}
  llvm::StringRef name() const override { return "sim"; }
  llvm::Error dispatch(const JobInstance &job, llvm::StringRef token) override {
    std::string name = job.spec.value("name", std::string());
    std::string key = job.execution + "#" + job.id + "#" + std::to_string(job.attempt);
    int failures = (*faults_)["dispatch"].value(name, 0);
    if (failures > 0) {
      Statement &s = store_.stmt("SELECT COUNT(*) FROM sim_faults WHERE key = ?");
      s.bind(1, key);
      llvm::Expected<bool> row = s.step();
      int64_t n = row && *row ? s.int64(0) : 0;
      s.reset();
      if (!row)
        return row.takeError();
      if (n < failures) {
        if (llvm::Error e = store_.stmt("INSERT INTO sim_faults(key) VALUES (?)").bind(1, key).run())
          return e;
        return llvm::createStringError(std::errc::io_error, "the provider is unavailable (attempt %lld)",
                                       static_cast<long long>(n + 1));
      }
    }
    if (llvm::Error e = inner_->dispatch(job, token))
      return e;
    if ((*faults_)["lost"].contains(name))
      return store_.stmt("UPDATE sim_jobs SET report = NULL WHERE token = ?").bind(1, token).run();
    if ((*faults_)["late"].contains(name))
      return store_.stmt("UPDATE sim_jobs SET due_ms = due_ms + 100000000 WHERE token = ?").bind(1, token).run();
    return llvm::Error::success();
  }
  llvm::Error cancel(const JobInstance &job) override { return inner_->cancel(job); }

private:
  std::unique_ptr<ComputeProvider> inner_;
  Store &store_;
  const json *faults_;
};

/// One seed: the workflow, the scenario, the faults.
struct Case {
  ojson plan;
  json scenario;  ///< what jobs do in the faulty world
  json reference; ///< the same with faults folded in
  json faults = {{"dispatch", json::object()}, {"lost", json::object()}, {"late", json::object()}};
  std::vector<int> crashAt; ///< write numbers (of the faulty run) that crash
  double duplicateRate = 0;
};

Case makeCase(uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  Case c;
  int n = 3 + pick(6);
  ojson jobs = ojson::array();
  std::vector<std::string> names;
  json entries = json::object();
  auto outcome = [&](const std::string &name) {
    json e{{"duration_ms", 1 + static_cast<int64_t>(rng() % 900000)}};
    int r = pick(100);
    if (r < 18)
      e["conclusion"] = "failure";
    else if (r < 22)
      e["conclusion"] = "hang";
    if (pick(3) == 0)
      e["outputs"] = {{"o" + std::to_string(pick(3)), name}};
    entries[name] = e;
  };
  for (int i = 0; i < n; ++i) {
    std::string id = "j" + std::to_string(i);
    ojson job{{"id", id}, {"timeout_minutes", 30}};
    ojson needs = ojson::array();
    for (int k = 0; k < i; ++k)
      if (pick(4) == 0)
        needs.push_back("j" + std::to_string(k));
    if (!needs.empty())
      job["needs"] = needs;
    int cond = pick(100);
    if (cond < 15)
      job["if"] = "always()";
    else if (cond < 25)
      job["if"] = "failure()";
    else if (cond < 30)
      job["if"] = "!cancelled()";
    if (pick(10) == 0)
      job["continue_on_error"] = true;
    if (pick(4) == 0) {
      int legs = 2 + pick(2);
      ojson v = ojson::array();
      for (int l = 1; l <= legs; ++l)
        v.push_back(l);
      ojson strategy{{"fail_fast", pick(2) == 0}, {"matrix", {{"v", v}}}};
      if (pick(3) == 0)
        strategy["max_parallel"] = 1;
      job["strategy"] = strategy;
      for (int l = 1; l <= legs; ++l)
        names.push_back(id + " (" + std::to_string(l) + ")");
    } else {
      names.push_back(id);
    }
    jobs.push_back(job);
  }
  for (const std::string &name : names)
    outcome(name);
  c.plan = rtest::plan(jobs);
  c.scenario = {{"seed", static_cast<int64_t>(seed % 1000)}, {"jobs", entries}};
  c.reference = c.scenario;
  for (const std::string &name : names) {
    int f = pick(100);
    json &ref = c.reference["jobs"][name];
    if (f < 6) {
      c.faults["lost"][name] = true;
      ref["conclusion"] = "hang";
    } else if (f < 10) {
      c.faults["late"][name] = true;
      ref["conclusion"] = "hang";
    } else if (f < 15) {
      c.faults["dispatch"][name] = 1; // transient: the retry 1 s later succeeds
      ref["duration_ms"] = ref["duration_ms"].get<int64_t>() + 1000;
    } else if (f < 18) {
      c.faults["dispatch"][name] = 3; // permanent: fails after 0 + 1 + 2 s of retries
      ref = {{"conclusion", "failure"}, {"duration_ms", 3000}};
    }
  }
  int crashes = pick(4);
  for (int i = 0; i < crashes; ++i)
    c.crashAt.push_back(1 + pick(400));
  std::sort(c.crashAt.begin(), c.crashAt.end());
  c.duplicateRate = pick(2) ? 0.3 : 0;
  return c;
}

class World {
public:
  World(std::string path, const json *faults) : path_(std::move(path)), faults_(faults), clock_(kStart, false) {}

  bool open() {
    engine_ = rtest::openEngine(path_, &clock_);
    if (!engine_)
      return false;
    providers_ = std::make_unique<ProviderRegistry>();
    Store &store = engine_->store();
    if (llvm::Error e = store.ensureSchema("sim-faults", {"CREATE TABLE sim_faults (key TEXT NOT NULL);"})) {
      llvm::consumeError(std::move(e));
      return false;
    }
    registerSimProvider(*providers_, store, clock_);
    if (faults_) {
      const json *faults = faults_;
      Clock *clock = &clock_;
      providers_->add("sim", [&store, faults, clock](const json &config) -> llvm::Expected<std::unique_ptr<ComputeProvider>> {
        llvm::Expected<Scenario> s = Scenario::parse(config);
        if (!s)
          return s.takeError();
        return std::make_unique<FaultyProvider>(std::make_unique<SimProvider>(std::move(*s), store, *clock), store, faults);
      });
    }
    CiDeps deps{engine_.get(), providers_.get(), [](const json &r) { return compileRunRequest(r, nullptr); }};
    if (llvm::Error e = registerCiOrchestrators(*engine_, deps)) {
      llvm::consumeError(std::move(e));
      return false;
    }
    return true;
  }
  void close() {
    engine_.reset();
    providers_.reset();
  }
  Engine &engine() { return *engine_; }
  ProviderRegistry &providers() { return *providers_; }
  FakeClock &clock() { return clock_; }
  bool finished() {
    auto r = ci::findRun(engine_->store(), 1);
    return r && *r && (*r)->status == "completed";
  }

private:
  std::string path_;
  const json *faults_;
  FakeClock clock_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<ProviderRegistry> providers_;
};

struct Result {
  json jobs = json::object();
  std::string conclusion;
  std::vector<std::string> violations;
  int crashes = 0, duplicates = 0, writes = 0;
};

Result runCase(const Case &c, bool faulty, const std::string &path, std::string *log) {
  Result out;
  World w(path, faulty ? &c.faults : nullptr);
  auto note = [&](const std::string &s) {
    if (log)
      *log += s + "\n";
  };
  if (!w.open()) {
    out.violations.push_back("cannot open the engine");
    return out;
  }
  RunRequest req;
  req.request = json{{"plan_text", c.plan.dump()}};
  req.providerConfig = faulty ? c.scenario : c.reference;
  req.virtualTime = true;
  auto writes = std::make_shared<int>(0);
  size_t nextCrash = 0;
  auto installHook = [&] {
    w.engine().store().setFaultHook([&, writes](llvm::StringRef what) {
      ++*writes;
      if (faulty && nextCrash < c.crashAt.size() && *writes >= c.crashAt[nextCrash]) {
        note("crash at write " + std::to_string(*writes) + " (" + what.str() + ")");
        ++nextCrash;
        return true;
      }
      return false;
    });
  };
  installHook();
  std::mt19937_64 rng(c.crashAt.size() * 7919 + c.plan.dump().size());
  std::vector<std::string> delivered;
  bool started = false;
  for (int round = 0; round < 50 && !(started && w.finished()); ++round) {
    llvm::Error e = llvm::Error::success();
    if (!started) {
      // Recorded, then launched by resumeRuns (which also launches it after a crash
      // between the two).
      llvm::Expected<int64_t> id = recordRun(w.engine().store(), req, w.clock().now());
      if (id)
        started = true;
      else
        e = id.takeError();
    }
    if (!e)
      e = resumeRuns(w.engine());
    if (!e)
      e = drive(w.engine(), w.providers(), [&] {
        if (faulty && c.duplicateRate > 0 && std::uniform_real_distribution<>(0, 1)(rng) < c.duplicateRate) {
          // Deliver a completion a second time: it must be refused.
          Statement &s = w.engine().store().stmt(
              "SELECT token FROM sim_jobs WHERE state = 'delivered' ORDER BY rowid DESC LIMIT 1");
          llvm::Expected<bool> row = s.step();
          std::string token = row && *row ? s.text(0) : "";
          s.reset();
          if (!row)
            llvm::consumeError(row.takeError());
          if (!token.empty()) {
            llvm::Error d = w.engine().completeCallback(token, json{{"conclusion", "success"}});
            bool refused = false;
            llvm::handleAllErrors(std::move(d), [&](const llvm::ErrorInfoBase &info) {
              refused = info.convertToErrorCode() == std::errc::operation_not_permitted;
              if (!refused)
                note("duplicate delivery failed otherwise: " + info.message());
            });
            if (!refused && nextCrash == c.crashAt.size())
              out.violations.push_back("a duplicate completion of " + token + " was accepted");
            ++out.duplicates;
          }
        }
        return started && w.finished();
      });
    if (!e)
      continue;
    std::string msg = llvm::toString(std::move(e));
    if (msg.find("injected fault") == std::string::npos) {
      out.violations.push_back("the driver failed: " + msg);
      break;
    }
    // The process "died": drop everything in memory and resume from the store.
    ++out.crashes;
    note("restart after: " + msg);
    w.close();
    if (!w.open()) {
      out.violations.push_back("cannot reopen the engine");
      return out;
    }
    installHook();
  }
  w.engine().store().setFaultHook(nullptr);
  out.writes = *writes;
  if (!w.finished()) {
    out.violations.push_back("the run did not finish");
    return out;
  }
  Store &store = w.engine().store();
  json doc = takeOrFail(ci::runDocument(store, 1));
  out.conclusion = doc["conclusion"].is_string() ? doc["conclusion"].get<std::string>() : "";
  for (const json &j : doc["jobs"])
    out.jobs[j["name"].get<std::string>()] = {{"conclusion", j["conclusion"]}, {"reason", j["reason"]}, {"outputs", j["outputs"]}};
  auto count = [&](const char *sql) {
    Statement &s = store.stmt(sql);
    int64_t n = takeOrFail(s.step()) ? s.int64(0) : -1;
    s.reset();
    return n;
  };
  if (int64_t n = count("SELECT COUNT(*) FROM (SELECT 1 FROM sim_jobs GROUP BY execution, instance, attempt HAVING COUNT(*) > 1)"))
    out.violations.push_back(std::to_string(n) + " job attempts were dispatched more than once");
  if (int64_t n = count("SELECT COUNT(*) FROM callbacks WHERE status = 'pending'"))
    out.violations.push_back(std::to_string(n) + " callbacks are still pending");
  if (int64_t n = count("SELECT COUNT(*) FROM timers"))
    out.violations.push_back(std::to_string(n) + " timers are still armed");
  if (int64_t n = count("SELECT COUNT(*) FROM inbox"))
    out.violations.push_back(std::to_string(n) + " inbox rows are left");
  if (int64_t n = count("SELECT COUNT(*) FROM ci_groups"))
    out.violations.push_back(std::to_string(n) + " concurrency group rows are left");
  if (int64_t n = count("SELECT COUNT(*) FROM executions WHERE status != 'succeeded'"))
    out.violations.push_back(std::to_string(n) + " executions did not succeed");
  // A late completion is refused: its callback timed out first (unless the job was
  // cancelled before, by fail-fast or the run: the provider then reports the cancel).
  if (faulty)
    for (auto it = c.faults["late"].begin(); it != c.faults["late"].end(); ++it) {
      Statement &s = store.stmt("SELECT c.status FROM sim_jobs j JOIN callbacks c ON c.token = j.token WHERE j.name = ? AND "
                                "j.report NOT LIKE '%\"cancelled\"%'");
      s.bind(1, it.key());
      while (takeOrFail(s.step()))
        if (s.text(0) != "timed_out" && s.text(0) != "cancelled")
          out.violations.push_back("the late completion of " + it.key() + " settled its callback (" + s.text(0) + ")");
      s.reset();
    }
  return out;
}

std::vector<std::string> checkSeed(uint64_t seed, std::string *log, int *crashes) {
  Case c = makeCase(seed);
  std::string base = scratchDir() + "/ci-sim-" + std::to_string(::getpid()) + "-" + std::to_string(seed);
  Result ref = runCase(c, false, base + "-ref.db", nullptr);
  Result got = runCase(c, true, base + "-faulty.db", log);
  for (const char *suffix : {"-ref.db", "-faulty.db"})
    for (const char *extra : {"", "-wal", "-shm", ".lock"})
      std::filesystem::remove(base + suffix + extra);
  std::vector<std::string> v = got.violations;
  for (const std::string &r : ref.violations)
    v.push_back("reference: " + r);
  if (got.conclusion != ref.conclusion)
    v.push_back("run conclusion " + got.conclusion + ", the reference's " + ref.conclusion);
  if (got.jobs != ref.jobs)
    v.push_back("jobs differ:\n  got       " + got.jobs.dump() + "\n  reference " + ref.jobs.dump());
  if (log)
    *log += "plan " + c.plan.dump() + "\nscenario " + c.scenario.dump() + "\nfaults " + c.faults.dump() + "\n";
  *crashes += got.crashes;
  return v;
}

TEST(CiSimulation, SeededFaultsGiveTheFaultFreeRunsConclusions) {
  uint64_t first = 1, count = 1000;
  bool trace = false;
  if (const char *one = std::getenv("CI_RUNTIME_SIM_SEED")) {
    first = std::strtoull(one, nullptr, 10);
    count = 1;
    trace = true;
  } else if (const char *n = std::getenv("CI_RUNTIME_SIM_SEEDS")) {
    count = std::strtoull(n, nullptr, 10);
  }
  int failedSeeds = 0, crashes = 0;
  for (uint64_t seed = first; seed < first + count; ++seed) {
    std::string log;
    std::vector<std::string> v = checkSeed(seed, trace ? &log : nullptr, &crashes);
    if (v.empty())
      continue;
    std::ostringstream msg;
    msg << "seed " << seed << " broke " << v.size() << " invariant(s); reproduce with CI_RUNTIME_SIM_SEED=" << seed << ":\n";
    for (const std::string &s : v)
      msg << "  " << s << "\n";
    if (trace)
      msg << log;
    ADD_FAILURE() << msg.str();
    if (++failedSeeds >= 5)
      break;
  }
  std::printf("ci simulation: %llu seeds, %d restarts after injected crashes\n",
              static_cast<unsigned long long>(count), crashes);
}

} // namespace
