// ci-exec: runs workflows on the built-in replaying runtime. This file only parses flags.
#include "backend/graph_dot.h"
#include "runtime/ci_commands.h"
#include "runtime/exec_commands.h"
#include "runtime/run_logs.h"
#include "runtime/run_report.h"
#include "runtime/step_commands.h"
#include "runtime/workflow_compiler.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace runtime;

namespace {

const char *kUsage =
    "usage: ci-exec <command> [options]\n"
    "\n"
    "commands:\n"
    "  run FILE|DIR|PLAN.json [--event NAME] [--event-path PAYLOAD.json] [--provider sim|local|sandbox]\n"
    "      [--scenario S.json] [--virtual-time] [--input k=v]... [--var k=v]... [--secret k=v]...\n"
    "      [--secrets-file .env] [--platform LABEL=local|sandbox]... [--action-cache DIR]\n"
    "      [--skip-missing-actions] [--sandbox-network] [--cancel-grace-ms N] [-j|--jobs N]\n"
    "      [--actor LOGIN] [--repository OWNER/NAME] [--container-jobs refuse|host]\n"
    "      [--op-budget N] [--plain] [--quiet]\n"
    "                      run the workflows the event triggers and wait for the run's end;\n"
    "                      progress on stderr (live on a terminal, else one line per event;\n"
    "                      --plain: line by line; --quiet: none), then a summary table;\n"
    "                      -j/--jobs: at most N jobs of a workflow at once, the others queued\n"
    "                      (local, sandbox: default twice the number of cores; sim: no limit)\n"
    "  status [RUN]        the runs, or one run's jobs\n"
    "  logs RUN [--job J] [--step S] [--follow] [--no-fold]\n"
    "                      step logs (groups folded on a terminal); --follow streams them\n"
    "  report RUN [-o FILE.html]\n"
    "                      a self-contained HTML page: job graph, timeline, steps, logs\n"
    "  cancel RUN [--job JOB]\n"
    "                      cancel a run (always() jobs still run), or one job of it\n"
    "  retry RUN (--job JOB | --failed)\n"
    "                      re-run a job (or the failed ones) now, or as a new attempt of a finished run\n"
    "  callback TOKEN (--success JSON | --failure MESSAGE | --heartbeat)\n"
    "                      complete, fail or heartbeat a callback; a running ci-exec wakes up\n"
    "  inspect RUN [--attempt N] | EXECUTION\n"
    "                      the journals of a run's executions, or of one execution by name\n"
    "                      (a table, or JSON with --json)\n"
    "  resume [--no-wait] [--op-budget N]\n"
    "                      re-run unfinished executions from their journal and drive them to the end\n"
    "  runs [--limit N]    execution history, newest first\n"
    "\n"
    "options for every command:\n"
    "  --store PATH        the state database (default .ci-exec/state.db in the repository)\n"
    "  --json              machine-readable output\n"
    "\n"
    "exit codes: 0 done (run, retry: the run succeeded), 1 refused or failed (run, retry: the\n"
    "            run concluded failure or cancelled; cancel: the run had already completed),\n"
    "            2 usage, 3 internal error\n";

int usage(const std::string &message) {
  std::fprintf(stderr, "ci-exec: %s\n%s", message.c_str(), kUsage);
  return ExitUsage;
}

int emit(const CommandResult &r) {
  std::fputs(r.out.c_str(), stdout);
  std::fputs(r.err.c_str(), stderr);
  return r.exitCode;
}

/// Parsed options shared by every command.
struct Args {
  std::vector<std::string> positional;
  std::string store;
  bool json = false;
  std::vector<std::pair<std::string, std::string>> valued; ///< --flag VALUE
  std::vector<std::string> flags;                          ///< --flag
  std::string error;

