// Expression AST helpers: printing and queries.
#include "ir/expr_ast.h"

#include "llvm/ADT/StringExtras.h"

#include <cmath>
#include <cstdio>

namespace ir {

namespace {
/// A bounded per-thread free list of Expr-sized blocks. Trivially destructible, so
/// nodes freed late in a thread's exit (by static objects) still find it; the
/// guard below returns the blocks when the thread ends and marks the list dead.
struct ExprFreeList {
  struct Block {
    Block *next;
  };
  Block *head;
  size_t count;
  bool dead;
  static constexpr size_t kMax = 4096;
};
thread_local ExprFreeList exprFreeList;

struct ExprFreeListGuard {
  ~ExprFreeListGuard() {
    ExprFreeList &fl = exprFreeList;
    while (fl.head) {
      ExprFreeList::Block *b = fl.head;
      fl.head = b->next;
      ::operator delete(b);
    }
    fl.count = 0;
    fl.dead = true;
  }
};
thread_local ExprFreeListGuard exprFreeListGuard;
} // namespace

void *Expr::operator new(size_t size) {
  ExprFreeList &fl = exprFreeList;
  if (size == sizeof(Expr) && fl.head) {
    ExprFreeList::Block *b = fl.head;
    fl.head = b->next;
    --fl.count;
    return b;
  }
  return ::operator new(size);
}

void Expr::operator delete(void *p, size_t size) {
  ExprFreeList &fl = exprFreeList;
  if (size == sizeof(Expr) && !fl.dead && fl.count < ExprFreeList::kMax) {
    (void)&exprFreeListGuard; // constructs the guard in this thread on first use
    auto *b = static_cast<ExprFreeList::Block *>(p);
    b->next = fl.head;
    fl.head = b;
    ++fl.count;
    return;
  }
  ::operator delete(p);
}

llvm::StringRef exprOpSpelling(ExprOp op) {
  switch (op) {
  case ExprOp::Null:
    return "null";
  case ExprOp::Bool:
    return "boolean";
  case ExprOp::Number:
    return "number";
  case ExprOp::String:
    return "string";
  case ExprOp::Context:
    return "context";
  case ExprOp::Property:
    return ".";
  case ExprOp::Index:
    return "[]";
  case ExprOp::Wildcard:
    return "*";
  case ExprOp::Call:
    return "()";
  case ExprOp::Not:
    return "!";
  case ExprOp::And:
    return "&&";
  case ExprOp::Or:
    return "||";
  case ExprOp::Eq:
    return "==";
  case ExprOp::Ne:
    return "!=";
  case ExprOp::Lt:
    return "<";
  case ExprOp::Le:
    return "<=";
  case ExprOp::Gt:
    return ">";
  case ExprOp::Ge:
    return ">=";
  }
  return "?";
}

static std::string quote(llvm::StringRef s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "''";
    else
      out += c;
  }
  out += '\'';
  return out;
}

static std::string printNumber(double d) {
  if (std::isnan(d))
    return "NaN";
  if (std::isinf(d))
    return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", d);
  return buf;
}

/// The base of `.x`, `[i]` or `.*`: GitHub indexes only named values, calls and
/// other postfix expressions, so anything else (a group in the source) is wrapped.
static std::string printPostfixBase(const Expr &a) {
  switch (a.op) {
  case ExprOp::Context:
  case ExprOp::Call:
  case ExprOp::Property:
  case ExprOp::Index:
  case ExprOp::Wildcard:
    return printExpr(a);
  default:
    return "(" + printExpr(a) + ")";
  }
}

std::string printExpr(const Expr &e) {
  switch (e.op) {
  case ExprOp::Null:
    return "null";
  case ExprOp::Bool:
    return e.boolean ? "true" : "false";
  case ExprOp::Number:
    return printNumber(e.number);
  case ExprOp::String:
    return quote(e.text);
  case ExprOp::Context:
    return e.text;
  case ExprOp::Property:
    return printPostfixBase(*e.args[0]) + "." + e.text;
  case ExprOp::Index:
    return printPostfixBase(*e.args[0]) + "[" + printExpr(*e.args[1]) + "]";
  case ExprOp::Wildcard:
    return printPostfixBase(*e.args[0]) + ".*";
  case ExprOp::Call: {
    std::string s = e.text + "(";
    for (size_t i = 0; i < e.args.size(); ++i) {
      if (i)
        s += ", ";
      s += printExpr(*e.args[i]);
    }
    return s + ")";
  }
  case ExprOp::Not: {
    const Expr &a = *e.args[0];
    bool group = a.isBinary();
    return "!" + (group ? "(" + printExpr(a) + ")" : printExpr(a));
  }
  default:
    break;
  }
  // Binary: parenthesise operands of lower precedence.
  auto prec = [](ExprOp op) {
    switch (op) {
    case ExprOp::Or:
      return 1;
    case ExprOp::And:
      return 2;
    case ExprOp::Eq:
    case ExprOp::Ne:
      return 3;
    case ExprOp::Lt:
    case ExprOp::Le:
    case ExprOp::Gt:
    case ExprOp::Ge:
      return 4;
    default:
      return 10;
    }
  };
  auto side = [&](const Expr &a, bool right) {
    bool group = prec(a.op) < prec(e.op) || (right && prec(a.op) == prec(e.op) && a.isBinary());
    return group ? "(" + printExpr(a) + ")" : printExpr(a);
  };
  return side(*e.args[0], false) + " " + exprOpSpelling(e.op).str() + " " + side(*e.args[1], true);
}

bool usesStatusFunction(const Expr &e) {
  bool found = false;
  walkExpr(e, [&](const Expr &n) {
    if (n.op == ExprOp::Call) {
      llvm::StringRef name = n.text;
      if (name.equals_insensitive("success") || name.equals_insensitive("failure") ||
          name.equals_insensitive("cancelled") || name.equals_insensitive("always"))
        found = true;
    }
  });
  return found;
}

} // namespace ir

namespace ir {

llvm::StringRef ExprError::kindName(Kind k) {
  switch (k) {
  case Kind::Lexing:
    return "lexing";
  case Kind::Parsing:
    return "parsing";
  case Kind::Evaluation:
    return "evaluation";
  }
  return "parsing";
}

std::string ExprError::describe(llvm::StringRef expr) const {
  if (pos < 0)
    return message;
  return message + ". Located at position " + std::to_string(pos + 1) +
         " within expression: " + expr.str();
}

} // namespace ir
