/// \file
/// A string value that may hold `${{ }}` expressions, compiled once at
/// lowering time (architecture decision 4): literal parts and expression
/// parts with their ASTs. gha-semantics §1.1: a value that is exactly one
/// expression keeps the expression's typed result; a mix of text and
/// expressions always yields a string (GitHub rewrites it to format()).
#pragma once

#include "ir/expr_ast.h"
#include "ir/source_location.h"

#include <memory>
#include <string>
#include <vector>

namespace ir {

struct TemplatePart {
  bool isExpr = false;
  std::string text;   ///< literal text, or the expression source (trimmed)
  uint32_t offset = 0; ///< byte offset of `text` within the template's value
  std::shared_ptr<const Expr> ast; ///< expression parts; null if the parse failed
};

struct Template {
  std::string raw;          ///< the value as written (after YAML decoding)
  std::vector<TemplatePart> parts;
  SourceRange range;        ///< the YAML scalar's range

  bool empty() const { return raw.empty(); }
  bool hasExpressions() const;
  /// Exactly one expression part and nothing else: the value is typed.
  bool isSingleExpression() const { return parts.size() == 1 && parts[0].isExpr; }
  /// The literal text when the template holds no expressions.
  const std::string &literal() const { return raw; }
  /// GitHub's string form: the literal, `expr` for a single expression, or
  /// `format('lit {0} lit', expr, ...)` for a mix ('{', '}' and "'" escaped).
  std::string toExpressionSource() const;
};

} // namespace ir
