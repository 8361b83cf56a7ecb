// The table of workflow and action keys used for completion and hover.
#include "backend/lsp_workflow_keys.h"

#include "llvm/ADT/SmallVector.h"

namespace backend {

#define EV(place, key, doc) {place, key, doc, true}

static const WorkflowKey kWorkflow[] = {
    {"", "name", "The workflow's name, shown in the Actions tab."},
    {"", "run-name", "The name of each run; may use github, inputs and vars."},
    {"", "on", "The events that trigger the workflow."},
    {"", "permissions", "GITHUB_TOKEN permissions: read-all, write-all, or scope: read/write/none."},
    {"", "env", "Environment variables for every job."},
    {"", "defaults", "Defaults for every job (defaults.run.shell, working-directory)."},
    {"", "concurrency", "A concurrency group: at most one running and one pending run per group."},
    {"", "jobs", "The jobs of the workflow, by job id."},
    EV("on", "push", "A push of commits or tags."),
    EV("on", "pull_request", "Activity on a pull request (default types: opened, synchronize, reopened)."),
    EV("on", "pull_request_target", "Like pull_request, but runs in the base repository's context with its secrets."),
    EV("on", "workflow_dispatch", "A manual run from the UI, CLI or API, with inputs."),
    EV("on", "workflow_call", "Called by another workflow (a reusable workflow)."),
    EV("on", "workflow_run", "Another workflow was requested or completed."),
    EV("on", "schedule", "Cron schedules (UTC unless a timezone is given; at most every 5 minutes)."),
    EV("on", "release", "Release activity."),
    EV("on", "issues", "Issue activity."),
    EV("on", "issue_comment", "A comment on an issue or pull request."),
    EV("on", "merge_group", "A pull request was added to a merge queue."),
    EV("on", "pull_request_review", "A pull request review was submitted, edited or dismissed."),
    EV("on", "pull_request_review_comment", "A pull request review comment."),
    EV("on", "repository_dispatch", "A custom event sent through the API."),
    EV("on", "create", "A branch or tag was created."),
    EV("on", "delete", "A branch or tag was deleted."),
    EV("on", "deployment", "A deployment was created."),
    EV("on", "deployment_status", "A deployment's status changed."),
    EV("on", "discussion", "Discussion activity."),
    EV("on", "discussion_comment", "A discussion comment."),
    EV("on", "fork", "The repository was forked."),
    EV("on", "gollum", "A wiki page was created or updated."),
    EV("on", "label", "Label activity."),
    EV("on", "milestone", "Milestone activity."),
    EV("on", "page_build", "A GitHub Pages build."),
    EV("on", "public", "The repository became public."),
    EV("on", "registry_package", "Package activity."),
    EV("on", "status", "A commit status changed."),
    EV("on", "watch", "The repository was starred."),
    EV("on", "check_run", "Check run activity."),
    EV("on", "check_suite", "Check suite activity."),
    EV("on", "branch_protection_rule", "Branch protection rule activity."),
    {"on/push", "branches", "Branch globs that trigger the workflow."},
    {"on/push", "branches-ignore", "Branch globs that do not trigger the workflow."},
    {"on/push", "tags", "Tag globs that trigger the workflow."},
    {"on/push", "tags-ignore", "Tag globs that do not trigger the workflow."},
    {"on/push", "paths", "Path globs; the workflow runs when a changed file matches."},
    {"on/push", "paths-ignore", "Path globs; the workflow is skipped when every changed file matches."},
    {"on/pull_request", "types", "Activity types."},
    {"on/pull_request", "branches", "Base branch globs."},
    {"on/pull_request", "branches-ignore", "Base branch globs to skip."},
    {"on/pull_request", "paths", "Path globs."},
    {"on/pull_request", "paths-ignore", "Path globs to skip."},
    {"on/pull_request_target", "types", "Activity types."},
    {"on/pull_request_target", "branches", "Base branch globs."},
    {"on/pull_request_target", "branches-ignore", "Base branch globs to skip."},
    {"on/pull_request_target", "paths", "Path globs."},
    {"on/pull_request_target", "paths-ignore", "Path globs to skip."},
    {"on/workflow_run", "workflows", "Names of the workflows to follow."},
    {"on/workflow_run", "types", "requested, in_progress or completed."},
    {"on/workflow_run", "branches", "Branch globs."},
    {"on/workflow_run", "branches-ignore", "Branch globs to skip."},
    {"on/workflow_dispatch", "inputs", "Inputs of a manual run (at most 25)."},
    {"on/workflow_call", "inputs", "Inputs of the reusable workflow."},
    {"on/workflow_call", "outputs", "Outputs of the reusable workflow."},
    {"on/workflow_call", "secrets", "Secrets the reusable workflow accepts."},
    {"on/schedule/-", "cron", "A POSIX cron expression: minute hour day-of-month month day-of-week."},
    {"on/schedule/-", "timezone", "An IANA time zone for the cron expression."},
    {"on/*/inputs/*", "description", "What the input is for."},
    {"on/*/inputs/*", "required", "Whether the input must be given."},
    {"on/*/inputs/*", "default", "The value when the input is not given."},
    {"on/*/inputs/*", "type", "string, boolean, number, choice or environment."},
    {"on/*/inputs/*", "options", "The choices of a choice input."},
    {"on/*", "types", "Activity types that trigger the workflow."},
    {"defaults", "run", "Defaults of run: steps."},
    {"defaults/run", "shell", "The shell of run: steps (bash, sh, pwsh, python, ...)."},
    {"defaults/run", "working-directory", "The directory run: steps start in."},
    {"concurrency", "group", "The group name (may use expressions)."},
    {"concurrency", "cancel-in-progress", "Cancel the running run of the group when a new one starts."},
    {"jobs/*", "name", "The job's name, shown in the UI."},
    {"jobs/*", "needs", "Jobs that must succeed before this one runs."},
    {"jobs/*", "if", "A condition; the job is skipped when it is false."},
    {"jobs/*", "runs-on", "Runner labels (all must match), or {group, labels}."},
    {"jobs/*", "permissions", "GITHUB_TOKEN permissions of this job."},
    {"jobs/*", "environment", "The deployment environment (name and url)."},
    {"jobs/*", "concurrency", "A concurrency group for this job."},
    {"jobs/*", "outputs", "Values other jobs read through needs.<job>.outputs."},
    {"jobs/*", "env", "Environment variables of every step."},
    {"jobs/*", "defaults", "Defaults of this job's run: steps."},
    {"jobs/*", "steps", "The steps, run in order."},
    {"jobs/*", "timeout-minutes", "Minutes before the job is cancelled (default 360)."},
    {"jobs/*", "strategy", "A matrix of job variants, fail-fast and max-parallel."},
    {"jobs/*", "continue-on-error", "Let the workflow pass when this job fails."},
    {"jobs/*", "container", "A container the steps run in."},
    {"jobs/*", "services", "Service containers next to the job."},
    {"jobs/*", "uses", "A reusable workflow to call (owner/repo/.github/workflows/x.yml@ref or ./path)."},
    {"jobs/*", "with", "Inputs of the called workflow."},
    {"jobs/*", "secrets", "Secrets for the called workflow, or inherit."},
    {"jobs/*/strategy", "matrix", "Variables whose combinations make the job's variants."},
    {"jobs/*/strategy", "fail-fast", "Cancel the other variants when one fails (default true)."},
    {"jobs/*/strategy", "max-parallel", "How many variants may run at once."},
    {"jobs/*/strategy/matrix", "include", "Extra combinations, or values added to matching ones."},
    {"jobs/*/strategy/matrix", "exclude", "Combinations to drop."},
    {"jobs/*/environment", "name", "The environment's name."},
    {"jobs/*/environment", "url", "The deployment URL shown in the UI."},
    {"jobs/*/container", "image", "The Docker image."},
    {"jobs/*/container", "credentials", "Registry username and password (use secrets)."},
    {"jobs/*/container", "env", "Environment variables in the container."},
    {"jobs/*/container", "ports", "Ports to expose."},
    {"jobs/*/container", "volumes", "Volumes to mount."},
    {"jobs/*/container", "options", "Extra docker create options."},
    {"jobs/*/services/*", "image", "The Docker image."},
    {"jobs/*/services/*", "credentials", "Registry username and password (use secrets)."},
    {"jobs/*/services/*", "env", "Environment variables in the container."},
    {"jobs/*/services/*", "ports", "Ports to expose."},
    {"jobs/*/services/*", "volumes", "Volumes to mount."},
    {"jobs/*/services/*", "options", "Extra docker create options."},
    {"jobs/*/services/*", "entrypoint", "Overrides the image's entrypoint."},
    {"jobs/*/services/*", "command", "Overrides the image's command."},
    {"jobs/*/defaults", "run", "Defaults of run: steps."},
    {"jobs/*/defaults/run", "shell", "The shell of run: steps."},
    {"jobs/*/defaults/run", "working-directory", "The directory run: steps start in."},
    {"jobs/*/concurrency", "group", "The group name."},
    {"jobs/*/concurrency", "cancel-in-progress", "Cancel the running job of the group."},
    {"jobs/*/steps/-", "id", "The step's id, for steps.<id> in expressions."},
    {"jobs/*/steps/-", "if", "A condition; the step is skipped when it is false."},
    {"jobs/*/steps/-", "name", "The step's name, shown in the log."},
    {"jobs/*/steps/-", "uses", "An action: owner/repo@ref, ./path or docker://image."},
    {"jobs/*/steps/-", "run", "A script for the shell."},
    {"jobs/*/steps/-", "shell", "The shell of the script (bash, sh, pwsh, python, cmd, ...)."},
    {"jobs/*/steps/-", "working-directory", "The directory the script starts in."},
    {"jobs/*/steps/-", "with", "Inputs of the action."},
    {"jobs/*/steps/-", "env", "Environment variables of the step."},
    {"jobs/*/steps/-", "continue-on-error", "Let the job go on when this step fails."},
    {"jobs/*/steps/-", "timeout-minutes", "Minutes before the step is cancelled."},
    {"container/credentials", "username", "Registry user name."},
    {"container/credentials", "password", "Registry password (use a secret)."},
};

static const WorkflowKey kAction[] = {
    {"", "name", "The action's name."},
    {"", "author", "The action's author."},
    {"", "description", "What the action does."},
    {"", "inputs", "The action's inputs."},
    {"", "outputs", "The action's outputs."},
    {"", "runs", "How the action runs: node, docker or composite."},
    {"", "branding", "Icon and colour on the Marketplace."},
    {"inputs/*", "description", "What the input is for."},
    {"inputs/*", "required", "Whether the input must be given."},
    {"inputs/*", "default", "The value when the input is not given."},
    {"inputs/*", "deprecationMessage", "A warning shown when the input is used."},
    {"outputs/*", "description", "What the output holds."},
    {"outputs/*", "value", "Composite actions: the output's value."},
    {"runs", "using", "node20, node24, docker or composite."},
    {"runs", "main", "The entry point of a JavaScript action."},
    {"runs", "pre", "A script run before main."},
    {"runs", "post", "A script run after the job."},
    {"runs", "image", "The Docker image or Dockerfile."},
    {"runs", "args", "Arguments of the container."},
    {"runs", "env", "Environment of the container."},
    {"runs", "steps", "The steps of a composite action."},
    {"runs/steps/-", "id", "The step's id."},
    {"runs/steps/-", "if", "A condition."},
    {"runs/steps/-", "name", "The step's name."},
    {"runs/steps/-", "uses", "An action to run."},
    {"runs/steps/-", "run", "A script (needs shell)."},
    {"runs/steps/-", "shell", "The shell of the script (required with run)."},
    {"runs/steps/-", "with", "Inputs of the action."},
    {"runs/steps/-", "env", "Environment variables."},
    {"runs/steps/-", "working-directory", "The directory the script starts in."},
    {"runs/steps/-", "continue-on-error", "Let the action go on when this step fails."},
    {"branding", "icon", "A Feather icon name."},
    {"branding", "color", "white, black, yellow, blue, green, orange, red, purple or gray-dark."},
};

#undef EV

llvm::ArrayRef<WorkflowKey> workflowKeys() { return kWorkflow; }
llvm::ArrayRef<WorkflowKey> actionKeys() { return kAction; }

static bool placeMatches(llvm::StringRef place, llvm::ArrayRef<std::string> path) {
  llvm::SmallVector<llvm::StringRef, 8> segs;
  if (!place.empty())
    place.split(segs, '/');
  // container/credentials also applies under jobs/*/container and services.
  if (segs.size() == 2 && segs[0] == "container" && path.size() >= 2)
    return path.back() == "credentials";
  if (segs.size() != path.size())
    return false;
  for (size_t i = 0; i < segs.size(); ++i)
    if (segs[i] != "*" && segs[i] != path[i])
      return false;
  return true;
}

std::vector<const WorkflowKey *> keysAt(llvm::ArrayRef<std::string> path, bool action) {
  std::vector<const WorkflowKey *> out;
  llvm::ArrayRef<WorkflowKey> table = action ? actionKeys() : workflowKeys();
  // Places without wildcards ("on/push") replace wildcard ones ("on/*").
  bool exact = false;
  for (const WorkflowKey &k : table)
    if (placeMatches(k.place, path) && !llvm::StringRef(k.place).contains('*'))
      exact = true;
  for (const WorkflowKey &k : table) {
    if (!placeMatches(k.place, path) || (exact && llvm::StringRef(k.place).contains('*')))
      continue;
    bool dup = false;
    for (const WorkflowKey *o : out)
      if (llvm::StringRef(o->key) == k.key)
        dup = true;
    if (!dup)
      out.push_back(&k);
  }
  return out;
}

} // namespace backend
