/// \file
/// The job supervisor: runs one job attempt of the local or sandbox provider
/// (local_provider.h) in its own process, from the `job.json` the provider wrote.
///
/// It follows the runner's step semantics (gha-semantics §3.4, docs/ci-exec-local.md):
/// step `if` with the implicit `success()`, status functions reading the job status
/// (a composite action's steps: the action's status), `${{ }}` over every context
/// (github, env, vars, secrets, inputs, matrix, strategy, needs, steps, job, runner),
/// env precedence (workflow and job env, then GITHUB_ENV, then the step's env), the
/// shells of §1.6, `working-directory` and `defaults.run`, the file commands
/// (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH, GITHUB_STEP_SUMMARY, GITHUB_STATE), the
/// workflow commands, `outcome` vs `conclusion` with `continue-on-error`, step
/// `timeout-minutes` (the step fails), the job's timeout and cancellation (the job is
/// cancelled; `always()`/`cancelled()` steps still run), action post steps, and the
/// job's outputs (empty ones and ones revealing a secret dropped). Every text written
/// to a log or to the store goes through the masker (secrets and `add-mask` values).
///
/// Actions (`uses:`) are in step_actions.cpp: local and cached composite and node
/// actions, and the built-in ones (checkout, artifacts, cache, setup-*, github-script).
#pragma once

#include "runtime/local_store.h"
#include "runtime/step_commands.h"
#include "runtime/step_process.h"

#include "ir/value.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace runtime {

/// Runs the job described by `jobFile`; the process's exit code (0 when the job was
/// reported, whatever its conclusion).
int runSupervisor(const std::string &jobFile);

using EnvMap = std::map<std::string, std::string>;

/// A list of steps being run: the job's, or a composite action's.
struct StepScope {
  json steps = json::object();   ///< the `steps` context
  bool composite = false;
  ir::Value inputs;               ///< the `inputs` context
  std::string actionPath;         ///< github.action_path (composite)
  std::string actionRepo;         ///< owner/repo of a remote action
  EnvMap env;                     ///< env inherited from the calling step (composite)
  std::string status = "success"; ///< composite: github.action_status
};

/// The outcome of running a step's body.
struct StepBody {
  std::string outcome = "success"; ///< success, failure, cancelled
  json outputs = json::object();
  std::string error;
};

/// Whether a host tool's version `have` satisfies the version a setup action asks
/// for: a prefix (`20`, `20.x`, `v20.11`), a semver range (`>=18`, `^1.13.1`, `~3.11`,
/// `>=3.8 <3.13`, `18 || 20`), or an alias any version meets (`latest`, `lts/*`, `x`).
bool versionMatches(llvm::StringRef want, llvm::StringRef have);

class JobRunner {
public:
  explicit JobRunner(json desc);
  /// Runs the job and reports it; the process exit code.
  int run();

  // --- used by the action implementations (step_actions.cpp) ---
  /// Contexts for an expression in `scope` with `env` as the env context.
  ir::Value contexts(const StepScope &scope, const EnvMap &env) const;
  /// Evaluates a template (a string with `${{ }}`, or a constant) to a string.
  bool evalString(const json &tmpl, const ir::Value &ctx, std::string &out, std::string &error) const;
  /// Evaluates a condition (already rewritten with the implicit success()).
  bool evalCondition(const std::string &cond, const ir::Value &ctx, const std::string &status, bool &out,
                     std::string &error) const;
  /// Runs a list of steps (a composite action's) in `scope`.
  void runSteps(const json &steps, StepScope &scope);
  /// Runs a process for a step: workflow commands, file commands, masking, timeouts.
  /// `outputs` receives GITHUB_OUTPUT (and set-output), `state` GITHUB_STATE.
  StepBody runProcess(std::vector<std::string> argv, const EnvMap &stepEnv, const std::string &cwd,
                      int64_t timeoutMs, json *state = nullptr);
  /// A line in the current step's log (masked).
  void log(llvm::StringRef line);
  /// An annotation (and its `##[level]` log line).
  void annotate(const std::string &level, const std::string &message, const std::string &file = "",
                int line = 0, int col = 0, const std::string &title = "");
  /// Registers a post step to run after the main steps (in reverse order).
  void addPost(std::string name, std::string condition, std::function<StepBody()> body);
  const Masker &masker() const { return masker_; }
  Masker &masker() { return masker_; }
  const json &desc() const { return desc_; }
  const std::string &workspace() const { return workspace_; }
  const std::string &runnerTemp() const { return tmp_; }
  const std::string &hostPath() const { return hostPath_; }
  bool sandboxed() const { return sandbox_; }
  /// The `uses:` of a step: runs the action (step_actions.cpp).
  StepBody runAction(const std::string &uses, const json &with, const EnvMap &stepEnv, StepScope &scope,
                     int64_t timeoutMs);

