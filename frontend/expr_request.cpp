// Expression requests: parse with the request's contexts, evaluate, answer as JSON.
#include "frontend/expr_request.h"

#include "frontend/expr_parser.h"
#include "ir/expr_eval.h"
#include "ir/value_json.h"

#include <climits>

namespace frontend {

namespace {

/// Host functions: fixed results from the request, then the caller's host.
class RequestHost : public ir::ExprHost {
public:
  RequestHost(const ir::Value &functions, ir::ExprHost *next) : fns_(functions), next_(next) {}
  bool callFunction(llvm::StringRef name, llvm::ArrayRef<ir::Value> args, ir::Value &result,
                    std::string &error) override {
    if (const ir::Value *v = fns_.find(name)) {
      result = *v;
      return true;
    }
    if (next_)
      return next_->callFunction(name, args, result, error);
    error = "Function '" + name.str() + "' has no result in this request (give one in \"functions\")";
    return false;
  }

private:
  const ir::Value &fns_;
  ir::ExprHost *next_;
};

} // namespace

bool parseExprRequest(llvm::StringRef json, ExprRequest &out, std::string &error) {
  ir::Value v;
  ir::JSONParseError perr;
  if (!ir::parseJSON(json, v, perr)) {
    error = "invalid JSON: " + perr.message + " at column " + std::to_string(perr.column);
    return false;
  }
  const ir::Value *expr = v.find("expr");
  if (!v.isObject() || !expr || !expr->isString()) {
    error = "a request is an object with a string \"expr\"";
    return false;
  }
  out.expr = expr->getString().str();
  const ir::Value *ctx = v.find("contexts");
  out.contexts = ctx && ctx->isObject() ? *ctx : ir::Value::object();
  const ir::Value *fns = v.find("functions");
  out.functions = fns && fns->isObject() ? *fns : ir::Value::object();
  return true;
}

ExprOutcome runExprRequest(const ExprRequest &req, ir::ExprHost *host) {
  ExprOutcome out;
  std::vector<std::string> names;
  for (const auto &m : req.contexts.getObject())
    names.push_back(m.key);
  names.insert(names.end(), req.extraContextNames.begin(), req.extraContextNames.end());
  ExprParseOptions opts;
  opts.contexts = &names;
  opts.extraFunctions = {{"success", 0, UINT_MAX},
                         {"failure", 0, UINT_MAX},
                         {"always", 0, 0},
                         {"cancelled", 0, 0},
                         {"hashFiles", 1, 255}};
  ParsedExpr p = parseExpression(req.expr, opts);
  if (p.error) {
    out.error = p.error;
    return out;
  }
  if (!p.ast)
    return out; // an empty expression is null
  RequestHost rh(req.functions, host);
  ir::EvalOptions eo;
  eo.host = &rh;
  ir::EvalResult r = ir::evaluate(*p.ast, req.contexts, eo);
  out.value = std::move(r.value);
  out.error = std::move(r.error);
  return out;
}

std::string formatExprOutcome(const ExprOutcome &o, llvm::StringRef expr) {
  std::string s;
  if (o.error) {
    s = "{\"error\":{\"kind\":";
    ir::appendJSONString(s, ir::ExprError::kindName(o.error->kind));
    s += ",\"message\":";
    // Evaluation errors carry no position in GitHub's wording.
    ir::appendJSONString(s, o.error->kind == ir::ExprError::Kind::Evaluation
                                ? o.error->message
                                : o.error->describe(expr));
    s += "}}";
    return s;
  }
  s = "{\"result\":{\"kind\":";
  ir::appendJSONString(s, ir::Value::kindName(o.value.kind()));
  s += ",\"value\":";
  ir::writeJSON(o.value, s, /*pretty=*/false, /*nonFiniteAsStrings=*/true);
  s += "}}";
  return s;
}

std::string formatRequestError(llvm::StringRef message) {
  std::string s = "{\"error\":{\"kind\":\"request\",\"message\":";
  ir::appendJSONString(s, message);
  s += "}}";
  return s;
}

std::string formatExprErrorWithCaret(const ir::ExprError &e, llvm::StringRef expr) {
  std::string out = "error: ";
  out += e.kind == ir::ExprError::Kind::Evaluation ? e.message : e.describe(expr);
  out += '\n';
  if (e.pos < 0 || static_cast<size_t>(e.pos) > expr.size())
    return out;
  size_t pos = static_cast<size_t>(e.pos);
  size_t lineStart = expr.rfind('\n', pos == 0 ? 0 : pos - 1);
  lineStart = (lineStart == llvm::StringRef::npos || lineStart >= pos) ? 0 : lineStart + 1;
  if (pos > 0 && expr[pos - 1] == '\n')
    lineStart = pos;
  size_t lineEnd = expr.find('\n', pos);
  llvm::StringRef line = expr.slice(lineStart, lineEnd == llvm::StringRef::npos ? expr.size() : lineEnd);
  unsigned col = 0; // code points before the position
  for (size_t k = lineStart; k < pos; ++k)
    if ((static_cast<unsigned char>(expr[k]) & 0xC0) != 0x80)
      ++col;
  out += "  ";
  out += line;
  out += "\n  ";
  out.append(col, ' ');
  out += "^\n";
  return out;
}

const std::vector<std::string> &wellKnownContextNames() {
  static const std::vector<std::string> names = {"github", "env",    "vars",  "secrets",
                                                 "inputs", "matrix", "needs", "steps",
                                                 "job",    "jobs",   "runner", "strategy"};
  return names;
}

} // namespace frontend
