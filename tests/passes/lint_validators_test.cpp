// Standalone validators of ci-lint: cron, filter globs, path globs, runner labels, script masking.
#include "passes/lint_cron.h"
#include "passes/lint_glob.h"
#include "passes/lint_path_glob.h"
#include "passes/lint_runner_labels.h"
#include "passes/lint_script.h"

#include <gtest/gtest.h>

using namespace passes;

static uint64_t interval(const char *expr) {
  CronError err;
  auto s = parseCron(expr, err);
  EXPECT_TRUE(s.has_value()) << expr << ": " << err.message;
  return s ? shortestCronInterval(*s) : 0;
}

static std::string cronError(const char *expr) {
  CronError err;
  auto s = parseCron(expr, err);
  EXPECT_FALSE(s.has_value()) << expr;
  return err.message;
}

// Intervals are the shortest gap between two runs, across hour boundaries too.
TEST(LintCron, ShortestIntervalCoversMinutesHoursAndWrapAround) {
  EXPECT_EQ(interval("* * * * *"), 60u);
  EXPECT_EQ(interval("*/5 * * * *"), 300u);
  EXPECT_EQ(interval("*/7 * * * *"), 240u); // 56 -> 0 of the next hour
  EXPECT_EQ(interval("0 * * * *"), 3600u);
  EXPECT_EQ(interval("0 12 * * *"), 86400u);
  EXPECT_EQ(interval("59,1 3 * * *"), 3480u); // 3:01 -> 3:59, no 4 o'clock run
  EXPECT_EQ(interval("58 3,4 * * *"), 3600u);
  EXPECT_EQ(interval("58,2 23,0 * * *"), 240u); // 23:58 -> 00:02
  EXPECT_EQ(interval("5/15 * * * *"), 900u);
}

// Names, Sunday as 7, lists, ranges and steps are accepted.
TEST(LintCron, AcceptsNamesListsRangesAndSteps) {
  CronError err;
  auto s = parseCron("30 5,17 1-15/2 jan,JUL sun-sat", err);
  ASSERT_TRUE(s) << err.message;
  EXPECT_TRUE(s->months.test(1) && s->months.test(7) && !s->months.test(2));
  EXPECT_TRUE(s->days.test(1) && s->days.test(3) && !s->days.test(2));
  EXPECT_EQ(s->weekdays.count(), 7u);
  ASSERT_TRUE(parseCron("0 0 * * 7", err));
}

// Errors say what is wrong and where.
TEST(LintCron, ErrorsNameTheFieldAndTheValue) {
  EXPECT_EQ(cronError("0 */3 * *"), "expected exactly 5 fields, found 4: [0 */3 * *]");
  EXPECT_EQ(cronError("60 * * * *"), "value 60 in the minute field is out of range 0-59");
  EXPECT_EQ(cronError("0 24 * * *"), "value 24 in the hour field is out of range 0-23");
  EXPECT_EQ(cronError("0 0 0 * *"), "value 0 in the day of month field is out of range 1-31");
  EXPECT_EQ(cronError("0 0 * 13 *"), "value 13 in the month field is out of range 1-12 or JAN-DEC");
  EXPECT_EQ(cronError("0 0 * * MOON"),
            "invalid value \"MOON\" in the day of week field; expected 0-6 or SUN-SAT");
  EXPECT_EQ(cronError("*/0 * * * *"), "step \"0\" in the minute field must be a positive number");
  EXPECT_EQ(cronError("1,,2 * * * *"), "empty value in the minute field (two commas in a row?)");
  CronError err;
  parseCron("0 0 5-1 * *", err);
  EXPECT_EQ(err.offset, 4u);
  EXPECT_EQ(err.length, 3u);
}

static std::vector<std::string> refErrors(const char *p) {
  std::vector<std::string> out;
  for (const auto &e : validateRefGlob(p))
    out.push_back(std::to_string(e.offset) + ": " + e.message);
  return out;
}

// Valid branch, tag and path patterns pass.
TEST(LintGlob, ValidPatternsPass) {
  for (const char *p : {"main", "release/**", "v[0-9]+.[0-9]+", "!old/*", "feature-?", "a\\*b",
                        "v2?", "[a-z]*"})
    EXPECT_TRUE(validateRefGlob(p).empty() || std::string(p) == "a\\*b") << p;
  for (const char *p : {"src/**/*.cpp", "**.md", "!docs/**", "a b/c", ".github/workflows/*.yml"})
    EXPECT_TRUE(validatePathGlob(p).empty()) << p;
}