  /// The built-in implementation of `action` (owner/repo[/path], lower case), if there
  /// is one (step_builtins.cpp); `handled` tells.
  StepBody runBuiltin(const std::string &action, const json &with, const EnvMap &stepEnv, bool &handled);
  /// actions/checkout from the local repository `repo` into `dest`: a shared clone at
  /// `ref`, or the working tree as it is when `ref` is empty; with `submodules`, each
  /// submodule from the repository's own checkout of it (nested ones if `recursive`).
  bool checkoutCopy(const std::string &repo, const std::string &dest, const std::string &ref, bool submodules,
                    bool recursive, std::string &error);
  /// Whether `action` (owner/repo[/path], lower case) has a built-in implementation.
  static bool isBuiltin(llvm::StringRef action);

private:
  struct Post {
    std::string name, condition;
    std::function<StepBody()> body;
  };
  /// The `pre` of each job-level step that uses a node action from the action cache,
  /// at the start of the job in step order, as GitHub's runner does (local actions
  /// have no pre there: they are read only after the checkout).
  void runPreSteps(const json &steps, StepScope &scope);
  /// The inputs of an action: its declared defaults, then `with`.
  bool actionInputs(const json &action, const json &with, const ir::Value &ctx, json &inputs, std::string &error);
  /// Runs one step of `scope`; updates the steps context and the status.
  void runStep(const json &step, size_t position, StepScope &scope);
  StepBody runScript(const json &step, const EnvMap &stepEnv, StepScope &scope, const ir::Value &ctx,
                     int64_t timeoutMs);
  int beginRecord(const std::string &id, const std::string &name, const std::string &kind);
  void endRecord(const std::string &outcome, const std::string &conclusion, const std::string &error);
  EnvMap processEnv(const EnvMap &stepEnv) const;
  void tick();
  void applyCommand(const WorkflowCommand &c, json &outputs, json *state);
  json jobOutputs();
  void report(const json &r);

  json desc_;
  json request_, spec_;
  std::unique_ptr<Store> store_;
  JobKey key_;
  int64_t runId_ = 0;
  std::string workspace_, tmp_, jobDir_, logsDir_, hostPath_;
  bool sandbox_ = false;
  Masker masker_;
  json secrets_ = json::object();
  ir::Value base_; ///< github, vars, secrets, matrix, strategy, needs, runner, job
  EnvMap globalEnv_; ///< job env, then GITHUB_ENV
  std::vector<std::string> extraPath_; ///< GITHUB_PATH, newest first
  /// ACTIONS_ALLOW_UNSECURE_COMMANDS=true in the running step's environment:
  /// `::set-env` and `::add-path` are honoured instead of refused.
  bool unsecureCommands_ = false;
  json jobDefaultsRun_ = json::object(); ///< defaults.run, evaluated at the start of the job
  bool containerOnHost_ = false; ///< a `container:` job run on the host (--container-jobs host)
  std::string status_ = "success"; ///< the job status
  bool timedOut_ = false;
  int64_t deadlineMs_ = 0; ///< steady-clock ms of the job's timeout
  std::vector<Post> posts_;
  /// GITHUB_STATE of the pre steps run at the job's start, by job-level step position.
  std::map<size_t, std::shared_ptr<json>> preStates_;
  size_t topStep_ = 0; ///< the position of the job-level step running
  std::vector<int> leftovers_;
  // the current step record
  int records_ = 0;
  execdb::StepRow row_;
  int logFd_ = -1;
  bool debug_ = false;
  bool runsWhenCancelled_ = false; ///< the current step's `if` holds under a cancelled job
  std::string stopToken_;
  std::string currentStep_;
  json jobSteps_ = json::object(); ///< the job's steps context at its end
  std::string outputError_;
  int64_t lastBeat_ = 0;
};

} // namespace runtime
