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
                          "--stdin-filename", "--max-file-size", "Exit status"})
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
