/// \file
/// One expression evaluation request as `ci-expr --jsonl` and the conformance
/// suites express it: `{"expr": "...", "contexts": {...}, "functions": {...}}`.
///
/// The named values allowed are the keys of `contexts` (any other name is GitHub's
/// "Unrecognized named-value" parse error). The host functions success/failure
/// (any number of arguments), always/cancelled (none) and hashFiles (1..255) are
/// always known to the parser; `functions` gives their fixed results, and calling
/// one without a result is an evaluation error.
///
/// The answer is one JSON line:
/// `{"result":{"kind":"Boolean|Number|String|Null|Array|Object","value":...}}` or
/// `{"error":{"kind":"lexing|parsing|evaluation","message":"..."}}`, where messages
/// carry GitHub's "Located at position N within expression: ..." suffix when a
/// position is known, and NaN/±Infinity are the strings "NaN", "Infinity",
/// "-Infinity". A line that is not a valid request answers with the error kind
/// "request".
#pragma once

#include "ir/expr_ast.h"
#include "ir/expr_functions.h"
#include "ir/value.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace frontend {

struct ExprRequest {
  std::string expr;
  ir::Value contexts;  ///< object (or null)
  ir::Value functions; ///< object: host function name -> fixed result (or null)
  /// More named values to accept besides the keys of `contexts` (they read as null).
  std::vector<std::string> extraContextNames;
};

struct ExprOutcome {
  ir::Value value;                    ///< the result when there is no error
  std::optional<ir::ExprError> error; ///< lexing, parsing or evaluation error
};

/// Reads a request object from JSON text. False with `error` when the text is not
/// an object with a string "expr".
bool parseExprRequest(llvm::StringRef json, ExprRequest &out, std::string &error);

/// Parses and evaluates a request. `host`, when given, answers the functions that
/// `functions` does not (e.g. a real hashFiles).
ExprOutcome runExprRequest(const ExprRequest &req, ir::ExprHost *host = nullptr);

/// The answer line (no trailing newline) for an outcome of expression `expr`.
std::string formatExprOutcome(const ExprOutcome &o, llvm::StringRef expr);
/// The answer line for a request that could not be read.
std::string formatRequestError(llvm::StringRef message);

/// A human rendering of an expression error: the message, then the line of the
/// expression that holds the position with a caret under it.
///
///     error: Unexpected symbol: '='. Located at position 3 within expression: 1 = 1
///       1 = 1
///         ^
std::string formatExprErrorWithCaret(const ir::ExprError &e, llvm::StringRef expr);

/// Names the command-line tools accept as contexts without a definition (they read
/// as null): github, env, vars, secrets, inputs, matrix, needs, steps, job, jobs,
/// runner, strategy.
const std::vector<std::string> &wellKnownContextNames();

} // namespace frontend
