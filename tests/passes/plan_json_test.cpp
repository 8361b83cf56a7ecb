// Plan JSON (docs/plan.md): its shape, and that the Lambda package reads and runs it.
#include "pass_test_util.h"

#include <nlohmann/json.hpp>

using passtest::compile;

namespace {

namespace fs = std::filesystem;

std::string example(const char *name) {
  return testutil::readFile(testutil::sourceDir() / "examples/.github/workflows" / name);
}

passes::CompileOptions exampleFiles() {
  return passtest::withFiles({{"./.github/workflows/notify.yml", example("notify.yml")}});
}

std::string shellOut(const std::string &cmd, int *code) {
  testutil::ShellRun r = testutil::runShell(cmd);
  *code = r.exit;
  return r.out;
}

const char *kMixed = R"(name: Mixed
on: push
concurrency: {group: 'mixed-${{ github.ref }}', cancel-in-progress: true}
jobs:
  lint:
    runs-on: ubuntu-latest
    steps: [{run: make lint}]
  test:
    needs: lint
    runs-on: ${{ matrix.os }}
    strategy:
      max-parallel: 2
      matrix:
        os: [ubuntu-latest, macos-latest]
        node: [18, 20]
    steps: [{run: make test}]
  deploy:
    needs: test
    strategy:
      matrix:
        env: [staging, prod]
    uses: ./.github/workflows/notify.yml
    with: {message: 'deploy ${{ matrix.env }}'}
    secrets: inherit
  never:
    needs: lint
    if: false
    runs-on: x
    steps: [{run: a}]
  done:
    needs: [deploy, never]
    if: always()
    runs-on: x
    steps: [{run: a}]
)";

} // namespace

// The document: version, workflow fields, jobs with the fields the runtimes read.
TEST(PlanJson, ShapeOfThePlan) {
  auto c = compile(example("ci.yml"), {}, {}, "examples/.github/workflows/ci.yml");
  auto p = c->json();
  EXPECT_EQ(p["version"], 1);
  EXPECT_EQ(p["op_budget"], 3000);
  auto w = p["workflows"][0];
  EXPECT_EQ(w["id"], "ci");
  EXPECT_EQ(w["name"], "CI");
  EXPECT_EQ(w["env"]["APP_NAME"], "hello");
  EXPECT_EQ(w["concurrency"]["group"], "ci-${{ github.ref }}");
  auto test = w["jobs"][1];
  EXPECT_EQ(test["id"], "test");
  EXPECT_EQ(test["needs"], nlohmann::ordered_json::array({"build"}));
  EXPECT_EQ(test["if"], "success()");
  EXPECT_EQ(test["strategy"]["fail_fast"], false);
  EXPECT_EQ(test["instances"].size(), 4u);
  EXPECT_EQ(test["instances"][0]["id"], "test.ubuntu-latest_bash");
  EXPECT_EQ(test["instances"][0]["matrix"]["coverage"], true);
  EXPECT_EQ(test["legs"], 4);
  EXPECT_EQ(test["spec"]["runs_on"], "${{ matrix.os }}");
  EXPECT_EQ(test["spec"]["steps"][2]["shell"], "bash");
  EXPECT_EQ(test["spec"]["steps"][5]["if"], "success() && (matrix.coverage)");
  EXPECT_EQ(test["spec"]["steps"][4]["continue_on_error"], true);
  auto deploy = w["jobs"][2];
  EXPECT_EQ(deploy["timeout_minutes"], 10);
  EXPECT_EQ(deploy["spec"]["environment"]["name"], "${{ inputs.environment || 'staging' }}");
  EXPECT_EQ(w["critical_path"]["jobs"].size(), 4u);
}

// Calls: a `uses` node with inputs, secrets and outputs; members name it in `call`.
TEST(PlanJson, CallsAndMembers) {
  auto c = compile(example("nightly.yml"), exampleFiles());
  auto jobs = c->json()["workflows"][0]["jobs"];
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs[1]["uses"], "./.github/workflows/notify.yml");
  EXPECT_EQ(jobs[1]["with"]["message"], "nightly build ${{ needs.build.outputs.status }}");
  EXPECT_EQ(jobs[1]["with"]["urgent"], false);
  EXPECT_EQ(jobs[1]["secrets"], "inherit");
  EXPECT_EQ(jobs[1]["outputs"]["sent"], "${{ jobs.send.outputs.sent }}");
  EXPECT_FALSE(jobs[1].contains("spec"));
  EXPECT_EQ(jobs[2]["id"], "notify/send");
  EXPECT_EQ(jobs[2]["local_id"], "send");
  EXPECT_EQ(jobs[2]["call"], "notify");
  EXPECT_EQ(jobs[2]["instances"][0]["name"], "notify / send");
}

// The Lambda package reads our plans (plan.js) and, with its dependencies
// installed, its scheduler runs them: every instance we list is dispatched under
// our name, jobs that never run are skipped, the run succeeds.
TEST(PlanJson, TheLambdaPackageRunsOurPlans) {
  int code = 0;
  shellOut("node --version 2>&1", &code);
  if (code != 0)
    GTEST_SKIP() << "node not found: the Lambda interoperability check needs Node.js 20+";
  bool scheduler = fs::exists(testutil::sourceDir() / "backend/lambda/node_modules/@actions/expressions");
  struct Case {
    const char *name;
    std::string yaml;
  } cases[] = {{"ci", example("ci.yml")}, {"nightly", example("nightly.yml")}, {"mixed", kMixed}};
  for (const Case &k : cases) {
    auto c = compile(k.yaml, exampleFiles());
    ASSERT_TRUE(c->completed) << c->text();
    fs::path file = fs::temp_directory_path() / ("plan_" + std::to_string(::getpid()) + ".json");
    std::ofstream(file) << ir::writePlanJson(c->unit->plan);
    std::string out = shellOut("node '" + (testutil::sourceDir() / "tests/passes/lambda/run-plan.mjs").string() +
                                   "' '" + file.string() + "'" + (scheduler ? " --scheduler" : "") + " 2>&1",
                               &code);
    fs::remove(file);
    ASSERT_EQ(code, 0) << k.name << ": " << out;
    auto r = nlohmann::json::parse(out);
    EXPECT_EQ(r["jobs"], c->plan().jobs.size()) << k.name;
    EXPECT_GT(r["estimate"].get<int>(), 0);
    if (!scheduler)
      continue;
    std::vector<std::string> expected;
    for (const ir::PlanJob &j : c->plan().jobs)
      if (!j.neverRuns && j.uses.empty() && j.condition != "failure()")
        for (const ir::PlanInstance &i : j.instances)
          expected.push_back(i.name);
    std::vector<std::string> dispatched = r["dispatched"].get<std::vector<std::string>>();
    std::sort(expected.begin(), expected.end());
    std::sort(dispatched.begin(), dispatched.end());
    EXPECT_EQ(dispatched, expected) << k.name << ": " << out;
    EXPECT_EQ(r["conclusion"], "success") << k.name;
  }
  if (!scheduler)
    std::cout << "backend/lambda/node_modules is not installed: checked plan.js only\n";
}
