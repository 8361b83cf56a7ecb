// The local and sandbox providers: job.json, the detached supervisor, completions.
#include "runtime/local_provider.h"

#include "runtime/ci_state.h"
#include "runtime/engine.h"
#include "runtime/executions.h"
#include "runtime/run_view.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace runtime {

std::string jobDirName(llvm::StringRef instance, int attempt) {
  std::string out;
  for (char c : instance)
    out += (llvm::isAlnum(c) || c == '.' || c == '_' || c == '-') ? c : '_';
  if (out.empty() || out == "." || out == "..")
    out = "_" + out;
  if (attempt > 1)
    out += "~" + std::to_string(attempt);
  return out;
}

std::string execRootOf(const Store &store) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(store.path(), ec);
  return p.parent_path().string();
}

namespace {

llvm::Error fsError(const std::string &what, std::error_code ec) {
  return llvm::createStringError(ec, "%s: %s", what.c_str(), ec.message().c_str());
}

/// The labels of a `runs-on` value (a string, a list, or {group, labels}).
std::vector<std::string> labelsOf(const json &runsOn) {
  std::vector<std::string> out;
  if (runsOn.is_string())
    out.push_back(runsOn.get<std::string>());
  else if (runsOn.is_array()) {
    for (const json &l : runsOn)
      if (l.is_string())
        out.push_back(l.get<std::string>());
  } else if (runsOn.is_object()) {
    if (runsOn.contains("labels"))
      for (const std::string &l : labelsOf(runsOn["labels"]))
        out.push_back(l);
    if (runsOn.contains("group") && runsOn["group"].is_string())
      out.push_back(runsOn["group"].get<std::string>());
  }
  return out;
}

/// The supervisor program: the configuration's, $CI_EXEC_SUPERVISOR, or the one next to
/// this program. (A forked copy of this process cannot be the supervisor: SQLite's
/// per-process lock state does not survive fork.)
std::string supervisorPath(const json &config) {
  if (config.contains("supervisor") && config["supervisor"].is_string())
    return config["supervisor"].get<std::string>();
  if (const char *env = std::getenv("CI_EXEC_SUPERVISOR"))
    return env;
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return (self.parent_path() / "ci-exec-supervisor").string();
}

/// Supervisors started by this process and not reaped yet.
std::vector<pid_t> &unreaped() {
  static std::vector<pid_t> pids;
  return pids;
}

/// Reaps the supervisors that exited (this process is their parent until it exits,
/// when init adopts them).
void reapSupervisors() {
  std::vector<pid_t> &pids = unreaped();
  pids.erase(std::remove_if(pids.begin(), pids.end(),
                            [](pid_t p) {
                              int st;
                              return ::waitpid(p, &st, WNOHANG) != 0; // exited, or not ours
                            }),
             pids.end());
}

/// Starts the supervisor of `jobFile` detached: its own session (a Ctrl-C or a hang-up
/// of ci-exec's terminal does not reach it), stdin from /dev/null, stdout and stderr
/// appended to `logPath`. posix_spawn does not copy the orchestrator's page tables
/// (a fork of a large process costs milliseconds per job).
llvm::Error spawnDetached(const std::string &exe, const std::string &jobFile, const std::string &logPath) {
  reapSupervisors();
  std::vector<std::string> argv = {exe, jobFile};
  std::vector<char *> args;
  for (const std::string &a : argv)
    args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::fflush(nullptr);
  pid_t child = 0;
  int rc = ::posix_spawn(&child, args[0], &fa, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0)
    return llvm::createStringError(std::error_code(rc, std::generic_category()),
                                   "could not start the job supervisor %s: %s", exe.c_str(), std::strerror(rc));
  unreaped().push_back(child);
  return llvm::Error::success();
}

} // namespace

std::string LocalProvider::providerFor(const json &runsOn) const {
  const json &platforms = config_.contains("platforms") ? config_["platforms"] : json::object();
  for (const std::string &label : labelsOf(runsOn))
    for (auto it = platforms.begin(); it != platforms.end(); ++it)
      if (llvm::StringRef(it.key()).equals_insensitive(label) && it->is_string())
        return it->get<std::string>();
  return config_.value("default", name_);
}

