// fold-conditions: GitHub's rewrite, constant folding, and jobs that can never run (§3.1, §5.7, §8).
#include "pass_test_util.h"

#include <nlohmann/json.hpp>

using passtest::compile;

namespace {

std::string job(const std::string &id, const std::string &needs, const std::string &cond) {
  std::string s = "  " + id + ":\n    runs-on: x\n";
  if (!needs.empty())
    s += "    needs: " + needs + "\n";
  if (!cond.empty())
    s += "    if: " + cond + "\n";
  return s + "    steps: [{run: a}]\n";
}

passes::CompileOptions event(const std::string &name) {
  passes::CompileOptions o;
  ir::Value github = ir::Value::object();
  github.mutableObject().set("event_name", ir::Value::string(name));
  o.contexts.set("github", github, false);
  return o;
}

} // namespace

// The plan's `if` is GitHub's rewrite: success() when absent, `success() && (...)`
// unless a status function appears anywhere (any case, even under `!`).
TEST(FoldConditions, TheImplicitSuccessRewrite) {
  auto c = compile("on: push\njobs:\n" + job("a", "", "") + job("b", "a", "github.ref == 'x'") +
                   job("c", "a", "${{ !Cancelled() && github.ref == 'x' }}") +
                   job("d", "a", "failure() || github.ref == 'x'") + job("e", "a", "''"));
  EXPECT_EQ(c->job("a")->condition, "success()");
  EXPECT_EQ(c->job("b")->condition, "success() && (github.ref == 'x')");
  EXPECT_EQ(c->job("c")->condition, "!Cancelled() && github.ref == 'x'");
  EXPECT_EQ(c->job("d")->condition, "failure() || github.ref == 'x'");
  EXPECT_EQ(c->job("e")->condition, "success()");
}

// Every job `if` of the github-xlang reader cases rewrites exactly as GitHub's converter does.
TEST(FoldConditions, RewriteMatchesGithubsReaderCases) {
  REQUIRE_SHARED();
  namespace fs = std::filesystem;
  fs::path dir = testutil::sharedDir() / "conformance/github-xlang/reader";
  unsigned compared = 0, failed = 0;
  for (const auto &e : fs::directory_iterator(dir)) {
    std::string text = testutil::readFile(e.path());
    // Documents are separated by `---` lines: options, workflow, [files], expected.
    std::vector<std::string> docs(1);
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      if (llvm::StringRef(line).rtrim() == "---")
        docs.emplace_back();
      else
        docs.back() += line + "\n";
    }
    if (docs.size() < 3 || e.path().filename().string().find("reusable") != std::string::npos)
      continue;
    nlohmann::json expected = nlohmann::json::parse(docs.back(), nullptr, false);
    if (expected.is_discarded() || !expected.contains("jobs"))
      continue;
    auto c = compile(docs[1], {}, {"resolve-needs"}, ".github/workflows/" + e.path().filename().string());
    for (const auto &ej : expected["jobs"]) {
      // Cases that keep source positions write ids as objects; they are skipped.
      if (!ej.contains("id") || !ej["id"].is_string() || !ej.contains("if") ||
          !ej["if"].is_object() || !ej["if"].contains("expr") || !ej["if"]["expr"].is_string())
        continue;
      const ir::PlanJob *j = c->job(ej["id"].get<std::string>());
      if (!j)
        continue;
      ++compared;
      std::string want = ej["if"]["expr"].get<std::string>();
      if (j->condition != want) {
        ++failed;
        ADD_FAILURE() << e.path().filename() << " job " << j->id << ": " << j->condition
                      << " != " << want;
      }
    }
  }
  std::cout << "job if rewrite vs github-xlang reader: " << compared - failed << " passed, " << failed
            << " failed\n";
  EXPECT_GT(compared, 20u);
}

