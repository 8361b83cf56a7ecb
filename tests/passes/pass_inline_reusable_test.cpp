// inline-reusable: loading, argument checks, members, outputs, legs, limits and cycles (gha-semantics §7).
#include "pass_test_util.h"

using passtest::compile;
using passtest::withFiles;

namespace {

namespace fs = std::filesystem;

/// A temporary repository: files written under it, removed at the end.
struct TempRepo {
  fs::path root;
  TempRepo() {
    root = fs::temp_directory_path() / ("ci_inline_" + std::to_string(::getpid()) + "_" +
                                        std::to_string(counter()++));
    fs::create_directories(root);
  }
  ~TempRepo() { fs::remove_all(root); }
  static int &counter() {
    static int n = 0;
    return n;
  }
  fs::path write(const std::string &rel, const std::string &text) {
    fs::path p = root / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p;
  }
};

/// Compiles a file of the repository (its repository root is found from the path).
std::unique_ptr<passtest::Compiled> compileFile(const fs::path &p, passes::CompileOptions o = {}) {
  return compile(testutil::readFile(p), std::move(o), {}, p.string());
}

const char *kCallee = R"(name: Deploy
on:
  workflow_call:
    inputs:
      env: {type: string, required: true}
      dry: {type: boolean, default: true}
      retries: {type: number}
    secrets:
      token: {required: true}
    outputs:
      url:
        value: ${{ jobs.ship.outputs.url }}
jobs:
  build:
    runs-on: ubuntu-latest
    steps: [{run: make}]
  ship:
    name: Ship it
    needs: build
    if: ${{ !inputs.dry }}
    runs-on: ubuntu-latest
    outputs:
      url: ${{ steps.s.outputs.url }}
    steps: [{id: s, run: ship}]
)";

} // namespace

// A local call read from the repository: the call node records every input (given,
// defaulted, by type), the secrets and the outputs; members are `call/job` with
// needs in the same prefix and GitHub's `caller / callee` names.
TEST(InlineReusable, LocalCallBecomesMembers) {
  TempRepo repo;
  repo.write(".github/workflows/deploy.yml", kCallee);
  fs::path main = repo.write(".github/workflows/main.yml", R"(on: push
jobs:
  prod:
    name: Production
    uses: ./.github/workflows/deploy.yml
    with: {env: prod, dry: false}
    secrets: {token: '${{ secrets.PROD }}'}
  after:
    needs: prod
    runs-on: x
    steps: [{run: 'echo ${{ needs.prod.outputs.url }}'}]
)");
  auto c = compileFile(main);
  ASSERT_TRUE(c->completed) << c->text();
  EXPECT_EQ(c->jobIds(), (std::vector<std::string>{"prod", "prod/build", "prod/ship", "after"}));
  const ir::PlanJob *call = c->job("prod");
  EXPECT_EQ(call->uses, "./.github/workflows/deploy.yml");
  EXPECT_EQ(call->calleePath, (repo.root / ".github/workflows/deploy.yml").string());
  ASSERT_EQ(call->with.size(), 3u);
  EXPECT_EQ(call->with[0].second.constant->getString(), "prod");
  EXPECT_FALSE(call->with[1].second.constant->getBool());
  EXPECT_EQ(call->with[2].second.constant->getNumber(), 0); // a number input without default
  EXPECT_EQ(call->secrets, (std::vector<std::pair<std::string, std::string>>{{"token", "${{ secrets.PROD }}"}}));
  ASSERT_EQ(call->outputs.size(), 1u);
  EXPECT_EQ(call->outputs[0].value.raw, "${{ jobs.ship.outputs.url }}");
  const ir::PlanJob *ship = c->job("prod/ship");
  EXPECT_EQ(ship->localId, "ship");
  EXPECT_EQ(ship->call, "prod");
  EXPECT_EQ(ship->needs, std::vector<std::string>{"prod/build"});
  EXPECT_EQ(ship->name, "Ship it");
  EXPECT_EQ(ship->instances[0].name, "Production / Ship it");
  // The call's constant inputs fold the member's condition: !false.
  EXPECT_EQ(ship->condition, "success()");
  EXPECT_EQ(ship->conditionSource, "success() && (!inputs.dry)");
  // The job after the call waits for its members (critical path through them).
  EXPECT_EQ(c->plan().criticalPath, (std::vector<std::string>{"prod", "prod/build", "prod/ship", "after"}));
}

