// ci-exec run / status / cancel / retry / resume.
#include "runtime/ci_commands.h"

#include "runtime/ci_state.h"
#include "runtime/local_provider.h"
#include "runtime/run_control.h"
#include "runtime/run_driver.h"
#include "runtime/scenario.h"
#include "runtime/sim_provider.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <sched.h>
#include <unistd.h>

namespace runtime {

namespace {

CommandResult fail(int code, const std::string &message) {
  return CommandResult{code, "", "ci-exec: " + message + "\n"};
}

CommandResult fromError(llvm::Error e) {
  int code = ExitInternal;
  std::string msg;
  llvm::handleAllErrors(std::move(e), [&](const llvm::ErrorInfoBase &info) {
    std::error_code ec = info.convertToErrorCode();
    if (ec == std::errc::invalid_argument || ec == std::errc::operation_not_permitted ||
        ec == std::errc::resource_unavailable_try_again || ec == std::errc::not_supported)
      code = ExitFailure;
    msg = info.message();
  });
  return fail(code, msg);
}

bool readJsonFile(const std::string &path, json &out, std::string &error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read " + path;
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  out = json::parse(ss.str(), nullptr, false);
  if (out.is_discarded()) {
    error = path + " is not valid JSON";
    return false;
  }
  return true;
}

/// The repository root: the nearest ancestor of `path` holding .git ("" if none).
std::string repoRootOf(const std::string &path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(path, ec);
  if (!std::filesystem::is_directory(p, ec))
    p = p.parent_path();
  for (; !p.empty(); p = p.parent_path()) {
    if (std::filesystem::exists(p / ".git", ec))
      return p.string();
    if (p == p.parent_path())
      break;
  }
  return "";
}

json keyValues(const KeyValues &kv) {
  json out = json::object();
  for (const auto &[k, v] : kv)
    out[k] = v;
  return out;
}

/// The default of `--jobs`: twice the cores this process may use, so a job's start-up
/// overlaps another's steps.
int64_t defaultMaxJobs() {
  cpu_set_t set;
  CPU_ZERO(&set);
  int cores = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 0;
  if (cores <= 0)
    cores = static_cast<int>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
  return 2 * static_cast<int64_t>(cores);
}

/// The configuration of the local and sandbox providers from the run's flags.
json localProviderConfig(const RunCommand &cmd, const std::string &repo) {
  json platforms = json::object();
  for (const auto &[label, provider] : cmd.platforms)
    platforms[label] = provider;
  std::error_code ec;
  json c{{"default", cmd.provider}, {"platforms", platforms}, {"repo", repo},
         {"skip_missing_actions", cmd.skipMissingActions}, {"sandbox_network", cmd.sandboxNetwork}};
  if (!cmd.actionCache.empty())
    c["action_cache"] = std::filesystem::absolute(cmd.actionCache, ec).string();
  if (cmd.cancelGraceMs >= 0)
    c["cancel_grace_ms"] = cmd.cancelGraceMs;
  c["max_jobs"] = cmd.maxJobs > 0 ? cmd.maxJobs : defaultMaxJobs();
  if (cmd.containerJobs == "host")
    c["container_jobs"] = "host";
  return c;
}

bool storeExists(const std::string &path) { return std::filesystem::exists(path); }

/// Drives until the latest attempt of `runId` has completed.
llvm::Error driveRun(CiEnvironment &env, int64_t runId) {
  Store &store = env.engine->store();
  llvm::Error driven = drive(*env.engine, *env.providers, [&] {
    llvm::Expected<bool> over = ci::runOver(store, runId);
    if (!over) {
      llvm::consumeError(over.takeError());
      return false;
    }
    return *over;
  });
  if (driven)
    return driven;
  // The run dropped its secrets when it ended; make sure no older page version in the
  // log still holds them. Best effort: a reader in another process can hold it back.
  llvm::consumeError(store.checkpointTruncate());
  return llvm::Error::success();
}

CommandResult documentResult(Store &store, int64_t runId, bool asJson) {
  llvm::Expected<json> doc = ci::runDocument(store, runId);
  if (!doc)
    return fromError(doc.takeError());
  CommandResult out;
  out.out = asJson ? toJsonText(*doc) + "\n" : renderRunDocument(*doc);
  const json &c = (*doc)["conclusion"];
  out.exitCode = c.is_string() && c.get<std::string>() == "success" ? ExitOk : ExitFailure;
  return out;
}

bool parseRunId(const std::string &text, int64_t &id) {
  char *end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end || v <= 0)
    return false;
  id = v;
  return true;
}

/// Whether the unfinished runs of the store ran on virtual time (then so does resume).
bool unfinishedRunsAreVirtual(const std::string &storePath) {
  llvm::Expected<std::unique_ptr<Store>> store = Store::open(storePath);
  if (!store) {
    llvm::consumeError(store.takeError());
    return false;
  }
  if (llvm::Error e = ensureCiSchema(**store)) {
    llvm::consumeError(std::move(e));
    return false;
  }
  llvm::Expected<std::vector<RunRecord>> runs = ci::listRuns(**store, 1000);
  if (!runs) {
    llvm::consumeError(runs.takeError());
    return false;
  }
  bool any = false, allVirtual = true;
  for (const RunRecord &r : *runs)
    if (r.status != "completed") {
      any = true;
      allVirtual = allVirtual && r.virtualTime;
    }
  return any && allVirtual;
}

} // namespace

