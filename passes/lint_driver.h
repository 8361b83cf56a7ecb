/// \file
/// The ci-lint driver: lints files (from disk, stdin or an editor buffer)
/// with the enabled rules and applies every filter, in this order:
///
///   read YAML -> rules -> sort/dedupe -> kind selection (defaults, config
///   enable/disable, --enable/--disable) -> --ignore REGEX on messages ->
///   config `paths:` ignores -> inline `# ci-lint: ignore[kind]` comments
///
/// Each file's repository (the nearest `.git` upwards, or `--root`) supplies
/// its `.github/ci-lint.yaml`; config files are read once per repository.
/// Files are linted in parallel on a thread pool sized to the cores (or
/// `jobs`); each file has its own SourceManager while it is linted and the
/// results are merged in input order, so output never depends on scheduling.
#pragma once

#include "passes/lint_config.h"
#include "passes/lint_registry.h"
#include "passes/lint_rule.h"

#include "ir/diagnostic.h"
#include "ir/source_manager.h"

#include "llvm/Support/Error.h"

#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace passes {

struct LintOptions {
  /// --enable KIND (true) / --disable KIND (false) in command-line order,
  /// applied after the config file's enable/disable; `all` names every kind.
  std::vector<std::pair<std::string, bool>> kindSwitches;
  std::vector<std::string> ignorePatterns; ///< --ignore REGEX, searched in messages
  /// Run shellcheck/pyflakes when installed; false with --no-shellcheck.
  bool externalTools = true;
  std::string shellcheckPath; ///< "" = `shellcheck` on PATH
  std::string pyflakesPath;   ///< "" = `pyflakes3` or `pyflakes` on PATH
  unsigned jobs = 0;          ///< worker threads; 0 = one per core
  std::string configPath;     ///< --config FILE; "" = discover per repository
  std::string root;           ///< --root DIR; "" = discover from each file
};

/// One file to lint.
struct LintInput {
  std::string path;                ///< on disk (for discovery and reading)
  std::string displayName;         ///< shown in output; "" = path
  std::optional<std::string> text; ///< contents when not read from `path` (stdin, editor)
};

/// The merged result of a run.
struct LintReport {
  ir::SourceManager sm;              ///< every linted file (and config files with problems)
  std::vector<ir::Diagnostic> diags; ///< per file in input order, sorted within a file
  std::vector<std::string> errors;   ///< operational failures (unreadable files, ...)
};

/// A repository's settings, resolved once.
struct LintProject {
  std::string root; ///< "" when the file is in no repository
  LintConfig config;
  KindSelection kinds;
  std::vector<std::regex> ignores; ///< --ignore patterns
  /// Diagnostics about the config file itself, with its text.
  std::string configText;
  std::vector<ir::Diagnostic> configDiags;
};

class Linter {
public:
  /// Validates the options (kind names, regexes): errors are usage errors.
  static llvm::Expected<std::unique_ptr<Linter>> create(LintOptions opts);

  const LintOptions &options() const { return opts_; }

  /// Lints every input (in parallel) and merges the results in input order.
  LintReport lint(const std::vector<LintInput> &inputs);

  /// The project of a file: its repository root and config (cached).
  const LintProject &projectFor(llvm::StringRef path);

  /// Lints file `file` of `sm` (already loaded) for `project`, with all
  /// filters applied. Thread-safe. `external` allows shellcheck/pyflakes.
  std::vector<ir::Diagnostic> lintSource(const ir::SourceManager &sm, ir::FileId file,
                                         const LintProject &project, llvm::StringRef relPath,
                                         LintFileKind kind, bool external) const;

private:
  explicit Linter(LintOptions opts) : opts_(std::move(opts)) {}
  llvm::Error loadProject(LintProject &p, llvm::StringRef configPath);

  LintOptions opts_;
  std::vector<std::regex> ignores_;
  std::map<std::string, std::unique_ptr<LintProject>> projects_; // by root
};

/// Copies `from`'s files into `to` and rewrites the file ids of `diags`.
void mergeDiagnostics(const ir::SourceManager &from, std::vector<ir::Diagnostic> diags,
                      ir::SourceManager &to, std::vector<ir::Diagnostic> &out);

} // namespace passes
