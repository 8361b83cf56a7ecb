// Static checking of expressions, against golden files: tests/passes/golden/
// expr_typecheck.in lists expressions per schema definition; the inferred type and
// every diagnostic must equal expr_typecheck.out (set CI_UPDATE_GOLDEN=1 to rewrite).
#include "frontend/context_availability.h"
#include "frontend/template_parser.h"
#include "passes/expr_typecheck.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace {

std::string runGolden(const std::string &input, std::set<std::string> &kindsSeen) {
  std::istringstream in(input);
  std::ostringstream out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    auto [def, expr] = llvm::StringRef(line).split('\t');
    out << def.str() << " | " << expr.str() << "\n";
    if (def == "if-template") {
      std::vector<frontend::TemplateError> errs;
      ir::Template t = frontend::parseTemplate(expr, frontend::parseOptionsFor("step-if"), errs);
      if (auto d = passes::checkIfTemplate(t)) {
        kindsSeen.insert(ir::diagKindInfo(d->kind).name);
        out << "  " << d->pos << ": " << d->message << " [" << ir::diagKindInfo(d->kind).name
            << "]\n";
      } else {
        out << "  ok\n";
      }
      continue;
    }
    frontend::ExprParseOptions opts = frontend::parseOptionsFor(def);
    opts.contexts = nullptr; // let the checker report unknown contexts
    opts.allowUnknownFunctions = true;
    frontend::ParsedExpr p = frontend::parseExpression(expr, opts);
    if (p.error) {
      out << "  parse error: " << p.error->describe(expr) << "\n";
      continue;
    }
    ir::TypeEnv env = passes::typeEnvFor(def);
    if (env.find("needs"))
      env.set("needs", ir::makeNeedsType({{"build", {"version"}}}));
    if (env.find("steps"))
      env.set("steps", ir::makeStepsType({"checkout", "test"}));
    const frontend::ContextAvailability *a = frontend::findContextAvailability(def);
    std::vector<frontend::FunctionSignature> host;
    if (a)
      host = a->functions;
    passes::ExprTypeCheck r = passes::typeCheckExpr(*p.ast, env, host);
    out << "  type: " << r.type->str() << "\n";
    for (const auto &d : r.diagnostics) {
      kindsSeen.insert(ir::diagKindInfo(d.kind).name);
      out << "  " << d.pos + 1 << ": " << ir::severityName(ir::diagKindInfo(d.kind).severity).str()
          << ": " << d.message << " [" << ir::diagKindInfo(d.kind).name << "]\n";
    }
  }
  return out.str();
}

} // namespace

// Every line of the golden input gives the recorded type and diagnostics, and every
// static-checking diagnostic kind appears at least once.
TEST(ExprTypeCheck, GoldenDiagnostics) {
  auto dir = testutil::sourceDir() / "tests/passes/golden";
  std::set<std::string> kinds;
  std::string got = runGolden(testutil::readFile(dir / "expr_typecheck.in"), kinds);
  if (std::getenv("CI_UPDATE_GOLDEN")) {
    std::ofstream(dir / "expr_typecheck.out") << got;
    GTEST_SKIP() << "golden file rewritten";
  }
  EXPECT_EQ(got, testutil::readFile(dir / "expr_typecheck.out"));
  for (const char *k : {"expr-unknown-context", "expr-unknown-property", "expr-needs-unknown-job",
                        "expr-steps-unknown-id", "expr-unknown-function", "expr-arg-type",
                        "expr-bad-literal", "expr-constant-comparison", "if-always-true"})
    EXPECT_TRUE(kinds.count(k)) << "no golden case reports " << k;
}

// Types flow through properties, filters and functions.
TEST(ExprTypeCheck, InfersTypes) {
  ir::TypeEnv env = passes::typeEnvFor("string-steps-context");
  auto typeOf = [&](llvm::StringRef src) {
    frontend::ParsedExpr p = frontend::parseExpression(src);
    return passes::typeCheckExpr(*p.ast, env).type->str();
  };
  EXPECT_EQ(typeOf("github.sha"), "string");
  EXPECT_EQ(typeOf("strategy.job-index"), "number");
  EXPECT_EQ(typeOf("env.*"), "array<string>");
  EXPECT_EQ(typeOf("fromJSON('[\"a\"]')"), "array<string>");
  EXPECT_EQ(typeOf("github.sha || env.X"), "string");
  EXPECT_EQ(typeOf("github.sha || 1"), "any");
  EXPECT_EQ(typeOf("contains('a', 'b')"), "bool");
  EXPECT_EQ(typeOf("job.services.*.id"), "array<string>");
}

// The wrong argument count is reported for trees the parser did not check.
TEST(ExprTypeCheck, ArgumentCount) {
  frontend::ExprParseOptions o;
  o.allowUnknownFunctions = true;
  auto p = frontend::parseExpression("always(1)", o);
  std::vector<frontend::FunctionSignature> host = {{"always", 0, 0}};
  auto r = passes::typeCheckExpr(*p.ast, ir::TypeEnv(), host);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].kind, ir::DiagKind::ExprArgCount);
  EXPECT_EQ(r.diagnostics[0].message, "always() takes 0 argument(s) but 1 were given");
}

// A key that can never select anything is reported at the key's first character:
// a string index into an array, a bool or number key into an object.
TEST(ExprTypeCheck, IndexKeyTypes) {
  ir::TypeEnv env = passes::typeEnvFor("string-steps-context");
  auto diags = [&](llvm::StringRef src) {
    frontend::ParsedExpr p = frontend::parseExpression(src);
    std::vector<std::string> out;
    for (const auto &d : passes::typeCheckExpr(*p.ast, env).diagnostics)
      out.push_back(std::to_string(d.pos) + ": " + d.message);
    return out;
  };
  EXPECT_EQ(diags("github.event.*[github.sha]"),
            std::vector<std::string>{
                "15: index access of array must be type of number but got \"string\""});
  EXPECT_EQ(diags("github[strategy.job-index]"),
            std::vector<std::string>{
                "7: property access of object must be type of string but got \"number\""});
  EXPECT_EQ(diags("github[true]"),
            std::vector<std::string>{
                "7: property access of object must be type of string but got \"bool\""});
  EXPECT_TRUE(diags("github.event.*[0]").empty());
  EXPECT_TRUE(diags("github['sha']").empty());
  EXPECT_TRUE(diags("github[github.sha]").empty());
  EXPECT_TRUE(diags("fromJSON(github.sha)[github.sha]").empty());
}
