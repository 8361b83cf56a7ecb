/// \file
/// Shared machinery of the lowering (frontend/lower_*.cpp): shape checks with
/// GitHub's messages, unknown keys with "did you mean" suggestions, and the
/// conversion of located YAML nodes into ir::Template / ir::TemplateToken with
/// the expression options of the schema definition the value sits in.
///
/// Every value is tagged with the name of its definition in GitHub's workflow
/// schema ("job-if", "step-run", "run-name", ...); exprOptionsFor() is the one
/// place that turns a definition into the contexts and functions allowed
/// there (gha-semantics §1.7).
#pragma once

#include "frontend/expr_parser.h"
#include "frontend/yaml_node.h"
#include "ir/diagnostic.h"
#include "ir/source_manager.h"
#include "ir/step.h"
#include "ir/template_token.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstring>
#include <optional>
#include <vector>

namespace frontend {

/// Expression options (allowed contexts and functions) for a value of the
/// schema definition `definition`.
const ExprParseOptions &exprOptionsFor(llvm::StringRef definition);

/// The closest of `candidates` to `word` by edit distance (case-insensitive),
/// or "" when none is close enough to be a plausible typo.
llvm::StringRef closestMatch(llvm::StringRef word, llvm::ArrayRef<llvm::StringRef> candidates);

/// True when `s` holds `${{` (memchr-based: this runs on every scalar).
inline bool hasExpressionMarker(llvm::StringRef s) {
  if (s.size() < 3)
    return false;
  const char *p = s.data(), *end = s.data() + s.size();
  while (p + 2 < end) {
    const void *hit = std::memchr(p, '$', static_cast<size_t>(end - p - 2));
    if (!hit)
      return false;
    p = static_cast<const char *>(hit);
    if (p[1] == '{' && p[2] == '{')
      return true;
    ++p;
  }
  return false;
}

/// "a, b, c" for notes.
std::string joinList(llvm::ArrayRef<llvm::StringRef> items);

class LowerContext {
public:
  LowerContext(const ir::SourceManager &sm, ir::DiagnosticEngine &diags) : sm(sm), diags(diags) {}

  const ir::SourceManager &sm;
  ir::DiagnosticEngine &diags;
  /// Action metadata: the runner ignores keys it does not know, so they are
  /// warnings there.
  bool unknownKeysAreWarnings = false;

  // --- shape checks: report GitHub's message and return false on mismatch ---

  /// A mapping is required. `what` names the expected shape for the note
  /// ("a mapping of job ids to jobs").
  bool expectMapping(const YamlNode *n, llvm::StringRef what);
  bool expectSequence(const YamlNode *n, llvm::StringRef what);
  /// A scalar (string, number, boolean or null) is required.
  bool expectScalar(const YamlNode *n, llvm::StringRef what);
  /// Reports a key that the mapping does not allow, with a suggestion.
  void unknownKey(const YamlEntry &e, llvm::ArrayRef<llvm::StringRef> allowed,
                  llvm::StringRef where);
  /// Reports a scalar value outside `allowed`.
  void invalidValue(const YamlNode *n, llvm::ArrayRef<llvm::StringRef> allowed,
                    llvm::StringRef what);
  void missingKey(const YamlNode *mapping, llvm::StringRef key);
  /// Reports `${{ }}` in a value or key that takes no context, as GitHub does: the
  /// value is parsed with no context (each named value is an error), a lone string
  /// literal folds to its text (`${{ 'bash' }}` is `bash`, stored in `*folded`),
  /// and any other expression is not allowed. True if reported.
  bool rejectExpression(const YamlNode *n, std::string *folded = nullptr);

  // --- conversions ---

  /// The mapping key as a located string (reports expressions in keys).
  ir::LocatedString key(const YamlEntry &e, bool allowExpression = false);
  /// A scalar as literal text (no expressions): null "", booleans, numbers
  /// in GitHub's string form.
  std::optional<ir::LocatedString> literal(const YamlNode *n, llvm::StringRef what);
  /// A scalar as a template parsed with `definition`'s options.
  std::optional<ir::Template> templ(const YamlNode *n, llvm::StringRef definition,
                                    llvm::StringRef what);
  /// An `if:` value: a bare expression unless it holds `${{`.
  std::optional<ir::Template> condition(const YamlNode *n, llvm::StringRef definition);
  /// Any value as a token. With `stringLeaves`, scalar leaves become strings
  /// (GitHub's string-typed definitions: "80" for `ports: [80]`).
  ir::TemplateToken token(const YamlNode *n, llvm::StringRef definition, bool stringLeaves = false);
  /// A literal boolean, or a boolean/expression token (`allowExpression`).
  std::optional<ir::TemplateToken> boolOrExpr(const YamlNode *n, llvm::StringRef definition,
                                              bool allowExpression = true);
  std::optional<ir::TemplateToken> numberOrExpr(const YamlNode *n, llvm::StringRef definition);
  /// A mapping of names to string templates (env, with, outputs).
  std::vector<ir::NamedTemplate>
  stringMap(const YamlNode *n, llvm::StringRef definition, llvm::StringRef what);
  /// A string or a sequence of strings, no expressions (needs, filters, types).
  std::vector<ir::LocatedString> stringList(const YamlNode *n, llvm::StringRef what);
  std::optional<bool> literalBool(const YamlNode *n, llvm::StringRef what);

  ir::SourceRange range(const YamlNode *n) const { return n ? n->range : ir::SourceRange{}; }

private:
  ir::Template parseScalarTemplate(const YamlNode *n, llvm::StringRef text,
                                   llvm::StringRef definition, bool bare);
};

} // namespace frontend
