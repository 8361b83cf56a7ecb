/// \file
/// Shared facts for the rules over the lowered workflow (`ir::Workflow`,
/// `ir::Action`): where a template's bytes sit in the file (so findings inside
/// `${{ }}` point at the token, also in quoted and block scalars), and the
/// local actions (`uses: ./path`) and local reusable workflows
/// (`uses: ./.github/workflows/x.yml`) a workflow refers to, read from the
/// repository on disk once per linted file.
#pragma once

#include "passes/lint_rule.h"

#include "ir/action.h"
#include "ir/diagnostic.h"
#include "ir/source_manager.h"
#include "ir/workflow.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace passes {

/// A local action or reusable workflow read from disk.
struct LocalMetadata {
  std::string path;      ///< the file read (absolute or root-relative)
  std::string dir;       ///< the action's folder (actions)
  bool found = false;    ///< a metadata file exists
  bool parsed = false;   ///< it is YAML that lowered without errors
  std::vector<std::string> errors; ///< what went wrong reading it (messages)
  /// The errors about the file's structure: YAML syntax, duplicate keys,
  /// shapes and unknown keys (not missing keys or invalid values).
  std::vector<std::string> shapeErrors;
  std::optional<ir::Action> action;
  std::optional<ir::Workflow> workflow;
  const frontend::YamlNode *root = nullptr; ///< the file's YAML root (keys the IR drops)
};

struct LintFileFacts {
  explicit LintFileFacts(const LintContext &ctx);
  ~LintFileFacts();

  /// The scalar node that starts at `range`'s start, or null.
  const frontend::YamlNode *scalarAt(const ir::SourceRange &range) const;
  /// The range of bytes [offset, offset+len) of a template's decoded value;
  /// the template's range when its scalar is not found.
  ir::SourceRange templateRange(const ir::Template &t, size_t offset, size_t len) const;

  /// `uses: ./path` of a step: the action's metadata (action.yml or .yaml),
  /// read once. Null when the repository root is unknown.
  const LocalMetadata *localAction(llvm::StringRef uses) const;
  /// `uses: ./path.yml` of a job: the reusable workflow, read once.
  const LocalMetadata *localWorkflow(llvm::StringRef uses) const;

private:
  const LintContext &ctx_;
  llvm::DenseMap<uint64_t, const frontend::YamlNode *> scalars_;
  struct Store;
  std::unique_ptr<Store> store_;
};

/// Calls `fn(step)` for every step of `steps`, nested `parallel` steps included.
template <typename Fn> void forEachStep(const std::vector<ir::Step> &steps, Fn &&fn) {
  for (const ir::Step &s : steps) {
    fn(s);
    if (!s.parallel.empty())
      forEachStep(s.parallel, fn);
  }
}

} // namespace passes
