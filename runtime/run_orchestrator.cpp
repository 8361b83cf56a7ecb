// The ci-run orchestrator: compile step, one ci-workflow execution per workflow, conclusion.
#include "runtime/ci_orchestrators.h"
#include "runtime/ci_state.h"
#include "runtime/sim_provider.h"
#include "runtime/workflow_orchestrator.h"

namespace runtime {

namespace {

/// The run's conclusion from its workflows' (§3.7): cancelled, failure, success.
std::string runConclusion(const std::vector<std::string> &workflows) {
  bool failed = false;
  for (const std::string &c : workflows) {
    if (c == "cancelled")
      return "cancelled";
    failed |= c != "success";
  }
  return failed ? "failure" : "success";
}

Task<Result> runRun(DurableContext &ctx, std::shared_ptr<const CiDeps> deps, json input) {
  const json &runIn = input["run"];
  int64_t runId = runIn.value("id", int64_t(0));
  int attempt = runIn.value("attempt", 1);
  json request = input.value("request", json::object());
  json compiled = input.value("compiled", json());
  Future compile = ctx.step("compile", [deps, request, compiled, runId, attempt](StepContext &sc) -> Result {
    json out;
    if (!compiled.is_null()) {
      out = compiled; // a new attempt runs the workflows as the first one compiled them
    } else {
      llvm::Expected<json> c = deps->compile(request);
      if (!c)
        return Result::failure(llvm::toString(c.takeError()));
      out = std::move(*c);
    }
    if (llvm::Error e = ci::setRunStatus(sc.store, runId, attempt, "in_progress", "", std::nullopt))
      return Result::failure(llvm::toString(std::move(e)));
    if (out.contains("event"))
      if (llvm::Error e = ci::setRunCompiled(sc.store, runId, attempt, out["event"].get<std::string>(),
                                             out.value("skipped", json::array())))
        return Result::failure(llvm::toString(std::move(e)));
    return Result::success(std::move(out));
  }, StepOptions{RetryPolicy::none()});
  Result plan = co_await compile;
  if (!plan) {
    std::string error = plan.error();
    Future fail = ctx.step("conclude", [runId, attempt, error](StepContext &sc) -> Result {
      if (llvm::Error e = ci::setRunStatus(sc.store, runId, attempt, "completed", "failure", sc.now, error))
        return Result::failure(llvm::toString(std::move(e)));
      if (llvm::Error e = ci::dropSecrets(sc.store, runId))
        return Result::failure(llvm::toString(std::move(e)));
      return Result::success();
    });
    co_await fail;
    co_return Result::failure(error);
  }
  const json &p = plan.value();
  json runContext{{"id", runId},
                  {"attempt", attempt},
                  {"execution", ctx.executionName()},
                  {"github", p.value("github", json::object())},
                  {"inputs", p.value("inputs", json::object())},
                  {"vars", p.value("vars", json::object())}};
  runContext["github"]["run_id"] = std::to_string(runId);
  runContext["github"]["run_number"] = std::to_string(runId);
  runContext["github"]["run_attempt"] = std::to_string(attempt);
  const json &previous = input.value("previous", json::object());
  std::vector<Future> workflows;
  std::vector<std::string> names;
  for (const json &wf : p.value("workflows", json::array())) {
    std::string path = wf.value("path", wf.value("id", std::string("workflow")));
    json wfInput{{"run", runContext}, {"provider", input.value("provider", json::object())}, {"workflow", wf}};
    if (previous.contains(path)) {
      json carry = previous[path];
      carry["target"] = input.value("retry_target", std::string());
      carry["failed"] = input.value("retry_failed", false);
      wfInput["carry"] = std::move(carry);
    }
    InvokeOptions options;
    options.executionName = ci::workflowExecutionName(runId, attempt, path);
    names.push_back(options.executionName);
    workflows.push_back(ctx.invoke("workflow " + path, "ci-workflow", std::move(wfInput), options));
  }
  std::vector<std::string> conclusions;
  json failed = json::array();
  for (size_t i = 0; i < workflows.size(); ++i) {
    Result r = co_await workflows[i];
    if (r.ok()) {
      conclusions.push_back(r.value().value("conclusion", std::string("failure")));
    } else {
      conclusions.push_back("failure");
      failed.push_back(json{{"execution", names[i]}, {"error", r.error()}});
    }
  }
  std::string conclusion = runConclusion(conclusions);
  Future conclude = ctx.step("conclude", [runId, attempt, conclusion, failed](StepContext &sc) -> Result {
    for (const json &f : failed)
      if (llvm::Error e = ci::setWorkflowStatus(sc.store, f["execution"].get<std::string>(), "completed",
                                                "failure", f["error"].get<std::string>()))
        return Result::failure(llvm::toString(std::move(e)));
    if (llvm::Error e = ci::setRunStatus(sc.store, runId, attempt, "completed", conclusion, sc.now))
      return Result::failure(llvm::toString(std::move(e)));
    if (llvm::Error e = ci::dropSecrets(sc.store, runId))
      return Result::failure(llvm::toString(std::move(e)));
    return Result::success();
  });
  co_await conclude;
  co_return Result::success(json{{"run", runId}, {"attempt", attempt}, {"conclusion", conclusion}});
}

} // namespace

llvm::Error registerCiOrchestrators(Engine &engine, CiDeps deps) {
  if (llvm::Error e = ensureCiSchema(engine.store()))
    return e;
  if (llvm::Error e = ensureSimSchema(engine.store()))
    return e;
  auto shared = std::make_shared<const CiDeps>(std::move(deps));
  engine.registerOrchestrator("ci-run", [shared](DurableContext &ctx, const json &input) {
    return runRun(ctx, shared, input);
  });
  engine.registerOrchestrator("ci-workflow", [shared](DurableContext &ctx, const json &input) {
    return runWorkflow(ctx, shared, input);
  });
  return llvm::Error::success();
}

} // namespace runtime
