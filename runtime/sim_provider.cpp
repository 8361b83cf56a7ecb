// The sim provider: scenario outcomes scheduled in the store, delivered when due.
#include "runtime/sim_provider.h"

#include "runtime/ci_state.h"
#include "runtime/engine.h"

namespace runtime {

namespace {
const char *kSimV1 = R"sql(
CREATE TABLE sim_jobs (
  token TEXT PRIMARY KEY,
  execution TEXT NOT NULL,
  instance TEXT NOT NULL,
  name TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  due_ms INTEGER NOT NULL,
  report TEXT,
  state TEXT NOT NULL,
  dispatched_ms INTEGER NOT NULL
);
CREATE INDEX sim_jobs_due ON sim_jobs(state, due_ms);
CREATE INDEX sim_jobs_instance ON sim_jobs(execution, instance, attempt);
)sql";
} // namespace

llvm::Error ensureSimSchema(Store &store) { return store.ensureSchema("sim", {kSimV1}); }

llvm::Error SimProvider::dispatch(const JobInstance &job, llvm::StringRef token) {
  const json &r = job.spec;
  auto str = [&](const char *k) { return r.value(k, std::string()); };
  SimOutcome o = scenario_.decide(str("name"), job.id, str("job"), str("local_id"), job.attempt);
  TimeMs now = clock_.now();
  Statement &s = store_.stmt(
      "INSERT OR IGNORE INTO sim_jobs(token, execution, instance, name, attempt, due_ms, report, "
      "state, dispatched_ms) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)");
  s.bind(1, token).bind(2, job.execution).bind(3, job.id).bind(4, str("name"));
  s.bind(5, int64_t(job.attempt)).bind(6, now + o.durationMs);
  if (o.conclusion == "hang")
    s.bindNull(7);
  else
    s.bind(7, toJsonText(json{{"conclusion", o.conclusion}, {"outputs", o.outputs}}));
  return s.bind(8, now).run();
}

llvm::Error SimProvider::cancel(const JobInstance &job) {
  return store_
      .stmt("UPDATE sim_jobs SET report = '{\"conclusion\":\"cancelled\",\"outputs\":{}}', "
            "due_ms = ? WHERE execution = ? AND instance = ? AND attempt = ? AND state = 'pending'")
      .bind(1, clock_.now())
      .bind(2, job.execution)
      .bind(3, job.id)
      .bind(4, int64_t(job.attempt))
      .run();
}

llvm::Expected<std::optional<TimeMs>> SimCompletions::nextDue() {
  Statement &s = store_.stmt(
      "SELECT MIN(due_ms) FROM sim_jobs WHERE state = 'pending' AND report IS NOT NULL");
  llvm::Expected<bool> row = s.step();
  if (!row) {
    s.reset();
    return row.takeError();
  }
  std::optional<TimeMs> due = s.optInt64(0);
  s.reset();
  return due;
}

llvm::Error SimCompletions::deliverDue(Engine &engine, TimeMs now) {
  std::vector<std::pair<std::string, std::string>> due;
  Statement &s = store_.stmt(
      "SELECT token, report FROM sim_jobs WHERE state = 'pending' AND report IS NOT NULL AND "
      "due_ms <= ? ORDER BY due_ms, rowid");
  s.bind(1, now);
  if (llvm::Error e = s.forEach([&] {
        due.push_back({s.text(0), s.text(1)});
      }))
    return e;
  if (due.empty())
    return llvm::Error::success();
  auto markDelivered = [this](const std::string &token) {
    return store_.stmt("UPDATE sim_jobs SET state = 'delivered' WHERE token = ?").bind(1, token).run();
  };
  for (const auto &[token, report] : due) {
    json value = json::parse(report, nullptr, false);
    // The report is marked delivered in the turn that handles it: both commit or neither.
    std::function<llvm::Error()> mark = [&, tok = &token] { return markDelivered(*tok); };
    bool refused = false;
    llvm::Error e = engine.completeCallback(token, value, mark);
    // A completion delivered before a crash (and not marked) is refused: fine.
    e = llvm::handleErrors(std::move(e), [&](const llvm::ErrorInfoBase &info) -> llvm::Error {
      std::error_code ec = info.convertToErrorCode();
      // Settled already, or its callback is gone with a rolled-back turn.
      if (ec == std::errc::operation_not_permitted || ec == std::errc::invalid_argument) {
        refused = true;
        return llvm::Error::success();
      }
      return llvm::createStringError(ec, "%s", info.message().c_str());
    });
    if (e)
      return e;
    if (refused)
      if (llvm::Error m = store_.transact([&] { return markDelivered(token); }))
        return m;
  }
  return llvm::Error::success();
}

void registerSimProvider(ProviderRegistry &registry, Store &store, const Clock &clock) {
  registry.add("sim", [&store, &clock](const json &config) -> llvm::Expected<std::unique_ptr<ComputeProvider>> {
    llvm::Expected<Scenario> s = Scenario::parse(config);
    if (!s)
      return s.takeError();
    return std::make_unique<SimProvider>(std::move(*s), store, clock);
  });
  registry.addSource(std::make_unique<SimCompletions>(store));
}

} // namespace runtime
