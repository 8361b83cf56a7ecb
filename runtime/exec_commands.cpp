// ci-exec callback / inspect / runs / resume.
#include "runtime/exec_commands.h"

#include "runtime/callbacks.h"
#include "runtime/inspect.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <filesystem>

namespace runtime {

namespace {
CommandResult fail(int code, std::string message) {
  return CommandResult{code, "", "ci-exec: " + message + "\n"};
}

/// Maps an error to an exit code: refusals (unknown token, settled callback, unknown
/// execution) are failures; everything else is internal.
CommandResult fromError(llvm::Error e) {
  int code = ExitInternal;
  std::string msg;
  llvm::handleAllErrors(std::move(e), [&](const llvm::ErrorInfoBase &info) {
    std::error_code ec = info.convertToErrorCode();
    if (ec == std::errc::invalid_argument || ec == std::errc::operation_not_permitted)
      code = ExitFailure;
    msg = info.message();
  });
  return fail(code, msg);
}

bool storeExists(const std::string &path, CommandResult &out) {
  if (std::filesystem::exists(path))
    return true;
  out = fail(ExitUsage, "no store at " + path + "; pass --store PATH (default .ci-exec/state.db in the repository)");
  return false;
}
} // namespace

std::string defaultStorePath() {
  llvm::SmallString<256> dir;
  if (llvm::sys::fs::current_path(dir))
    return ".ci-exec/state.db";
  llvm::SmallString<256> probe = dir;
  while (!probe.empty()) {
    llvm::SmallString<256> git = probe;
    llvm::sys::path::append(git, ".git");
    if (llvm::sys::fs::exists(git)) {
      llvm::sys::path::append(probe, ".ci-exec", "state.db");
      return std::string(probe.str());
    }
    llvm::StringRef parent = llvm::sys::path::parent_path(probe);
    if (parent == probe)
      break;
    probe = parent;
  }
  llvm::sys::path::append(dir, ".ci-exec", "state.db");
  return std::string(dir.str());
}

CommandResult runCallbackCommand(const CallbackCommand &cmd, const Clock &clock) {
  CommandResult out;
  if (!storeExists(cmd.store, out))
    return out;
  llvm::Error e = llvm::Error::success();
  const char *verb = "completed";
  switch (cmd.kind) {
  case CallbackCommand::Success: {
    json value = json::parse(cmd.payload, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded())
      return fail(ExitUsage, "--success needs a JSON value; got '" + cmd.payload +
                                 "' (quote strings: --success '\"text\"')");
    e = callbacks::deliverTo(cmd.store, cmd.token, Result::success(std::move(value)), clock);
    break;
  }
  case CallbackCommand::Failure:
    e = callbacks::deliverTo(cmd.store, cmd.token, Result::failure(cmd.payload), clock);
    verb = "failed";
    break;
  case CallbackCommand::Heartbeat:
    e = callbacks::heartbeatTo(cmd.store, cmd.token, clock);
    verb = "heartbeat recorded";
    break;
  }
  if (e)
    return fromError(std::move(e));
  if (cmd.json)
    out.out = toJsonText(json{{"token", cmd.token}, {"result", verb}}) + "\n";
  else
    out.out = std::string("callback ") + cmd.token + ": " + verb + "\n";
  return out;
}

CommandResult runInspectCommand(const std::string &storePath, const std::string &execution, bool asJson) {
  CommandResult out;
  if (!storeExists(storePath, out))
    return out;
  llvm::Expected<std::unique_ptr<Store>> store = Store::open(storePath);
  if (!store)
    return fromError(store.takeError());
  llvm::Expected<json> view = inspectExecution(**store, execution);
  if (!view)
    return fromError(view.takeError());
  out.out = asJson ? view->dump(2) + "\n" : renderInspection(*view);
  return out;
}

CommandResult runRunsCommand(const std::string &storePath, int64_t limit, bool asJson) {
  CommandResult out;
  if (!storeExists(storePath, out))
    return out;
  llvm::Expected<std::unique_ptr<Store>> store = Store::open(storePath);
  if (!store)
    return fromError(store.takeError());
  llvm::Expected<json> rows = listExecutions(**store, limit);
  if (!rows)
    return fromError(rows.takeError());
  if (asJson) {
    out.out = rows->dump(2) + "\n";
    return out;
  }
  for (const json &r : *rows) {
    out.out += r["name"].get<std::string>() + "  " + r["status"].get<std::string>() + "  (" +
               r["orchestrator"].get<std::string>() + ")";
    if (!r["error"].is_null())
      out.out += "  " + r["error"].get<std::string>();
    out.out += "\n";
  }
  return out;
}

CommandResult runResumeCommand(const ResumeCommand &cmd,
                               const std::function<void(Engine &)> &registerOrchestrators) {
  CommandResult out;
  if (!storeExists(cmd.store, out))
    return out;
  EngineOptions options;
  options.storePath = cmd.store;
  options.defaultOpBudget = cmd.opBudget;
  llvm::Expected<std::unique_ptr<Engine>> engine = Engine::open(options);
  if (!engine)
    return fromError(engine.takeError());
  registerOrchestrators(**engine);
  llvm::Expected<std::vector<ExecutionRecord>> before = executions::running((*engine)->store());
  if (!before)
    return fromError(before.takeError());
  if (llvm::Error e = (*engine)->resumeAll())
    return fromError(std::move(e));
  if (!cmd.noWait) {
    llvm::Expected<bool> done = (*engine)->runUntil([&] {
      llvm::Expected<std::vector<ExecutionRecord>> running = executions::running((*engine)->store());
      if (!running) {
        llvm::consumeError(running.takeError());
        return false;
      }
      return running->empty();
    });
    if (!done)
      return fromError(done.takeError());
  }
  json rows = json::array();
  int failed = 0;
  for (const ExecutionRecord &b : *before) {
    llvm::Expected<std::optional<ExecutionRecord>> now = executions::byId((*engine)->store(), b.id);
    if (!now)
      return fromError(now.takeError());
    const ExecutionRecord &r = **now;
    failed += r.status == ExecStatus::Failed;
    rows.push_back(json{{"name", r.name},
                        {"status", execStatusName(r.status).str()},
                        {"error", r.error ? json(*r.error) : json()}});
    if (!cmd.json)
      out.out += "resumed " + r.name + ": " + execStatusName(r.status).str() +
                 (r.error ? ": " + *r.error : "") + "\n";
  }
  if (cmd.json)
    out.out = toJsonText(json{{"resumed", rows}}) + "\n";
  else if (before->empty())
    out.out = "nothing to resume: no unfinished execution in " + cmd.store + "\n";
  out.exitCode = failed ? ExitFailure : ExitOk;
  return out;
}

} // namespace runtime