llvm::Error LocalProvider::dispatch(const JobInstance &job, llvm::StringRef token) {
  const json &req = job.spec;
  const json &spec = req.contains("spec") ? req["spec"] : json::object();
  std::string jobName = req.value("name", job.id);
  bool containerOnHost = config_.value("container_jobs", std::string()) == "host";
  for (const char *unsupported : {"container", "services"})
    if (spec.contains(unsupported) && !spec[unsupported].is_null() &&
        !(containerOnHost && llvm::StringRef(unsupported) == "container"))
      return llvm::createStringError(
          std::errc::not_supported,
          "job '%s' uses `%s:`, which the %s provider does not support: it runs steps on this "
          "machine, not in containers (run it on GitHub, or remove `%s:` to run its steps here%s)",
          jobName.c_str(), unsupported, name_.c_str(), unsupported,
          llvm::StringRef(unsupported) == "container" ? "; --container-jobs host runs them here, ignoring the container"
                                                      : "");
  std::string provider = providerFor(spec.value("runs_on", json()));
  if (provider != "local" && provider != "sandbox")
    return llvm::createStringError(std::errc::invalid_argument,
                                   "--platform maps the labels of job '%s' to \"%s\"; use local or sandbox",
                                   jobName.c_str(), provider.c_str());

  // The run's contexts, read once per workflow execution (its input holds the workflow).
  auto cached = runs_.find(job.execution);
  if (cached == runs_.end()) {
    llvm::Expected<std::optional<ExecutionRecord>> exec = executions::byName(store_, job.execution);
    if (!exec)
      return exec.takeError();
    json r = *exec ? (*exec)->input.value("run", json::object()) : json::object();
    cached = runs_.emplace(job.execution, std::move(r)).first;
  }
  const json &run = cached->second;
  int64_t runId = run.value("id", int64_t(0));
  std::string root = execRootOf(store_);
  std::string dirName = jobDirName(job.id, job.attempt);
  std::filesystem::path runDir = runDirOf(store_.path(), runId);
  std::filesystem::path jobDir = runDir / "jobs" / dirName;
  std::filesystem::path logsDir = runDir / "logs" / dirName;
  std::filesystem::path workDir = runDir / "work" / dirName;
  std::error_code ec;
  for (const auto &d : {jobDir, logsDir, workDir, jobDir / "tmp"})
    if (std::filesystem::create_directories(d, ec); ec)
      return fsError("cannot create " + d.string(), ec);

  json desc{{"store", std::filesystem::absolute(store_.path(), ec).string()},
            {"token", token.str()},
            {"execution", job.execution},
            {"instance", job.id},
            {"attempt", job.attempt},
            {"run_id", runId},
            {"run_attempt", run.value("attempt", 1)},
            {"provider", provider},
            {"request", req},
            {"github", run.value("github", json::object())},
            {"inputs", req.contains("inputs") ? req["inputs"] : run.value("inputs", json::object())},
            {"call_secrets", req.value("call_secrets", json::array())},
            {"vars", run.value("vars", json::object())},
            {"repo", config_.value("repo", std::string())},
            {"root", root},
            {"run_dir", runDir.string()},
            {"job_dir", jobDir.string()},
            {"logs_dir", logsDir.string()},
            {"workspace", workDir.string()},
            {"action_cache", config_.value("action_cache", std::string())},
            {"skip_missing_actions", config_.value("skip_missing_actions", false)},
            {"sandbox_network", config_.value("sandbox_network", false)},
            {"cancel_grace_ms", config_.value("cancel_grace_ms", int64_t(7500))},
            {"container_jobs", config_.value("container_jobs", std::string("refuse"))}};
  std::string jobFile = (jobDir / "job.json").string();
  {
    std::string tmp = jobFile + ".tmp";
    std::ofstream out(tmp, std::ios::trunc);
    out << toJsonText(desc);
    out.close();
    if (!out)
      return llvm::createStringError(std::errc::io_error, "cannot write %s", tmp.c_str());
    std::filesystem::rename(tmp, jobFile, ec);
    if (ec)
      return fsError("cannot write " + jobFile, ec);
  }
  JobKey key{job.execution, job.id, job.attempt};
  if (llvm::Error e = execdb::upsertDispatch(store_, key, runId, token.str(), provider, jobName,
                                             jobDir.string(), clock_.now()))
    return e;
  std::string marker = (jobDir / "started").string();
  int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST)
      return llvm::Error::success(); // started by an earlier dispatch of this attempt
    return llvm::createStringError(std::error_code(errno, std::generic_category()), "cannot create %s",
                                   marker.c_str());
  }
  ::close(fd);
  std::string exe = supervisorPath(config_);
  if (::access(exe.c_str(), X_OK) != 0) {
    std::filesystem::remove(marker, ec);
    return llvm::createStringError(std::errc::no_such_file_or_directory,
                                   "the job supervisor %s is missing (it is built next to ci-exec)",
                                   exe.c_str());
  }
  return spawnDetached(exe, jobFile, (logsDir / "supervisor.log").string());
}