  const std::string *value(const char *name) const {
    for (auto &[k, v] : valued)
      if (k == name)
        return &v;
    return nullptr;
  }
  std::vector<std::string> values(const char *name) const {
    std::vector<std::string> out;
    for (auto &[k, v] : valued)
      if (k == name)
        out.push_back(v);
    return out;
  }
  bool flag(const char *name) const {
    for (auto &f : flags)
      if (f == name)
        return true;
    return false;
  }
};

Args parse(int argc, char **argv, const std::vector<std::string> &withValue,
           const std::vector<std::string> &plain) {
  Args a;
  for (int i = 2; i < argc; ++i) {
    std::string s = argv[i];
    if (s == "--json") {
      a.json = true;
    } else if (s == "--store") {
      if (i + 1 >= argc)
        return a.error = "--store needs a path", a;
      a.store = argv[++i];
    } else if (s.rfind("--", 0) == 0) {
      std::string name = s, inline_value;
      bool hasInline = false;
      if (size_t eq = s.find('='); eq != std::string::npos) {
        name = s.substr(0, eq);
        inline_value = s.substr(eq + 1);
        hasInline = true;
      }
      if (std::find(withValue.begin(), withValue.end(), name) != withValue.end()) {
        if (!hasInline && i + 1 >= argc)
          return a.error = name + " needs a value", a;
        a.valued.push_back({name, hasInline ? inline_value : argv[++i]});
      } else if (std::find(plain.begin(), plain.end(), name) != plain.end() && !hasInline) {
        a.flags.push_back(name);
      } else {
        return a.error = "unknown option " + s, a;
      }
    } else {
      a.positional.push_back(s);
    }
  }
  if (a.store.empty())
    a.store = defaultStorePath();
  return a;
}

bool parseCount(const std::string *text, int64_t &out) {
  if (!text)
    return true;
  char *end = nullptr;
  long long v = std::strtoll(text->c_str(), &end, 10);
  if (text->empty() || *end || v <= 0)
    return false;
  out = v;
  return true;
}

/// --input k=v (repeatable) into pairs; false on a malformed one.
bool keyValues(const Args &a, const char *flag, KeyValues &out, std::string &error) {
  for (const std::string &kv : a.values(flag)) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      error = std::string(flag) + " needs KEY=VALUE, got '" + kv + "'";
      return false;
    }
    out.push_back({kv.substr(0, eq), kv.substr(eq + 1)});
  }
  return true;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2)
    return usage("a command is needed");
  std::string command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(kUsage, stdout);
    return ExitOk;
  }
  if (command == "run") {
    // -j N and -jN, as make has them: --jobs.
    std::vector<std::string> jobsArgs;
    for (int i = 2; i < argc; ++i)
      if (std::strcmp(argv[i], "-j") == 0)
        argv[i] = const_cast<char *>("--jobs");
      else if (std::strncmp(argv[i], "-j", 2) == 0)
        argv[i] = const_cast<char *>(jobsArgs.emplace_back("--jobs=" + std::string(argv[i] + 2)).c_str());
    Args a = parse(argc, argv,
                   {"--event", "--event-path", "--provider", "--scenario", "--input", "--var", "--secret", "--op-budget",
                    "--secrets-file", "--platform", "--action-cache", "--cancel-grace-ms", "--actor", "--repository",
                    "--container-jobs", "--jobs"},
                   {"--virtual-time", "--skip-missing-actions", "--sandbox-network", "--plain", "--quiet"});
    if (!a.error.empty())
      return usage(a.error);
    if (a.positional.size() != 1)
      return usage("run needs exactly one FILE, DIR or PLAN.json");
    RunCommand cmd;
    cmd.store = a.store;
    cmd.source = a.positional[0];
    cmd.json = a.json;
    cmd.virtualTime = a.flag("--virtual-time");
    cmd.summary = true;
    if (!a.json && !a.flag("--quiet"))
      cmd.progress = a.flag("--plain") ? ProgressMode::Plain : defaultProgressMode(stderr);
    cmd.color = cmd.progress == ProgressMode::Live && !std::getenv("NO_COLOR");
    if (const std::string *v = a.value("--event"))
      cmd.event = *v;
    if (const std::string *v = a.value("--event-path"))
      cmd.eventPath = *v;
    if (const std::string *v = a.value("--provider"))
      cmd.provider = *v;
    if (const std::string *v = a.value("--scenario"))
      cmd.scenarioPath = *v;
    if (!parseCount(a.value("--op-budget"), cmd.opBudget))
      return usage("--op-budget needs a positive number");
    std::string error;
    if (!keyValues(a, "--input", cmd.inputs, error) || !keyValues(a, "--var", cmd.vars, error) ||
        !keyValues(a, "--secret", cmd.secrets, error) || !keyValues(a, "--platform", cmd.platforms, error))
      return usage(error);
    for (const auto &[label, provider] : cmd.platforms)
      if (provider != "local" && provider != "sandbox")
        return usage("--platform " + label + "=" + provider + ": the provider must be local or sandbox");
    if (!cmd.platforms.empty() && !a.value("--provider"))
      cmd.provider = "local";
    if (const std::string *f = a.value("--secrets-file")) {
      std::FILE *in = std::fopen(f->c_str(), "rb");
      if (!in)
        return usage("--secrets-file: cannot read " + *f);
      std::string text;
      char buf[4096];
      for (size_t n; (n = std::fread(buf, 1, sizeof buf, in)) > 0;)
        text.append(buf, n);
      std::fclose(in);
      std::vector<std::pair<std::string, std::string>> parsed = parseDotenv(text, error);
      if (!error.empty())
        return usage("--secrets-file " + *f + ": " + error);
      // --secret wins over the file.
      parsed.insert(parsed.end(), cmd.secrets.begin(), cmd.secrets.end());
      cmd.secrets = std::move(parsed);
    }
    if (const std::string *v = a.value("--actor")) {
      if (v->empty())
        return usage("--actor needs a login");
      cmd.actor = *v;
    }
    if (const std::string *v = a.value("--repository")) {
      auto [owner, name] = llvm::StringRef(*v).split('/');
      if (owner.empty() || name.empty() || name.contains('/'))
        return usage("--repository needs OWNER/NAME, not \"" + *v + "\"");
      cmd.repository = *v;
    }
    if (const std::string *v = a.value("--container-jobs")) {
      if (*v != "refuse" && *v != "host")
        return usage("--container-jobs must be refuse (the default) or host, not \"" + *v + "\"");
      cmd.containerJobs = *v;
    }
    if (const std::string *v = a.value("--action-cache"))
      cmd.actionCache = *v;
    cmd.skipMissingActions = a.flag("--skip-missing-actions");
    cmd.sandboxNetwork = a.flag("--sandbox-network");
    int64_t grace = 0;
    if (a.value("--cancel-grace-ms")) {
      if (!parseCount(a.value("--cancel-grace-ms"), grace))
        return usage("--cancel-grace-ms needs a positive number");
      cmd.cancelGraceMs = grace;
    }
    if (a.value("--jobs") && !parseCount(a.value("--jobs"), cmd.maxJobs))
      return usage("--jobs needs a positive number (at most that many jobs run at once)");
    bool local = cmd.provider == "local" || cmd.provider == "sandbox";
    if (!local && (a.value("--action-cache") || cmd.skipMissingActions || cmd.sandboxNetwork || !cmd.platforms.empty() ||
                   a.value("--container-jobs")))
      return usage("--platform, --action-cache, --skip-missing-actions, --sandbox-network and --container-jobs are for "
                   "--provider local or sandbox");
    return emit(runRunCommand(cmd, makeWorkflowFileCompiler()));
  }
  if (command == "logs") {
    Args a = parse(argc, argv, {"--job", "--step"}, {"--follow", "--no-fold"});
    if (!a.error.empty())
      return usage(a.error);
    if (a.positional.size() != 1)
      return usage("logs needs exactly one RUN");
    LogsCommand cmd;
    cmd.store = a.store;
    cmd.run = a.positional[0];
    if (const std::string *v = a.value("--job"))
      cmd.job = *v;
    if (const std::string *v = a.value("--step"))
      cmd.step = *v;
    cmd.follow = a.flag("--follow");
    cmd.fold = !a.flag("--no-fold") && isatty(STDOUT_FILENO);
    return runLogsCommand(cmd, stdout, stderr);
  }
  if (command == "report") {
    // -o is the one short option: accept it as --output.
    for (int i = 2; i < argc; ++i)
      if (std::strcmp(argv[i], "-o") == 0)
        argv[i] = const_cast<char *>("--output");
    Args a = parse(argc, argv, {"--output"}, {});
    if (!a.error.empty())
      return usage(a.error);
    if (a.positional.size() != 1)
      return usage("report needs exactly one RUN");
    ReportCommand cmd;
    cmd.store = a.store;
    cmd.run = a.positional[0];
    if (const std::string *v = a.value("--output"))
      cmd.output = *v;
    ReportOptions options;
    options.graph = [](const ReportGraph &g) -> llvm::Expected<std::string> {
      backend::GraphModel m;
      m.name = g.name;
      for (const auto &[id, label] : g.clusters)
        m.clusters.push_back({id, label, "", false, false});
      for (const ReportGraph::Node &n : g.nodes)
        m.nodes.push_back({n.id, n.label, n.cluster, n.state, false, n.state == "skipped"});
      for (const ReportGraph::Edge &e : g.edges)
        m.edges.push_back({e.from, e.to, false, false, e.fromCluster, e.toCluster});
      return backend::renderImage(m, "svg");
    };
    return emit(runReportCommand(cmd, options));
  }
  if (command == "status") {
    Args a = parse(argc, argv, {}, {});
    if (!a.error.empty())
      return usage(a.error);
    if (a.positional.size() > 1)
      return usage("status takes at most one RUN");
    return emit(runStatusCommand(a.store, a.positional.empty() ? "" : a.positional[0], a.json));
  }
  if (command == "cancel" || command == "retry") {
    bool retry = command == "retry";
    Args a = parse(argc, argv, {"--job"}, retry ? std::vector<std::string>{"--failed"} : std::vector<std::string>{});
    if (!a.error.empty())
      return usage(a.error);
    if (a.positional.size() != 1)
      return usage(command + " needs exactly one RUN");
    ControlCommand cmd;
    cmd.store = a.store;
    cmd.run = a.positional[0];
    cmd.json = a.json;
    if (const std::string *j = a.value("--job"))
      cmd.job = *j;
    cmd.failed = a.flag("--failed");
    if (retry && cmd.failed == !cmd.job.empty())
      return usage("retry needs exactly one of --job JOB, --failed");
    return emit(retry ? runRetryCommand(cmd, makeWorkflowFileCompiler())
                      : runCancelCommand(cmd, makeWorkflowFileCompiler()));
  }
  if (command == "callback") {
    Args a = parse(argc, argv, {"--success", "--failure"}, {"--heartbeat"});
    if (!a.error.empty())
      return usage(a.error);
    if (a.positional.size() != 1)
      return usage("callback needs exactly one TOKEN");
    int kinds = (a.value("--success") != nullptr) + (a.value("--failure") != nullptr) + a.flag("--heartbeat");
    if (kinds != 1)
      return usage("callback needs exactly one of --success JSON, --failure MESSAGE, --heartbeat");
    CallbackCommand cmd;
    cmd.store = a.store;
    cmd.token = a.positional[0];
    cmd.json = a.json;
    if (const std::string *v = a.value("--success")) {
      cmd.kind = CallbackCommand::Success;
      cmd.payload = *v;
    } else if (const std::string *m = a.value("--failure")) {
      cmd.kind = CallbackCommand::Failure;
      cmd.payload = *m;
    } else {
      cmd.kind = CallbackCommand::Heartbeat;
    }
    RealClock clock;
    return emit(runCallbackCommand(cmd, clock));
  }
  if (command == "inspect") {
    Args a = parse(argc, argv, {"--attempt"}, {});
    if (!a.error.empty())
      return usage(a.error);
    if (a.positional.size() != 1)
      return usage("inspect needs exactly one RUN (number) or EXECUTION (name)");
    int64_t attempt = 0;
    if (!parseCount(a.value("--attempt"), attempt))
      return usage("--attempt needs a positive number");
    return emit(runCiInspectCommand(a.store, a.positional[0], int(attempt), a.json));
  }
  if (command == "runs") {
    Args a = parse(argc, argv, {"--limit"}, {});
    int64_t limit = 50;
    if (!a.error.empty())
      return usage(a.error);
    if (!a.positional.empty() || !parseCount(a.value("--limit"), limit))
      return usage("runs takes no arguments; --limit needs a positive number");
    return emit(runRunsCommand(a.store, limit, a.json));
  }
  if (command == "resume") {
    Args a = parse(argc, argv, {"--op-budget"}, {"--no-wait"});
    if (!a.error.empty())
      return usage(a.error);
    ResumeCommand cmd;
    cmd.store = a.store;
    cmd.json = a.json;
    cmd.noWait = a.flag("--no-wait");
    if (!a.positional.empty() || !parseCount(a.value("--op-budget"), cmd.opBudget))
      return usage("resume takes no arguments; --op-budget needs a positive number");
    return emit(runCiResumeCommand(cmd, makeWorkflowFileCompiler()));
  }
  return usage("unknown command \"" + command + "\"");
}
