// ci-compile as users run it: outputs, exit codes, help, stdin, formats.
#include "test_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <sys/wait.h>

namespace {

namespace fs = std::filesystem;

struct ToolRun {
  int code = -1;
  std::string out; ///< stdout and stderr together
};

ToolRun run(const std::string &args, const std::string &stdinText = "") {
  fs::path in = fs::temp_directory_path() / ("ci_compile_in_" + std::to_string(::getpid()));
  {
    std::ofstream f(in);
    f << stdinText;
  }
  std::string cmd = (testutil::binDir() / "ci-compile").string() + " " + args + " < " +
                    in.string() + " 2>&1";
  ToolRun r;
  FILE *p = popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0)
    r.out.append(buf, n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  fs::remove(in);
  return r;
}

std::string example(const char *name) {
  return (testutil::sourceDir() / "examples/.github/workflows" / name).string();
}

const char *kBad = "on: push\njobs:\n  a:\n    runs-onn: x\n    steps: [{run: a}]\n";

} // namespace

// A valid workflow: IR JSON on stdout with the version field, exit 0.
TEST(CiCompile, EmitsIrJsonForAValidWorkflow) {
  ToolRun r = run(example("ci.yml"));
  ASSERT_EQ(r.code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["kind"], "workflow");
  EXPECT_EQ(j["jobs"].size(), 4u);
}

// Errors: human diagnostics with file:line:col, the kind and a suggestion; exit 1.
TEST(CiCompile, ReportsErrorsAndExitsOne) {
  ToolRun r = run("- --color=false", kBad);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("<stdin>:4:5: error: Unexpected value 'runs-onn' [unknown-key]"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("did you mean 'runs-on'?"), std::string::npos);
  EXPECT_EQ(r.out.find("\x1b["), std::string::npos) << "no colour when not a tty";
}

// --diagnostics-format=json prints machine-readable diagnostics.
TEST(CiCompile, JsonDiagnostics) {
  ToolRun r = run("- --stdin-filename=wf.yml --diagnostics-format=json -o /dev/null", kBad);
  EXPECT_EQ(r.code, 1);
  auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  EXPECT_EQ(j[0]["file"], "wf.yml");
  EXPECT_EQ(j[0]["kind"], "unknown-key");
  EXPECT_EQ(j[0]["range"]["start"]["line"], 4);
}

// Usage errors exit 2; a missing input file is a usage error.
TEST(CiCompile, UsageErrorsExitTwo) {
  EXPECT_EQ(run("--emit=pdf x.yml").code, 2);
  EXPECT_EQ(run("").code, 2);
  ToolRun missing = run("/nonexistent/wf.yml");
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.out.find("cannot read"), std::string::npos);
  EXPECT_EQ(run(example("ci.yml") + " --workflow-file=nofile").code, 2);
}

// An unwritable output is an internal failure: exit 3.
TEST(CiCompile, WriteFailureExitsThree) {
  EXPECT_EQ(run(example("ci.yml") + " -o /nonexistent/dir/out.json").code, 3);
}

// --help documents every option.
TEST(CiCompile, HelpDocumentsEveryOption) {
  ToolRun r = run("--help");
  EXPECT_EQ(r.code, 0);
  for (const char *opt : {"--emit", "=ir", "=dot", "=svg", "=png", "=github-template", "-o",
                          "--diagnostics-format", "--color", "--workflow-file", "--input-kind",
                          "--stdin-filename", "--max-file-size", "Exit status", "=plan", "--passes",
                          "--print-after", "--print-after-all", "--time-passes", "--critical-path",
                          "--durations", "--repo-root", "--workflow-cache", "--contexts",
                          "--list-passes"})
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
}

// The job graph as DOT (nodes labelled with name and runs-on, needs as edges,
// matrix legs clustered per job with edges clipped at the cluster) and SVG.
TEST(CiCompile, EmitsTheJobGraph) {
  ToolRun dot = run(example("ci.yml") + " --emit=dot");
  ASSERT_EQ(dot.code, 0) << dot.out;
  EXPECT_NE(dot.out.find("digraph"), std::string::npos);
  EXPECT_NE(dot.out.find("subgraph \"cluster_job:test\""), std::string::npos) << dot.out;
  EXPECT_NE(dot.out.find("label=\"Test (macos-latest, sh)\\nmacos-latest\""), std::string::npos);
  EXPECT_NE(dot.out.find("build -> \"test.ubuntu-latest_bash\"\t[lhead=\"cluster_job:test\"]"),
            std::string::npos);
  EXPECT_NE(dot.out.find("\"test.ubuntu-latest_bash\" -> deploy"), std::string::npos);
  EXPECT_NE(dot.out.find("Build\\nubuntu-latest"), std::string::npos) << dot.out;
  ToolRun svg = run(example("ci.yml") + " --emit=svg");
  ASSERT_EQ(svg.code, 0);
  EXPECT_NE(svg.out.find("<svg"), std::string::npos);
  EXPECT_NE(svg.out.find("Deploy"), std::string::npos);
  ToolRun png = run(example("ci.yml") + " --emit=png");
  ASSERT_EQ(png.code, 0);
  EXPECT_EQ(png.out.substr(1, 3), "PNG");
}

