// Compile-time evaluation of closed expressions and three-valued folding of conditions.
#include "passes/const_eval.h"

#include "ir/expr_eval.h"

#include "llvm/ADT/StringExtras.h"

namespace passes {

using ir::Expr;
using ir::ExprOp;
using ir::ExprPtr;
using ir::Value;

void KnownContexts::set(llvm::StringRef name, Value v, bool isComplete) {
  values.mutableObject().set(name.str(), std::move(v));
  auto it = std::find_if(complete.begin(), complete.end(),
                         [&](const std::string &c) { return name.equals_insensitive(c); });
  if (isComplete && it == complete.end())
    complete.push_back(name.str());
  if (!isComplete && it != complete.end())
    complete.erase(it);
}

bool KnownContexts::isComplete(llvm::StringRef name) const {
  for (const std::string &c : complete)
    if (name.equals_insensitive(c))
      return true;
  return false;
}

namespace {

bool isRunTimeFunction(llvm::StringRef name) {
  return name.equals_insensitive("success") || name.equals_insensitive("failure") ||
         name.equals_insensitive("cancelled") || name.equals_insensitive("always") ||
         name.equals_insensitive("hashFiles");
}

/// What an access chain (`ctx`, `ctx.a`, `ctx['a'][0]`) is known to be.
struct ChainState {
  enum Kind : uint8_t { Unknown, Partial, Closed } kind = Unknown;
  const Value *value = nullptr; ///< Partial: the object reached so far
};

ChainState chainState(const Expr &e, const KnownContexts &known);

/// Member `key` of a partial value: a given member is known (objects stay
/// partial below it), a missing one is unknown.
ChainState member(const Value *m) {
  if (!m)
    return {};
  if (m->isObject())
    return {ChainState::Partial, m};
  return {ChainState::Closed, nullptr};
}

ChainState chainState(const Expr &e, const KnownContexts &known) {
  switch (e.op) {
  case ExprOp::Context: {
    const Value *v = known.values.find(e.text);
    if (!v)
      return {};
    if (known.isComplete(e.text) || !v->isObject())
      return {ChainState::Closed, nullptr};
    return {ChainState::Partial, v};
  }
  case ExprOp::Property: {
    ChainState base = chainState(*e.args[0], known);
    if (base.kind != ChainState::Partial)
      return base;
    return member(base.value->find(e.text));
  }
  case ExprOp::Index: {
    ChainState base = chainState(*e.args[0], known);
    if (base.kind == ChainState::Unknown)
      return base;
    if (!isClosed(*e.args[1], known))
      return {};
    if (base.kind == ChainState::Closed)
      return base;
    const Expr &idx = *e.args[1];
    if (idx.op == ExprOp::String)
      return member(base.value->find(idx.text));
    return {}; // a computed key into a partial object
  }
  default:
    return {isClosed(e, known) ? ChainState::Closed : ChainState::Unknown, nullptr};
  }
}

ExprPtr literalNode(const Value &v, const Expr &at) {
  auto n = std::make_unique<Expr>();
  n->pos = at.pos;
  n->len = at.len;
  switch (v.kind()) {
  case Value::Kind::Null:
    n->op = ExprOp::Null;
    break;
  case Value::Kind::Bool:
    n->op = ExprOp::Bool;
    n->boolean = v.getBool();
    break;
  case Value::Kind::Number:
    n->op = ExprOp::Number;
    n->number = v.getNumber();
    break;
  case Value::Kind::String:
    n->op = ExprOp::String;
    n->text = v.getString().str();
    break;
  default:
    return nullptr;
  }
  return n;
}

ExprPtr boolNode(bool b, const Expr &at) { return literalNode(Value::boolean(b), at); }

ExprPtr shallowCopy(const Expr &e) {
  auto n = std::make_unique<Expr>();
  n->op = e.op;
  n->pos = e.pos;
  n->len = e.len;
  n->boolean = e.boolean;
  n->number = e.number;
  n->text = e.text;
  return n;
}

struct Folded {
  Truth truth = Truth::Unknown;
  ExprPtr expr;
  bool changed = false;
  bool literal() const { return expr && expr->isLiteral(); }
};

class Folder {
public:
  Folder(const KnownContexts &known, const StatusAssumptions &status)
      : known_(known), status_(status) {}

  /// Folds a node read for its value: closed primitives become literals.
  Folded value(const Expr &e) {
    if (e.isLiteral()) {
      bool t = e.op == ExprOp::Bool     ? e.boolean
               : e.op == ExprOp::Number ? ir::numberTruthy(e.number)
               : e.op == ExprOp::String ? !e.text.empty()
                                        : false;
      return {t ? Truth::True : Truth::False, shallowCopy(e), false};
    }
    if (auto v = closedValue(e)) {
      if (ExprPtr lit = literalNode(*v, e)) {
        return {v->truthy() ? Truth::True : Truth::False, std::move(lit), true};
      }
    }
    Folded out;
    out.expr = shallowCopy(e);
    for (const auto &a : e.args) {
      Folded fa = value(*a);
      out.changed |= fa.changed;
      out.expr->args.push_back(std::move(fa.expr));
    }
    if (e.op == ExprOp::Call && e.args.empty() && llvm::StringRef(e.text).equals_insensitive("always"))
      out.truth = Truth::True;
    if (e.op == ExprOp::Call && e.args.empty() && status_.successIsFalse &&
        llvm::StringRef(e.text).equals_insensitive("success"))
      out.truth = Truth::False;
    return out;
  }