llvm::Expected<CiEnvironment> openCiEnvironment(const CiEnvironmentOptions &options) {
  CiEnvironment env;
  if (options.virtualTime)
    env.clock = std::make_unique<FakeClock>(RealClock().now(), false);
  else
    env.clock = std::make_unique<RealClock>();
  EngineOptions eo;
  eo.storePath = options.store;
  eo.clock = env.clock.get();
  eo.defaultOpBudget = options.opBudget;
  llvm::Expected<std::unique_ptr<Engine>> engine = Engine::open(eo);
  if (!engine)
    return engine.takeError();
  env.engine = std::move(*engine);
  env.providers = std::make_unique<ProviderRegistry>();
  registerSimProvider(*env.providers, env.engine->store(), *env.clock);
  registerLocalProviders(*env.providers, env.engine->store(), *env.clock);
  CiDeps deps;
  deps.engine = env.engine.get();
  deps.providers = env.providers.get();
  WorkflowFileCompiler compiler = options.compiler;
  deps.compile = [compiler](const json &request) { return compileRunRequest(request, compiler); };
  if (llvm::Error e = registerCiOrchestrators(*env.engine, deps))
    return e;
  if (options.virtualTime) {
    // Virtual time continues from where the last process left it.
    llvm::Expected<TimeMs> latest = ci::latestRecordedTime(env.engine->store());
    if (!latest)
      return latest.takeError();
    env.clock->advanceTo(*latest);
  }
  return env;
}