// Ref-only restrictions and syntax errors are positioned at the offending character.
TEST(LintGlob, ErrorsArePositioned) {
  auto e = refErrors("^foo");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].substr(0, 3), "0: ");
  EXPECT_NE(e[0].find("character '^' is invalid for branch and tag names"), std::string::npos);
  e = refErrors("v*+");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].substr(0, 3), "2: ");
  e = refErrors("v[9-1]");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("start of range '9' (57) is larger than end of range '1' (49)"),
            std::string::npos);
  e = refErrors("x[]");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("character match must not be empty"), std::string::npos);
  EXPECT_EQ(refErrors("a\\*b").size(), 1u); // a literal * cannot be in a ref name
  EXPECT_EQ(validatePathGlob("a\\*b").size(), 0u);
  EXPECT_EQ(validatePathGlob("../x").size(), 1u);
  EXPECT_EQ(validatePathGlob("a/./b").size(), 1u);
  EXPECT_EQ(validatePathGlob(" a").size(), 1u);
  EXPECT_EQ(validatePathGlob("[abc").size(), 1u);
}

// Path globs for the config file: *, **, ?, classes, braces.
TEST(LintPathGlob, MatchesLikeDoublestar) {
  EXPECT_TRUE(matchPathGlob(".github/workflows/*.yaml", ".github/workflows/ci.yaml"));
  EXPECT_FALSE(matchPathGlob(".github/workflows/*.yaml", ".github/workflows/sub/ci.yaml"));
  EXPECT_TRUE(matchPathGlob("workflows/**/*.yaml", "workflows/a/b/c.yaml"));
  EXPECT_TRUE(matchPathGlob("workflows/**/*.yaml", "workflows/c.yaml"));
  EXPECT_TRUE(matchPathGlob("**", "a/b/c"));
  EXPECT_TRUE(matchPathGlob("*.{yml,yaml}", "x.yml"));
  EXPECT_FALSE(matchPathGlob("*.{yml,yaml}", "x.json"));
  EXPECT_TRUE(matchPathGlob("glob-*-label", "glob-foo-label"));
  EXPECT_TRUE(matchPathGlob("v[0-9]?", "v1x"));
  EXPECT_FALSE(matchPathGlob("v[!0-9]", "v1"));
  EXPECT_TRUE(matchPathGlob("a\\*", "a*"));
  EXPECT_FALSE(matchPathGlob("a\\*", "ab"));
  // Long inputs stay fast (no exponential backtracking).
  EXPECT_FALSE(matchPathGlob("*a*a*a*a*a*a*a*a*a*b", std::string(5000, 'a')));
}

// Hosted labels know their OS and image; self-hosted presets are OS-only.
TEST(LintRunnerLabels, ConflictsAcrossOsAndPinnedImages) {
  auto L = [](const char *l) { return findRunnerLabel(l); };
  ASSERT_TRUE(L("Ubuntu-Latest"));
  EXPECT_EQ(L("nope"), nullptr);
  EXPECT_TRUE(runnerLabelsConflict(*L("ubuntu-latest"), *L("windows-latest")));
  EXPECT_TRUE(runnerLabelsConflict(*L("linux"), *L("macos-14")));
  EXPECT_TRUE(runnerLabelsConflict(*L("ubuntu-22.04"), *L("ubuntu-24.04")));
  EXPECT_FALSE(runnerLabelsConflict(*L("ubuntu-latest"), *L("ubuntu-24.04")));
  EXPECT_FALSE(runnerLabelsConflict(*L("self-hosted"), *L("windows")));
  EXPECT_FALSE(runnerLabelsConflict(*L("x64"), *L("linux")));
  EXPECT_TRUE(L("ubuntu-20.04")->retired);
}

// ${{ }} becomes underscores of the same length in code points; lines stay.
TEST(LintScript, MaskKeepsLinesAndColumns) {
  EXPECT_EQ(maskExpressions("echo ${{ a }} x"), "echo ________ x");
  EXPECT_EQ(maskExpressions("${{ 'é' }}"), "__________");
  EXPECT_EQ(maskExpressions("a ${{ b\n }} c"), "a _____\n___ c");
  EXPECT_EQ(maskExpressions("no ${{ end"), "no ${{ end");
}
