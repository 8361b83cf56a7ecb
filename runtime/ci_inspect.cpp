// ci-exec inspect RUN: the journals of a run's executions.
#include "runtime/ci_commands.h"

#include "runtime/ci_state.h"
#include "runtime/inspect.h"

#include <filesystem>

namespace runtime {

namespace {

CommandResult failWith(int code, const std::string &message) {
  return CommandResult{code, "", "ci-exec: " + message + "\n"};
}

CommandResult failWith(llvm::Error e) {
  int code = ExitInternal;
  std::string msg;
  llvm::handleAllErrors(std::move(e), [&](const llvm::ErrorInfoBase &info) {
    if (info.convertToErrorCode() == std::errc::invalid_argument)
      code = ExitFailure;
    msg = info.message();
  });
  return failWith(code, msg);
}

/// Whether the store holds CI runs (an engine-only store has no ci_runs table).
llvm::Expected<bool> hasRunTable(Store &store) {
  Statement &s = store.stmt("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ci_runs'");
  llvm::Expected<bool> row = s.step();
  s.reset();
  return row;
}

} // namespace

CommandResult runCiInspectCommand(const std::string &storePath, const std::string &target, int attempt,
                                  bool asJson) {
  if (!std::filesystem::exists(storePath))
    return failWith(ExitUsage, "no store at " + storePath + "; pass --store PATH (default .ci-exec/state.db in the repository)");
  llvm::Expected<std::unique_ptr<Store>> store = Store::open(storePath);
  if (!store)
    return failWith(store.takeError());
  int64_t runId = 0;
  bool numeric = !llvm::StringRef(target).getAsInteger(10, runId) && runId > 0;
  std::optional<RunRecord> run;
  if (numeric) {
    llvm::Expected<bool> ci = hasRunTable(**store);
    if (!ci)
      return failWith(ci.takeError());
    if (*ci) {
      llvm::Expected<std::optional<RunRecord>> r = ci::findRun(**store, runId, attempt);
      if (!r)
        return failWith(r.takeError());
      if (!*r)
        return failWith(ExitFailure, "no run " + target + (attempt ? " attempt " + std::to_string(attempt) : "") +
                                         " in this store; `ci-exec status` lists the runs");
      run = std::move(**r);
    }
  }
  if (!run) {
    if (attempt)
      return failWith(ExitUsage, "--attempt is for a RUN number");
    llvm::Expected<json> view = inspectExecution(**store, target);
    if (!view)
      return failWith(view.takeError());
    return CommandResult{ExitOk, asJson ? view->dump(2) + "\n" : renderInspection(*view), ""};
  }
  std::vector<std::string> names{run->execution};
  llvm::Expected<std::vector<WorkflowRecord>> workflows = ci::workflowsOf(**store, run->runId, run->attempt);
  if (!workflows)
    return failWith(workflows.takeError());
  for (const WorkflowRecord &w : *workflows)
    names.push_back(w.execution);
  json views = json::array();
  std::string text;
  for (const std::string &name : names) {
    llvm::Expected<json> view = inspectExecution(**store, name);
    if (!view) {
      // A workflow recorded but not started yet (its execution is created by the run's invoke).
      llvm::consumeError(view.takeError());
      continue;
    }
    text += (text.empty() ? "" : "\n") + renderInspection(*view);
    views.push_back(std::move(*view));
  }
  if (asJson)
    return CommandResult{ExitOk, json{{"run", run->runId}, {"attempt", run->attempt}, {"executions", views}}.dump(2) + "\n", ""};
  return CommandResult{ExitOk, text, ""};
}

} // namespace runtime
