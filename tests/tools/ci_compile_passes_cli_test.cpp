// ci-compile's pass options as users run them: --passes, --print-after(-all), --time-passes, --durations, --repo-root.
#include "test_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <sys/wait.h>

namespace {

namespace fs = std::filesystem;

struct ToolRun {
  int code = -1;
  std::string out; ///< stdout and stderr together (stderr only with -o FILE)
};

ToolRun run(const std::string &args) {
  std::string cmd = (testutil::binDir() / "ci-compile").string() + " " + args +
                    " --color=false </dev/null 2>&1";
  ToolRun r;
  FILE *p = popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0)
    r.out.append(buf, n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string example(const char *name) {
  return (testutil::sourceDir() / "examples/.github/workflows" / name).string();
}

/// A file under a per-process temporary directory, removed with it.
struct TempTree {
  fs::path root = fs::temp_directory_path() / ("ci_compile_passes_" + std::to_string(::getpid()));
  std::string add(const std::string &rel, const std::string &text) {
    fs::path p = root / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  ~TempTree() { fs::remove_all(root); }
};

/// The `--print-after` dumps in `out`: top-level JSON objects, one per pass
/// (a line `{` to the next line `}`).
std::vector<nlohmann::json> dumps(const std::string &out) {
  std::vector<nlohmann::json> docs;
  size_t pos = 0;
  while ((pos = out.find("{\n", pos)) != std::string::npos) {
    if (pos != 0 && out[pos - 1] != '\n') {
      ++pos;
      continue;
    }
    size_t end = out.find("\n}\n", pos);
    if (end == std::string::npos)
      break;
    docs.push_back(nlohmann::json::parse(out.substr(pos, end + 2 - pos)));
    pos = end + 3;
  }
  return docs;
}

/// Position of the timing-table row for `name` (`   0.0012 ( 3.4%)  name`), or npos.
size_t row(const std::string &out, const std::string &name) {
  size_t p = out.find("%)  " + name + "\n");
  return p;
}

const char *kDiamond = "on: push\njobs:\n"
                       "  a:\n    runs-on: x\n    steps: [{run: a}]\n"
                       "  b:\n    needs: a\n    runs-on: x\n    steps: [{run: b}]\n"
                       "  c:\n    needs: a\n    runs-on: x\n    steps: [{run: c}]\n"
                       "  d:\n    needs: [b, c]\n    runs-on: x\n    steps: [{run: d}]\n";

} // namespace

// --time-passes: one row for lowering, then one per pass in pipeline order, and
// the total; with --passes only the passes named, in the order given.
TEST(CiCompilePasses, TimePassesTableFollowsThePipeline) {
  ToolRun r = run(example("ci.yml") + " -o /dev/null --time-passes");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("Pass execution timing report"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Total Execution Time: "), std::string::npos);
  size_t last = row(r.out, "lower");
  ASSERT_NE(last, std::string::npos) << r.out;
  for (const char *pass : {"resolve-needs", "inline-reusable", "expand-matrix", "resolve-concurrency",
                           "fold-conditions", "type-check-expressions", "Total"}) {
    size_t p = row(r.out, pass);
    ASSERT_NE(p, std::string::npos) << pass << " has no row:\n" << r.out;
    EXPECT_GT(p, last) << pass << " is out of order:\n" << r.out;
    last = p;
  }
  EXPECT_NE(r.out.find("(100.0%)  Total"), std::string::npos) << r.out;

  ToolRun some = run(example("ci.yml") + " -o /dev/null --time-passes --passes=expand-matrix,resolve-needs");
  ASSERT_EQ(some.code, 0) << some.out;
  ASSERT_NE(row(some.out, "expand-matrix"), std::string::npos) << some.out;
  EXPECT_LT(row(some.out, "expand-matrix"), row(some.out, "resolve-needs")) << some.out;
  EXPECT_EQ(row(some.out, "fold-conditions"), std::string::npos) << some.out;
  EXPECT_EQ(row(some.out, "inline-reusable"), std::string::npos) << some.out;
}

// --print-after names passes (repeatable): one dump per named pass, in pipeline
// order, each with the plan as it stands after that pass.
TEST(CiCompilePasses, PrintAfterShowsThePlanAfterEachNamedPass) {
  ToolRun r = run(example("ci.yml") + " -o /dev/null --print-after=fold-conditions --print-after=resolve-needs");
  ASSERT_EQ(r.code, 0) << r.out;
  auto docs = dumps(r.out);
  ASSERT_EQ(docs.size(), 2u) << r.out;
  EXPECT_EQ(docs[0]["after"], "resolve-needs");
  EXPECT_EQ(docs[1]["after"], "fold-conditions");
  auto before = docs[0]["plan"]["workflows"][0]["jobs"][1];
  EXPECT_EQ(before["needs"], nlohmann::json::array({"build"}));
  EXPECT_FALSE(before.contains("instances")) << before.dump(); // expand-matrix has not run yet
  auto after = docs[1]["plan"]["workflows"][0]["jobs"][1];
  EXPECT_EQ(after["instances"].size(), 4u);
  EXPECT_EQ(after["instances"][0]["name"], "Test (ubuntu-latest, bash)");
  EXPECT_EQ(docs[1]["ir"]["jobs"].size(), 4u);
}

// A pass that reports errors stops the pipeline: --print-after-all shows only
// the passes that ran, the error is on stderr and the exit status is 1.
TEST(CiCompilePasses, PrintAfterAllStopsAtThePassThatReportsErrors) {
  TempTree t;
  std::string f = t.add("cycle.yml", "on: push\njobs:\n"
                                     "  a:\n    runs-on: x\n    steps: [{run: a}]\n"
                                     "  b:\n    needs: [a, d]\n    runs-on: x\n    steps: [{run: a}]\n"
                                     "  c:\n    needs: b\n    runs-on: x\n    steps: [{run: a}]\n"
                                     "  d:\n    needs: c\n    runs-on: x\n    steps: [{run: a}]\n");
  ToolRun r = run(f + " -o /dev/null --print-after-all");
  EXPECT_EQ(r.code, 1) << r.out;
  auto docs = dumps(r.out);
  ASSERT_EQ(docs.size(), 1u) << r.out;
  EXPECT_EQ(docs[0]["after"], "resolve-needs");
  EXPECT_NE(r.out.find("cycle.yml:7:16: error: the needs of these jobs form a cycle, so none of them "
                       "can start: b -> d -> c -> b [needs-cycle]"),
            std::string::npos)
      << r.out;
  // Without the dumps: the same error, and the plan is not written.
  ToolRun plain = run(f + " --emit=plan");
  EXPECT_EQ(plain.code, 1);
  EXPECT_NE(plain.out.find("[needs-cycle]"), std::string::npos) << plain.out;
}

// --durations FILE.json: minutes per job pick the critical path (plan and DOT),
// as an object of job id -> minutes or {"jobs": {...}}.
TEST(CiCompilePasses, DurationsChooseTheCriticalPath) {
  TempTree t;
  std::string wf = t.add("diamond.yml", kDiamond);
  std::string slowB = t.add("b.json", R"({"a": 1, "b": 10, "c": 2, "d": 1})");
  std::string slowC = t.add("c.json", R"({"jobs": {"a": 1, "b": 2, "c": 20, "d": 1}})");
  auto criticalPath = [&](const std::string &durations) {
    ToolRun r = run(wf + " --emit=plan --durations=" + durations);
    EXPECT_EQ(r.code, 0) << r.out;
    return nlohmann::json::parse(r.out)["workflows"][0]["critical_path"];
  };
  auto viaB = criticalPath(slowB);
  EXPECT_EQ(viaB["jobs"], nlohmann::json::array({"a", "b", "d"}));
  EXPECT_EQ(viaB["minutes"], 12);
  auto viaC = criticalPath(slowC);
  EXPECT_EQ(viaC["jobs"], nlohmann::json::array({"a", "c", "d"}));
  EXPECT_EQ(viaC["minutes"], 22);
  // The DOT highlights that path: c and its edges red, b not.
  ToolRun dot = run(wf + " --emit=dot --critical-path --durations=" + slowC);
  ASSERT_EQ(dot.code, 0) << dot.out;
  EXPECT_NE(dot.out.find("a -> c\t[color=red"), std::string::npos) << dot.out;
  EXPECT_NE(dot.out.find("c -> d\t[color=red"), std::string::npos) << dot.out;
  EXPECT_EQ(dot.out.find("a -> b\t[color=red"), std::string::npos) << dot.out;
  ToolRun missing = run(wf + " --durations=" + (t.root / "none.json").string());
  EXPECT_EQ(missing.code, 2) << missing.out;
  EXPECT_NE(missing.out.find("ci-compile: --durations: "), std::string::npos) << missing.out;
}

// --repo-root DIR: local calls are read from DIR, not from the repository that
// holds the file; a callee missing there is an error naming where it looked.
TEST(CiCompilePasses, RepoRootIsWhereLocalCallsAreRead) {
  TempTree t;
  t.add("repo/.github/workflows/notify.yml",
        "on:\n  workflow_call:\n    inputs:\n      message: {type: string}\n      urgent: {type: boolean}\n"
        "jobs:\n  page:\n    runs-on: x\n    steps: [{run: echo}]\n");
  ToolRun r = run(example("nightly.yml") + " --emit=plan --repo-root=" + (t.root / "repo").string());
  ASSERT_EQ(r.code, 0) << r.out;
  auto jobs = nlohmann::json::parse(r.out)["workflows"][0]["jobs"];
  ASSERT_EQ(jobs.size(), 3u) << r.out;
  EXPECT_EQ(jobs[2]["id"], "notify/page");

  fs::create_directories(t.root / "empty");
  ToolRun miss = run(example("nightly.yml") + " -o /dev/null --repo-root=" + (t.root / "empty").string());
  EXPECT_EQ(miss.code, 1) << miss.out;
  EXPECT_NE(miss.out.find("nightly.yml:20:11: error: Unable to find reusable workflow "
                          "'./.github/workflows/notify.yml' [workflow-call]"),
            std::string::npos)
      << miss.out;
  EXPECT_NE(miss.out.find("note: looked for " + (t.root / "empty/.github/workflows/notify.yml").string() +
                          " (the repository is set with --repo-root DIR)"),
            std::string::npos)
      << miss.out;
}

// --workflow-cache DIR: a remote call found there is inlined with its members;
// one missing stays a symbolic call node (a warning, exit 0).
TEST(CiCompilePasses, WorkflowCacheInlinesCachedRemoteCalls) {
  TempTree t;
  std::string caller = t.add("caller.yml", "on: push\njobs:\n"
                                           "  r:\n    uses: acme/ci/.github/workflows/lib.yml@v1\n"
                                           "  s:\n    uses: acme/ci/.github/workflows/other.yml@v1\n");
  t.add("cache/acme/ci@v1/.github/workflows/lib.yml",
        "on: workflow_call\njobs:\n  j:\n    runs-on: x\n    steps: [{run: a}]\n");
  ToolRun r = run(caller + " --emit=plan --workflow-cache=" + (t.root / "cache").string());
  ASSERT_EQ(r.code, 0) << r.out;
  size_t brace = r.out.find("{\n");
  ASSERT_NE(brace, std::string::npos) << r.out;
  auto jobs = nlohmann::json::parse(r.out.substr(brace))["workflows"][0]["jobs"];
  std::vector<std::string> ids;
  for (const auto &j : jobs)
    ids.push_back(j["id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"r", "r/j", "s"})) << r.out;
  EXPECT_NE(r.out.find("[reusable-symbolic]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("other.yml@v1"), std::string::npos) << r.out;
}
