// The job supervisor's step loop: if/env/continue-on-error/timeout, post steps, outputs, report.
#include "runtime/supervisor_job.h"

#include "runtime/ci_state.h"
#include "runtime/workflow_model.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace runtime {

namespace fs = std::filesystem;

namespace {

std::string str(const json &j, const char *key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

int64_t steadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// A step's display name when it has none: "Run <first line>" / "Run <uses>".
std::string defaultName(const json &step) {
  if (step.contains("run")) {
    std::string run = str(step, "run");
    llvm::StringRef s = llvm::StringRef(run).ltrim(" \t\r\n");
    return "Run " + s.substr(0, s.find('\n')).rtrim("\r").str();
  }
  if (step.contains("uses"))
    return "Run " + str(step, "uses");
  return str(step, "id");
}

/// The `secrets` a member of reusable calls sees: the run's secrets mapped through
/// each enclosing call's `secrets:` (outermost first): `inherit` passes them all, a
/// mapping passes only the named ones, evaluated over the caller's secrets.
/// `GITHUB_TOKEN` always reaches the callee, as on GitHub.
json calleeSecrets(json secrets, const json &layers) {
  for (const json &layer : layers) {
    if (layer.is_string() && layer.get<std::string>() == "inherit")
      continue;
    json mapped = json::object();
    if (secrets.contains("GITHUB_TOKEN"))
      mapped["GITHUB_TOKEN"] = secrets["GITHUB_TOKEN"];
    ir::ValueObject ctx;
    ctx.set("secrets", jsonToValue(secrets));
    ir::Value contexts = ir::Value::object(std::move(ctx));
    if (layer.is_object())
      for (auto it = layer.begin(); it != layer.end(); ++it) {
        llvm::Expected<PlanExpr> e = PlanExpr::read(it.value(), "secrets." + it.key());
        if (!e) {
          llvm::consumeError(e.takeError());
          continue;
        }
        ir::Value v;
        std::string error;
        if (e->evaluate(contexts, nullptr, v, error) && !v.isNull())
          mapped[it.key()] = v.toString();
      }
    secrets = std::move(mapped);
  }
  return secrets;
}

} // namespace

void JobRunner::runStep(const json &step, size_t position, StepScope &scope) {
  if (!scope.composite)
    topStep_ = position;
  std::string id = str(step, "id");
  EnvMap ctxEnv = globalEnv_;
  for (const auto &[k, v] : scope.env)
    ctxEnv[k] = v;
  ir::Value ctx = contexts(scope, ctxEnv);
  std::string name, error;
  if (!step.contains("name") || !evalString(step["name"], ctx, name, error) || name.empty())
    name = defaultName(step);
  error.clear();
  if (!scope.composite)
    beginRecord(id.empty() ? "step" + std::to_string(position + 1) : id, name, "main");
  else
    log("##[group]" + name);
  if (cancelRequested() && status_ != "cancelled")
    status_ = "cancelled";
  std::string status = status_ == "cancelled" ? status_ : (scope.composite ? scope.status : status_);
  std::string cond = step.contains("if") && step["if"].is_string() ? step["if"].get<std::string>() : "success()";
  bool run = false;
  StepBody body;
  bool condOk = evalCondition(cond, ctx, status, run, error);
  runsWhenCancelled_ = false;
  if (condOk && run) {
    bool rc = false;
    std::string ignored;
    runsWhenCancelled_ = evalCondition(cond, ctx, "cancelled", rc, ignored) && rc;
  }
  bool continueOnError = false;
  if (!condOk) {
    body.outcome = "failure";
    body.error = "the step's if failed to evaluate: " + error;
    annotate("error", body.error);
  } else if (!run) {
    body.outcome = "skipped";
  } else {
    EnvMap stepEnv = scope.env;
    EnvMap envCtx = ctxEnv;
    if (step.contains("env") && step["env"].is_object()) {
      for (auto it = step["env"].begin(); it != step["env"].end() && body.error.empty(); ++it) {
        std::string v;
        if (!evalString(*it, ctx, v, error)) {
          body.outcome = "failure";
          body.error = "env." + it.key() + ": " + error;
        }
        stepEnv[it.key()] = v;
        envCtx[it.key()] = v;
      }
    }
    ir::Value stepCtx = contexts(scope, envCtx);
    std::string coe, tmo;
    if (body.error.empty() && step.contains("continue_on_error")) {
      if (!evalString(step["continue_on_error"], stepCtx, coe, error)) {
        body.outcome = "failure";
        body.error = "continue-on-error: " + error;
      }
      continueOnError = coe == "true";
    }
    int64_t timeoutMs = 0;
    if (body.error.empty() && step.contains("timeout_minutes")) {
      if (!evalString(step["timeout_minutes"], stepCtx, tmo, error)) {
        body.outcome = "failure";
        body.error = "timeout-minutes: " + error;
      } else {
        timeoutMs = static_cast<int64_t>(std::atof(tmo.c_str()) * 60'000.0);
      }
    }
    std::string kind = str(step, "kind");
    if (!body.error.empty())
      annotate("error", body.error);
    else if (step.contains("run"))
      body = runScript(step, stepEnv, scope, stepCtx, timeoutMs);
    else if (step.contains("uses")) {
      json with = json::object();
      if (step.contains("with") && step["with"].is_object())
        for (auto it = step["with"].begin(); it != step["with"].end() && body.error.empty(); ++it) {
          std::string v;
          if (!evalString(*it, stepCtx, v, error)) {
            body.outcome = "failure";
            body.error = "with." + it.key() + ": " + error;
            annotate("error", body.error);
          }
          with[it.key()] = v;
        }
      if (body.error.empty())
        body = runAction(str(step, "uses"), with, stepEnv, scope, timeoutMs);
    } else {
      body.outcome = "failure";
      body.error = "`" + kind + "` steps are not supported by the local provider";
      annotate("error", body.error);
    }
  }
  std::string conclusion = body.outcome == "failure" && continueOnError ? "success" : body.outcome;
  if (!id.empty() && !llvm::StringRef(id).startswith("__"))
    scope.steps[id] = json{{"outputs", body.outputs}, {"outcome", body.outcome}, {"conclusion", conclusion}};
  if (body.outcome == "cancelled")
    status_ = "cancelled";
  if (conclusion == "failure") {
    if (scope.composite)
      scope.status = "failure";
    else if (status_ == "success")
      status_ = "failure";
  }
  if (!scope.composite)
    endRecord(body.outcome, conclusion, body.error);
  else
    log("##[endgroup]");
}

void JobRunner::runSteps(const json &steps, StepScope &scope) {
  if (!steps.is_array())
    return;
  for (size_t i = 0; i < steps.size(); ++i)
    runStep(steps[i], i, scope);
}

json JobRunner::jobOutputs() {
  json out = json::object();
  const json &outputs = request_.value("outputs", json::object());
  if (!outputs.is_object() || outputs.empty())
    return out;
  StepScope scope;
  scope.steps = jobSteps_;
  scope.inputs = jsonToValue(desc_.value("inputs", json::object()));
  ir::Value ctx = contexts(scope, globalEnv_);
  for (auto it = outputs.begin(); it != outputs.end(); ++it) {
    std::string v, error;
    if (!evalString(*it, ctx, v, error)) {
      std::fprintf(stderr, "ci-exec-supervisor: output '%s': %s\n", it.key().c_str(), masker_.apply(error).c_str());
      if (status_ == "success")
        status_ = "failure";
      outputError_ = "output '" + it.key() + "': " + masker_.apply(error);
      continue;
    }
    if (v.empty())
      continue;
    if (masker_.reveals(v)) {
      std::fprintf(stderr, "ci-exec-supervisor: Skip output '%s' since it may contain secret.\n", it.key().c_str());
      continue;
    }
    out[it.key()] = v;
  }
  return out;
}

void JobRunner::report(const json &r) {
  if (llvm::Error e = execdb::complete(*store_, key_, r, RealClock().now()))
    std::fprintf(stderr, "ci-exec-supervisor: cannot report the job: %s\n", llvm::toString(std::move(e)).c_str());
}

int JobRunner::run() {
  installSupervisorSignals();
  startGroupWatcher(); // before the store is opened: SQLite's locks do not survive fork
  std::error_code ec;
  if (fs::exists(jobDir_ + "/cancel", ec))
    requestCancel();
  // The pid file tells a restarted orchestrator this job is alive before the store does
  // (a long orchestrator turn can hold the store's write lock for a while).
  std::ofstream(jobDir_ + "/pid", std::ios::trunc) << ::getpid() << "\n";
  StoreOptions so;
  so.busyTimeoutMs = 600'000; // wait for the orchestrator's turns rather than lose a report
  llvm::Expected<std::unique_ptr<Store>> store = Store::open(str(desc_, "store"), so);
  if (!store) {
    std::fprintf(stderr, "ci-exec-supervisor: %s\n", llvm::toString(store.takeError()).c_str());
    return 3;
  }
  store_ = std::move(*store);
  if (llvm::Error e = ensureExecSchema(*store_)) {
    std::fprintf(stderr, "ci-exec-supervisor: %s\n", llvm::toString(std::move(e)).c_str());
    return 3;
  }
  TimeMs now = RealClock().now();
  llvm::Expected<std::optional<ExecJobRecord>> row = execdb::findJob(*store_, key_);
  if (row && !*row)
    llvm::consumeError(execdb::upsertDispatch(*store_, key_, runId_, str(desc_, "token"), str(desc_, "provider"),
                                              request_.value("name", key_.instance), jobDir_, now));
  if (!row)
    llvm::consumeError(row.takeError());
  if (llvm::Error e = execdb::markRunning(*store_, key_, ::getpid(), now))
    std::fprintf(stderr, "ci-exec-supervisor: %s\n", llvm::toString(std::move(e)).c_str());
  lastBeat_ = steadyMs();

  llvm::Expected<json> secrets = ci::secretsOf(*store_, runId_);
  if (secrets && secrets->is_object())
    secrets_ = *secrets;
  else if (!secrets)
    llvm::consumeError(secrets.takeError());
  for (auto it = secrets_.begin(); it != secrets_.end(); ++it)
    if (it->is_string())
      masker_.add(it->get<std::string>());
  secrets_ = calleeSecrets(secrets_, desc_.value("call_secrets", json::array()));
  // Steps without an id have generated ids (`__run`, `__run_2`...): not in `steps`.
  debug_ = str(secrets_, "ACTIONS_STEP_DEBUG") == "true" || str(desc_.value("vars", json::object()), "ACTIONS_STEP_DEBUG") == "true";

  fs::create_directories(workspace_, ec);
  fs::create_directories(tmp_, ec);
  json github = desc_.value("github", json::object());
  {
    std::ofstream ev(jobDir_ + "/event.json", std::ios::trunc);
    ev << toJsonText(github.value("event", json::object()));
  }
  github["job"] = str(request_, "local_id");
  github["workspace"] = workspace_;
  github["event_path"] = jobDir_ + "/event.json";
  github["action"] = "";
  if (secrets_.contains("GITHUB_TOKEN"))
    github["token"] = secrets_["GITHUB_TOKEN"];
  ir::ValueObject base;
  base.set("github", jsonToValue(github));
  base.set("vars", jsonToValue(desc_.value("vars", json::object())));
  base.set("secrets", jsonToValue(secrets_));
  base.set("matrix", jsonToValue(request_.value("matrix", json())));
  base.set("strategy", jsonToValue(request_.value("strategy", json())));
  base.set("needs", jsonToValue(request_.value("needs", json::object())));
  base.set("runner", jsonToValue(json{{"os", "Linux"},
                                      {"arch", "X64"},
                                      {"name", "ci-exec"},
                                      {"environment", "self-hosted"},
                                      {"temp", tmp_},
                                      {"tool_cache", tmp_ + "/tool-cache"},
                                      {"debug", debug_ ? "1" : ""}}));
  base_ = ir::Value::object(std::move(base));
  double minutes = request_.value("timeout_minutes", 360.0);
  if (minutes > 0)
    deadlineMs_ = steadyMs() + static_cast<int64_t>(minutes * 60'000.0);

  std::string setupError;
  StepScope scope;
  scope.inputs = jsonToValue(desc_.value("inputs", json::object()));
  // The job's env (the workflow's merged with the job's), evaluated once.
  const json &env = spec_.value("env", json::object());
  if (env.is_object()) {
    ir::Value ctx = contexts(scope, {});
    for (auto it = env.begin(); it != env.end(); ++it) {
      std::string v, error;
      if (!evalString(*it, ctx, v, error))
        setupError = "env." + it.key() + ": " + error;
      globalEnv_[it.key()] = v;
    }
  }
  // defaults.run, evaluated once at the start of the job as GitHub's runner does
  // (contexts github, inputs, vars, strategy, matrix, needs and the job's env).
  jobDefaultsRun_ = spec_.value("defaults", json::object()).value("run", json::object());
  if (jobDefaultsRun_.is_object()) {
    ir::Value ctx = contexts(scope, globalEnv_);
    for (auto it = jobDefaultsRun_.begin(); it != jobDefaultsRun_.end(); ++it) {
      std::string v, error;
      if (!evalString(*it, ctx, v, error))
        setupError = "defaults.run." + it.key() + ": " + error;
      *it = v;
    }
  } else {
    jobDefaultsRun_ = json::object();
  }
  // --container-jobs host: the job's container is ignored, said once per job. Its
  // steps keep the container's default shell (sh), which their scripts were written for.
  const json &container = spec_.value("container", json());
  containerOnHost_ = !container.is_null() && desc_.value("container_jobs", std::string()) == "host";
  if (containerOnHost_ && setupError.empty()) {
    std::string image = container.is_string() ? container.get<std::string>() : str(container, "image");
    beginRecord("set-up", "Set up job", "pre");
    annotate("warning", "The job's container (" + (image.empty() ? std::string("container:") : image) +
                            ") is ignored: its steps run on this machine (--container-jobs host).");
    endRecord("success", "success", "");
  }
  if (!setupError.empty()) {
    beginRecord("set-up", "Set up job", "pre");
    annotate("error", setupError);
    endRecord("failure", "failure", setupError);
    status_ = "failure";
  } else {
    runPreSteps(spec_.value("steps", json::array()), scope);
    runSteps(spec_.value("steps", json::array()), scope);
  }
  jobSteps_ = scope.steps;
  for (auto it = posts_.rbegin(); it != posts_.rend(); ++it) {
    if (cancelRequested() && status_ != "cancelled")
      status_ = "cancelled";
    beginRecord("post", "Post " + it->name, "post");
    bool run = false;
    std::string error;
    ir::Value ctx = contexts(scope, globalEnv_);
    runsWhenCancelled_ = true;
    if (!evalCondition(it->condition, ctx, status_, run, error)) {
      annotate("error", "post-if: " + error);
      endRecord("failure", "failure", error);
      continue;
    }
    if (!run) {
      endRecord("skipped", "skipped", "");
      continue;
    }
    StepBody b = it->body();
    if (b.outcome == "failure" && status_ == "success")
      status_ = "failure";
    endRecord(b.outcome, b.outcome, b.error);
  }
  json outputs = jobOutputs();
  killGroups(leftovers_);
  json r{{"conclusion", status_}, {"outputs", outputs}};
  if (timedOut_)
    r["reason"] = "timeout";
  if (!outputError_.empty())
    r["error"] = outputError_;
  else if (!setupError.empty())
    r["error"] = masker_.apply(setupError);
  report(r);
  return 0;
}

int runSupervisor(const std::string &jobFile) {
  std::ifstream in(jobFile);
  if (!in) {
    std::fprintf(stderr, "ci-exec-supervisor: cannot read %s\n", jobFile.c_str());
    return 2;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  json desc = json::parse(ss.str(), nullptr, false);
  if (desc.is_discarded() || !desc.is_object()) {
    std::fprintf(stderr, "ci-exec-supervisor: %s is not a job description\n", jobFile.c_str());
    return 2;
  }
  JobRunner runner(std::move(desc));
  return runner.run();
}

} // namespace runtime
