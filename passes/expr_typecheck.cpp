// Type inference and static findings for expressions.
#include "passes/expr_typecheck.h"

#include "frontend/context_availability.h"
#include "ir/expr_functions.h"
#include "ir/value_json.h"

#include "llvm/ADT/StringExtras.h"

#include <cmath>
#include <functional>

namespace passes {

using ir::Expr;
using ir::ExprOp;
using ir::ExprType;
using ir::TypeRef;
using Kind = ir::ExprType::Kind;

namespace {

bool isCollection(const TypeRef &t) {
  return t->kind == Kind::Array || t->kind == Kind::Object || t->kind == Kind::Map;
}

class Checker {
public:
  Checker(const ir::TypeEnv &env, llvm::ArrayRef<frontend::FunctionSignature> host)
      : env_(env), host_(host) {}

  std::vector<ExprDiagnostic> diags;

  TypeRef check(const Expr &e) {
    switch (e.op) {
    case ExprOp::Null:
      return ir::nullType();
    case ExprOp::Bool:
      return ir::boolType();
    case ExprOp::Number:
      return ir::numberType();
    case ExprOp::String:
      return ir::stringType();
    case ExprOp::Context: {
      if (TypeRef t = env_.find(e.text))
        return t;
      report(e, ir::DiagKind::ExprUnknownContext, e.text, llvm::join(env_.names(), ", "));
      return ir::anyType();
    }
    case ExprOp::Property:
      return property(e, check(*e.args[0]), e.text, *e.args[0]);
    case ExprOp::Index: {
      TypeRef base = check(*e.args[0]);
      TypeRef idx = check(*e.args[1]);
      if (e.args[1]->op == ExprOp::String)
        return property(e, base, e.args[1]->text, *e.args[0]);
      indexKey(*e.args[1], base, idx);
      return index(base, idx);
    }
    case ExprOp::Wildcard:
      return wildcard(check(*e.args[0]));
    case ExprOp::Not:
      check(*e.args[0]);
      return ir::boolType();
    case ExprOp::And:
    case ExprOp::Or:
      return ir::joinTypes(check(*e.args[0]), check(*e.args[1]));
    case ExprOp::Eq:
    case ExprOp::Ne:
    case ExprOp::Lt:
    case ExprOp::Le:
    case ExprOp::Gt:
    case ExprOp::Ge:
      comparison(e, check(*e.args[0]), check(*e.args[1]));
      return ir::boolType();
    case ExprOp::Call:
      return call(e);
    }
    return ir::anyType();
  }

private:
  template <typename... Args> void report(const Expr &at, ir::DiagKind kind, Args &&...args) {
    ExprDiagnostic d;
    d.kind = kind;
    d.message = fmt::format(fmt::runtime(ir::diagKindInfo(kind).format), std::forward<Args>(args)...);
    d.pos = at.pos;
    d.len = at.len;
    diags.push_back(std::move(d));
  }

  std::string propertyNames(const ExprType &t) {
    std::vector<std::string> names;
    for (const auto &[k, v] : t.props)
      names.push_back(k);
    return names.empty() ? "(none)" : llvm::join(names, ", ");
  }

  TypeRef property(const Expr &at, const TypeRef &base, llvm::StringRef name, const Expr &baseExpr) {
    switch (base->kind) {
    case Kind::Any:
      return ir::anyType();
    case Kind::Map:
      return base->element;
    case Kind::Object: {
      if (TypeRef t = base->property(name))
        return t;
      if (base->open)
        return ir::anyType();
      if (baseExpr.op == ExprOp::Context && llvm::StringRef(baseExpr.text).equals_insensitive("needs"))
        report(at, ir::DiagKind::ExprNeedsUnknownJob, name, propertyNames(*base));
      else if (baseExpr.op == ExprOp::Context &&
               llvm::StringRef(baseExpr.text).equals_insensitive("steps"))
        report(at, ir::DiagKind::ExprStepsUnknownId, name, propertyNames(*base));
      else
        report(at, ir::DiagKind::ExprUnknownProperty, name, ir::printExpr(baseExpr), base->str());
      return ir::anyType();
    }
    case Kind::Array:
      if (base->filtered)
        return ir::arrayType(property(at, base->element, name, baseExpr), true);
      return ir::nullType();
    default:
      return ir::nullType(); // any access on a primitive is null
    }
  }

