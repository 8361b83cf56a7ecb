// Workflow commands, file commands, dotenv secrets and the masker.
#include "runtime/step_commands.h"

#include <gtest/gtest.h>

using namespace runtime;

namespace {

TEST(StepCommands, ParsesCommandsWithPropertiesAndEscapes) {
  std::optional<WorkflowCommand> c = parseWorkflowCommand("::error file=a%2Cb.c,line=3,title=x%3Ay::50%25 done%0Anext");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->name, "error");
  EXPECT_EQ(c->props["file"], "a,b.c");
  EXPECT_EQ(c->props["line"], "3");
  EXPECT_EQ(c->props["title"], "x:y");
  EXPECT_EQ(c->message, "50% done\nnext");
  EXPECT_TRUE(parseWorkflowCommand("  ::endgroup::"));
  EXPECT_FALSE(parseWorkflowCommand("echo ::warning::x"));
  EXPECT_FALSE(parseWorkflowCommand("::no end"));
}

TEST(StepCommands, FileCommandsWithHeredocs) {
  std::string error;
  auto kv = parseFileCommands("a=1\nb<<EOF\nline1\n\nline3\nEOF\nc=x=y\n", error);
  EXPECT_EQ(error, "");
  ASSERT_EQ(kv.size(), 3u);
  EXPECT_EQ(kv[1].second, "line1\n\nline3");
  EXPECT_EQ(kv[2].second, "x=y");
  parseFileCommands("b<<EOF\nnever closed\n", error);
  EXPECT_NE(error.find("matching delimiter not found"), std::string::npos);
  error.clear();
  parseFileCommands("novalue\n", error);
  EXPECT_NE(error.find("invalid line"), std::string::npos);
}

TEST(StepCommands, Dotenv) {
  std::string error;
  auto kv = parseDotenv("# c\nA=1\nexport B = two words # note\nC=\"x\\ny\"\nD='lit\\n'\nE=\"multi\nline\"\n", error);
  EXPECT_EQ(error, "");
  ASSERT_EQ(kv.size(), 5u);
  EXPECT_EQ(kv[1], (std::pair<std::string, std::string>{"B", "two words"}));
  EXPECT_EQ(kv[2].second, "x\ny");
  EXPECT_EQ(kv[3].second, "lit\\n");
  EXPECT_EQ(kv[4].second, "multi\nline");
  parseDotenv("A=1\nnot a pair\n", error);
  EXPECT_EQ(error, "line 2: expected NAME=VALUE");
  parseDotenv("X=\"open\n", error);
  EXPECT_NE(error.find("unterminated"), std::string::npos);
}

TEST(StepCommands, MaskerHidesValuesAndEachLineOfMultilineOnes) {
  Masker m;
  m.add("abc");
  m.add("abcdef");
  m.add("l1\nl2");
  m.add("   ");
  EXPECT_EQ(m.apply("x abcdef abc l1 l2 y"), "x *** *** *** *** y");
  EXPECT_TRUE(m.reveals("..l2.."));
  EXPECT_FALSE(m.reveals("ab"));
}

} // namespace
