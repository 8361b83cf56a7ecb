// A run-time matrix value with `${{ }}` in strings and keys, evaluated as GitHub's template reader does.
#include "passes/matrix_template.h"

#include "frontend/template_parser.h"

#include "ir/expr_eval.h"
#include "ir/template_token.h"

namespace passes {

namespace {

bool hasMarker(llvm::StringRef s) { return s.contains("${{"); }

class Evaluator {
public:
  Evaluator(const ir::Value &contexts, const KnownContexts *known) : contexts_(contexts), known_(known) {}

  std::string error;
  bool unknown = false; ///< closed mode: some expression is not known yet

  bool isInsert(llvm::StringRef key) {
    std::vector<frontend::TemplateError> errors;
    ir::Template t = frontend::parseTemplate(key, {}, errors);
    return errors.empty() && t.isSingleExpression() && t.parts[0].text == "insert";
  }

  std::optional<ir::Value> evalString(llvm::StringRef text) {
    std::vector<frontend::TemplateError> errors;
    ir::Template t = frontend::parseTemplate(text, {}, errors);
    if (!errors.empty()) {
      error = errors.front().message + " in \"" + text.str() + "\"";
      return std::nullopt;
    }
    if (known_) {
      for (const auto &p : t.parts)
        if (p.isExpr && (!p.ast || !isClosed(*p.ast, *known_))) {
          unknown = true;
          return std::nullopt;
        }
    }
    ir::EvalResult r = ir::evaluateTemplate(t, contexts_);
    if (r.error) {
      error = r.error->message;
      return std::nullopt;
    }
    return std::move(r.value);
  }

  std::optional<ir::Value> eval(const ir::Value &v) {
    switch (v.kind()) {
    case ir::Value::Kind::String:
      if (hasMarker(v.getString()))
        return evalString(v.getString());
      return v;
    case ir::Value::Kind::Array: {
      ir::ValueArray items;
      for (const ir::Value &item : v.getArray()) {
        bool expr = item.isString() && hasMarker(item.getString());
        std::optional<ir::Value> r = eval(item);
        if (!r)
          return std::nullopt;
        if (expr && r->isArray()) // GitHub splices an expression's array into the sequence
          for (const ir::Value &x : r->getArray())
            items.push_back(x);
        else
          items.push_back(std::move(*r));
      }
      return ir::Value::array(std::move(items));
    }
    case ir::Value::Kind::Object: {
      ir::ValueObject out;
      for (const auto &e : v.getObject()) {
        if (hasMarker(e.key) && isInsert(e.key)) {
          std::optional<ir::Value> r = eval(e.value);
          if (!r)
            return std::nullopt;
          if (!r->isObject()) {
            error = "${{ insert }} needs a mapping, not " + ir::Value::kindName(r->kind()).lower();
            return std::nullopt;
          }
          for (const auto &m : r->getObject())
            if (!add(out, m.key, m.value))
              return std::nullopt;
          continue;
        }
        std::string key = e.key;
        if (hasMarker(e.key)) {
          std::optional<ir::Value> k = evalString(e.key);
          if (!k)
            return std::nullopt;
          if (k->isArray() || k->isObject()) {
            error = "the matrix key \"" + e.key + "\" evaluates to " + ir::Value::kindName(k->kind()).lower() +
                    "; a key must be a string";
            return std::nullopt;
          }
          key = k->toString();
          if (key.empty()) {
            error = "the matrix key \"" + e.key + "\" evaluates to an empty string";
            return std::nullopt;
          }
        }
        std::optional<ir::Value> r = eval(e.value);
        if (!r)
          return std::nullopt;
        if (!add(out, key, std::move(*r)))
          return std::nullopt;
      }
      return ir::Value::object(std::move(out));
    }
    default:
      return v;
    }
  }

private:
  bool add(ir::ValueObject &out, const std::string &key, ir::Value value) {
    if (out.insert(key, std::move(value)))
      return true;
    error = "'" + key + "' is already defined";
    return false;
  }

  const ir::Value &contexts_;
  const KnownContexts *known_;
};

} // namespace

MatrixTemplateResult evaluateMatrixTemplate(const ir::Value &tmpl, const ir::Value &contexts,
                                            const KnownContexts *known) {
  Evaluator ev(contexts, known);
  MatrixTemplateResult r;
  r.value = ev.eval(tmpl);
  if (!r.value && !ev.unknown)
    r.error = ev.error;
  return r;
}

ir::Value tokenTemplateValue(const ir::TemplateToken &t) {
  using K = ir::TemplateToken::Kind;
  switch (t.kind) {
  case K::Null:
    return ir::Value();
  case K::Bool:
    return ir::Value::boolean(t.boolean);
  case K::Number:
    return ir::Value::number(t.number);
  case K::String:
    return ir::Value::string(t.str.raw);
  case K::Sequence: {
    ir::ValueArray items;
    for (const auto &i : t.items)
      items.push_back(tokenTemplateValue(i));
    return ir::Value::array(std::move(items));
  }
  case K::Mapping: {
    ir::ValueObject o;
    for (const auto &e : t.entries)
      o.set(e.key.value, tokenTemplateValue(e.value));
    return ir::Value::object(std::move(o));
  }
  }
  return ir::Value();
}

bool holdsTemplate(const ir::Value &v) {
  switch (v.kind()) {
  case ir::Value::Kind::String:
    return hasMarker(v.getString());
  case ir::Value::Kind::Array:
    for (const ir::Value &i : v.getArray())
      if (holdsTemplate(i))
        return true;
    return false;
  case ir::Value::Kind::Object:
    for (const auto &e : v.getObject())
      if (hasMarker(e.key) || holdsTemplate(e.value))
        return true;
    return false;
  default:
    return false;
  }
}

} // namespace passes
