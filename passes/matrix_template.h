/// \file
/// A `strategy.matrix` whose value is only known at run time, evaluated as GitHub's
/// template reader does. The plan carries such a matrix as a value whose strings
/// may hold `${{ }}` (keys too); the expand-matrix pass evaluates it when every
/// expression is closed, and both runtimes evaluate it when the job starts, with
/// this same code:
///
/// - a string holding `${{ }}` is a template (a single expression keeps its type);
/// - a sequence item that is an expression and evaluates to an array is spliced
///   into the sequence (`- ${{ fromJSON('[1, 2]') }}` adds two items);
/// - a mapping key holding an expression is evaluated to the key's text (it must
///   be a string, number, boolean or null);
/// - `${{ insert }}: VALUE` merges the mapping VALUE evaluates to into the mapping;
/// - a key defined twice (ignoring case) is an error, as on GitHub.
#pragma once

#include "passes/const_eval.h"

#include "ir/value.h"

#include <optional>
#include <string>

namespace passes {

struct MatrixTemplateResult {
  std::optional<ir::Value> value; ///< nullopt: an error, or (closed mode) not known yet
  std::string error;              ///< set on an evaluation error
};

/// Evaluates `tmpl` against `contexts` (an object of named contexts). With `known`,
/// the evaluation is compile-time: an expression that is not closed over `known`
/// yields no value and no error.
MatrixTemplateResult evaluateMatrixTemplate(const ir::Value &tmpl, const ir::Value &contexts,
                                            const KnownContexts *known = nullptr);

/// A matrix token as the plan carries it: strings (and keys) as written, so their
/// `${{ }}` stay for evaluateMatrixTemplate.
ir::Value tokenTemplateValue(const ir::TemplateToken &t);

/// True when the value holds a `${{ }}` in some string or mapping key.
bool holdsTemplate(const ir::Value &v);

} // namespace passes