  /// Reports a key whose type can never select anything: a string index into
  /// an array, or a bool/number key into an object (GitHub evaluates to null).
  void indexKey(const Expr &key, const TypeRef &base, const TypeRef &idx) {
    const char *name = idx->kind == Kind::String ? "string"
                       : idx->kind == Kind::Bool ? "bool"
                       : idx->kind == Kind::Number ? "number"
                                                   : nullptr;
    if (!name)
      return;
    const Expr *start = &key; // report at the key's first character, like actionlint
    while ((start->op == ExprOp::Property || start->op == ExprOp::Index ||
            start->op == ExprOp::Wildcard) &&
           !start->args.empty())
      start = start->args[0].get();
    if (base->kind == Kind::Array && idx->kind == Kind::String)
      report(*start, ir::DiagKind::ExprArgType,
             fmt::format("index access of array must be type of number but got \"{}\"", name));
    else if ((base->kind == Kind::Object || base->kind == Kind::Map) && idx->kind != Kind::String)
      report(*start, ir::DiagKind::ExprArgType,
             fmt::format("property access of object must be type of string but got \"{}\"", name));
  }

  TypeRef index(const TypeRef &base, const TypeRef &) {
    switch (base->kind) {
    case Kind::Array:
      if (base->filtered) {
        TypeRef el = base->element;
        if (el->kind == Kind::Array || el->kind == Kind::Map)
          return ir::arrayType(el->element, true);
        return ir::arrayType(ir::anyType(), true);
      }
      return base->element;
    case Kind::Map:
      return base->element;
    case Kind::Any:
    case Kind::Object:
      return ir::anyType();
    default:
      return ir::nullType();
    }
  }

  TypeRef wildcard(const TypeRef &base) {
    switch (base->kind) {
    case Kind::Array: {
      if (!base->filtered)
        return ir::arrayType(base->element, true);
      const TypeRef &el = base->element;
      if (el->kind == Kind::Array || el->kind == Kind::Map)
        return ir::arrayType(el->element, true);
      if (el->kind == Kind::Object)
        return wildcard(el);
      return ir::arrayType(ir::anyType(), true);
    }
    case Kind::Map:
      return ir::arrayType(base->element, true);
    case Kind::Object: {
      TypeRef el;
      for (const auto &[k, v] : base->props)
        el = ir::joinTypes(el, v);
      if (base->open || !el)
        el = ir::anyType();
      return ir::arrayType(el, true);
    }
    case Kind::Any:
      return ir::arrayType(ir::anyType(), true);
    default:
      return ir::arrayType(ir::anyType(), true); // always []
    }
  }

  static bool nonNumericStringLiteral(const Expr &e) {
    return e.op == ExprOp::String && std::isnan(ir::stringToNumber(e.text));
  }

  void comparison(const Expr &e, const TypeRef &l, const TypeRef &r) {
    bool eq = e.op == ExprOp::Eq || e.op == ExprOp::Ne;
    const char *result = e.op == ExprOp::Ne ? "true" : "false";
    std::string why;
    // `x == null` tests whether a value is there at all: a value typed as a
    // collection may still be missing (a matrix key some rows leave out).
    bool nullTest = l->kind == Kind::Null || r->kind == Kind::Null;
    if (l->kind != Kind::Any && r->kind != Kind::Any && !nullTest) {
      if (isCollection(l) != isCollection(r))
        why = (isCollection(l) ? "the left side is " + l->str() + " and the right side is " + r->str()
                               : "the left side is " + l->str() + " and the right side is " +
                                     r->str()) +
              "; a collection is never equal to, nor ordered with, a primitive";
      else if (!eq && isCollection(l))
        why = "collections have no order";
    }
    if (why.empty()) {
      const Expr &le = *e.args[0], &re = *e.args[1];
      auto numeric = [](const TypeRef &t) {
        return t->kind == Kind::Bool || t->kind == Kind::Number || t->kind == Kind::Null;
      };
      if (numeric(l) && nonNumericStringLiteral(re))
        why = "the left side is " + l->str() + ", so '" + re.text +
              "' is converted to a number, which is NaN";
      else if (numeric(r) && nonNumericStringLiteral(le))
        why = "the right side is " + r->str() + ", so '" + le.text +
              "' is converted to a number, which is NaN";
    }
    if (!why.empty())
      report(e, ir::DiagKind::ExprAlwaysFalse, ir::printExpr(e), result, why);
  }

