// Expression evaluation over borrowed views with GitHub's semantics.
#include "ir/expr_eval.h"

#include "ir/text_case.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Compiler.h"

#include <cmath>
#include <limits>

namespace ir {

// --- Evaluator ---

namespace {

constexpr const char *kMemoryExceeded = "The maximum allowed memory size was exceeded";

class Evaluator {
public:
  Evaluator(const Value &contexts, const EvalOptions &opts)
      : contexts_(contexts), opts_(opts), scratch_(opts.maxMemory) {}

  /// Evaluates a node into `out`. After an error (`failed`) results are
  /// meaningless and every caller returns at once (errors are values here, not
  /// exceptions: an expression failing at run time is common and must stay cheap).
  /// Results are written in place rather than returned, which keeps the small
  /// per-node views from being copied up the tree.
  void eval(const Expr &e, ValueRef &out) {
    // Leaves make no temporaries: no bracketing needed.
    switch (e.op) {
    case ExprOp::String:
      out = ValueRef::ofString(e.text);
      return;
    case ExprOp::Context: {
      const Value *v = contexts_.find(e.text);
      out = v ? ValueRef::of(*v) : ValueRef::null();
      return;
    }
    case ExprOp::Property:
      if (e.args[0]->op == ExprOp::Context || e.args[0]->op == ExprOp::Property) {
        if (propertyChain(e, out))
          return;
      }
      break;
    default:
      break;
    }
    if (++depth_ > opts_.maxDepth) {
      fail("Exceeded max expression depth " + std::to_string(opts_.maxDepth), e);
      return;
    }
    ExprScratch::Mark m = scratch_.mark();
    evalNode(e, out);
    if (failed)
      return;
    if (scratch_.exceeded()) {
      fail(kMemoryExceeded, e);
      return;
    }
    scratch_.release(m, out);
    --depth_;
  }

  ExprError error;
  bool failed = false;

private:
  /// `ctx.a.b.c` over plain objects, walked without recursion or bracketing (the
  /// common shape of a named-value access). Returns false, having done nothing,
  /// when the chain has another shape.
  bool propertyChain(const Expr &e, ValueRef &out) {
    const Expr *chain[64];
    size_t n = 0;
    const Expr *cur = &e;
    while (cur->op == ExprOp::Property) {
      if (n == 64)
        return false;
      chain[n++] = cur;
      cur = cur->args[0].get();
    }
    if (cur->op != ExprOp::Context)
      return false;
    const Value *v = contexts_.find(cur->text);
    for (size_t k = n; k-- > 0 && v;)
      v = v->isObject() ? v->find(chain[k]->text) : nullptr;
    out = v ? ValueRef::of(*v) : ValueRef::null();
    return true;
  }

  void fail(std::string msg, const Expr &e) {
    if (!failed) {
      error.kind = ExprError::Kind::Evaluation;
      error.message = std::move(msg);
      error.pos = e.pos;
      failed = true;
    }
  }

