/// \file
/// Parser for `${{ }}` expressions (gha-semantics §5.1-5.2): precedence
/// `!` > relational > equality > `&&` > `||`, property/index/call postfix,
/// `*` only after `.` or `[`, with GitHub's limits (21,000 characters,
/// nesting depth 50) and its checks of named values and functions against
/// what the workflow key allows (§1.7).
#pragma once

#include "ir/expr_ast.h"

#include <optional>
#include <string>
#include <vector>

namespace frontend {

struct FunctionSignature {
  std::string name;
  unsigned minArgs = 0;
  unsigned maxArgs = 0;
};

/// The built-in functions every key allows: contains, startsWith, endsWith,
/// format, join, toJSON, fromJSON, case.
const std::vector<FunctionSignature> &builtinFunctions();
/// Look-up of a built-in function by name (case-insensitive).
const FunctionSignature *findBuiltinFunction(llvm::StringRef name);

struct ExprParseOptions {
  /// Named values allowed (case-insensitive). Null: any identifier is accepted.
  const std::vector<std::string> *contexts = nullptr;
  /// Host functions allowed besides the built-ins (success, failure,
  /// cancelled, always, hashFiles with their arities at this key).
  std::vector<FunctionSignature> extraFunctions;
  /// Accept any function name (arity unchecked) when true.
  bool allowUnknownFunctions = false;
  unsigned maxLength = 21000;
  unsigned maxDepth = 50;
};

struct ParsedExpr {
  ir::ExprPtr ast;                    ///< null for an empty expression or on error
  std::optional<ir::ExprError> error; ///< first error
  /// Further "Unrecognized named-value" errors after the first (every context the
  /// key does not allow is reported, not only the first).
  std::vector<ir::ExprError> moreErrors;
};

ParsedExpr parseExpression(llvm::StringRef source, const ExprParseOptions &opts = {});

} // namespace frontend