// Inputs and secrets are checked against the callee's declarations (GitHub's wording).
TEST(InlineReusable, ArgumentsAreChecked) {
  auto c = compile(R"(on: push
jobs:
  a:
    uses: ./.github/workflows/deploy.yml
    with: {dry: maybe, retries: many, colour: red}
    secrets: {tokn: x}
)",
                   withFiles({{"./.github/workflows/deploy.yml", kCallee}}));
  std::string t = c->text();
  EXPECT_NE(t.find("w.yml:5:17: error: Unexpected value 'maybe' [invalid-value]"), std::string::npos) << t;
  EXPECT_NE(t.find("w.yml:5:33: error: Unexpected value 'many'"), std::string::npos) << t;
  EXPECT_NE(t.find("Invalid input, colour is not defined in the referenced workflow."), std::string::npos);
  EXPECT_NE(t.find("Input env is required, but not provided while calling."), std::string::npos);
  EXPECT_NE(t.find("Invalid secret, tokn is not defined in the referenced workflow."), std::string::npos);
  EXPECT_NE(t.find("Secret token is required, but not provided while calling."), std::string::npos);
  EXPECT_FALSE(c->completed);
}

// `secrets: inherit` passes every secret: nothing to check, the plan says "inherit".
TEST(InlineReusable, InheritedSecretsSkipTheChecks) {
  auto c = compile("on: push\njobs:\n  a:\n    uses: ./.github/workflows/deploy.yml\n"
                   "    with: {env: dev}\n    secrets: inherit\n",
                   withFiles({{"./.github/workflows/deploy.yml", kCallee}}));
  ASSERT_TRUE(c->completed) << c->text();
  EXPECT_TRUE(c->job("a")->inheritSecrets);
  EXPECT_EQ(c->json()["workflows"][0]["jobs"][0]["secrets"], "inherit");
}

// A remote call stays symbolic (a note) unless the workflow cache holds it as
// DIR/owner/repo@ref/<path>.
TEST(InlineReusable, RemoteCallsComeFromTheWorkflowCache) {
  std::string yaml = "on: push\njobs:\n  r:\n    uses: octo/lib/.github/workflows/deploy.yml@v2\n"
                     "    with: {env: qa}\n    secrets: inherit\n";
  auto c = compile(yaml);
  ASSERT_TRUE(c->completed) << c->text();
  EXPECT_EQ(c->count("reusable-symbolic"), 1u);
  EXPECT_EQ(c->jobIds(), std::vector<std::string>{"r"});
  EXPECT_TRUE(c->job("r")->calleePath.empty());
  TempRepo cache;
  cache.write("octo/lib@v2/.github/workflows/deploy.yml", kCallee);
  passes::CompileOptions o;
  o.workflowCache = cache.root.string();
  auto d = compile(yaml, std::move(o));
  ASSERT_TRUE(d->completed) << d->text();
  EXPECT_EQ(d->jobIds(), (std::vector<std::string>{"r", "r/build", "r/ship"}));
}

// A local file that is not there is an error that says where it was looked for.
TEST(InlineReusable, MissingLocalWorkflowIsAnError) {
  TempRepo repo;
  fs::path main = repo.write(".github/workflows/main.yml",
                             "on: push\njobs:\n  a:\n    uses: ./.github/workflows/nope.yml\n");
  auto c = compileFile(main);
  EXPECT_NE(c->text().find("Unable to find reusable workflow './.github/workflows/nope.yml'"),
            std::string::npos)
      << c->text();
  EXPECT_NE(c->first("workflow-call")->notes[0].message.find("looked for " + repo.root.string()),
            std::string::npos);
}

// A caller-side matrix known at compile time makes one call node per leg, each
// with its inputs and members; a job that needs the call needs every leg.
TEST(InlineReusable, CallerMatrixMakesOneCallPerLeg) {
  auto c = compile(R"(on: push
jobs:
  deploy:
    strategy:
      matrix:
        env: [staging, prod]
    uses: ./.github/workflows/deploy.yml
    with: {env: '${{ matrix.env }}', dry: false}
    secrets: inherit
  notify:
    needs: deploy
    runs-on: x
    steps: [{run: a}]
)",
                   withFiles({{"./.github/workflows/deploy.yml", kCallee}}));
  ASSERT_TRUE(c->completed) << c->text();
  EXPECT_EQ(c->jobIds(), (std::vector<std::string>{"deploy.staging", "deploy.staging/build",
                                                   "deploy.staging/ship", "deploy.prod",
                                                   "deploy.prod/build", "deploy.prod/ship", "notify"}));
  EXPECT_EQ(c->job("deploy.prod")->with[0].second.constant->getString(), "prod");
  EXPECT_EQ(c->job("deploy.prod")->localId, "deploy");
  EXPECT_EQ(c->job("deploy.prod")->name, "deploy (prod)");
  EXPECT_EQ(c->legNames("deploy.prod/ship"), std::vector<std::string>{"deploy (prod) / Ship it"});
  EXPECT_EQ(c->job("notify")->needs, (std::vector<std::string>{"deploy.staging", "deploy.prod"}));
}

