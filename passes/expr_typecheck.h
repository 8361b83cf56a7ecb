/// \file
/// Static checking of expressions (gha-semantics §5, §8 #11-12): infers the type of
/// an `ir::Expr` over a `TypeEnv` (ir/expr_types.h) and reports what is certainly
/// wrong or pointless:
///
/// * unknown context, property (closed object types), function; `needs.X` where X
///   is not a needed job and `steps.X` where X is not defined before the step
///   (when the caller typed needs/steps with makeNeedsType/makeStepsType);
/// * wrong argument counts, and arguments whose type makes a function's answer
///   fixed (`contains(obj, x)` is always false) or fail (a non-boolean `case`
///   predicate); invalid `format` strings and `fromJSON` literals;
/// * comparisons that are always false (or `!=` always true) because of the types:
///   a collection against a primitive, or a boolean/number/null against a string
///   literal that is not a number (`inputs.flag == 'true'` with a boolean input);
/// * an `if:` whose value mixes text and `${{ }}`: a non-empty string, always true.
///
/// Diagnostics carry byte offsets in the expression source; `toDiagnostic` places
/// them in a workflow file.
#pragma once

#include "frontend/expr_parser.h"
#include "ir/diagnostic.h"
#include "ir/expr_ast.h"
#include "ir/expr_types.h"
#include "ir/template.h"

#include <optional>
#include <string>
#include <vector>

namespace passes {

struct ExprDiagnostic {
  ir::DiagKind kind;
  std::string message; ///< formatted with the kind's format
  uint32_t pos = 0;    ///< byte offset of the offending token in the expression
  uint32_t len = 0;
};

struct ExprTypeCheck {
  ir::TypeRef type; ///< the inferred type of the whole expression
  std::vector<ExprDiagnostic> diagnostics;
};

/// Type-checks `e` against `env`. `hostFunctions` are the special functions allowed
/// at this key (success/failure/cancelled/always/hashFiles with their arities);
/// built-ins are always known.
ExprTypeCheck typeCheckExpr(const ir::Expr &e, const ir::TypeEnv &env,
                            llvm::ArrayRef<frontend::FunctionSignature> hostFunctions = {});

/// The `if-always-true` finding for an `if:` value, if it has one.
std::optional<ExprDiagnostic> checkIfTemplate(const ir::Template &t);

/// A TypeEnv for a schema definition (frontend/context_availability.h): its
/// contexts with defaultTypeEnv's types. Empty for an unknown definition.
ir::TypeEnv typeEnvFor(llvm::StringRef definition);

/// Places an expression diagnostic in a file: `exprStart` is the position of the
/// expression's first byte (single-line expressions; the column advances by bytes
/// of ASCII text).
ir::Diagnostic toDiagnostic(const ExprDiagnostic &d, const ir::SourceRange &exprStart);

} // namespace passes
