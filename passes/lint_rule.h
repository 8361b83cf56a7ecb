/// \file
/// The lint rule interface. ci-lint runs a set of rules over each file; a rule
/// is a visitor with pre/post hooks (actionlint's design): it collects facts
/// on the way down (`visitWorkflowPre`, `visitJobPre`, `visitStep`) and reports
/// what needs the whole picture on the way up (`visitJobPost`,
/// `visitWorkflowPost`). One rule per file (`passes/lint_rule_<name>.cpp`),
/// a fresh instance per linted file, so rules may keep per-file state.
///
/// Rules currently see the located YAML tree through the light views below
/// (YamlWorkflowView, YamlJobView, YamlStepView): enough for checks that need
/// only YAML nodes or text. Rules over the lowered `ir::Workflow` will get
/// hooks of the same shape taking IR nodes; the views then become the place
/// where an IR node finds its YAML source (for text-level checks such as
/// scripts, whose positions must map back into block scalars).
#pragma once

#include "frontend/yaml_node.h"
#include "ir/diagnostic.h"
#include "ir/source_manager.h"

#include "llvm/ADT/StringRef.h"

#include <memory>
#include <string>
#include <vector>

namespace ir {
struct Workflow;
struct Action;
} // namespace ir

namespace passes {

struct LintConfig;
struct LintOptions;
struct LintFileFacts;

/// What a file is, which decides the view the rules get.
enum class LintFileKind : uint8_t {
  Workflow, ///< `.github/workflows/*.yml`
  Action,   ///< an action's metadata file (`action.yml`/`action.yaml`)
};

/// One step of a job (or of a composite action's `runs.steps`).
struct YamlStepView {
  const frontend::YamlNode *node = nullptr; ///< the step mapping
  size_t index = 0;                         ///< 0-based position in `steps`
  const frontend::YamlEntry *run = nullptr; ///< `run:` entry (key and value), or null
  const frontend::YamlNode *uses = nullptr;
  const frontend::YamlNode *shell = nullptr;
  const frontend::YamlNode *with = nullptr;
  const frontend::YamlNode *env = nullptr;
  const frontend::YamlNode *id = nullptr;
};

/// One job under `jobs:`; for an action file, a single pseudo-job whose steps
/// are `runs.steps` (key null, node = the `runs` mapping).
struct YamlJobView {
  const frontend::YamlNode *key = nullptr;  ///< the job id scalar (null for actions)
  const frontend::YamlNode *node = nullptr; ///< the job mapping
  const frontend::YamlNode *runsOn = nullptr;
  const frontend::YamlNode *strategy = nullptr;
  const frontend::YamlNode *matrix = nullptr; ///< `strategy.matrix`
  const frontend::YamlNode *container = nullptr;
  const frontend::YamlNode *services = nullptr;
  const frontend::YamlNode *env = nullptr;
  const frontend::YamlNode *defaultShell = nullptr; ///< `defaults.run.shell`
  std::vector<YamlStepView> steps;

  llvm::StringRef id() const { return key ? key->value : llvm::StringRef(); }
};

/// The whole file. `root` is null when the YAML did not parse.
struct YamlWorkflowView {
  LintFileKind kind = LintFileKind::Workflow;
  const frontend::YamlNode *root = nullptr;
  const frontend::YamlNode *on = nullptr;   ///< workflows: the `on:` value
  const frontend::YamlNode *env = nullptr;  ///< workflows: top-level `env:`
  const frontend::YamlNode *defaultShell = nullptr; ///< workflows: `defaults.run.shell`
  std::vector<YamlJobView> jobs;
};

/// Builds the view of a parsed file; tolerant of any shape (wrong types are
/// the schema's business, views just skip them).
YamlWorkflowView buildYamlView(const frontend::YamlNode *root, LintFileKind kind);

/// Everything a rule may look at and where it reports.
class LintContext {
public:
  LintContext(const ir::SourceManager &sm, ir::FileId file, llvm::StringRef relPath,
              LintFileKind kind, const LintConfig &config, const LintOptions &options,
              ir::DiagnosticEngine &diags)
      : sm(sm), file(file), relPath(relPath), kind(kind), config(config), options(options),
        diags(diags) {}

  const ir::SourceManager &sm;
  ir::FileId file;
  llvm::StringRef relPath; ///< path relative to the repository root ("/"-separated)
  LintFileKind kind;
  const LintConfig &config;
  const LintOptions &options;
  ir::DiagnosticEngine &diags;
  /// The lowered file (frontend/lower_workflow.h, action_metadata.h) when the
  /// YAML parsed: rules over the IR read it; null for the other kind of file.
  const ir::Workflow *workflow = nullptr;
  const ir::Action *action = nullptr;
  /// The parsed YAML root (null when the file did not parse).
  const frontend::YamlNode *root = nullptr;
  /// The repository root on disk ("" when unknown): local actions (`./path`)
  /// and local reusable workflows are read relative to it.
  std::string repoRoot;

  /// Facts the IR-based rules share (scalar positions, local actions and
  /// reusable workflows read from disk), built on first use (lint_ir.h).
  const LintFileFacts &facts() const;

  llvm::StringRef text() const { return sm.text(file); }

  template <typename... Args>
  ir::Diagnostic &report(ir::DiagKind kind, ir::SourceRange range, Args &&...args) {
    return diags.report(kind, range, std::forward<Args>(args)...);
  }
  /// Range of bytes [offset, offset+len) of a scalar's decoded value.
  ir::SourceRange valueRange(const frontend::YamlNode &node, size_t offset, size_t len) const;

private:
  mutable std::shared_ptr<LintFileFacts> facts_;
};

class LintRule {
public:
  virtual ~LintRule();
  /// The rule's name, e.g. "cron" (matches its file lint_rule_cron.cpp).
  virtual llvm::StringRef name() const = 0;

  virtual void visitWorkflowPre(const YamlWorkflowView &, LintContext &) {}
  virtual void visitJobPre(const YamlJobView &, LintContext &) {}
  virtual void visitStep(const YamlJobView &, const YamlStepView &, LintContext &) {}
  virtual void visitJobPost(const YamlJobView &, LintContext &) {}
  virtual void visitWorkflowPost(const YamlWorkflowView &, LintContext &) {}
};

/// Walks the view calling every rule's hooks in order: workflow pre, then per
/// job (pre, steps, post), then workflow post. Rules are called in the order
/// given for each hook, so output does not depend on scheduling.
void runLintRules(const YamlWorkflowView &view, llvm::ArrayRef<LintRule *> rules,
                  LintContext &ctx);

} // namespace passes