  void evalNode(const Expr &e, ValueRef &out) {
    switch (e.op) {
    case ExprOp::Null:
      out = ValueRef::null();
      return;
    case ExprOp::Bool:
      out = ValueRef::ofBool(e.boolean);
      return;
    case ExprOp::Number:
      out = ValueRef::ofNumber(e.number);
      return;
    case ExprOp::String:
      out = ValueRef::ofString(e.text);
      return;
    case ExprOp::Context: {
      const Value *v = contexts_.find(e.text);
      out = v ? ValueRef::of(*v) : ValueRef::null();
      return;
    }
    case ExprOp::Property: {
      eval(*e.args[0], out);
      if (failed)
        return;
      if (out.kind == Value::Kind::Object && out.value) {
        const Value *v = out.value->find(e.text);
        out = v ? ValueRef::of(*v, out.owner) : ValueRef::null();
      } else if (out.kind == Value::Kind::Array && out.filtered) {
        out = project(out, ValueRef::ofString(e.text));
      } else {
        out = ValueRef::null(); // arrays have no named members; primitives none at all
      }
      return;
    }
    case ExprOp::Index: {
      ValueRef idx;
      eval(*e.args[0], out);
      if (failed)
        return;
      eval(*e.args[1], idx);
      if (failed)
        return;
      out = access(out, idx);
      return;
    }
    case ExprOp::Wildcard:
      eval(*e.args[0], out);
      if (!failed)
        out = wildcard(out);
      return;
    case ExprOp::Not:
      eval(*e.args[0], out);
      out = ValueRef::ofBool(!out.truthy());
      return;
    case ExprOp::And:
      eval(*e.args[0], out);
      if (failed || !out.truthy())
        return;
      eval(*e.args[1], out);
      return;
    case ExprOp::Or:
      eval(*e.args[0], out);
      if (failed || out.truthy())
        return;
      eval(*e.args[1], out);
      return;
    case ExprOp::Eq:
    case ExprOp::Ne:
    case ExprOp::Lt:
    case ExprOp::Le:
    case ExprOp::Gt:
    case ExprOp::Ge: {
      ValueRef l, r;
      eval(*e.args[0], l);
      if (failed)
        return;
      eval(*e.args[1], r);
      if (failed)
        return;
      bool b = false;
      switch (e.op) {
      case ExprOp::Eq:
        b = looseEquals(l, r);
        break;
      case ExprOp::Ne:
        b = !looseEquals(l, r);
        break;
      case ExprOp::Lt:
        b = looseLess(l, r);
        break;
      case ExprOp::Le:
        b = looseEquals(l, r) || looseLess(l, r);
        break;
      case ExprOp::Gt:
        b = looseGreater(l, r);
        break;
      default:
        b = looseEquals(l, r) || looseGreater(l, r);
        break;
      }
      out = ValueRef::ofBool(b);
      return;
    }
    case ExprOp::Call:
      call(e, out);
      return;
    }
    fail("Unknown expression node", e);
  }

  /// Index coercion of `idx`: the string key (primitives only) and the array
  /// position (finite, >= 0, floored).
  struct Index {
    bool hasKey = false;
    llvm::StringRef key;
    std::string keyBuf;
    bool hasPos = false;
    size_t pos = 0;
  };
  static void coerceIndex(const ValueRef &idx, Index &out) {
    if (idx.isPrimitive()) {
      out.hasKey = true;
      if (idx.kind == Value::Kind::String) {
        out.key = idx.str;
      } else {
        idx.appendString(out.keyBuf);
        out.key = out.keyBuf;
      }
    }
    double f = idx.toNumber();
    if (std::isfinite(f) && f >= 0) {
      f = std::floor(f);
      if (f < 4294967296.0) {
        out.hasPos = true;
        out.pos = static_cast<size_t>(f);
      }
    }
  }

  LLVM_ATTRIBUTE_NOINLINE ValueRef access(const ValueRef &base, const ValueRef &idx) {
    if (base.kind == Value::Kind::Array && base.filtered)
      return project(base, idx);
    if (base.kind == Value::Kind::Array && base.value) {
      Index ix;
      coerceIndex(idx, ix);
      const ValueArray &a = base.value->getArray();
      if (ix.hasPos && ix.pos < a.size())
        return ValueRef::of(a[ix.pos], base.owner);
      return ValueRef::null();
    }
    if (base.kind == Value::Kind::Object && base.value) {
      if (!idx.isPrimitive())
        return ValueRef::null();
      Index ix;
      coerceIndex(idx, ix);
      if (const Value *v = base.value->find(ix.key))
        return ValueRef::of(*v, base.owner);
      return ValueRef::null();
    }
    return ValueRef::null();
  }

  ValueRef makeFiltered(ValueArray items) {
    size_t charge = 32 + 8 * items.size();
    ValueRef r = scratch_.keep(Value::array(std::move(items)), charge);
    r.filtered = true;
    return r;
  }

  /// `filtered[idx]`: the index applied to every element that can take it.
  LLVM_ATTRIBUTE_NOINLINE ValueRef project(const ValueRef &base, const ValueRef &idx) {
    Index ix;
    coerceIndex(idx, ix);
    ValueArray out;
    for (const Value &item : base.value->getArray()) {
      if (item.isObject()) {
        if (ix.hasKey)
          if (const Value *v = item.find(ix.key))
            out.push_back(*v);
      } else if (item.isArray()) {
        const ValueArray &a = item.getArray();
        if (ix.hasPos && ix.pos < a.size())
          out.push_back(a[ix.pos]);
      }
    }
    return makeFiltered(std::move(out));
  }