CommandResult runRunCommand(const RunCommand &cmd, const WorkflowFileCompiler &compiler) {
  std::error_code ec;
  if (!std::filesystem::exists(cmd.source, ec))
    return fail(ExitUsage, "no such file or directory: " + cmd.source);
  json payload = json::object();
  std::string error;
  if (!cmd.eventPath.empty() && !readJsonFile(cmd.eventPath, payload, error))
    return fail(ExitUsage, "--event-path: " + error);
  json scenario = json::object();
  if (!cmd.scenarioPath.empty()) {
    if (cmd.provider != "sim")
      return fail(ExitUsage, "--scenario is for --provider sim");
    if (!readJsonFile(cmd.scenarioPath, scenario, error))
      return fail(ExitUsage, "--scenario: " + error);
    llvm::Expected<Scenario> s = Scenario::parse(scenario);
    if (!s)
      return fail(ExitUsage, cmd.scenarioPath + ": " + llvm::toString(s.takeError()));
  }
  CiEnvironmentOptions eo;
  eo.store = cmd.store;
  eo.virtualTime = cmd.virtualTime;
  eo.opBudget = cmd.opBudget;
  eo.compiler = compiler;
  llvm::Expected<CiEnvironment> env = openCiEnvironment(eo);
  if (!env)
    return fromError(env.takeError());
  if (!env->providers->knows(cmd.provider)) {
    std::string known;
    for (const std::string &n : env->providers->names())
      known += (known.empty() ? "" : ", ") + n;
    return fail(ExitUsage, "unknown --provider \"" + cmd.provider + "\"; available: " + known);
  }
  // Unfinished runs of this store continue while this one runs.
  if (llvm::Error e = resumeRuns(*env->engine))
    return fromError(std::move(e));
  // workflow_dispatch: github.event.inputs holds the inputs as strings, as on GitHub.
  if (cmd.event == "workflow_dispatch" && !payload.contains("inputs"))
    payload["inputs"] = keyValues(cmd.inputs);
  RunRequest req;
  std::string source = std::filesystem::absolute(cmd.source, ec).lexically_normal().string();
  req.source = cmd.source;
  req.event = cmd.event.empty() ? "push" : cmd.event;
  req.provider = cmd.provider;
  req.providerConfig = scenario;
  if (cmd.maxJobs > 0) {
    if (!req.providerConfig.is_object())
      req.providerConfig = json::object();
    req.providerConfig["max_jobs"] = cmd.maxJobs;
  }
  if (cmd.provider == "local" || cmd.provider == "sandbox")
    req.providerConfig = localProviderConfig(cmd, repoRootOf(source));
  req.virtualTime = cmd.virtualTime;
  req.secrets = cmd.secrets;
  req.request = json{{"source", source},
                     {"event", cmd.event},
                     {"payload", payload},
                     {"inputs", keyValues(cmd.inputs)},
                     {"vars", keyValues(cmd.vars)},
                     {"repo", repoRootOf(source)}};
  if (!cmd.actor.empty())
    req.request["github"]["actor"] = cmd.actor;
  if (!cmd.repository.empty()) {
    req.request["github"]["repository"] = cmd.repository;
    req.request["github"]["repository_owner"] = llvm::StringRef(cmd.repository).split('/').first.str();
  }
  llvm::Expected<int64_t> id = startRun(*env->engine, req);
  if (!id)
    return fromError(id.takeError());
  std::optional<ProgressMonitor> progress;
  if (cmd.progress != ProgressMode::Off) {
    progress.emplace(cmd.store, cmd.progress, stderr, cmd.color);
    progress->start(*id, cmd.virtualTime);
  }
  llvm::Error driven = driveRun(*env, *id);
  if (progress)
    progress->stop();
  if (driven)
    return fromError(std::move(driven));
  CommandResult out = documentResult(env->engine->store(), *id, cmd.json);
  if (cmd.summary && !cmd.json && !out.out.empty()) {
    llvm::Expected<RunView> view = loadRunView(env->engine->store(), *id);
    if (!view)
      return fromError(view.takeError());
    out.out = renderRunSummary(*view);
  }
  if (std::getenv("CI_EXEC_STATS")) {
    const EngineStats &st = env->engine->stats();
    out.err += fmt::format("engine: {} turns, {} hydrations, {} evictions, {} step runs, {} replayed operations\n",
                           st.turns, st.hydrations, st.evictions, st.stepRuns, st.replayedOps);
  }
  return out;
}

CommandResult runStatusCommand(const std::string &storePath, const std::string &run, bool asJson) {
  if (!storeExists(storePath))
    return fail(ExitUsage, "no store at " + storePath + "; pass --store PATH (default .ci-exec/state.db in the repository)");
  llvm::Expected<std::unique_ptr<Store>> store = Store::open(storePath);
  if (!store)
    return fromError(store.takeError());
  if (llvm::Error e = ensureCiSchema(**store))
    return fromError(std::move(e));
  if (!run.empty()) {
    int64_t id = 0;
    if (!parseRunId(run, id))
      return fail(ExitUsage, "RUN must be a run number (see `ci-exec status`), not \"" + run + "\"");
    CommandResult r = documentResult(**store, id, asJson);
    if (r.exitCode == ExitFailure && r.out.empty())
      return r;
    r.exitCode = ExitOk; // status reports; it does not fail with the run
    return r;
  }
  llvm::Expected<std::vector<RunRecord>> runs = ci::listRuns(**store, 50);
  if (!runs)
    return fromError(runs.takeError());
  CommandResult out;
  if (asJson) {
    json rows = json::array();
    for (const RunRecord &r : *runs)
      rows.push_back(json{{"run", r.runId},
                          {"attempt", r.attempt},
                          {"status", r.status},
                          {"conclusion", r.conclusion.empty() ? json() : json(r.conclusion)},
                          {"event", r.event},
                          {"source", r.source}});
    out.out = toJsonText(json{{"runs", rows}}) + "\n";
    return out;
  }
  if (runs->empty()) {
    out.out = "no runs in " + storePath + "\n";
    return out;
  }
  out.out = fmt::format("{:<6} {:<8} {:<12} {:<10} {}\n", "RUN", "ATTEMPT", "STATUS", "CONCLUSION", "EVENT  SOURCE");
  for (const RunRecord &r : *runs)
    out.out += fmt::format("{:<6} {:<8} {:<12} {:<10} {}  {}\n", r.runId, r.attempt, r.status,
                           r.conclusion.empty() ? "-" : r.conclusion, r.event, r.source);
  return out;
}

