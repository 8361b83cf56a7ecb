/// \file
/// Compile-time evaluation of expressions against the contexts known when the
/// workflow is compiled (`ci-compile --contexts FILE.json`, a call's constant
/// inputs, a matrix leg's values).
///
/// An expression is *closed* when everything it reads is known: every context
/// access resolves in `KnownContexts`, and it calls no function whose answer
/// depends on the run (success, failure, cancelled, always, hashFiles). Closed
/// expressions are evaluated with the real evaluator (ir/expr_eval.h), so the
/// result is exactly what the runtime would compute.
///
/// A known context is either *complete* (a member it lacks is null, as it will
/// be at run time: a matrix leg, a call's defaulted inputs) or *partial* (only
/// the members given are known, others stay unknown: what the user supplies).
///
/// Conditions are folded with three-valued logic (`Truth`): `a && b` is false
/// as soon as one side is false, `a || b` true as soon as one is true, so
/// `github.event_name == 'push' && success()` folds to false on a known
/// pull_request event even though success() is only known at run time.
#pragma once

#include "ir/expr_ast.h"
#include "ir/template.h"
#include "ir/template_token.h"
#include "ir/value.h"

#include <optional>
#include <string>
#include <vector>

namespace passes {

struct KnownContexts {
  ir::Value values = ir::Value::object(); ///< context name -> value
  std::vector<std::string> complete;      ///< names whose missing members are null

  /// Adds (or replaces) a context.
  void set(llvm::StringRef name, ir::Value v, bool isComplete);
  bool isComplete(llvm::StringRef name) const;
  bool empty() const { return values.getObject().empty(); }
};

/// True when `e` reads only known values and calls no run-time function.
bool isClosed(const ir::Expr &e, const KnownContexts &known);

/// The value of a closed expression (nullopt when it is not closed or its
/// evaluation fails: a failure is the runtime's to report).
std::optional<ir::Value> evaluateClosed(const ir::Expr &e, const KnownContexts &known);
/// The value of a template whose expressions are all closed (a literal
/// template is its text).
std::optional<ir::Value> evaluateClosed(const ir::Template &t, const KnownContexts &known);
/// A token with every string evaluated: mappings and sequences become
/// objects and arrays; nullopt when some expression is not closed.
std::optional<ir::Value> evaluateClosed(const ir::TemplateToken &t, const KnownContexts &known);

enum class Truth : uint8_t { False, True, Unknown };

/// What the job-level status functions are known to return.
struct StatusAssumptions {
  /// success() without arguments is false: an ancestor never runs, so it is
  /// skipped, and a skipped ancestor makes success() false (gha-semantics §3.1).
  bool successIsFalse = false;
};

struct FoldedCondition {
  Truth truth = Truth::Unknown;
  /// The condition with closed parts replaced by their truth and `true &&`,
  /// `false ||` dropped; equal to the input's printed form when nothing folded.
  std::string source;
  bool changed = false; ///< some part was folded
};

/// Folds condition `e` (read for its truthiness, as `if:` is).
FoldedCondition foldCondition(const ir::Expr &e, const KnownContexts &known,
                              const StatusAssumptions &status = {});

/// The value a token holds when it needs no evaluation (no `${{ }}` anywhere).
std::optional<ir::Value> literalValue(const ir::TemplateToken &t);

} // namespace passes
