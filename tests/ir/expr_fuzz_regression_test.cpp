// Inputs from the fuzz corpus (fuzz/corpus/expr_fuzz/) replayed through the same
// pipeline as fuzz/expr_fuzz.cpp: parse, print and re-parse, type-check, evaluate,
// template split. Crashes the fuzzer finds are added there and stay fixed here.
#include "frontend/context_availability.h"
#include "frontend/template_parser.h"
#include "ir/expr_eval.h"
#include "ir/value_json.h"
#include "passes/expr_typecheck.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <filesystem>

// Every corpus input goes through without a crash, and printing a parsed tree
// then parsing it again gives the same tree.
TEST(ExprFuzzRegression, CorpusInputsRoundTrip) {
  auto dir = testutil::sourceDir() / "fuzz/corpus/expr_fuzz";
  ASSERT_TRUE(std::filesystem::is_directory(dir));
  frontend::ExprParseOptions opts = frontend::parseOptionsFor("step-if");
  ir::TypeEnv env = passes::typeEnvFor("step-if");
  ir::FunctionTableHost host;
  for (const char *f : {"success", "always"})
    host.setConstant(f, ir::Value::boolean(true));
  for (const char *f : {"failure", "cancelled"})
    host.setConstant(f, ir::Value::boolean(false));
  host.setConstant("hashFiles", ir::Value::string(""));
  ir::EvalOptions eo;
  eo.host = &host;
  ir::Value contexts = ir::Value::object();
  int n = 0;
  for (const auto &entry : std::filesystem::directory_iterator(dir)) {
    std::string text = testutil::readFile(entry.path());
    ++n;
    frontend::ParsedExpr p = frontend::parseExpression(text, opts);
    if (p.ast) {
      passes::typeCheckExpr(*p.ast, env, opts.extraFunctions);
      ir::evaluate(*p.ast, contexts, eo);
      std::string printed = ir::printExpr(*p.ast);
      frontend::ParsedExpr again = frontend::parseExpression(printed, opts);
      ASSERT_TRUE(again.ast) << entry.path() << ": " << printed;
      EXPECT_EQ(ir::printExpr(*again.ast), printed) << entry.path();
    }
    std::vector<frontend::TemplateError> errs;
    ir::Template t = frontend::parseTemplate(text, opts, errs);
    ir::evaluateTemplate(t, contexts, eo);
  }
  EXPECT_GT(n, 10);
}
