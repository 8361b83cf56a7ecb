/// \file
/// Splits a string value into literal and `${{ }}` parts and parses each
/// expression (gha-semantics §1.1): a `}}` inside a quoted string literal
/// does not close an expression; `${{ }}` with an empty body and an
/// unclosed `${{` are errors.
#pragma once

#include "frontend/expr_parser.h"
#include "ir/diagnostic.h"
#include "ir/template.h"

namespace frontend {

struct TemplateError {
  ir::DiagKind kind;
  std::string message; ///< full message (GitHub's wording where it has one)
  uint32_t offset = 0; ///< byte offset in the value of the offending text
  uint32_t length = 1;
};

/// Splits and parses `value`. Errors are appended to `errors`; expression
/// parts that fail to parse keep a null AST.
ir::Template parseTemplate(llvm::StringRef value, const ExprParseOptions &opts,
                           std::vector<TemplateError> &errors);

/// Parses a bare expression (an `if:` value without `${{ }}`) as a template
/// with one expression part. A value that is already wrapped in `${{ }}` is
/// parsed as a template.
ir::Template parseBareExpression(llvm::StringRef value, const ExprParseOptions &opts,
                                 std::vector<TemplateError> &errors);

} // namespace frontend
