// The CI ci-exec commands (run, status, cancel, retry, resume): the logic behind
// tools/ci-exec.cpp, which only parses flags.
#pragma once

#include "runtime/ci_orchestrators.h"
#include "runtime/exec_commands.h"
#include "runtime/progress_view.h"
#include "runtime/run_compiler.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace runtime {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

/// An engine set up for CI runs: the store, a real or virtual clock, the providers
/// (`sim`), the CI orchestrators and the workflow compiler.
struct CiEnvironment {
  std::unique_ptr<Clock> clock;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<ProviderRegistry> providers;
};

struct CiEnvironmentOptions {
  std::string store;
  bool virtualTime = false;
  int64_t opBudget = kDefaultOpBudget;
  /// Compiles workflow files (null: only plan files can run).
  WorkflowFileCompiler compiler;
};

/// Opens the engine (taking the store's lock) and registers everything CI needs.
/// Fails with `resource_unavailable_try_again` when another process holds the store.
llvm::Expected<CiEnvironment> openCiEnvironment(const CiEnvironmentOptions &options);

struct RunCommand {
  std::string store;
  std::string source;   ///< a workflow file, a directory, or a plan (.json)
  std::string event;    ///< empty: push (or the file's first trigger)
  std::string eventPath;
  std::string provider = "sim";
  std::string scenarioPath;
  KeyValues inputs, vars, secrets;
  /// local/sandbox providers: `--platform LABEL=PROVIDER`, `--action-cache`,
  /// `--skip-missing-actions`, `--sandbox-network`, the cancel grace period.
  KeyValues platforms;
  std::string actionCache;
  bool skipMissingActions = false;
  bool sandboxNetwork = false;
  int64_t cancelGraceMs = -1;
  /// `--jobs N`: at most N jobs of a workflow at once (0: twice the number of cores).
  int64_t maxJobs = 0;
  /// `--actor LOGIN` and `--repository OWNER/NAME`: github.actor (GITHUB_ACTOR) and
  /// github.repository / repository_owner; empty: the event's sender and repository,
  /// else $USER and the `origin` remote of the repository (run_compiler.h).
  std::string actor, repository;
  /// local/sandbox: `--container-jobs host` runs the steps of a job with `container:`
  /// on the host (with a warning per job); "refuse" (the default) fails such jobs.
  std::string containerJobs = "refuse";
  bool virtualTime = false;
  int64_t opBudget = kDefaultOpBudget;
  bool json = false;
  /// Progress on standard error while the run is driven (progress_view.h).
  ProgressMode progress = ProgressMode::Off;
  bool color = false;
  /// The human output is the summary table (renderRunSummary) instead of the run document.
  bool summary = false;
};
CommandResult runRunCommand(const RunCommand &cmd, const WorkflowFileCompiler &compiler);

/// `status`: the runs (no RUN), or one run's document.
CommandResult runStatusCommand(const std::string &store, const std::string &run, bool json);

struct ControlCommand {
  std::string store;
  std::string run;
  std::string job;     ///< cancel --job / retry --job
  bool failed = false; ///< retry --failed
  bool json = false;
};
CommandResult runCancelCommand(const ControlCommand &cmd, const WorkflowFileCompiler &compiler);
CommandResult runRetryCommand(const ControlCommand &cmd, const WorkflowFileCompiler &compiler);

/// `resume` with the CI orchestrators and providers: every unfinished execution is
/// re-run from its journal and driven to its end (or, with noWait, as far as it goes now).
CommandResult runCiResumeCommand(const ResumeCommand &cmd, const WorkflowFileCompiler &compiler);

/// `inspect RUN|EXECUTION`: a run number shows the journals of the run's execution and
/// of its workflow executions (the latest attempt, or `attempt` when not 0); anything
/// else is an execution name or id, as for an engine store without runs.
CommandResult runCiInspectCommand(const std::string &store, const std::string &target, int attempt,
                                  bool json);

/// The run document as text for people.
std::string renderRunDocument(const json &doc);

} // namespace runtime
