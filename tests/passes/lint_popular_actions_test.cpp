// Look-ups in the generated popular-actions table.
#include "passes/lint_popular_actions.h"

#include <gtest/gtest.h>

using namespace passes;

// actions/checkout@v4 has its inputs with defaults and its outputs.
TEST(LintPopularActions, FindsByMajorVersion) {
  const PopularAction *a = findPopularAction("actions/checkout@v4");
  ASSERT_NE(a, nullptr);
  EXPECT_STREQ(a->ref, "v4");
  const PopularActionInput *fetch = a->findInput("FETCH-DEPTH");
  ASSERT_NE(fetch, nullptr);
  EXPECT_FALSE(fetch->required);
  EXPECT_STREQ(fetch->defaultValue, "1");
  EXPECT_TRUE(a->hasOutput("ref"));
  EXPECT_FALSE(a->hasOutput("nope"));
  EXPECT_EQ(findPopularAction("actions/checkout@v4.2.2"), a);
  EXPECT_EQ(findPopularAction("Actions/Checkout@4"), a);
  EXPECT_EQ(findPopularAction("actions/checkout@v99"), nullptr);
  EXPECT_EQ(findPopularAction("nobody/nothing@v1"), nullptr);
  EXPECT_EQ(findPopularAction("actions/checkout"), nullptr);
}

// A SHA pin resolves through the recorded pins; unknown SHAs are skipped.
TEST(LintPopularActions, ResolvesPinnedShas) {
  const PopularAction *a =
      findPopularAction("actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11");
  ASSERT_NE(a, nullptr);
  EXPECT_STREQ(a->ref, "v4");
  EXPECT_EQ(findPopularAction("actions/checkout@0123456789ab0123456789ab0123456789ab0123"), nullptr);
}

// Required inputs (no default), deprecated inputs and the newest major are known.
TEST(LintPopularActions, RequiredDeprecatedAndNewestMajor) {
  size_t required = 0, deprecated = 0;
  for (const PopularAction &a : popularActions())
    for (const PopularActionInput &i : a.inputs()) {
      required += i.required;
      deprecated += i.deprecationMessage != nullptr;
      if (i.required) {
        EXPECT_EQ(i.defaultValue, nullptr) << a.action << " " << i.name;
      }
    }
  EXPECT_EQ(popularActions().size(), 223u);
  EXPECT_GT(required, 50u);
  EXPECT_GT(deprecated, 0u);
  EXPECT_EQ(newestPopularActionMajor("actions/checkout"), 7u);
  EXPECT_EQ(newestPopularActionMajor("nobody/nothing"), std::nullopt);
}