  TypeRef call(const Expr &e) {
    std::vector<TypeRef> args;
    for (const auto &a : e.args)
      args.push_back(check(*a));
    llvm::StringRef name = e.text;
    const frontend::FunctionSignature *sig = frontend::findBuiltinFunction(name);
    if (!sig)
      for (const auto &f : host_)
        if (name.equals_insensitive(f.name))
          sig = &f;
    if (!sig) {
      std::vector<std::string> names;
      for (const auto &f : frontend::builtinFunctions())
        names.push_back(f.name);
      for (const auto &f : host_)
        names.push_back(f.name);
      report(e, ir::DiagKind::ExprUnknownFunction, name, llvm::join(names, ", "));
      return ir::anyType();
    }
    if (args.size() < sig->minArgs || args.size() > sig->maxArgs) {
      std::string range = sig->minArgs == sig->maxArgs ? std::to_string(sig->minArgs)
                          : sig->maxArgs == UINT_MAX
                              ? "at least " + std::to_string(sig->minArgs)
                              : std::to_string(sig->minArgs) + " to " + std::to_string(sig->maxArgs);
      report(e, ir::DiagKind::ExprArgCount, sig->name, range, args.size());
      return ir::anyType();
    }
    // At the offending argument (where actionlint reports "not assignable" too).
    auto argType = [&](const Expr &arg, const std::string &msg) {
      report(arg, ir::DiagKind::ExprArgType, msg);
      // The whole argument: from its leftmost token to the end of its rightmost.
      uint32_t b = arg.pos, end = arg.pos + arg.len;
      std::function<void(const Expr &)> span = [&](const Expr &x) {
        b = std::min(b, x.pos);
        end = std::max(end, x.pos + x.len);
        for (const auto &a : x.args)
          span(*a);
      };
      span(arg);
      diags.back().pos = b;
      diags.back().len = end - b;
    };
    switch (ir::lookupBuiltin(name)) {
    case ir::BuiltinFunction::Contains:
      if (args[0]->kind == Kind::Object || args[0]->kind == Kind::Map)
        argType(*e.args[0], "contains() searches a string or an array; on " + args[0]->str() +
                " it is always false");
      else if (isCollection(args[1]) && args[0]->isPrimitive())
        argType(*e.args[1], "contains() looks for a primitive inside a string; with " + args[1]->str() +
                " as the item it is always false");
      return ir::boolType();
    case ir::BuiltinFunction::StartsWith:
    case ir::BuiltinFunction::EndsWith:
      for (size_t i = 0; i < 2; ++i)
        if (isCollection(args[i]))
          argType(*e.args[i], sig->name + "() compares strings; with " + args[i]->str() +
                  " as argument " + std::to_string(i + 1) + " it is always false");
      return ir::boolType();
    case ir::BuiltinFunction::Format: {
      if (e.args[0]->op == ExprOp::String) {
        std::vector<ir::ValueRef> dummy(args.size() - 1);
        std::string out, err;
        if (!ir::formatString(e.args[0]->text, dummy, SIZE_MAX, out, err))
          report(e, ir::DiagKind::ExprBadLiteral, err); // at the call, like actionlint
      } else if (isCollection(args[0])) {
        argType(*e.args[0], "format() takes a string; " + args[0]->str() + " formats as '" +
                (args[0]->kind == Kind::Array ? "Array" : "Object") + "'");
      }
      return ir::stringType();
    }
    case ir::BuiltinFunction::Join:
      if (args[0]->kind == Kind::Object || args[0]->kind == Kind::Map)
        argType(*e.args[0], "join() takes an array or a string; with " + args[0]->str() + " it is always ''");
      return ir::stringType();
    case ir::BuiltinFunction::ToJSON:
      return ir::stringType();
    case ir::BuiltinFunction::FromJSON: {
      if (e.args[0]->op == ExprOp::String) {
        ir::Value v;
        ir::JSONParseError perr;
        if (llvm::StringRef(e.args[0]->text).trim().empty()) {
          report(*e.args[0], ir::DiagKind::ExprBadLiteral, "fromJSON('') fails: empty input");
          return ir::anyType();
        }
        if (!ir::parseJSON(e.args[0]->text, v, perr)) {
          report(*e.args[0], ir::DiagKind::ExprBadLiteral,
                 "fromJSON() of invalid JSON: " + perr.message + " at column " +
                     std::to_string(perr.column));
          return ir::anyType();
        }
        return ir::typeOfValue(v);
      }
      if (isCollection(args[0]))
        argType(*e.args[0], "fromJSON() parses a string; " + args[0]->str() + " reads as '" +
                (args[0]->kind == Kind::Array ? "Array" : "Object") + "', which is not JSON");
      return ir::anyType();
    }
    case ir::BuiltinFunction::Case: {
      TypeRef result;
      for (size_t i = 0; i + 1 < args.size(); i += 2) {
        if (args[i]->kind != Kind::Any && args[i]->kind != Kind::Bool)
          report(*e.args[i], ir::DiagKind::ExprArgType,
                 "case() predicate " + std::to_string(i / 2 + 1) + " is " + args[i]->str() +
                     "; predicates must be booleans or the evaluation fails");
        result = ir::joinTypes(result, args[i + 1]);
      }
      return ir::joinTypes(result, args.back());
    }
    case ir::BuiltinFunction::None:
      break;
    }
    if (name.equals_insensitive("hashFiles")) {
      for (size_t i = 0; i < args.size(); ++i)
        if (isCollection(args[i]))
          argType(*e.args[i], "hashFiles() takes glob patterns (strings); argument " + std::to_string(i + 1) +
                  " is " + args[i]->str());
      return ir::stringType();
    }
    return ir::boolType(); // success, failure, cancelled, always
  }

