/// \file
/// The registry of lint rules and of the kinds they report. Kinds are the
/// stable names of ir/diagnostic_kinds.def (`glob`, `runner-label`, ...);
/// users select them with `--enable/--disable KIND`, the config file and
/// suppression comments. Each kind has a title and a one-line summary here
/// (shown by `--list-kinds` and in SARIF rule metadata) and a section in
/// docs/checks.md whose anchor is the kind name.
///
/// Rules are listed explicitly (no static self-registration: the rules live
/// in a static library and unreferenced objects would be dropped at link
/// time). A rule is skipped for a file when none of its kinds is enabled.
#pragma once

#include "passes/lint_rule.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace passes {

/// Documentation of one kind.
struct LintKindDoc {
  const char *name;    ///< stable kind name
  const char *title;   ///< short human title, e.g. "Glob syntax of filters"
  const char *summary; ///< one sentence: what is checked
  bool defaultEnabled; ///< false for opt-in kinds
};

/// Docs of every kind ci-lint can report, sorted by name.
llvm::ArrayRef<LintKindDoc> lintKindDocs();
/// The docs of `kind`, or a generic entry for a kind without docs.
const LintKindDoc &lintKindDoc(llvm::StringRef kind);
/// Every kind name ci-lint may report (the .def table's names), sorted.
std::vector<std::string> lintKindNames();

/// A rule and the kinds it reports.
struct LintRuleInfo {
  const char *name;
  std::vector<const char *> kinds;
  std::function<std::unique_ptr<LintRule>()> create;
  /// The rule runs external programs (shellcheck, pyflakes); such rules are
  /// skipped when the caller asks for in-process checks only.
  bool external = false;
};

/// Every rule, in the order they run.
const std::vector<LintRuleInfo> &lintRules();

/// Which kinds are reported: defaults, then the config file's enable/disable,
/// then the command line's (later wins).
class KindSelection {
public:
  KindSelection();
  /// Applies `--enable` (on=true) or `--disable`; `all` selects every kind.
  /// Fails on an unknown kind name, suggesting the closest known one.
  llvm::Error set(llvm::StringRef kind, bool on);
  bool enabled(llvm::StringRef kind) const { return enabled_.count(kind.str()) != 0; }
  /// True when any of `kinds` is enabled.
  bool anyEnabled(llvm::ArrayRef<const char *> kinds) const;

private:
  std::set<std::string> enabled_;
};

/// The known kind closest to `name` by edit distance, or "" if none is close.
std::string suggestKind(llvm::StringRef name);

} // namespace passes