// Conditions fold under known contexts; status functions are never folded away.
TEST(FoldConditions, ConstantFoldingUnderKnownContexts) {
  std::string yaml = "on: push\njobs:\n" + job("a", "", "github.event_name == 'push'") +
                     job("b", "a", "always() && github.event_name != 'push'") +
                     job("c", "a", "github.event_name == 'push' || failure()");
  auto c = compile(yaml, event("push"));
  EXPECT_EQ(c->job("a")->condition, "success()");
  EXPECT_EQ(c->job("a")->conditionSource, "success() && (github.event_name == 'push')");
  EXPECT_EQ(c->job("b")->condition, "false");
  EXPECT_TRUE(c->job("b")->neverRuns);
  EXPECT_EQ(c->job("c")->condition, "true");
  auto u = compile(yaml); // nothing known: nothing folds
  EXPECT_EQ(u->job("a")->condition, "success() && (github.event_name == 'push')");
  EXPECT_TRUE(u->job("a")->conditionSource.empty());
  EXPECT_FALSE(u->job("b")->neverRuns);
}

// §8 #9: a skipped ancestor keeps the implicit success() false down the chain,
// even past an always() job; always() and !cancelled() jobs still run.
TEST(FoldConditions, NeverRunsPropagatesThroughImplicitSuccess) {
  auto c = compile("on: push\njobs:\n" + job("setup", "", "") + job("a", "setup", "false") +
                   job("b", "a", "") + job("c", "b", "always()") + job("d", "c", "") +
                   job("e", "c", "'!cancelled()'") + job("f", "c", "github.ref == 'x'"));
  ASSERT_TRUE(c->completed) << c->text();
  EXPECT_FALSE(c->job("setup")->neverRuns);
  EXPECT_TRUE(c->job("a")->neverRuns);
  EXPECT_TRUE(c->job("b")->neverRuns);
  EXPECT_FALSE(c->job("c")->neverRuns);
  EXPECT_TRUE(c->job("d")->neverRuns);
  EXPECT_FALSE(c->job("e")->neverRuns);
  EXPECT_TRUE(c->job("f")->neverRuns);
  EXPECT_EQ(c->count("never-runs"), 4u) << c->text();
  EXPECT_NE(c->text().find("job \"a\" can never run: its condition \"false\" is always false"),
            std::string::npos);
  auto plan = c->json()["workflows"][0]["jobs"];
  EXPECT_EQ(plan[2]["never_runs"], true);
}

// §8 #10: with a skipped need, success() || failure() || cancelled() is not
// known to be true or false (failure() depends on other ancestors): not marked.
TEST(FoldConditions, StatusDisjunctionIsNotDecided) {
  auto c = compile("on: push\njobs:\n" + job("s", "", "") + job("a", "s", "false") +
                   job("b", "a", "success() || failure() || cancelled()"));
  EXPECT_FALSE(c->job("b")->neverRuns);
}

// Members of a call that can never run are marked; the call has the warning.
TEST(FoldConditions, MembersOfANeverRunningCallNeverRun) {
  auto c = compile("on: push\njobs:\n  call:\n    if: false\n    uses: ./.github/workflows/x.yml\n",
                   passtest::withFiles({{"./.github/workflows/x.yml",
                                         "on: workflow_call\njobs:\n  j:\n    if: always()\n"
                                         "    runs-on: x\n    steps: [{run: a}]\n"}}));
  EXPECT_TRUE(c->job("call")->neverRuns);
  EXPECT_TRUE(c->job("call/j")->neverRuns);
  EXPECT_EQ(c->count("never-runs"), 1u) << c->text();
}

// §8 #15 and step conditions in the spec get the same rewrite.
TEST(FoldConditions, StepConditionsInTheSpecAreRewritten) {
  auto c = compile("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - id: t\n        run: a\n"
                   "      - if: steps.t.outcome == 'failure'\n        run: b\n"
                   "      - if: failure() && steps.t.outcome == 'failure'\n        run: c\n");
  auto steps = c->json()["workflows"][0]["jobs"][0]["spec"]["steps"];
  EXPECT_EQ(steps[1]["if"], "success() && (steps.t.outcome == 'failure')");
  EXPECT_EQ(steps[2]["if"], "failure() && steps.t.outcome == 'failure'");
}
