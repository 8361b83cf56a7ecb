// Compile-time evaluation: closed expressions, partial and complete contexts, condition folding.
#include "passes/const_eval.h"

#include "frontend/expr_parser.h"
#include "ir/value_json.h"

#include <gtest/gtest.h>

using namespace passes;

namespace {

ir::ExprPtr parse(llvm::StringRef src) {
  frontend::ExprParseOptions o;
  o.allowUnknownFunctions = true;
  auto p = frontend::parseExpression(src, o);
  EXPECT_TRUE(p.ast) << src.str();
  return std::move(p.ast);
}

KnownContexts known() {
  KnownContexts k;
  ir::Value github;
  ir::JSONParseError err;
  ir::parseJSON(R"({"event_name":"push","event":{"ref":"main"}})", github, err);
  k.set("github", github, false);
  ir::Value matrix;
  ir::parseJSON(R"({"os":"linux"})", matrix, err);
  k.set("matrix", matrix, true);
  return k;
}

std::string fold(llvm::StringRef src, StatusAssumptions s = {}) {
  return foldCondition(*parse(src), known(), s).source;
}

Truth truth(llvm::StringRef src, StatusAssumptions s = {}) {
  return foldCondition(*parse(src), known(), s).truth;
}

} // namespace

// A member given in a partial context is known; a missing one is not; a
// complete context's missing member is null.
TEST(ConstEval, PartialAndCompleteContexts) {
  KnownContexts k = known();
  EXPECT_TRUE(isClosed(*parse("github.event_name == 'push'"), k));
  EXPECT_TRUE(isClosed(*parse("github.event.ref"), k));
  EXPECT_FALSE(isClosed(*parse("github.sha"), k));
  EXPECT_FALSE(isClosed(*parse("github.event"), k)); // a partial object as a value
  EXPECT_FALSE(isClosed(*parse("toJSON(github)"), k));
  EXPECT_TRUE(isClosed(*parse("matrix.arch"), k));
  EXPECT_TRUE(isClosed(*parse("matrix"), k));
  EXPECT_FALSE(isClosed(*parse("needs.a.result"), k));
  EXPECT_FALSE(isClosed(*parse("success()"), k));
  EXPECT_FALSE(isClosed(*parse("hashFiles('x')"), k));
  EXPECT_EQ(evaluateClosed(*parse("format('{0}-{1}', matrix.os, matrix.arch)"), k)->getString(), "linux-");
}

// Conditions fold with three-valued logic; status calls stay.
TEST(ConstEval, FoldConditions) {
  EXPECT_EQ(fold("success() && (github.event_name == 'push')"), "success()");
  EXPECT_EQ(fold("success() && (github.event_name == 'pull_request')"), "false");
  EXPECT_EQ(truth("success() && (github.event_name == 'pull_request')"), Truth::False);
  EXPECT_EQ(fold("always() || github.sha == 'x'"), "always() || github.sha == 'x'");
  EXPECT_EQ(truth("always() || github.sha == 'x'"), Truth::True);
  EXPECT_EQ(fold("!cancelled() && matrix.os == 'linux'"), "!cancelled()");
  EXPECT_EQ(fold("success() && (github.sha == format('{0}', matrix.os))"),
            "success() && github.sha == 'linux'");
  EXPECT_EQ(truth("github.sha == 'x'"), Truth::Unknown);
  EXPECT_FALSE(foldCondition(*parse("github.sha == 'x'"), known()).changed);
}

// With success() known false (a skipped ancestor), the implicit guard decides.
TEST(ConstEval, SuccessAssumedFalse) {
  StatusAssumptions s;
  s.successIsFalse = true;
  EXPECT_EQ(truth("success() && (github.sha == 'x')", s), Truth::False);
  EXPECT_EQ(truth("always() && github.sha == 'x'", s), Truth::Unknown);
  EXPECT_EQ(truth("success() || failure()", s), Truth::Unknown);
  EXPECT_EQ(truth("!cancelled()", s), Truth::Unknown);
}

// Tokens evaluate when every string is closed; literals need no contexts.
TEST(ConstEval, TokensAndLiterals) {
  ir::TemplateToken t;
  t.kind = ir::TemplateToken::Kind::Sequence;
  t.items.push_back(ir::TemplateToken::makeString("a"));
  ir::TemplateToken n;
  n.kind = ir::TemplateToken::Kind::Number;
  n.number = 3;
  t.items.push_back(n);
  EXPECT_EQ(ir::writeJSON(*literalValue(t), false), R"(["a",3])");
}
