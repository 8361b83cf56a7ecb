// Expression lexer, parser and template splitting.
#include "frontend/template_parser.h"

#include <gtest/gtest.h>

using namespace frontend;

static std::string roundTrip(llvm::StringRef src) {
  ParsedExpr p = parseExpression(src);
  if (p.error)
    return "error: " + p.error->describe(src);
  return p.ast ? ir::printExpr(*p.ast) : "<empty>";
}

TEST(ExprParser, PrecedenceAndPostfix) {
  EXPECT_EQ(roundTrip("a || b && c == d"), "a || b && c == d");
  EXPECT_EQ(roundTrip("(a || b) && !c"), "(a || b) && !c");
  EXPECT_EQ(roundTrip("github.event.pull_request.labels.*.name"),
            "github.event.pull_request.labels.*.name");
  EXPECT_EQ(roundTrip("needs.my-job.outputs['x y']"), "needs.my-job.outputs['x y']");
  EXPECT_EQ(roundTrip("contains(fromJSON('[1,2]'), 1)"), "contains(fromJSON('[1,2]'), 1)");
  EXPECT_EQ(roundTrip("'it''s'"), "'it''s'");
  EXPECT_EQ(roundTrip("0xff == 255"), "255 == 255");
  EXPECT_EQ(roundTrip("a[*].b"), "a.*.b");
}

TEST(ExprParser, GitHubErrorMessages) {
  EXPECT_EQ(roundTrip("1 = 1"),
            "error: Unexpected symbol: '='. Located at position 3 within expression: 1 = 1");
  EXPECT_EQ(roundTrip("1 =="),
            "error: Unexpected end of expression: '=='. Located at position 3 within expression: 1 ==");
  EXPECT_EQ(roundTrip("nosuch('x')"),
            "error: Unrecognized function: 'nosuch'. Located at position 1 within expression: nosuch('x')");
  EXPECT_EQ(roundTrip("contains('a')"),
            "error: Too few parameters supplied: 'contains'. Located at position 1 within expression: contains('a')");
  EXPECT_EQ(roundTrip("0xFZ"),
            "error: Unexpected symbol: '0xFZ'. Located at position 1 within expression: 0xFZ");
  EXPECT_EQ(roundTrip("1)"), "error: Unexpected symbol: ')'. Located at position 2 within expression: 1)");
}

TEST(ExprParser, NamedValuesAreCheckedAgainstTheKey) {
  std::vector<std::string> ctx = {"github", "inputs", "vars"};
  ExprParseOptions o;
  o.contexts = &ctx;
  ParsedExpr p = parseExpression("secrets.foo", o);
  ASSERT_TRUE(p.error);
  EXPECT_EQ(p.error->message, "Unrecognized named-value: 'secrets'");
  EXPECT_FALSE(parseExpression("GitHub.ref", o).error);
}

// Nesting beyond 50 is an error, never a stack overflow.
TEST(ExprParser, DepthAndLengthLimits) {
  std::string deep(60, '(');
  deep += "1" + std::string(60, ')');
  ParsedExpr p = parseExpression(deep);
  ASSERT_TRUE(p.error);
  EXPECT_NE(p.error->message.find("depth"), std::string::npos);
  std::string huge(100000, '(');
  EXPECT_TRUE(parseExpression(huge).error);
  std::string longExpr = "'" + std::string(21001, 'a') + "'";
  EXPECT_TRUE(parseExpression(longExpr).error);
}

TEST(TemplateParser, SplitsLiteralsAndExpressions) {
  std::vector<TemplateError> errs;
  ir::Template t = parseTemplate("Hello ${{ github.actor }}! ${{ '}}' }}", {}, errs);
  ASSERT_TRUE(errs.empty());
  ASSERT_EQ(t.parts.size(), 4u);
  EXPECT_EQ(t.parts[1].text, "github.actor");
  EXPECT_EQ(t.parts[1].offset, 10u);
  EXPECT_EQ(t.parts[3].text, "'}}'");
  EXPECT_EQ(t.toExpressionSource(), "format('Hello {0}! {1}', github.actor, '}}')");
  ir::Template single = parseTemplate("${{ matrix.os }}", {}, errs);
  EXPECT_TRUE(single.isSingleExpression());
}

TEST(TemplateParser, EmptyAndUnclosedExpressions) {
  std::vector<TemplateError> errs;
  parseTemplate("a ${{ }}", {}, errs);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].kind, ir::DiagKind::ExprEmpty);
  EXPECT_EQ(errs[0].offset, 2u);
  errs.clear();
  parseTemplate("${{ secrets.foo", {}, errs);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].kind, ir::DiagKind::ExprUnclosed);
}

// Printing keeps the parentheses that make a postfix base legal again (found by
// fuzzing: `!(10 < (10 > ')')).fe` printed as `!10 < (10 > ')').fe`).
TEST(ExprParser, PrintsGroupsUnderPostfix) {
  EXPECT_EQ(roundTrip("!(10< (10>')')).fe"), "!(10 < (10 > ')')).fe");
  EXPECT_EQ(roundTrip("(a < b).c"), "(a < b).c");
  EXPECT_EQ(roundTrip("(1)[0]"), "(1)[0]");
  EXPECT_EQ(roundTrip("(a.b)[0].*"), "a.b[0].*");
  for (const char *src : {"!(10< (10>')')).fe", "(a < b).c", "(1)[0]", "(!a).b"}) {
    std::string once = roundTrip(src);
    EXPECT_EQ(roundTrip(once), once) << src;
  }
}