  const ir::TypeEnv &env_;
  llvm::ArrayRef<frontend::FunctionSignature> host_;
};

} // namespace

ExprTypeCheck typeCheckExpr(const ir::Expr &e, const ir::TypeEnv &env,
                            llvm::ArrayRef<frontend::FunctionSignature> hostFunctions) {
  Checker c(env, hostFunctions);
  ExprTypeCheck out;
  out.type = c.check(e);
  out.diagnostics = std::move(c.diags);
  return out;
}

std::optional<ExprDiagnostic> checkIfTemplate(const ir::Template &t) {
  if (!t.hasExpressions() || t.isSingleExpression())
    return std::nullopt;
  bool text = false;
  for (const auto &p : t.parts)
    if (!p.isExpr && !p.text.empty()) // even a space or newline makes a non-empty string
      text = true;
  if (!text)
    return std::nullopt;
  ExprDiagnostic d;
  d.kind = ir::DiagKind::ExprIfAlwaysTrue;
  d.message = fmt::format(fmt::runtime(ir::diagKindInfo(d.kind).format), t.raw);
  d.pos = 0;
  d.len = static_cast<uint32_t>(t.raw.size());
  return d;
}

ir::TypeEnv typeEnvFor(llvm::StringRef definition) {
  const frontend::ContextAvailability *a = frontend::findContextAvailability(definition);
  if (!a)
    return {};
  return ir::defaultTypeEnv(a->contexts);
}

ir::Diagnostic toDiagnostic(const ExprDiagnostic &d, const ir::SourceRange &exprStart) {
  ir::Diagnostic out;
  out.kind = d.kind;
  out.severity = ir::diagKindInfo(d.kind).severity;
  out.message = d.message;
  out.range = ir::SourceRange{exprStart.file, exprStart.line, exprStart.col + d.pos, exprStart.line,
                              exprStart.col + d.pos + std::max<uint32_t>(d.len, 1)};
  out.valueRange = exprStart;
  return out;
}

} // namespace passes
