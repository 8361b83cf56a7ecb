// The rule list, kind documentation and kind selection of ci-lint.
#include "passes/lint_registry.h"

#include "ir/diagnostic.h"

#include <algorithm>

namespace passes {

std::unique_ptr<LintRule> createCronRule();
std::unique_ptr<LintRule> createGlobRule();
std::unique_ptr<LintRule> createDeprecatedCommandsRule();
std::unique_ptr<LintRule> createEnvVarRule();
std::unique_ptr<LintRule> createCredentialsRule();
std::unique_ptr<LintRule> createRunnerLabelRule();
std::unique_ptr<LintRule> createShellcheckRule();
std::unique_ptr<LintRule> createPyflakesRule();
std::unique_ptr<LintRule> createExpressionRule();
std::unique_ptr<LintRule> createIfCondRule();
std::unique_ptr<LintRule> createMatrixRule();
std::unique_ptr<LintRule> createActionRule();
std::unique_ptr<LintRule> createWorkflowCallRule();
std::unique_ptr<LintRule> createEventsRule();
std::unique_ptr<LintRule> createJobsRule();
std::unique_ptr<LintRule> createUntrustedCheckoutRule();
std::unique_ptr<LintRule> createPersistCredentialsRule();
std::unique_ptr<LintRule> createPermissionsRule();
std::unique_ptr<LintRule> createEmptyValueRule();
std::unique_ptr<LintRule> createAnchorsRule();
std::unique_ptr<LintRule> createScriptInjectionRule();

// Sorted by name.
static const LintKindDoc kKindDocs[] = {
    {"action-deprecated-input", "Deprecated action inputs",
     "Finds with: keys that the action marks as deprecated (deprecationMessage).", true},
    {"action-input", "Action inputs",
     "Checks with: keys against the inputs of local and popular actions, and that required inputs are given.", true},
    {"action-local", "Local actions",
     "Checks the action.yml of local actions (uses: ./path): it exists, parses, has name, description, a known runs.using, the keys and files that runtime needs.", true},
    {"action-major", "Older major versions",
     "Notes popular actions used at a major version older than the newest one (opt-in).", false},
    {"action-metadata", "Action metadata",
     "Checks the keys and shapes of action.yml files (inputs, outputs, runs).", true},
    {"action-outdated", "Outdated actions",
     "Finds popular actions at versions whose Node.js runtime GitHub no longer runs.", true},
    {"action-pin", "Actions not pinned",
     "Finds actions not pinned to a full commit SHA (opt-in).", false},
    {"action-ref", "Action references",
     "Checks the form of uses: (owner/repo[/path]@ref, ./path, docker://image).", true},
    {"call-input-type", "Reusable workflow input types",
     "Checks that literal values passed to a local reusable workflow fit the declared input types.", true},
    {"concurrency", "Concurrency groups",
     "Checks concurrency groups: non-empty, at most 400 characters, boolean cancel-in-progress, valid queue, and job groups that would wait on their own run.", true},
    {"config", "Configuration file",
     "Checks the syntax of .github/ci-lint.yaml.", true},
    {"container", "Containers",
     "Checks container and service definitions (an image is required).", true},
    {"credentials", "Hard-coded credentials",
     "Checks that container and service registry passwords come from secrets, not literals.", true},
    {"deprecated-commands", "Deprecated workflow commands",
     "Checks run: scripts for the deprecated set-output, save-state, set-env and add-path workflow commands.", true},
    {"empty-value", "Empty values",
     "Finds sections and strings that must not be empty.", true},
    {"env-var", "Environment variable names",
     "Checks that env: keys contain no '&', '=' or spaces.", true},
    {"events", "Workflow triggers",
     "Checks the triggers at on:: cron schedules, their 5-minute minimum and time zones.", true},
    {"expr-arg-count", "Function arity",
     "Checks the number of arguments of expression functions.", true},
    {"expr-arg-type", "Function argument types",
     "Checks the types of expression function arguments.", true},
    {"expr-bad-literal", "Expression literals",
     "Checks number and string literals in expressions.", true},
    {"expr-constant-comparison", "Constant comparisons",
     "Finds comparisons in expressions whose result never changes.", true},
    {"expr-needs-unknown-job", "needs.<job> references",
     "Checks that needs.<job> names a job this job needs.", true},
    {"expr-object-in-template", "Objects turned into text",
     "Finds ${{ }} in strings whose value is an object, array or null (printed as 'Object', 'Array' or '').", true},
    {"expr-steps-unknown-id", "steps.<id> references",
     "Checks that steps.<id> names a step defined before.", true},
    {"expr-unknown-context", "Context availability",
     "Checks that a context is available at the key that uses it.", true},
    {"expr-unknown-function", "Function availability",
     "Checks that a function exists and is available at the key that uses it.", true},
    {"expr-unknown-property", "Context properties",
     "Checks that object properties used in expressions exist.", true},
    {"expression", "Expression syntax",
     "Checks the syntax of ${{ }} expressions.", true},
    {"expression-not-allowed", "Expressions where none are allowed",
     "Checks that ${{ }} appears only at keys whose value GitHub evaluates.", true},
    {"file-too-large", "File size",
     "Checks that a workflow file is at most 1 MiB.", true},
    {"glob", "Filter glob syntax",
     "Checks the glob patterns of branch, tag and path filters.", true},
    {"id", "Job and step ids",
     "Checks job and step ids: allowed characters, no '__' prefix, unique case-insensitively.", true},
    {"if-always-true", "Conditions that are always true",
     "Finds if: values whose text outside ${{ }} makes them always true.", true},
    {"if-constant", "Constant conditions",
     "Finds if: conditions that read no context and call no status function, so never change.", true},
    {"invalid-encoding", "File encoding",
     "Checks that a workflow file is UTF-8 text.", true},
    {"invalid-value", "Invalid values",
     "Checks values against what the key allows (event names, enumerations, numbers).", true},
    {"job-needs", "Job dependencies",
     "Checks needs: unknown jobs, cycles, and that some job needs nothing.", true},
    {"job-never-runs", "Jobs that never run",
     "Finds jobs that need a job whose condition is always false without overriding the skip.", true},
    {"job-output-unused", "Unused job outputs",
     "Notes job outputs that no needs.<job>.outputs.<name> reads (opt-in).", false},
    {"matrix", "Matrices",
     "Checks strategy.matrix: non-empty vectors, include/exclude entries whose keys or values no row defines, duplicate values, at most 256 jobs.", true},
    {"matrix-size", "Matrix size",
     "Checks that a matrix makes at most 256 jobs.", true},
    {"missing-key", "Missing keys",
     "Checks that required keys are present (jobs, runs-on, steps, ...).", true},
    {"needs-cycle", "needs cycles",
     "Reports jobs whose needs form a cycle, as the path from the earliest job in the file.", true},
    {"needs-duplicate", "Duplicate needs",
     "Reports a job listed twice in needs (ids compare case-insensitively).", true},
    {"needs-redundant", "Redundant needs",
     "Finds needs: entries implied by another need (transitive reduction; opt-in).", false},
    {"needs-self", "Self-dependency",
     "Reports a job that needs itself.", true},
    {"never-runs", "Jobs that can never run",
     "Reports jobs whose if: folds to false, directly or because a needed job can never run.", true},
    {"operation-budget", "Lambda operation budget",
     "Reports a Lambda execution that stays over the durable-operation budget after partitioning (ci-compile --emit=lambda-plan only).", true},
    {"permissions", "Permission scopes",
     "Reserved for permission scope and level findings (reported by the frontend as unknown-key and invalid-value).", true},
    {"permissions-missing", "Missing permissions",
     "Notes workflows without permissions: whose jobs then get the repository's default token rights (opt-in).", false},
    {"permissions-write-all", "write-all permissions",
     "Finds permissions: write-all (opt-in).", false},
    {"persist-credentials", "Persisted checkout credentials",
     "Finds actions/checkout keeping the token in .git/config in a job that uploads the workspace as an artifact.", true},
    {"pyflakes", "Python scripts",
     "Runs pyflakes over run: scripts whose shell is python, when pyflakes is installed.", true},
    {"reusable-cycle", "Reusable workflow cycles",
     "Reports reusable workflows that call each other in a cycle.", true},
    {"reusable-limit", "Reusable workflow limits",
     "Checks GitHub's limit of 50 unique reusable workflows per run and the job count after inlining.", true},
    {"reusable-nesting", "Reusable workflow nesting",
     "Checks GitHub's limit of 10 levels of nested reusable workflows.", true},
    {"reusable-symbolic", "Remote reusable workflows",
     "Notes remote reusable workflows that are not in --workflow-cache and stay symbolic.", true},
    {"runner-label", "Runner labels",
     "Checks runs-on labels: known GitHub-hosted labels, self-hosted labels from the config file, and labels that can never be satisfied together.", true},
    {"script-injection", "Script injection",
     "Finds untrusted event values (titles, bodies, branch names, commit messages) expanded into run: scripts and github-script scripts.", true},
    {"shell-name", "Shell names",
     "Checks shell: names against the runner's OS (sh not on Windows, cmd/powershell only there).", true},
    {"shellcheck", "Shell scripts",
     "Runs shellcheck over run: scripts whose shell is bash or sh, when shellcheck is installed.", true},
    {"step-kind", "Step kinds",
     "Checks that a step is exactly one kind (run, uses, ...).", true},
    {"suppression", "Suppression comments",
     "Checks the syntax and kinds of `# ci-lint: ignore[KIND]` comments.", true},
    {"suppression-unused", "Unused suppression comments",
     "Finds `# ci-lint: ignore[KIND]` comments that silence nothing.", true},
    {"syntax-check", "YAML and workflow syntax",
     "Checks the YAML syntax and GitHub's YAML rules (unique keys, no merge keys, unused anchors, limits), empty workflows, and sections missing a key they need.", true},
    {"timeout", "Timeouts",
     "Checks that timeout-minutes and strategy.max-parallel values are positive.", true},
    {"type-mismatch", "Value shapes",
     "Checks that a value has the shape its key needs (mapping, sequence, scalar).", true},
    {"unknown-key", "Unknown keys",
     "Checks for keys GitHub does not know at their place, with suggestions.", true},
    {"untrusted-checkout", "Untrusted checkout",
     "Finds pull_request_target and workflow_run jobs that check out the pull request's head.", true},
    {"workflow-call", "Reusable workflow calls",
     "Checks uses: of reusable workflows, their inputs and secrets.", true},
};

llvm::ArrayRef<LintKindDoc> lintKindDocs() { return kKindDocs; }

const LintKindDoc &lintKindDoc(llvm::StringRef kind) {
  for (const auto &d : kKindDocs)
    if (kind == d.name)
      return d;
  static const LintKindDoc generic{"", "Other check", "A check of the workflow.", true};
  return generic;
}

std::vector<std::string> lintKindNames() { return ir::allDiagKindNames(); }

const std::vector<LintRuleInfo> &lintRules() {
  static const std::vector<LintRuleInfo> rules = {
      {"cron", {"events"}, createCronRule},
      {"glob", {"glob"}, createGlobRule},
      {"deprecated-commands", {"deprecated-commands"}, createDeprecatedCommandsRule},
      {"env-var", {"env-var"}, createEnvVarRule},
      {"credentials", {"credentials"}, createCredentialsRule},
      {"runner-label", {"runner-label"}, createRunnerLabelRule},
      {"shellcheck", {"shellcheck"}, createShellcheckRule, /*external=*/true},
      {"pyflakes", {"pyflakes"}, createPyflakesRule, /*external=*/true},
      {"expression",
       // expr-unknown-context, expr-unknown-function and expr-arg-count: the
       // frontend's parser checks named values and functions at every key first
       // (reported as `expression`, with GitHub's messages).
       {"expr-unknown-property", "expr-needs-unknown-job",
        "expr-steps-unknown-id", "expr-arg-type", "expr-bad-literal", "expr-constant-comparison",
        "expr-object-in-template"},
       createExpressionRule},
      {"if-cond", {"if-always-true", "if-constant"}, createIfCondRule},
      {"matrix", {"matrix", "matrix-size"}, createMatrixRule},
      {"action",
       {"action-input", "action-deprecated-input", "action-outdated", "action-major",
        "action-local", "action-ref", "action-pin"},
       createActionRule},
      {"workflow-call", {"workflow-call", "call-input-type"}, createWorkflowCallRule},
      {"events", {"events"}, createEventsRule},
      {"jobs",
       {"job-needs", "needs-redundant", "job-never-runs", "job-output-unused", "timeout",
        "shell-name"},
       createJobsRule},
      {"untrusted-checkout", {"untrusted-checkout"}, createUntrustedCheckoutRule},
      {"persist-credentials", {"persist-credentials"}, createPersistCredentialsRule},
      {"permissions", {"permissions-write-all", "permissions-missing"}, createPermissionsRule},
      {"empty-value", {"empty-value"}, createEmptyValueRule},
      {"anchors", {"syntax-check"}, createAnchorsRule},
      {"script-injection", {"script-injection"}, createScriptInjectionRule},
  };
  return rules;
}

KindSelection::KindSelection() {
  for (const std::string &k : lintKindNames())
    if (lintKindDoc(k).defaultEnabled)
      enabled_.insert(k);
}

std::string suggestKind(llvm::StringRef name) {
  std::string best;
  unsigned bestDist = 3; // suggest only close names
  for (const std::string &k : lintKindNames()) {
    unsigned d = name.lower() == k ? 0 : llvm::StringRef(k).edit_distance(name.lower());
    if (d < bestDist) {
      bestDist = d;
      best = k;
    }
  }
  return best;
}

llvm::Error KindSelection::set(llvm::StringRef kind, bool on) {
  std::vector<std::string> all = lintKindNames();
  if (kind == "all") {
    if (on)
      enabled_.insert(all.begin(), all.end());
    else
      enabled_.clear();
    return llvm::Error::success();
  }
  if (!std::binary_search(all.begin(), all.end(), kind.str())) {
    std::string msg = "unknown kind \"" + kind.str() + "\"";
    std::string s = suggestKind(kind);
    if (!s.empty())
      msg += "; did you mean \"" + s + "\"?";
    msg += " (see --list-kinds)";
    return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
  }
  if (on)
    enabled_.insert(kind.str());
  else
    enabled_.erase(kind.str());
  return llvm::Error::success();
}

bool KindSelection::anyEnabled(llvm::ArrayRef<const char *> kinds) const {
  return std::any_of(kinds.begin(), kinds.end(), [&](const char *k) { return enabled(k); });
}

} // namespace passes
