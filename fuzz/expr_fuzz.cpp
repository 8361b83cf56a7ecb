// libFuzzer target: lex, parse, type-check and evaluate arbitrary expressions.
//
// Input: the expression text. It is parsed with the step-`run` availability
// (every context, hashFiles), type-checked against the default types, and
// evaluated against a fixed context with status-function stubs, each also as a
// template (`${{ }}` splitting). Nothing may crash, hang or grow without bound.
#include "frontend/context_availability.h"
#include "frontend/template_parser.h"
#include "ir/expr_eval.h"
#include "ir/value_json.h"
#include "passes/expr_typecheck.h"

#include <cstddef>
#include <cstdint>

namespace {

const ir::Value &fixedContexts() {
  static const ir::Value v = [] {
    ir::Value out;
    ir::JSONParseError err;
    ir::parseJSON(R"({
      "github": {"event_name": "push", "ref": "refs/heads/main", "sha": "abc",
                 "event": {"pull_request": {"labels": [{"name": "bug"}, {"name": "ci"}],
                                            "number": 7, "draft": false},
                           "commits": [{"message": "x", "author": {"name": "a"}}]}},
      "env": {"A": "1", "B": "", "JSON": "{\"k\": [1, 2, {\"z\": null}]}"},
      "matrix": {"os": "ubuntu", "node": [18, 20], "include": [{"x": 1}]},
      "needs": {"build": {"result": "success", "outputs": {"v": "1.2"}}},
      "steps": {"s1": {"outcome": "failure", "outputs": {"o": "x"}}},
      "inputs": {"flag": true, "n": 3},
      "strategy": {"fail-fast": true, "job-index": 0},
      "vars": {}, "secrets": {"T": "t"}, "runner": {"os": "Linux"}, "job": {}
    })",
                  out, err);
    return out;
  }();
  return v;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  static const frontend::ExprParseOptions opts = frontend::parseOptionsFor("string-steps-context");
  static const frontend::ExprParseOptions ifOpts = frontend::parseOptionsFor("step-if");
  static const ir::TypeEnv env = passes::typeEnvFor("step-if");
  static ir::FunctionTableHost host = [] {
    ir::FunctionTableHost h;
    h.setConstant("success", ir::Value::boolean(true));
    h.setConstant("failure", ir::Value::boolean(false));
    h.setConstant("cancelled", ir::Value::boolean(false));
    h.setConstant("always", ir::Value::boolean(true));
    h.setConstant("hashFiles", ir::Value::string(""));
    return h;
  }();
  ir::EvalOptions eo;
  eo.host = &host;

  frontend::ParsedExpr p = frontend::parseExpression(text, ifOpts);
  if (p.ast) {
    (void)ir::printExpr(*p.ast);
    passes::typeCheckExpr(*p.ast, env, ifOpts.extraFunctions);
    ir::EvalResult r = ir::evaluate(*p.ast, fixedContexts(), eo);
    if (r.ok())
      (void)ir::writeJSON(r.value);
    // Printing and re-parsing must give the same tree.
    frontend::ParsedExpr again = frontend::parseExpression(ir::printExpr(*p.ast), ifOpts);
    if (again.ast && ir::printExpr(*again.ast) != ir::printExpr(*p.ast))
      __builtin_trap();
  }
  std::vector<frontend::TemplateError> errs;
  ir::Template t = frontend::parseTemplate(text, opts, errs);
  (void)passes::checkIfTemplate(t);
  (void)ir::evaluateTemplate(t, fixedContexts(), eo);
  ir::Value j;
  ir::JSONParseError je;
  if (ir::parseJSON(text, j, je))
    (void)ir::writeJSON(j, false);
  return 0;
}
