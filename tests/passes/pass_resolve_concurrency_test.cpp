// resolve-concurrency: groups, cancel-in-progress and queue at workflow and job level (gha-semantics §4).
#include "pass_test_util.h"

using passtest::compile;

namespace {

std::string wf(const std::string &top, const std::string &jobConcurrency) {
  return "on: push\n" + top + "jobs:\n  a:\n    runs-on: x\n" + jobConcurrency +
         "    strategy: {matrix: {os: [l, m]}}\n    steps: [{run: a}]\n";
}

} // namespace

// Constant groups are resolved, expressions kept; cancel-in-progress likewise.
TEST(ResolveConcurrency, ConstantGroupsResolveExpressionsStay) {
  auto c = compile(wf("concurrency:\n  group: ci-${{ github.ref }}\n  cancel-in-progress: true\n",
                      "    concurrency: {group: 'deploy-${{ matrix.os }}', cancel-in-progress: "
                      "'${{ github.ref != ''refs/heads/main'' }}'}\n"));
  ASSERT_TRUE(c->completed) << c->text();
  const auto &w = *c->plan().concurrency;
  EXPECT_EQ(w.group.expression, "ci-${{ github.ref }}");
  EXPECT_TRUE(w.cancelInProgress.constant->getBool());
  EXPECT_EQ(w.queue, "single");
  const auto &j = *c->job("a")->concurrency;
  EXPECT_EQ(j.group.expression, "deploy-${{ matrix.os }}");
  EXPECT_EQ(j.cancelInProgress.expression, "${{ github.ref != 'refs/heads/main' }}");
  auto json = c->json()["workflows"][0];
  EXPECT_EQ(json["concurrency"]["group"], "ci-${{ github.ref }}");
  EXPECT_EQ(json["jobs"][0]["concurrency"]["cancel_in_progress"], "${{ github.ref != 'refs/heads/main' }}");
}

// With known contexts the group is a constant string.
TEST(ResolveConcurrency, KnownContextsResolveGroups) {
  passes::CompileOptions o;
  ir::Value github = ir::Value::object();
  github.mutableObject().set("ref", ir::Value::string("refs/heads/main"));
  o.contexts.set("github", github, false);
  auto c = compile(wf("concurrency: ci-${{ github.ref }}\n", ""), std::move(o));
  EXPECT_EQ(c->plan().concurrency->group.constant->getString(), "ci-refs/heads/main");
  EXPECT_FALSE(c->plan().concurrency->cancelInProgress.constant->getBool());
}

// queue is single or max; queue: max with cancel-in-progress: true is an error.
TEST(ResolveConcurrency, QueueValues) {
  auto ok = compile(wf("concurrency: {group: g, queue: max}\n", ""));
  EXPECT_EQ(ok->plan().concurrency->queue, "max");
  auto bad = compile(wf("concurrency: {group: g, queue: many}\n", ""));
  EXPECT_NE(bad->text().find("Unexpected value 'many' [concurrency]"), std::string::npos) << bad->text();
  auto both = compile(wf("concurrency: {group: g, queue: max, cancel-in-progress: true}\n", ""));
  EXPECT_NE(both->text().find("queue: max cannot be combined with cancel-in-progress: true"),
            std::string::npos)
      << both->text();
  EXPECT_FALSE(both->completed);
}

// An empty or over-long constant group and a non-boolean cancel-in-progress are errors.
TEST(ResolveConcurrency, InvalidConstants) {
  auto empty = compile(wf("concurrency: ${{ '' }}\n", ""));
  EXPECT_EQ(empty->count("concurrency"), 1u) << empty->text();
  auto longGroup = compile(wf("concurrency: " + std::string(401, 'g') + "\n", ""));
  EXPECT_NE(longGroup->text().find("401 characters long; the maximum is 400"), std::string::npos);
  auto str = compile(wf("", "    concurrency: {group: g, cancel-in-progress: \"${{ 'true' }}\"}\n"));
  EXPECT_NE(str->text().find("cancel-in-progress is true (string); it must be a boolean"),
            std::string::npos)
      << str->text();
}

// A job in its own workflow's group (compared case-insensitively) is a deadlock warning.
TEST(ResolveConcurrency, JobInTheWorkflowsOwnGroup) {
  auto c = compile(wf("concurrency: Release\n", "    concurrency: release\n"));
  ASSERT_EQ(c->count("concurrency"), 1u) << c->text();
  EXPECT_NE(c->text().find("warning: job \"a\" uses the concurrency group \"release\" of its own workflow run"),
            std::string::npos);
  auto other = compile(wf("concurrency: release\n", "    concurrency: release-${{ matrix.os }}\n"));
  EXPECT_EQ(other->count("concurrency"), 0u) << other->text();
}