namespace {

/// Opens the store for a control command and runs `post`; if no other process runs
/// the store's executions, drives the run to its end here.
CommandResult control(const ControlCommand &cmd, const WorkflowFileCompiler &compiler, bool retry) {
  if (!storeExists(cmd.store))
    return fail(ExitUsage, "no store at " + cmd.store + "; pass --store PATH");
  int64_t id = 0;
  if (!parseRunId(cmd.run, id))
    return fail(ExitUsage, "RUN must be a run number (see `ci-exec status`), not \"" + cmd.run + "\"");
  bool posted = false, newAttemptVirtual = false;
  {
    llvm::Expected<std::unique_ptr<Store>> store = Store::open(cmd.store);
    if (!store)
      return fromError(store.takeError());
    if (llvm::Error e = ensureCiSchema(**store))
      return fromError(std::move(e));
    RealClock clock;
    llvm::Expected<bool> r = retry ? requestRetry(**store, id, cmd.job, cmd.failed, clock.now())
                                   : requestCancel(**store, id, cmd.job, clock.now());
    if (!r)
      return fromError(r.takeError());
    posted = *r;
    if (!posted && !retry)
      return fail(ExitFailure, "run " + cmd.run + " has already completed");
    // A new attempt of a finished run runs on the clock its run used.
    if (!posted) {
      llvm::Expected<std::optional<RunRecord>> last = ci::findRun(**store, id);
      if (!last)
        return fromError(last.takeError());
      newAttemptVirtual = *last && (*last)->virtualTime;
    }
  }
  CiEnvironmentOptions eo;
  eo.store = cmd.store;
  eo.virtualTime = posted ? unfinishedRunsAreVirtual(cmd.store) : newAttemptVirtual;
  eo.compiler = compiler;
  llvm::Expected<CiEnvironment> env = openCiEnvironment(eo);
  if (!env) {
    CommandResult out;
    llvm::handleAllErrors(env.takeError(), [&](const llvm::ErrorInfoBase &info) {
      if (info.convertToErrorCode() == std::errc::resource_unavailable_try_again && posted) {
        out.out = std::string(retry ? "retry" : "cancel") + " requested for run " + cmd.run +
                  "; the ci-exec process running it applies it\n";
        if (cmd.json)
          out.out = toJsonText(json{{"run", id}, {"requested", retry ? "retry" : "cancel"}}) + "\n";
      } else {
        out = fail(ExitInternal, info.message());
      }
    });
    return out;
  }
  if (retry && !posted) {
    llvm::Expected<int> attempt = startNextAttempt(*env->engine, id, cmd.job, cmd.failed);
    if (!attempt)
      return fromError(attempt.takeError());
  }
  if (llvm::Error e = resumeRuns(*env->engine))
    return fromError(std::move(e));
  if (llvm::Error e = driveRun(*env, id))
    return fromError(std::move(e));
  CommandResult out = documentResult(env->engine->store(), id, cmd.json);
  // retry exits like run (0: the run succeeded); a cancel that was applied succeeded.
  if (!retry && !out.out.empty())
    out.exitCode = ExitOk;
  return out;
}

} // namespace

CommandResult runCancelCommand(const ControlCommand &cmd, const WorkflowFileCompiler &compiler) {
  return control(cmd, compiler, false);
}

CommandResult runRetryCommand(const ControlCommand &cmd, const WorkflowFileCompiler &compiler) {
  return control(cmd, compiler, true);
}

