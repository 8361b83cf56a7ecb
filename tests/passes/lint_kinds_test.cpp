// Every diagnostic kind is documented: a summary in the registry (for --list-kinds
// and SARIF) and a section in docs/checks.md (the SARIF help links point there).
#include "test_util.h"

#include "passes/lint_registry.h"

#include <gtest/gtest.h>

TEST(LintKinds, EveryKindHasASummaryAndADocsSection) {
  std::string checks = testutil::readFile(testutil::sourceDir() / "docs" / "checks.md");
  ASSERT_FALSE(checks.empty());
  for (const std::string &k : passes::lintKindNames()) {
    EXPECT_EQ(passes::lintKindDoc(k).name, k) << "kind " << k << " has no entry in kKindDocs";
    bool section = checks.find("\n## " + k + "\n") != std::string::npos;
    bool listed = checks.find("`" + k + "`") != std::string::npos;
    EXPECT_TRUE(section || listed) << "kind " << k << " is not documented in docs/checks.md";
  }
}

// Rule kinds are stable names of the kind table.
TEST(LintKinds, RuleKindsExistInTheTable) {
  std::vector<std::string> all = passes::lintKindNames();
  for (const auto &r : passes::lintRules())
    for (const char *k : r.kinds)
      EXPECT_TRUE(std::binary_search(all.begin(), all.end(), std::string(k))) << k;
}
