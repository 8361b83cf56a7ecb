// Scenario tests of GitHub's job semantics (gha-semantics §3, §8) on the CI orchestrator
// with the sim provider: each a small workflow plan, a scenario and the expected conclusions.
#include "ci_harness.h"

using namespace runtime;
using rtest::CiHarness;
using rtest::Conclusions;
using rtest::conclusions;
using rtest::entry;
using rtest::plan;

TEST(CiSemantics, AFailureSkipsDefaultDependentsTransitivelyWhileAlwaysAndFailureJobsRun) {
  // a fails -> b (default) skipped -> c (always) runs -> d (default) stays skipped (§8 #9).
  CiHarness h;
  json doc = h.run(plan(json::array({
                       {{"id", "a"}},
                       {{"id", "b"}, {"needs", {"a"}}},
                       {{"id", "c"}, {"needs", {"b"}}, {"if", "always()"}},
                       {{"id", "d"}, {"needs", {"c"}}},
                       {{"id", "e"}, {"needs", {"a"}}, {"if", "failure()"}},
                       {{"id", "f"}, {"needs", {"a"}}, {"if", "success() || failure() || cancelled()"}},
                   })),
                   {{"jobs", {{"a", {{"conclusion", "failure"}}}}}});
  EXPECT_EQ(conclusions(doc), (Conclusions{{"a", "failure"}, {"b", "skipped"}, {"c", "success"},
                                           {"d", "skipped"}, {"e", "success"}, {"f", "success"}}));
  EXPECT_EQ(entry(doc, "b")["reason"], "needs");
  EXPECT_EQ(doc["conclusion"], "failure");
}
