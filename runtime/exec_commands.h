// The engine-level ci-exec commands (callback, inspect, resume, runs): the logic behind
// tools/ci-exec.cpp, which only parses flags.
#pragma once

#include "runtime/clock.h"
#include "runtime/engine.h"

#include <functional>
#include <string>

namespace runtime {

/// ci-exec exit codes.
enum ExitCode : int {
  ExitOk = 0,       ///< done / the run succeeded
  ExitFailure = 1,  ///< refused (unknown or settled callback, unknown execution) / a run failed
  ExitUsage = 2,    ///< bad command line
  ExitInternal = 3, ///< I/O or store failure
};

/// What a command prints and returns.
struct CommandResult {
  int exitCode = ExitOk;
  std::string out; ///< standard output
  std::string err; ///< standard error (with a trailing newline)
};

/// `.ci-exec/state.db` under the repository root (the nearest ancestor of the working
/// directory holding `.git`), or under the working directory outside a repository.
std::string defaultStorePath();

struct CallbackCommand {
  enum Kind { Success, Failure, Heartbeat };
  std::string store;
  std::string token;
  Kind kind = Success;
  std::string payload; ///< JSON text (Success) or message (Failure)
  bool json = false;
};
/// Completes, fails or heartbeats a callback through the store; a running engine on the
/// same store wakes up (inotify) and resumes the waiting orchestrator.
CommandResult runCallbackCommand(const CallbackCommand &cmd, const Clock &clock);

/// The journal of an execution, as a table or JSON.
CommandResult runInspectCommand(const std::string &store, const std::string &execution, bool json);

/// Execution history, newest first.
CommandResult runRunsCommand(const std::string &store, int64_t limit, bool json);

struct ResumeCommand {
  std::string store;
  int64_t opBudget = kDefaultOpBudget;
  /// Replay and handle what is ready, then return, instead of driving every
  /// execution to its end.
  bool noWait = false;
  bool json = false;
};
/// Re-runs every unfinished execution from its journal and drives them until they all
/// finish. `registerOrchestrators` registers the orchestrators executions may name.
CommandResult runResumeCommand(const ResumeCommand &cmd,
                               const std::function<void(Engine &)> &registerOrchestrators);

} // namespace runtime