llvm::Error LocalProvider::cancel(const JobInstance &job) {
  JobKey key{job.execution, job.id, job.attempt};
  llvm::Expected<std::optional<ExecJobRecord>> row = execdb::findJob(store_, key);
  if (!row)
    return row.takeError();
  if (!*row)
    return llvm::Error::success();
  // The file covers a supervisor that has not installed its handlers yet.
  std::ofstream((std::filesystem::path((*row)->dir) / "cancel").string()) << "cancel\n";
  if ((*row)->pid && ((*row)->state == "running" || (*row)->state == "starting"))
    ::kill(static_cast<pid_t>(*(*row)->pid), SIGINT);
  return llvm::Error::success();
}

llvm::Expected<std::optional<TimeMs>> LocalCompletions::nextDue() {
  Statement &s = store_.stmt("SELECT MIN(CASE WHEN state = 'completed' THEN 0 ELSE heartbeat_ms END) "
                             "FROM exec_jobs WHERE state IN ('starting', 'running', 'completed')");
  llvm::Expected<bool> row = s.step();
  if (!row) {
    s.reset();
    return row.takeError();
  }
  std::optional<TimeMs> min = s.optInt64(0);
  s.reset();
  if (!min)
    return std::nullopt;
  return *min == 0 ? clock_.now() : *min + staleMs_;
}

llvm::Error LocalCompletions::deliverDue(Engine &engine, TimeMs now) {
  reapSupervisors(); // an exited supervisor is not alive for kill(pid, 0) below
  llvm::Expected<std::vector<ExecJobRecord>> rows = execdb::undelivered(store_, now - staleMs_);
  if (!rows)
    return rows.takeError();
  for (const ExecJobRecord &r : *rows) {
    json report;
    if (r.state == "completed" && r.report) {
      report = json::parse(*r.report, nullptr, false);
    } else {
      std::optional<int64_t> pid = r.pid;
      if (!pid) { // not in the store yet: the supervisor's pid file
        std::ifstream in((std::filesystem::path(r.dir) / "pid").string());
        int64_t p = 0;
        if (in >> p && p > 0)
          pid = p;
      }
      if (pid && ::kill(static_cast<pid_t>(*pid), 0) == 0)
        continue; // alive but slow to heartbeat (a long turn holds the store, a busy disk): wait
      report = json{{"conclusion", "failure"},
                    {"outputs", json::object()},
                    {"error", r.pid ? "the job supervisor stopped (pid " + std::to_string(*r.pid) +
                                          ") without reporting"
                                    : std::string("the job supervisor did not start")}};
    }
    llvm::Error e = ci::ignoreSettled(engine.completeCallback(r.token, report));
    if (e)
      e = llvm::handleErrors(std::move(e), [](const llvm::ErrorInfoBase &info) -> llvm::Error {
        if (info.convertToErrorCode() == std::errc::invalid_argument)
          return llvm::Error::success(); // its token is gone (a re-dispatch refreshes it)
        return llvm::createStringError(info.convertToErrorCode(), "%s", info.message().c_str());
      });
    if (e)
      return e;
    if (llvm::Error m = store_.transact([&]() -> llvm::Error {
          if (!r.report)
            if (llvm::Error w = store_
                                    .stmt("UPDATE exec_jobs SET report = ?, finished_ms = ? WHERE execution = ? "
                                          "AND instance = ? AND attempt = ?")
                                    .bind(1, toJsonText(report))
                                    .bind(2, now)
                                    .bind(3, r.key.execution)
                                    .bind(4, r.key.instance)
                                    .bind(5, int64_t(r.key.attempt))
                                    .run())
              return w;
          return execdb::markDelivered(store_, r.key);
        }))
      return m;
  }
  return llvm::Error::success();
}

void registerLocalProviders(ProviderRegistry &registry, Store &store, const Clock &clock) {
  if (llvm::Error e = ensureExecSchema(store))
    llvm::consumeError(std::move(e)); // reported by the first dispatch that writes the table
  for (const char *name : {"local", "sandbox"}) {
    std::string n = name;
    registry.add(n, [n, &store, &clock](const json &config) -> llvm::Expected<std::unique_ptr<ComputeProvider>> {
      json c = config.is_object() ? config : json::object();
      if (!c.contains("default"))
        c["default"] = n;
      return std::make_unique<LocalProvider>(n, std::move(c), store, clock);
    });
  }
  // CI_EXEC_HEARTBEAT_STALE_MS shortens the wait for a dead supervisor (tests).
  int64_t staleMs = 30'000;
  if (const char *v = std::getenv("CI_EXEC_HEARTBEAT_STALE_MS"))
    if (int64_t ms = std::atoll(v); ms > 0)
      staleMs = ms;
  registry.addSource(std::make_unique<LocalCompletions>(store, clock, staleMs));
}

} // namespace runtime