  /// Folds a node read for its truthiness.
  Folded condition(const Expr &e) {
    switch (e.op) {
    case ExprOp::Not: {
      Folded a = condition(*e.args[0]);
      if (a.literal())
        return {a.truth == Truth::True ? Truth::False : Truth::True,
                boolNode(a.truth != Truth::True, e), true};
      Folded out;
      out.truth = a.truth == Truth::Unknown ? Truth::Unknown
                  : a.truth == Truth::True  ? Truth::False
                                            : Truth::True;
      out.expr = shallowCopy(e);
      out.expr->args.push_back(std::move(a.expr));
      out.changed = a.changed;
      return out;
    }
    case ExprOp::And:
    case ExprOp::Or: {
      bool isAnd = e.op == ExprOp::And;
      Truth absorbing = isAnd ? Truth::False : Truth::True;
      Folded a = condition(*e.args[0]);
      Folded b = condition(*e.args[1]);
      if ((a.literal() && a.truth == absorbing) || (b.literal() && b.truth == absorbing))
        return {absorbing, boolNode(absorbing == Truth::True, e), true};
      Truth t;
      if (a.truth == absorbing || b.truth == absorbing)
        t = absorbing;
      else if (a.truth == Truth::Unknown || b.truth == Truth::Unknown)
        t = Truth::Unknown;
      else
        t = isAnd ? Truth::True : Truth::False;
      // A literal neutral operand (true for &&, false for ||) drops out.
      if (a.literal())
        return {t, std::move(b.expr), true};
      if (b.literal())
        return {t, std::move(a.expr), true};
      Folded out;
      out.truth = t;
      out.expr = shallowCopy(e);
      out.expr->args.push_back(std::move(a.expr));
      out.expr->args.push_back(std::move(b.expr));
      out.changed = a.changed || b.changed;
      return out;
    }
    default: {
      Folded f = value(e);
      if (f.literal() && f.expr->op != ExprOp::Bool) {
        // In a condition only truthiness matters.
        f.expr = boolNode(f.truth == Truth::True, e);
        f.changed = true;
      }
      return f;
    }
    }
  }

private:
  std::optional<Value> closedValue(const Expr &e) { return evaluateClosed(e, known_); }

  const KnownContexts &known_;
  const StatusAssumptions &status_;
};

} // namespace

bool isClosed(const Expr &e, const KnownContexts &known) {
  switch (e.op) {
  case ExprOp::Null:
  case ExprOp::Bool:
  case ExprOp::Number:
  case ExprOp::String:
    return true;
  case ExprOp::Context:
  case ExprOp::Property:
  case ExprOp::Index:
    return chainState(e, known).kind == ChainState::Closed;
  case ExprOp::Call:
    if (isRunTimeFunction(e.text))
      return false;
    [[fallthrough]];
  default:
    for (const auto &a : e.args)
      if (!isClosed(*a, known))
        return false;
    return true;
  }
}

std::optional<Value> evaluateClosed(const Expr &e, const KnownContexts &known) {
  if (!isClosed(e, known))
    return std::nullopt;
  ir::EvalResult r = ir::evaluate(e, known.values);
  if (!r.ok())
    return std::nullopt;
  return std::move(r.value);
}

std::optional<Value> evaluateClosed(const ir::Template &t, const KnownContexts &known) {
  for (const auto &p : t.parts)
    if (p.isExpr && (!p.ast || !isClosed(*p.ast, known)))
      return std::nullopt;
  ir::EvalResult r = ir::evaluateTemplate(t, known.values);
  if (!r.ok())
    return std::nullopt;
  return std::move(r.value);
}

std::optional<Value> evaluateClosed(const ir::TemplateToken &t, const KnownContexts &known) {
  using K = ir::TemplateToken::Kind;
  switch (t.kind) {
  case K::Null:
    return Value();
  case K::Bool:
    return Value::boolean(t.boolean);
  case K::Number:
    return Value::number(t.number);
  case K::String:
    return evaluateClosed(t.str, known);
  case K::Sequence: {
    ir::ValueArray items;
    items.reserve(t.items.size());
    for (const auto &i : t.items) {
      auto v = evaluateClosed(i, known);
      if (!v)
        return std::nullopt;
      items.push_back(std::move(*v));
    }
    return Value::array(std::move(items));
  }
  case K::Mapping: {
    ir::ValueObject obj;
    obj.reserve(t.entries.size());
    for (const auto &en : t.entries) {
      auto v = evaluateClosed(en.value, known);
      if (!v)
        return std::nullopt;
      obj.insert(en.key.value, std::move(*v));
    }
    return Value::object(std::move(obj));
  }
  }
  return std::nullopt;
}

std::optional<Value> literalValue(const ir::TemplateToken &t) {
  static const KnownContexts none;
  using K = ir::TemplateToken::Kind;
  if (t.kind == K::String && t.str.hasExpressions())
    return std::nullopt;
  if (t.kind == K::String)
    return Value::string(t.str.raw);
  return evaluateClosed(t, none);
}

FoldedCondition foldCondition(const Expr &e, const KnownContexts &known,
                              const StatusAssumptions &status) {
  Folder f(known, status);
  Folded r = f.condition(e);
  FoldedCondition out;
  out.truth = r.truth;
  out.changed = r.changed;
  out.source = ir::printExpr(r.expr ? *r.expr : e);
  return out;
}

} // namespace passes