// A matrix inside the callee is suffixed on the callee side: `caller / callee (v)`.
TEST(InlineReusable, CalleeMatrixLegsAreNamedAfterTheCaller) {
  auto c = compile("on: push\njobs:\n  ci:\n    name: CI\n    uses: ./.github/workflows/t.yml\n",
                   withFiles({{"./.github/workflows/t.yml",
                               "on: workflow_call\njobs:\n  test:\n    runs-on: x\n"
                               "    strategy: {matrix: {os: [linux, mac]}}\n    steps: [{run: a}]\n"}}));
  EXPECT_EQ(c->legNames("ci/test"), (std::vector<std::string>{"CI / test (linux)", "CI / test (mac)"}));
  EXPECT_EQ(c->job("ci/test")->instances[0].id, "ci/test.linux");
}

// Nesting: the root is level 1 and 10 levels are allowed; the 11th is an error.
TEST(InlineReusable, NestingDepthIsLimitedToTen) {
  auto chain = [](int levels) {
    std::vector<std::pair<std::string, std::string>> files;
    for (int i = 2; i <= levels; ++i) {
      std::string body = i == levels ? "    runs-on: x\n    steps: [{run: a}]\n"
                                     : "    uses: ./.github/workflows/l" + std::to_string(i + 1) + ".yml\n";
      files.emplace_back("./.github/workflows/l" + std::to_string(i) + ".yml",
                         "on: workflow_call\njobs:\n  j:\n" + body);
    }
    return files;
  };
  std::string root = "on: push\njobs:\n  j:\n    uses: ./.github/workflows/l2.yml\n";
  auto ok = compile(root, withFiles(chain(10)));
  EXPECT_TRUE(ok->completed) << ok->text();
  EXPECT_EQ(ok->jobIds().back(), "j/j/j/j/j/j/j/j/j/j");
  auto deep = compile(root, withFiles(chain(11)));
  ASSERT_EQ(deep->count("reusable-nesting"), 1u) << deep->text();
  EXPECT_NE(deep->text().find("Nested reusable workflow depth exceeded 10."), std::string::npos);
}

// More than 50 unique reusable workflows is an error.
TEST(InlineReusable, AtMostFiftyUniqueWorkflows) {
  std::vector<std::pair<std::string, std::string>> files;
  std::string root = "on: push\njobs:\n";
  for (int i = 1; i <= 51; ++i) {
    std::string ref = "./.github/workflows/w" + std::to_string(i) + ".yml";
    files.emplace_back(ref, "on: workflow_call\njobs:\n  j:\n    runs-on: x\n    steps: [{run: a}]\n");
    root += "  c" + std::to_string(i) + ":\n    uses: " + ref + "\n";
  }
  auto c = compile(root, withFiles(files));
  ASSERT_EQ(c->count("reusable-limit"), 1u) << c->text();
  EXPECT_NE(c->text().find("references 51 unique reusable workflows; at most 50"), std::string::npos);
  files.pop_back();
  root = root.substr(0, root.find("  c51:"));
  EXPECT_TRUE(compile(root, withFiles(files))->completed);
}

// Workflows that call each other in a cycle are an error (not inlined forever).
TEST(InlineReusable, CallCyclesAreErrors) {
  auto c = compile("on: push\njobs:\n  a:\n    uses: ./.github/workflows/a.yml\n",
                   withFiles({{"./.github/workflows/a.yml",
                               "on: workflow_call\njobs:\n  b:\n    uses: ./.github/workflows/b.yml\n"},
                              {"./.github/workflows/b.yml",
                               "on: workflow_call\njobs:\n  a:\n    uses: ./.github/workflows/a.yml\n"}}));
  ASSERT_EQ(c->count("reusable-cycle"), 1u) << c->text();
  EXPECT_NE(c->text().find("./.github/workflows/a.yml -> ./.github/workflows/b.yml -> "
                           "./.github/workflows/a.yml"),
            std::string::npos)
      << c->text();
}

// A called file without workflow_call is not reusable.
TEST(InlineReusable, TheCalleeMustBeReusable) {
  auto c = compile("on: push\njobs:\n  a:\n    uses: ./.github/workflows/x.yml\n",
                   withFiles({{"./.github/workflows/x.yml",
                               "on: push\njobs:\n  j:\n    runs-on: x\n    steps: [{run: a}]\n"}}));
  EXPECT_NE(c->text().find("is not reusable: its 'on' does not list workflow_call"), std::string::npos)
      << c->text();
}

// The members' plan stays within the job bound (a fan-out of calls to calls).
TEST(InlineReusable, InliningIsBounded) {
  passes::CompileOptions o = withFiles(
      {{"./.github/workflows/x.yml",
        "on: workflow_call\njobs:\n  a:\n    runs-on: x\n    steps: [{run: a}]\n"
        "  b:\n    runs-on: x\n    steps: [{run: a}]\n  c:\n    runs-on: x\n    steps: [{run: a}]\n"}});
  o.maxJobs = 5;
  auto c = compile("on: push\njobs:\n  p:\n    uses: ./.github/workflows/x.yml\n"
                   "  q:\n    uses: ./.github/workflows/x.yml\n",
                   std::move(o));
  EXPECT_EQ(c->count("reusable-limit"), 1u) << c->text();
  EXPECT_LE(c->plan().jobs.size(), 5u);
}