// GitHub's template JSON, with a reusable workflow supplied by --workflow-file.
TEST(CiCompile, GithubTemplateWithReusableWorkflow) {
  ToolRun r = run(example("nightly.yml") +
              " --emit=github-template --workflow-file=./.github/workflows/notify.yml=" +
              example("notify.yml"));
  ASSERT_EQ(r.code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  const auto &call = j["jobs"][1];
  EXPECT_EQ(call["type"], "reusableWorkflowJob");
  EXPECT_EQ(call["ref"], "./.github/workflows/notify.yml");
  EXPECT_EQ(call["inherit-secrets"], true);
  EXPECT_EQ(call["jobs"][0]["id"], "send");
  ToolRun bad = run("- --stdin-filename=.github/workflows/bad.yml --emit=github-template", kBad);
  EXPECT_EQ(bad.code, 1);
  auto e = nlohmann::json::parse(bad.out.substr(bad.out.find("{\n")));
  EXPECT_EQ(e["errors"][0]["Message"],
            ".github/workflows/bad.yml (Line: 4, Col: 5): Unexpected value 'runs-onn'");
}

// Action metadata compiles to IR JSON of kind "action".
TEST(CiCompile, CompilesActionMetadata) {
  ToolRun r = run((testutil::sourceDir() / "examples/.github/actions/greet/action.yml").string());
  ASSERT_EQ(r.code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["kind"], "action");
  EXPECT_EQ(j["runs"]["using"]["value"], "composite");
}

namespace {

/// A file under the system temp directory, removed at the end of the test.
struct TempFile {
  fs::path path;
  TempFile(const std::string &name, const std::string &text)
      : path(fs::temp_directory_path() / (std::to_string(::getpid()) + "_" + name)) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }
  ~TempFile() { fs::remove(path); }
};

} // namespace

// --emit=plan: the resolved plan; a local call is read from the repository that
// holds the file (here examples/), and its jobs are members of the call.
TEST(CiCompile, EmitsThePlan) {
  ToolRun r = run(example("nightly.yml") + " --emit=plan");
  ASSERT_EQ(r.code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["version"], 1);
  auto jobs = j["workflows"][0]["jobs"];
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs[2]["id"], "notify/send");
  EXPECT_EQ(jobs[2]["call"], "notify");
  // From stdin there is no repository: --repo-root names it.
  std::string text = testutil::readFile(example("nightly.yml"));
  ToolRun s = run("- --emit=plan --repo-root=" + (testutil::sourceDir() / "examples").string(), text);
  ASSERT_EQ(s.code, 0) << s.out;
  EXPECT_EQ(nlohmann::json::parse(s.out)["workflows"][0]["jobs"].size(), 3u);
}

// --workflow-cache DIR supplies remote reusable workflows as DIR/owner/repo@ref/<path>.
TEST(CiCompile, WorkflowCacheSuppliesRemoteCalls) {
  std::string caller = "on: push\njobs:\n  r:\n    uses: acme/ci/.github/workflows/lib.yml@v1\n";
  TempFile lib("cache/acme/ci@v1/.github/workflows/lib.yml",
               "on: workflow_call\njobs:\n  j:\n    runs-on: x\n    steps: [{run: a}]\n");
  fs::path cache = fs::temp_directory_path() / (std::to_string(::getpid()) + "_cache");
  ToolRun r = run("- --emit=plan --workflow-cache=" + cache.string() + " 2>/dev/null", caller);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out)["workflows"][0]["jobs"][1]["id"], "r/j");
  ToolRun sym = run("- --emit=plan -o /dev/null --color=false", caller);
  EXPECT_EQ(sym.code, 0);
  EXPECT_NE(sym.out.find("[reusable-symbolic]"), std::string::npos) << sym.out;
  fs::remove_all(cache);
}

