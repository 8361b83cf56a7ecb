/// \file
/// The `${{ }}` expression AST (gha-semantics §5), shared by the parser
/// (frontend/expr_parser), the static checker, the evaluator and the runtimes.
///
/// Positions are 0-based byte offsets into the expression source (the text
/// between `${{` and `}}`, or a whole `if:` value); error messages print them
/// 1-based as GitHub does ("Located at position N within expression").
#pragma once

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <string>
#include <vector>

namespace ir {

enum class ExprOp : uint8_t {
  Null,     ///< `null`
  Bool,     ///< `true` / `false` (value in `boolean`)
  Number,   ///< numeric literal (value in `number`)
  String,   ///< string literal (unescaped value in `text`)
  Context,  ///< named value such as `github` (name in `text`)
  Property, ///< `a.b`: args[0] = a, name in `text`
  Index,    ///< `a[b]`: args[0] = a, args[1] = b
  Wildcard, ///< `a.*` or `a[*]`: args[0] = a
  Call,     ///< function call: name in `text`, args = arguments
  Not,      ///< `!a`: args[0]
  And,      ///< `a && b`
  Or,       ///< `a || b`
  Eq,       ///< `a == b`
  Ne,       ///< `a != b`
  Lt,       ///< `a < b`
  Le,       ///< `a <= b`
  Gt,       ///< `a > b`
  Ge,       ///< `a >= b`
};

/// Operator spelling (`&&`, `==`, ...) or a short name for other nodes.
llvm::StringRef exprOpSpelling(ExprOp op);

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  ExprOp op = ExprOp::Null;
  uint32_t pos = 0; ///< offset of the node's own token (operator, name, literal)
  uint32_t len = 0; ///< length of that token
  bool boolean = false;
  double number = 0;
  std::string text;
  /// Operands. Two are kept inline (every operator, property, index and most
  /// calls), so building a node allocates nothing besides the node itself.
  llvm::SmallVector<ExprPtr, 2> args;

  bool isLiteral() const { return op <= ExprOp::String; }
  bool isBinary() const { return op >= ExprOp::And; }

  /// Nodes come from a per-thread free list: parsing builds and drops many small
  /// nodes, and the list makes that cheaper than the general allocator.
  static void *operator new(size_t size);
  static void operator delete(void *p, size_t size);
};

/// Canonical source text of an expression (GitHub's spacing: `a && b`,
/// `f(x, y)`, `a.b`, `a['b c']`, strings re-quoted).
std::string printExpr(const Expr &e);

/// Calls `fn` on every node, parents before children.
template <typename Fn> void walkExpr(const Expr &e, Fn &&fn) {
  fn(e);
  for (const auto &a : e.args)
    walkExpr(*a, fn);
}

/// True when the tree calls success(), failure(), cancelled() or always()
/// anywhere (any case), which suppresses the implicit `success() &&` (§3.1).
bool usesStatusFunction(const Expr &e);

} // namespace ir

namespace ir {

/// A lexing, parsing or evaluation error of one expression.
struct ExprError {
  enum class Kind : uint8_t { Lexing, Parsing, Evaluation };
  Kind kind = Kind::Parsing;
  std::string message; ///< GitHub's wording, without the position suffix
  int64_t pos = -1;    ///< 0-based offset of the offending token, -1 if none

  static llvm::StringRef kindName(Kind k); // "lexing", "parsing", "evaluation"
  /// `message. Located at position N within expression: EXPR` when a
  /// position is known (GitHub's parser wording), else just the message.
  std::string describe(llvm::StringRef expr) const;
};

} // namespace ir
