// The job supervisor: contexts, steps, records, file and workflow commands, report.
#include "runtime/supervisor_job.h"

#include "runtime/ci_state.h"
#include "runtime/hash_files.h"
#include "runtime/workflow_model.h"

#include "frontend/template_parser.h"
#include "ir/expr_eval.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

extern char **environ;

namespace runtime {

namespace fs = std::filesystem;

namespace {

TimeMs wallMs() { return RealClock().now(); }

int64_t steadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string readText(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string str(const json &j, const char *key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

std::string firstLine(llvm::StringRef s) {
  s = s.ltrim("\r\n\t ");
  return s.substr(0, s.find('\n')).rtrim("\r").str();
}

/// argv of a `shell:` value for `script` (gha-semantics §1.6); "" error on success.
std::vector<std::string> shellArgv(const std::string &shell, const std::string &script, const std::string &path,
                                   std::string &error) {
  auto need = [&](const char *prog) {
    std::string p = findOnPath(prog, path);
    if (p.empty())
      error = std::string("shell '") + (shell.empty() ? "bash" : shell) + "' needs " + prog +
              ", which is not on this machine's PATH";
    return p;
  };
  if (shell.empty()) {
    std::string bash = findOnPath("bash", path);
    if (!bash.empty())
      return {bash, "-e", script};
    return {need("sh"), "-e", script};
  }
  if (shell == "bash")
    return {need("bash"), "--noprofile", "--norc", "-eo", "pipefail", script};
  if (shell == "sh")
    return {need("sh"), "-e", script};
  if (shell == "python") {
    std::string py = findOnPath("python", path);
    if (py.empty())
      py = need("python3");
    return {py, script};
  }
  if (shell == "pwsh")
    return {need("pwsh"), "-command", ". '" + script + "'"};
  if (shell == "powershell" || shell == "cmd") {
    error = "shell '" + shell + "' exists on Windows runners only";
    return {};
  }
  if (shell.find("{0}") == std::string::npos) {
    error = "custom shell '" + shell + "' must contain {0}, where the script path goes";
    return {};
  }
  std::vector<std::string> argv;
  llvm::SmallVector<llvm::StringRef, 8> words;
  llvm::StringRef(shell).split(words, ' ', -1, false);
  for (llvm::StringRef w : words) {
    std::string s = w.str();
    if (size_t p = s.find("{0}"); p != std::string::npos)
      s.replace(p, 3, script);
    argv.push_back(s);
  }
  std::string prog = findOnPath(argv[0], path);
  if (prog.empty()) {
    error = "custom shell program '" + argv[0] + "' is not on this machine's PATH";
    return {};
  }
  argv[0] = prog;
  return argv;
}

std::string scriptExtension(const std::string &shell) {
  if (shell == "python")
    return ".py";
  if (shell == "pwsh")
    return ".ps1";
  return ".sh";
}

std::string uniqueName() {
  static int counter = 0;
  return std::to_string(::getpid()) + "_" + std::to_string(++counter);
}

} // namespace

JobRunner::JobRunner(json desc) : desc_(std::move(desc)) {
  request_ = desc_.value("request", json::object());
  spec_ = request_.value("spec", json::object());
  key_ = JobKey{str(desc_, "execution"), str(desc_, "instance"), desc_.value("attempt", 1)};
  runId_ = desc_.value("run_id", int64_t(0));
  workspace_ = str(desc_, "workspace");
  jobDir_ = str(desc_, "job_dir");
  logsDir_ = str(desc_, "logs_dir");
  tmp_ = jobDir_ + "/tmp";
  sandbox_ = str(desc_, "provider") == "sandbox";
  const char *p = std::getenv("PATH");
  hostPath_ = p ? p : "/usr/local/bin:/usr/bin:/bin";
}

ir::Value JobRunner::contexts(const StepScope &scope, const EnvMap &env) const {
  ir::ValueObject o;
  for (const auto &e : base_.getObject())
    o.set(e.key, e.value);
  ir::ValueObject envObj;
  for (const auto &[k, v] : env)
    envObj.set(k, ir::Value::string(v));
  o.set("env", ir::Value::object(std::move(envObj)));
  o.set("steps", jsonToValue(scope.steps));
  o.set("inputs", scope.inputs);
  ir::ValueObject job;
  job.set("status", ir::Value::string(status_));
  job.set("container", ir::Value::object());
  job.set("services", ir::Value::object());
  o.set("job", ir::Value::object(std::move(job)));
  if (scope.composite) {
    const ir::Value *g = base_.find("github");
    ir::ValueObject gh;
    if (g && g->isObject())
      for (const auto &e : g->getObject())
        gh.set(e.key, e.value);
    gh.set("action_path", ir::Value::string(scope.actionPath));
    gh.set("action_repository", ir::Value::string(scope.actionRepo));
    gh.set("action_status", ir::Value::string(scope.status));
    o.set("github", ir::Value::object(std::move(gh)));
  }
  return ir::Value::object(std::move(o));
}

namespace {

/// Step-level expressions: the status functions and hashFiles (gha-semantics §1.6).
frontend::ExprParseOptions stepParseOptions() {
  frontend::ExprParseOptions o;
  o.extraFunctions = {{"success", 0, 0}, {"failure", 0, 0}, {"cancelled", 0, 0}, {"always", 0, 0},
                      {"hashFiles", 1, 255}};
  return o;
}

/// Parsed templates and conditions by source text (steps repeat them across legs and
/// composite actions).
std::shared_ptr<const ir::Template> parsed(const std::string &text, bool condition, std::string &error) {
  static std::map<std::string, std::shared_ptr<const ir::Template>> cache[2];
  auto &c = cache[condition ? 1 : 0];
  auto it = c.find(text);
  if (it != c.end())
    return it->second;
  std::vector<frontend::TemplateError> errors;
  ir::Template t = condition ? frontend::parseBareExpression(text, stepParseOptions(), errors)
                             : frontend::parseTemplate(text, stepParseOptions(), errors);
  if (!errors.empty()) {
    error = errors.front().message + " in \"" + text + "\"";
    return nullptr;
  }
  auto p = std::make_shared<const ir::Template>(std::move(t));
  c.emplace(text, p);
  return p;
}

} // namespace

bool JobRunner::evalString(const json &tmpl, const ir::Value &ctx, std::string &out, std::string &error) const {
  if (tmpl.is_null()) {
    out.clear();
    return true;
  }
  if (!tmpl.is_string()) {
    out = tmpl.is_boolean() ? (tmpl.get<bool>() ? "true" : "false") : tmpl.dump();
    return true;
  }
  const std::string &text = tmpl.get_ref<const std::string &>();
  if (text.find("${{") == std::string::npos) {
    out = text;
    return true;
  }
  std::shared_ptr<const ir::Template> t = parsed(text, false, error);
  if (!t)
    return false;
  ir::FunctionTableHost host;
  addHashFilesFunction(host, workspace_);
  ir::EvalOptions opts;
  opts.host = &host;
  ir::EvalResult r = ir::evaluateTemplate(*t, ctx, opts);
  if (r.error) {
    error = r.error->message;
    return false;
  }
  out = r.value.toString();
  return true;
}

bool JobRunner::evalCondition(const std::string &cond, const ir::Value &ctx, const std::string &status, bool &out,
                              std::string &error) const {
  std::shared_ptr<const ir::Template> t = parsed(cond.empty() ? "success()" : cond, true, error);
  if (!t)
    return false;
  ir::FunctionTableHost host;
  host.setConstant("success", ir::Value::boolean(status == "success"));
  host.setConstant("failure", ir::Value::boolean(status == "failure"));
  host.setConstant("cancelled", ir::Value::boolean(status == "cancelled"));
  host.setConstant("always", ir::Value::boolean(true));
  addHashFilesFunction(host, workspace_);
  ir::EvalOptions opts;
  opts.host = &host;
  ir::EvalResult r = ir::evaluateTemplate(*t, ctx, opts);
  if (r.error) {
    error = r.error->message;
    return false;
  }
  out = r.value.truthy();
  return true;
}

void JobRunner::log(llvm::StringRef line) {
  if (logFd_ < 0)
    return;
  std::string s = masker_.apply(line);
  s += '\n';
  (void)!::write(logFd_, s.data(), s.size());
}

void JobRunner::annotate(const std::string &level, const std::string &message, const std::string &file, int line,
                         int col, const std::string &title) {
  log("##[" + level + "]" + message);
  execdb::Annotation a;
  a.level = level;
  a.message = masker_.apply(message);
  a.file = masker_.apply(file);
  a.title = masker_.apply(title);
  a.line = line;
  a.col = col;
  if (llvm::Error e = execdb::addAnnotation(*store_, row_, a))
    std::fprintf(stderr, "ci-exec-supervisor: %s\n", llvm::toString(std::move(e)).c_str());
}

void JobRunner::addPost(std::string name, std::string condition, std::function<StepBody()> body) {
  posts_.push_back(Post{std::move(name), std::move(condition), std::move(body)});
}

int JobRunner::beginRecord(const std::string &id, const std::string &name, const std::string &kind) {
  row_ = execdb::StepRow();
  row_.runId = runId_;
  row_.key = key_;
  row_.index = ++records_;
  row_.stepId = id;
  row_.name = masker_.apply(name);
  row_.kind = kind;
  std::string file = std::to_string(row_.index) + ".log";
  row_.log = "logs/" + fs::path(logsDir_).filename().string() + "/" + file;
  logFd_ = ::open((logsDir_ + "/" + file).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  currentStep_ = row_.name;
  if (llvm::Error e = execdb::stepStarted(*store_, row_, wallMs()))
    std::fprintf(stderr, "ci-exec-supervisor: %s\n", llvm::toString(std::move(e)).c_str());
  return row_.index;
}

void JobRunner::endRecord(const std::string &outcome, const std::string &conclusion, const std::string &error) {
  row_.outcome = outcome;
  row_.conclusion = conclusion;
  row_.error = masker_.apply(error);
  if (llvm::Error e = execdb::stepFinished(*store_, row_, wallMs()))
    std::fprintf(stderr, "ci-exec-supervisor: %s\n", llvm::toString(std::move(e)).c_str());
  if (logFd_ >= 0)
    ::close(logFd_);
  logFd_ = -1;
}

void JobRunner::tick() {
  int64_t now = steadyMs();
  if (now - lastBeat_ < 2000)
    return;
  lastBeat_ = now;
  if (llvm::Error e = execdb::heartbeat(*store_, key_, currentStep_, wallMs()))
    std::fprintf(stderr, "ci-exec-supervisor: heartbeat: %s\n", llvm::toString(std::move(e)).c_str());
}

EnvMap JobRunner::processEnv(const EnvMap &stepEnv) const {
  EnvMap env;
  for (char **e = environ; *e; ++e) {
    llvm::StringRef kv(*e);
    auto [k, v] = kv.split('=');
    env[k.str()] = v.str();
  }
  const json &gh = desc_.value("github", json::object());
  auto ghs = [&](const char *k) { return str(gh, k); };
  env["CI"] = "true";
  env["GITHUB_ACTIONS"] = "true";
  env["GITHUB_WORKSPACE"] = workspace_;
  env["GITHUB_EVENT_PATH"] = jobDir_ + "/event.json";
  env["GITHUB_EVENT_NAME"] = ghs("event_name");
  env["GITHUB_SHA"] = ghs("sha");
  env["GITHUB_REF"] = ghs("ref");
  env["GITHUB_REF_NAME"] = ghs("ref_name");
  env["GITHUB_REF_TYPE"] = ghs("ref_type");
  env["GITHUB_HEAD_REF"] = ghs("head_ref");
  env["GITHUB_BASE_REF"] = ghs("base_ref");
  env["GITHUB_REPOSITORY"] = ghs("repository");
  env["GITHUB_REPOSITORY_OWNER"] = ghs("repository_owner");
  env["GITHUB_ACTOR"] = ghs("actor");
  env["GITHUB_TRIGGERING_ACTOR"] = ghs("actor");
  env["GITHUB_WORKFLOW"] = ghs("workflow");
  env["GITHUB_WORKFLOW_REF"] = ghs("workflow_ref");
  env["GITHUB_RUN_ID"] = ghs("run_id");
  env["GITHUB_RUN_NUMBER"] = ghs("run_number");
  env["GITHUB_RUN_ATTEMPT"] = ghs("run_attempt");
  env["GITHUB_JOB"] = str(request_, "local_id");
  env["GITHUB_SERVER_URL"] = gh.value("server_url", std::string("https://github.com"));
  env["GITHUB_API_URL"] = gh.value("api_url", std::string("https://api.github.com"));
  env["GITHUB_GRAPHQL_URL"] = gh.value("graphql_url", std::string("https://api.github.com/graphql"));
  env["GITHUB_RETENTION_DAYS"] = "90";
  env["RUNNER_OS"] = "Linux";
  env["RUNNER_ARCH"] = "X64";
  env["RUNNER_NAME"] = "ci-exec";
  env["RUNNER_ENVIRONMENT"] = "self-hosted";
  env["RUNNER_TEMP"] = tmp_;
  env["RUNNER_TOOL_CACHE"] = tmp_ + "/tool-cache";
  env["RUNNER_WORKSPACE"] = fs::path(workspace_).parent_path().string();
  if (debug_)
    env["RUNNER_DEBUG"] = "1";
  for (const auto &[k, v] : globalEnv_)
    env[k] = v;
  for (const auto &[k, v] : stepEnv)
    env[k] = v;
  std::string path;
  for (const std::string &p : extraPath_)
    path += p + ":";
  env["PATH"] = path + (env.count("PATH") ? env["PATH"] : hostPath_);
  return env;
}

void JobRunner::applyCommand(const WorkflowCommand &c, json &outputs, json *state) {
  const std::string &n = c.name;
  auto prop = [&](const char *k) {
    auto it = c.props.find(k);
    return it == c.props.end() ? std::string() : it->second;
  };
  auto num = [&](const char *k) {
    int v = 0;
    llvm::StringRef(prop(k)).getAsInteger(10, v);
    return v;
  };
  if (n == "add-mask") {
    masker_.add(c.message);
  } else if (n == "error" || n == "warning" || n == "notice") {
    annotate(n, c.message, prop("file"), num("line"), num("col"), prop("title"));
  } else if (n == "debug") {
    if (debug_)
      log("##[debug]" + c.message);
  } else if (n == "group") {
    log("##[group]" + c.message);
  } else if (n == "endgroup") {
    log("##[endgroup]");
  } else if (n == "stop-commands") {
    stopToken_ = c.message;
  } else if (n == "set-output") {
    outputs[prop("name")] = c.message;
    annotate("warning", "The `set-output` command is deprecated and will be disabled soon. Please upgrade to "
                        "using Environment Files. For more information see: "
                        "https://github.blog/changelog/2022-10-11-github-actions-deprecating-save-state-and-set-output-commands/");
  } else if (n == "save-state") {
    if (state)
      (*state)[prop("name")] = c.message;
    annotate("warning", "The `save-state` command is deprecated and will be disabled soon. Please upgrade to "
                        "using Environment Files.");
  } else if ((n == "set-env" || n == "add-path") && unsecureCommands_) {
    // ACTIONS_ALLOW_UNSECURE_COMMANDS=true: GitHub's runner still honours the two
    // commands, for the steps that follow (as GITHUB_ENV and GITHUB_PATH do).
    if (n == "add-path") {
      if (!llvm::StringRef(c.message).trim().empty())
        extraPath_.insert(extraPath_.begin(), llvm::StringRef(c.message).trim().str());
    } else if (prop("name").empty()) {
      annotate("error", "Required field 'name' is missing in ##[set-env] command.");
    } else if (prop("name") == "NODE_OPTIONS") {
      annotate("error", "Can't store NODE_OPTIONS output parameter using '::set-env::' command.");
    } else {
      globalEnv_[prop("name")] = c.message;
    }
  } else if (n == "set-env" || n == "add-path") {
    annotate("error", "The `" + n + "` command is disabled. Please upgrade to using Environment Files or opt "
                      "into unsecure command execution by setting the `ACTIONS_ALLOW_UNSECURE_COMMANDS` "
                      "environment variable to `true`.");
  } else if (n == "echo") {
  } else {
    log("::" + n + "::" + c.message);
  }
}

StepBody JobRunner::runProcess(std::vector<std::string> argv, const EnvMap &stepEnv, const std::string &cwd,
                               int64_t timeoutMs, json *state) {
  StepBody body;
  std::string files = jobDir_ + "/files";
  fs::create_directories(files);
  std::string id = uniqueName();
  std::string outputFile = files + "/output_" + id, envFile = files + "/env_" + id,
              pathFile = files + "/path_" + id, summaryFile = files + "/summary_" + id,
              stateFile = files + "/state_" + id;
  for (const std::string &f : {outputFile, envFile, pathFile, summaryFile, stateFile})
    std::ofstream(f, std::ios::trunc);
  EnvMap env = processEnv(stepEnv);
  unsecureCommands_ = llvm::StringRef(env["ACTIONS_ALLOW_UNSECURE_COMMANDS"]).trim().equals_insensitive("true");
  env["GITHUB_OUTPUT"] = outputFile;
  env["GITHUB_ENV"] = envFile;
  env["GITHUB_PATH"] = pathFile;
  env["GITHUB_STEP_SUMMARY"] = summaryFile;
  env["GITHUB_STATE"] = stateFile;
  ProcessSpec ps;
  ps.argv = std::move(argv);
  for (const auto &[k, v] : env)
    ps.env.push_back(k + "=" + v);
  ps.cwd = cwd;
  ps.cancelGraceMs = desc_.value("cancel_grace_ms", int64_t(7500));
  if (deadlineMs_ && !timedOut_ && steadyMs() >= deadlineMs_) {
    // The job's time ran out between steps (or the run cancelled it for that): the
    // steps that still run (`always()`) get GitHub's cancel-timeout-minutes (5).
    timedOut_ = true;
    deadlineMs_ = steadyMs() + 5 * 60'000;
  }
  int64_t remaining = deadlineMs_ ? std::max<int64_t>(deadlineMs_ - steadyMs(), 1) : 0;
  bool jobDeadline = remaining && (timeoutMs == 0 || remaining < timeoutMs);
  ps.timeoutMs = jobDeadline ? remaining : timeoutMs;
  if (!ps.argv.empty() && ps.argv[0].find('/') == std::string::npos) {
    std::string found = findOnPath(ps.argv[0], env["PATH"]);
    if (!found.empty())
      ps.argv[0] = found;
  }
  if (sandbox_) {
    std::vector<std::string> wrapped = {findOnPath("bwrap", hostPath_), "--ro-bind", "/", "/", "--dev", "/dev",
                                        "--proc", "/proc", "--tmpfs", "/tmp", "--bind", workspace_, workspace_,
                                        "--bind", jobDir_, jobDir_, "--unshare-pid", "--die-with-parent"};
    if (!desc_.value("sandbox_network", false))
      wrapped.push_back("--unshare-net");
    if (!cwd.empty()) {
      wrapped.push_back("--chdir");
      wrapped.push_back(cwd);
    }
    wrapped.push_back("--");
    for (std::string &a : ps.argv)
      wrapped.push_back(std::move(a));
    ps.argv = std::move(wrapped);
    if (ps.argv[0].empty()) {
      body.outcome = "failure";
      body.error = "the sandbox provider needs bubblewrap (bwrap), which is not installed";
      annotate("error", body.error);
      return body;
    }
  }
  ProcessHooks hooks;
  hooks.onTick = [this] { tick(); };
  hooks.stopOnCancel = [this] { return !runsWhenCancelled_; };
  hooks.onLine = [&](llvm::StringRef line) {
    if (!stopToken_.empty()) {
      if (line.trim() == "::" + stopToken_ + "::")
        stopToken_.clear();
      else
        log(line);
      return;
    }
    if (std::optional<WorkflowCommand> c = parseWorkflowCommand(line))
      applyCommand(*c, body.outputs, state);
    else
      log(line);
  };
  ProcessOutcome po = runStepProcess(ps, hooks, leftovers_);
  stopToken_.clear();
  if (!po.error.empty()) {
    body.outcome = "failure";
    body.error = po.error;
    annotate("error", po.error);
  } else if (po.timedOut && jobDeadline) {
    body.outcome = "cancelled";
    timedOut_ = true;
    // The steps that run when cancelled (`always()`) still run, within GitHub's
    // cancel-timeout-minutes (default 5) from now.
    deadlineMs_ = steadyMs() + 5 * 60'000;
    requestCancel();
    body.error = "the job has exceeded its timeout-minutes and was cancelled";
    annotate("error", "The job has exceeded the maximum execution time of " +
                          std::to_string(request_.value("timeout_minutes", 360.0)) + " minutes.");
  } else if (po.timedOut) {
    body.outcome = "failure";
    body.error = "the step has timed out after " + std::to_string(timeoutMs / 60000.0) + " minutes";
    annotate("error", "The action '" + currentStep_ + "' has timed out after " +
                          llvm::formatv("{0}", timeoutMs / 60000.0).str() + " minutes.");
  } else if (po.cancelled) {
    body.outcome = "cancelled";
    body.error = "the step was cancelled";
    annotate("error", "The operation was canceled.");
  } else if (po.exitCode != 0) {
    body.outcome = "failure";
    body.error = po.signal ? "the process was killed by signal " + std::to_string(po.signal)
                           : "Process completed with exit code " + std::to_string(po.exitCode) + ".";
    annotate("error", body.error);
  }
  std::string err;
  for (auto &[k, v] : parseFileCommands(readText(outputFile), err))
    body.outputs[k] = v;
  if (!err.empty())
    annotate("error", "GITHUB_OUTPUT: " + err);
  err.clear();
  for (auto &[k, v] : parseFileCommands(readText(envFile), err))
    globalEnv_[k] = v;
  if (!err.empty())
    annotate("error", "GITHUB_ENV: " + err);
  if (state) {
    err.clear();
    for (auto &[k, v] : parseFileCommands(readText(stateFile), err))
      (*state)[k] = v;
  }
  std::string paths = readText(pathFile);
  llvm::SmallVector<llvm::StringRef, 4> lines;
  llvm::StringRef(paths).split(lines, '\n', -1, false);
  for (llvm::StringRef l : lines)
    if (!l.trim().empty())
      extraPath_.insert(extraPath_.begin(), l.trim().str());
  std::string summary = readText(summaryFile);
  if (!summary.empty()) {
    std::ofstream s(jobDir_ + "/summary.md", std::ios::app);
    s << masker_.apply(summary);
  }
  for (const std::string &f : {outputFile, envFile, pathFile, summaryFile, stateFile})
    ::unlink(f.c_str());
  return body;
}

StepBody JobRunner::runScript(const json &step, const EnvMap &stepEnv, StepScope &scope, const ir::Value &ctx,
                              int64_t timeoutMs) {
  StepBody body;
  std::string script, dir, error;
  if (!evalString(step.value("run", json("")), ctx, script, error)) {
    body.outcome = "failure";
    body.error = "run: " + error;
    annotate("error", body.error);
    return body;
  }
  const json defaults = scope.composite ? json::object() : jobDefaultsRun_;
  // A composite action's step may compute its shell (`${{ inputs.shell }}`); the job's
  // default was evaluated at the start of the job. The value is checked after that.
  std::string shell;
  if (step.contains("shell") && !evalString(step["shell"], ctx, shell, error)) {
    body.outcome = "failure";
    body.error = "shell: " + error;
    annotate("error", body.error);
    return body;
  }
  if (!step.contains("shell"))
    shell = str(defaults, "shell");
  if (shell.empty() && containerOnHost_ && !scope.composite)
    shell = "sh"; // GitHub's default shell inside a job container
  if (scope.composite && !step.contains("shell")) {
    body.outcome = "failure";
    body.error = "a run step of a composite action needs `shell:`";
    annotate("error", body.error);
    return body;
  }
  json dirT = step.contains("working_directory") ? step["working_directory"]
                                                 : (defaults.contains("working_directory") ? defaults["working_directory"] : json());
  if (!evalString(dirT, ctx, dir, error)) {
    body.outcome = "failure";
    body.error = "working-directory: " + error;
    annotate("error", body.error);
    return body;
  }
  std::string cwd = dir.empty() ? workspace_ : (fs::path(dir).is_absolute() ? dir : workspace_ + "/" + dir);
  std::string scriptPath = tmp_ + "/" + uniqueName() + scriptExtension(shell);
  {
    std::ofstream out(scriptPath, std::ios::trunc);
    out << script;
    if (!script.empty() && script.back() != '\n')
      out << '\n';
  }
  EnvMap env = processEnv(stepEnv);
  std::vector<std::string> argv = shellArgv(shell, scriptPath, env["PATH"], error);
  log("##[group]Run " + firstLine(script));
  llvm::SmallVector<llvm::StringRef, 16> lines;
  llvm::StringRef(script).rtrim("\n").split(lines, '\n');
  for (llvm::StringRef l : lines)
    log("##[command]" + l.str());
  if (!argv.empty()) {
    std::string cmd;
    for (const std::string &a : argv)
      cmd += (cmd.empty() ? "" : " ") + a;
    log("shell: " + cmd);
  }
  log("##[endgroup]");
  if (!error.empty()) {
    body.outcome = "failure";
    body.error = error;
    annotate("error", error);
    return body;
  }
  body = runProcess(std::move(argv), stepEnv, cwd, timeoutMs);
  ::unlink(scriptPath.c_str());
  return body;
}

} // namespace runtime
