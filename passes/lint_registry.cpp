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

// Sorted by name.
static const LintKindDoc kKindDocs[] = {
    {"action-metadata", "Action metadata",
     "Checks the keys and shapes of action.yml files (inputs, outputs, runs).", true},
    {"action-ref", "Action references",
     "Checks the form of uses: (owner/repo[/path]@ref, ./path, docker://image).", true},
    {"concurrency", "Concurrency groups",
     "Checks concurrency: (ci-compile): empty or over-long groups, cancel-in-progress that is not a boolean, queue values, a job in its own workflow's group.", true},
    {"config", "Configuration file",
     "Checks the syntax of .github/ci-lint.yaml.", true},
    {"container", "Containers",
     "Checks container and service definitions (an image is required).", true},
    {"credentials", "Hard-coded credentials",
     "Checks that container and service registry passwords come from secrets, not literals.", true},
    {"deprecated-commands", "Deprecated workflow commands",
     "Checks run: scripts for the deprecated set-output, save-state, set-env and add-path workflow commands.", true},
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
    {"invalid-encoding", "File encoding",
     "Checks that a workflow file is UTF-8 text.", true},
    {"invalid-value", "Invalid values",
     "Checks values against what the key allows (event names, enumerations, numbers).", true},
    {"job-needs", "Job dependencies",
     "Checks needs: unknown jobs, cycles, and that some job needs nothing.", true},
    {"matrix", "Matrix expansion",
     "Checks that strategy.matrix expands (ci-compile): empty vectors, include/exclude keys, at most 256 legs.", true},
    {"missing-key", "Missing keys",
     "Checks that required keys are present (jobs, runs-on, steps, ...).", true},
    {"needs-cycle", "Cycles in needs",
     "Finds jobs whose needs form a cycle (ci-compile), reported once from the earliest job.", true},
    {"needs-duplicate", "Repeated needs",
     "Finds a job id listed twice in needs (ci-compile; ids compare case-insensitively).", true},
    {"needs-self", "Self-dependencies",
     "Finds a job that needs itself (ci-compile).", true},
    {"never-runs", "Jobs that never run",
     "Finds jobs whose condition is always false, or that depend on such a job through the implicit success() (ci-compile).", true},
    {"pyflakes", "Python scripts",
     "Runs pyflakes over run: scripts whose shell is python, when pyflakes is installed.", true},
    {"reusable-cycle", "Reusable workflow cycles",
     "Finds reusable workflows that call each other in a cycle (ci-compile).", true},
    {"reusable-limit", "Reusable workflow limits",
     "Checks the number of unique reusable workflows (50) and the jobs inlining makes (ci-compile).", true},
    {"reusable-nesting", "Reusable workflow nesting",
     "Checks that reusable workflows nest at most 10 levels deep (ci-compile).", true},
    {"reusable-symbolic", "Reusable workflows not available",
     "Notes remote reusable workflows that are not in the workflow cache (ci-compile keeps them symbolic).", true},
    {"runner-label", "Runner labels",
     "Checks runs-on labels: known GitHub-hosted labels, self-hosted labels from the config file, and labels that can never be satisfied together.", true},
    {"shellcheck", "Shell scripts",
     "Runs shellcheck over run: scripts whose shell is bash or sh, when shellcheck is installed.", true},
    {"step-kind", "Step kinds",
     "Checks that a step is exactly one kind (run, uses, ...).", true},
    {"suppression", "Suppression comments",
     "Checks the syntax and kinds of `# ci-lint: ignore[KIND]` comments.", true},
    {"syntax-check", "YAML and workflow syntax",
     "Checks the YAML syntax and GitHub's YAML rules (unique keys, no merge keys, limits).", true},
    {"type-mismatch", "Value shapes",
     "Checks that a value has the shape its key needs (mapping, sequence, scalar).", true},
    {"unknown-key", "Unknown keys",
     "Checks for keys GitHub does not know at their place, with suggestions.", true},
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
