/// \file
/// Runs one step process the way the runner does: in its own process group, stdout and
/// stderr merged into a pipe read line by line, with a deadline (the step's
/// `timeout-minutes`: SIGKILL to the whole group) and cancellation (SIGINT to the group,
/// SIGKILL after a grace period). The job supervisor is single-threaded; `SignalPipe`
/// turns SIGCHLD, SIGINT and SIGTERM into readable bytes so that one poll(2) waits for
/// output, the child's exit, a cancel and the heartbeat tick at once.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace runtime {

/// Installs the supervisor's signal handlers (once per process).
void installSupervisorSignals();
/// Whether SIGINT or SIGTERM was received (a cancel request).
bool cancelRequested();
/// Marks a cancel request (a `cancel` file found at start).
void requestCancel();

struct ProcessSpec {
  std::vector<std::string> argv;
  std::vector<std::string> env; ///< NAME=VALUE
  std::string cwd;
  int64_t timeoutMs = 0;        ///< 0: none
  int64_t cancelGraceMs = 7500; ///< SIGINT to SIGKILL
};

struct ProcessOutcome {
  int exitCode = -1;      ///< -1 when killed by a signal or not started
  int signal = 0;
  bool timedOut = false;
  bool cancelled = false; ///< stopped because of a cancel request
  std::string error;      ///< could not start
};

struct ProcessHooks {
  /// Each output line without its newline (a final line without one too).
  std::function<void(llvm::StringRef line)> onLine;
  /// Called about every `tickMs` while the process runs (heartbeats).
  std::function<void()> onTick;
  int64_t tickMs = 2000;
  /// Asked once when a cancel request arrives: false lets the step go on (its `if`
  /// is still true under a cancelled job status).
  std::function<bool()> stopOnCancel;
};

/// Runs the process to its end. Process groups it leaves behind (background children)
/// are recorded in `leftovers` for the job's end.
ProcessOutcome runStepProcess(const ProcessSpec &spec, const ProcessHooks &hooks, std::vector<int> &leftovers);

/// SIGKILL to each process group (the job's end).
void killGroups(const std::vector<int> &groups);

/// Starts the group watcher: a small child of the supervisor, forked before the
/// supervisor opens the store, that learns each step's process group through a pipe
/// and kills the groups still registered when the pipe closes. A supervisor killed
/// outright (SIGKILL, a crash, the OOM killer) so takes its steps with it instead of
/// leaving them running unsupervised. Once per process; a failure only loses that
/// guarantee.
void startGroupWatcher();

/// The full path of `program` found on PATH (`path`), or "" when absent.
std::string findOnPath(llvm::StringRef program, llvm::StringRef path);

} // namespace runtime
