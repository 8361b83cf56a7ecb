/// \file
/// The expression evaluator (gha-semantics §5.3-5.5): evaluates an `ir::Expr`
/// against the contexts with GitHub's exact semantics — loose equality and
/// ordering with its coercions, truthiness, `&&`/`||` returning the deciding
/// operand, index coercion, missing properties as null, `*` filters (projection
/// over filtered arrays, one level of flattening per further `*`), the built-in
/// functions and the caller's host functions (success/failure/cancelled/always,
/// hashFiles).
///
/// Bounds: intermediate results are limited to `EvalOptions::maxMemory` accounted
/// bytes live at once (GitHub's "The maximum allowed memory size was exceeded"),
/// and recursion to `maxDepth` (the parser already caps depth at 50).
///
/// Usage:
///
///     ir::Value contexts = ...;            // object: github, env, matrix, ...
///     frontend::ParsedExpr p = frontend::parseExpression("github.ref == 'refs/heads/main'");
///     ir::EvalResult r = ir::evaluate(*p.ast, contexts);
///     if (r.error) ... else use r.value
#pragma once

#include "ir/expr_ast.h"
#include "ir/expr_functions.h"
#include "ir/template.h"
#include "ir/value.h"

#include <optional>

namespace ir {

struct EvalOptions {
  /// Functions the caller supplies; null: only the built-ins.
  ExprHost *host = nullptr;
  /// Live bytes of intermediate results (strings count 2 bytes per character, as
  /// GitHub's engine accounts them). GitHub's limit is 1 MiB.
  size_t maxMemory = 1 << 20;
  /// Guard for trees that did not come from the parser.
  unsigned maxDepth = 1000;
};

struct EvalResult {
  Value value;                   ///< null on error
  std::optional<ExprError> error; ///< kind Evaluation
  bool ok() const { return !error.has_value(); }
};

/// Evaluates `e`. `contexts` is an object whose members are the named values
/// (looked up case-insensitively); a named value it lacks is null.
EvalResult evaluate(const Expr &e, const Value &contexts, const EvalOptions &opts = {});

/// Evaluates a condition the way `if:` reads it (truthiness of the result).
/// Errors are returned as for evaluate().
EvalResult evaluateCondition(const Expr &e, const Value &contexts, const EvalOptions &opts = {});

/// Evaluates a template (gha-semantics §1.1): a single `${{ }}` keeps its typed
/// result; literal text with expressions gives the concatenated strings; a
/// template without expressions gives its literal. An expression part whose
/// parse failed is an evaluation error.
EvalResult evaluateTemplate(const Template &t, const Value &contexts,
                            const EvalOptions &opts = {});

} // namespace ir