  LLVM_ATTRIBUTE_NOINLINE ValueRef wildcard(const ValueRef &base) {
    ValueArray out;
    if (base.kind == Value::Kind::Array && base.value) {
      const ValueArray &a = base.value->getArray();
      if (base.filtered) {
        // A further `*` flattens one level: the children of every collection element.
        for (const Value &item : a) {
          if (item.isArray())
            out.insert(out.end(), item.getArray().begin(), item.getArray().end());
          else if (item.isObject())
            for (const auto &m : item.getObject())
              out.push_back(m.value);
        }
      } else {
        out = a;
      }
    } else if (base.kind == Value::Kind::Object && base.value) {
      const ValueObject &o = base.value->getObject();
      out.reserve(o.size());
      for (const auto &m : o)
        out.push_back(m.value);
    }
    return makeFiltered(std::move(out));
  }

  LLVM_ATTRIBUTE_NOINLINE void call(const Expr &e, ValueRef &out) {
    BuiltinFunction f = lookupBuiltin(e.text);
    llvm::SmallVector<ValueRef, 4> args(e.args.size());
    for (size_t i = 0; i < e.args.size(); ++i) {
      eval(*e.args[i], args[i]);
      if (failed)
        return;
    }
    std::string err;
    if (f != BuiltinFunction::None) {
      if (!callBuiltin(f, args, scratch_, out, err))
        fail(scratch_.exceeded() ? std::string(kMemoryExceeded) : err, e);
      return;
    }
    if (!opts_.host) {
      fail("Function '" + e.text + "' is not available here", e);
      return;
    }
    std::vector<Value> vals;
    vals.reserve(args.size());
    for (const ValueRef &a : args)
      vals.push_back(a.toValue());
    Value result;
    if (!opts_.host->callFunction(e.text, vals, result, err)) {
      fail(err, e);
      return;
    }
    if (result.isPrimitive() && !result.isString()) {
      out = result.isBool()     ? ValueRef::ofBool(result.getBool())
            : result.isNumber() ? ValueRef::ofNumber(result.getNumber())
                                : ValueRef::null();
      return;
    }
    out = scratch_.keep(std::move(result), 64);
  }

  const Value &contexts_;
  const EvalOptions &opts_;
  ExprScratch scratch_;
  unsigned depth_ = 0;
};

/// Copies a result out of the scratch: filtered arrays become plain arrays.
Value materialize(const ValueRef &r) { return r.toValue(); }

} // namespace

EvalResult evaluate(const Expr &e, const Value &contexts, const EvalOptions &opts) {
  EvalResult out;
  Evaluator ev(contexts, opts);
  ValueRef r;
  ev.eval(e, r);
  if (ev.failed)
    out.error = std::move(ev.error);
  else
    out.value = materialize(r);
  return out;
}

EvalResult evaluateCondition(const Expr &e, const Value &contexts, const EvalOptions &opts) {
  EvalResult out;
  Evaluator ev(contexts, opts);
  ValueRef r;
  ev.eval(e, r);
  if (ev.failed)
    out.error = std::move(ev.error);
  else
    out.value = Value::boolean(r.truthy());
  return out;
}

EvalResult evaluateTemplate(const Template &t, const Value &contexts, const EvalOptions &opts) {
  EvalResult out;
  if (!t.hasExpressions()) {
    out.value = Value::string(t.raw);
    return out;
  }
  if (t.isSingleExpression()) {
    if (!t.parts[0].ast) {
      out.error = ExprError{ExprError::Kind::Parsing, "The expression did not parse", -1};
      return out;
    }
    return evaluate(*t.parts[0].ast, contexts, opts);
  }
  std::string s;
  for (const TemplatePart &p : t.parts) {
    if (!p.isExpr) {
      s += p.text;
      continue;
    }
    if (!p.ast) {
      out.error = ExprError{ExprError::Kind::Parsing, "The expression did not parse", -1};
      return out;
    }
    EvalResult r = evaluate(*p.ast, contexts, opts);
    if (r.error)
      return r;
    r.value.appendString(s);
  }
  out.value = Value::string(std::move(s));
  return out;
}

} // namespace ir