// --passes runs the named passes in order; an unknown name is a usage error with
// a suggestion; --list-passes lists them and the default pipeline.
TEST(CiCompile, PassesFlag) {
  ToolRun r = run(example("ci.yml") + " --emit=plan --passes=resolve-needs");
  ASSERT_EQ(r.code, 0) << r.out;
  auto test = nlohmann::json::parse(r.out)["workflows"][0]["jobs"][1];
  EXPECT_EQ(test["needs"][0], "build");
  EXPECT_FALSE(test.contains("instances"));
  ToolRun bad = run(example("ci.yml") + " --passes=resolve-needs,expand-matrx");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.out.find("did you mean 'expand-matrix'?"), std::string::npos) << bad.out;
  ToolRun list = run("--list-passes");
  EXPECT_EQ(list.code, 0);
  EXPECT_NE(list.out.find("default pipeline: resolve-needs,inline-reusable,expand-matrix"),
            std::string::npos)
      << list.out;
}

// --print-after / --print-after-all dump the IR and the plan so far on stderr;
// --time-passes prints the timing table.
TEST(CiCompile, PrintAfterAndTimePasses) {
  ToolRun one = run(example("ci.yml") + " -o /dev/null --print-after=expand-matrix");
  ASSERT_EQ(one.code, 0) << one.out;
  auto j = nlohmann::json::parse(one.out);
  EXPECT_EQ(j["after"], "expand-matrix");
  EXPECT_EQ(j["plan"]["workflows"][0]["jobs"][1]["instances"].size(), 4u);
  EXPECT_EQ(j["ir"]["jobs"].size(), 4u);
  ToolRun all = run(example("ci.yml") + " -o /dev/null --print-after-all");
  size_t dumps = 0;
  for (size_t p = all.out.find("\"after\""); p != std::string::npos; p = all.out.find("\"after\"", p + 1))
    ++dumps;
  EXPECT_EQ(dumps, 6u);
  ToolRun t = run(example("ci.yml") + " -o /dev/null --time-passes");
  EXPECT_NE(t.out.find("Pass execution timing report"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("fold-conditions"), std::string::npos);
  EXPECT_EQ(run(example("ci.yml") + " --print-after=nope").code, 2);
}

// --critical-path highlights the heaviest chain; --durations sets the weights.
TEST(CiCompile, CriticalPathWithDurations) {
  ToolRun dot = run(example("ci.yml") + " --emit=dot --critical-path");
  ASSERT_EQ(dot.code, 0) << dot.out;
  EXPECT_NE(dot.out.find("color=red"), std::string::npos) << dot.out;
  TempFile d("durations.json", R"({"build": 3, "test": 12, "deploy": 2, "report-failure": 1})");
  ToolRun plan = run(example("ci.yml") + " --emit=plan --durations=" + d.path.string());
  ASSERT_EQ(plan.code, 0) << plan.out;
  auto cp = nlohmann::json::parse(plan.out)["workflows"][0]["critical_path"];
  EXPECT_EQ(cp["minutes"], 18);
  TempFile bad("bad-durations.json", R"({"build": "long"})");
  ToolRun b = run(example("ci.yml") + " --durations=" + bad.path.string());
  EXPECT_EQ(b.code, 2);
  EXPECT_NE(b.out.find("must be a number of minutes"), std::string::npos) << b.out;
  ToolRun svg = run(example("nightly.yml") + " --emit=svg --critical-path");
  ASSERT_EQ(svg.code, 0);
  EXPECT_NE(svg.out.find("cluster_call:notify"), std::string::npos);
}

// --contexts folds what only reads known contexts: here the deploy condition.
TEST(CiCompile, KnownContextsFoldConditions) {
  TempFile ctx("contexts.json", R"({"github": {"ref": "refs/heads/dev", "event_name": "push"}})");
  ToolRun r = run(example("ci.yml") + " --emit=plan --color=false --contexts=" + ctx.path.string());
  EXPECT_EQ(r.code, 0) << r.out;
  auto plan = nlohmann::json::parse(r.out.substr(r.out.find("{\n")));
  auto deploy = plan["workflows"][0]["jobs"][2];
  EXPECT_EQ(deploy["if"], "false");
  EXPECT_EQ(deploy["never_runs"], true);
  EXPECT_EQ(plan["workflows"][0]["concurrency"]["group"], "ci-refs/heads/dev");
  EXPECT_NE(r.out.find("job \"deploy\" can never run"), std::string::npos);
}