CommandResult runCiResumeCommand(const ResumeCommand &cmd, const WorkflowFileCompiler &compiler) {
  if (!storeExists(cmd.store))
    return fail(ExitUsage, "no store at " + cmd.store + "; pass --store PATH (default .ci-exec/state.db in the repository)");
  CiEnvironmentOptions eo;
  eo.store = cmd.store;
  eo.virtualTime = unfinishedRunsAreVirtual(cmd.store);
  eo.opBudget = cmd.opBudget;
  eo.compiler = compiler;
  llvm::Expected<CiEnvironment> env = openCiEnvironment(eo);
  if (!env)
    return fromError(env.takeError());
  Engine &engine = *env->engine;
  llvm::Expected<std::vector<ExecutionRecord>> before = executions::running(engine.store());
  if (!before)
    return fromError(before.takeError());
  if (llvm::Error e = resumeRuns(engine))
    return fromError(std::move(e));
  auto allDone = [&] {
    llvm::Expected<std::vector<ExecutionRecord>> running = executions::running(engine.store());
    if (!running) {
      llvm::consumeError(running.takeError());
      return false;
    }
    return running->empty();
  };
  if (cmd.noWait) {
    for (const auto &source : env->providers->sources())
      if (llvm::Error e = source->deliverDue(engine, env->clock->now()))
        return fromError(std::move(e));
    if (llvm::Error e = engine.runUntilIdle())
      return fromError(std::move(e));
  } else if (llvm::Error e = drive(engine, *env->providers, allDone)) {
    return fromError(std::move(e));
  }
  json rows = json::array();
  CommandResult out;
  int failed = 0;
  for (const ExecutionRecord &b : *before) {
    llvm::Expected<std::optional<ExecutionRecord>> now = executions::byId(engine.store(), b.id);
    if (!now)
      return fromError(now.takeError());
    const ExecutionRecord &r = **now;
    failed += r.status == ExecStatus::Failed;
    rows.push_back(json{{"name", r.name},
                        {"status", execStatusName(r.status).str()},
                        {"error", r.error ? json(*r.error) : json()}});
    if (!cmd.json)
      out.out += "resumed " + r.name + ": " + execStatusName(r.status).str() + (r.error ? ": " + *r.error : "") + "\n";
  }
  if (cmd.json)
    out.out = toJsonText(json{{"resumed", rows}}) + "\n";
  else if (before->empty())
    out.out = "nothing to resume: no unfinished execution in " + cmd.store + "\n";
  out.exitCode = failed ? ExitFailure : ExitOk;
  return out;
}

std::string renderRunDocument(const json &doc) {
  std::string out;
  bool finished = doc["conclusion"].is_string();
  out += fmt::format("run {} (attempt {}): {}\n", doc["run"].dump(), doc.value("attempt", 1),
                     finished ? doc["conclusion"].get<std::string>() : doc.value("status", std::string("running")));
  if (doc.contains("error"))
    out += "  error: " + doc["error"].get<std::string>() + "\n";
  for (const json &w : doc.value("workflows", json::array()))
    if (w.contains("error"))
      out += "  workflow " + w["path"].get<std::string>() + ": " + w["error"].get<std::string>() + "\n";
  for (const json &w : doc.value("skipped_workflows", json::array()))
    out += "  not triggered: " + w.get<std::string>() + "\n";
  if (doc["jobs"].empty() && doc.value("workflows", json::array()).empty())
    out += "  no workflow runs on " + doc.value("event", std::string("this event")) + "\n";
  size_t width = 4;
  for (const json &j : doc["jobs"])
    width = std::max(width, j["name"].get<std::string>().size());
  width = std::min<size_t>(width, 60);
  for (const json &j : doc["jobs"]) {
    std::string state = j["conclusion"].is_string() ? j["conclusion"].get<std::string>()
                                                    : j.value("status", std::string("pending"));
    std::string line = fmt::format("  {:<10} {:<{}}", state, j["name"].get<std::string>(), width);
    if (j["reason"].is_string())
      line += "  (" + j["reason"].get<std::string>() + ")";
    if (j.value("attempt", 1) > 1)
      line += fmt::format("  attempt {}", j["attempt"].get<int>());
    if (j.contains("error"))
      line += "  " + j["error"].get<std::string>();
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out += line + "\n";
  }
  return out;
}

} // namespace runtime
