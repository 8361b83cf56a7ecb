// ci-exec run --plain, ci-exec logs and ci-exec report as users run them; the report
// rendered by headless Chromium.
#include "test_util.h"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace {

struct Temp {
  Temp() {
    std::string tmpl = (fs::temp_directory_path() / "ci-report-XXXXXX").string();
    dir = mkdtemp(tmpl.data());
  }
  ~Temp() { fs::remove_all(dir); }
  std::string file(const std::string &name) const { return dir + "/" + name; }
  std::string dir;
};

using Ran = testutil::ShellRun;

Ran shell(const std::string &cmd) { return testutil::runShell(cmd); }

Ran ciExec(const std::string &args, bool withStderr = true) {
  return shell((testutil::binDir() / "ci-exec").string() + " " + args + (withStderr ? " 2>&1" : " 2>/dev/null"));
}

size_t count(const std::string &text, const std::string &what) {
  size_t n = 0;
  for (size_t p = 0; (p = text.find(what, p)) != std::string::npos; p += what.size())
    ++n;
  return n;
}

/// A finished run in `t`: build (2 legs) -> test -> deploy (fails) -> cleanup (skipped), notify on failure.
void runDag(const Temp &t) {
  std::ofstream(t.file("plan.json")) << R"J({"version": 1, "workflows": [{"id": "ci", "path": ".github/workflows/ci.yml",
    "name": "CI", "jobs": [
      {"id": "build", "strategy": {"matrix": {"os": ["linux", "mac"]}}},
      {"id": "test", "needs": ["build"]},
      {"id": "deploy", "needs": ["test"]},
      {"id": "cleanup", "needs": ["deploy"]},
      {"id": "notify", "needs": ["deploy"], "if": "failure()"}]}]})J";
  std::ofstream(t.file("scenario.json")) << R"({"default": {"conclusion": "success", "duration_ms": 1000},
    "jobs": {"test": {"duration_ms": 2000}, "deploy": {"conclusion": "failure", "duration_ms": 500}}})";
}

} // namespace

TEST(CiExecProgress, PlainProgressOnStderrAndTheSummaryOnStdout) {
  Temp t;
  runDag(t);
  std::string common = t.file("plan.json") + " --provider sim --scenario " + t.file("scenario.json") +
                       " --virtual-time --store " + t.file("state.db");
  Ran out = ciExec("run " + common + " --plain", false);
  EXPECT_EQ(out.exit, 1) << out.out;
  EXPECT_EQ(out.out.rfind("run 1 (attempt 1): failure  4.5s\n", 0), 0u) << out.out;
  EXPECT_NE(out.out.find("  deploy        failure        0.5s\n"), std::string::npos) << out.out;
  EXPECT_NE(out.out.find("6 jobs: 4 success, 1 failure, 1 skipped\n"), std::string::npos) << out.out;
  Ran both = ciExec("run " + common + " --plain");
  EXPECT_NE(both.out.find("[   0.0s] build (linux): started\n"), std::string::npos) << both.out;
  EXPECT_NE(both.out.find("[   3.5s] deploy: failure in 0.5s\n"), std::string::npos) << both.out;
  // Not a terminal: plain lines without --plain too; none with --quiet or --json.
  Ran piped = ciExec("run " + common);
  EXPECT_NE(piped.out.find("[   1.0s] test: started\n"), std::string::npos) << piped.out;
  EXPECT_EQ(piped.out.find("\x1b["), std::string::npos) << "no escape sequences off a terminal";
  Ran quiet = ciExec("run " + common + " --quiet");
  EXPECT_EQ(quiet.out.find("started"), std::string::npos) << quiet.out;
  Ran js = ciExec("run " + common + " --json");
  EXPECT_EQ(js.out.find("started"), std::string::npos) << js.out;
  EXPECT_EQ(js.out.front(), '{');
}

TEST(CiExecLogs, PrintsStepLogsAndRejectsUnknownJobs) {
  Temp t;
  runDag(t);
  ciExec("run " + t.file("plan.json") + " --provider sim --scenario " + t.file("scenario.json") +
         " --virtual-time --quiet --store " + t.file("state.db"));
  fs::create_directories(t.file("runs/1/logs/deploy"));
  std::ofstream(t.file("runs/1/logs/deploy/1.log")) << "::group::setup\nx\n::endgroup::\ndeploying\nerror: denied\n";
  Ran all = ciExec("logs 1 --store " + t.file("state.db"));
  EXPECT_EQ(all.exit, 0) << all.out;
  EXPECT_NE(all.out.find("==> deploy [failure]\n--- step 1/1 [completed]\n▾ setup\nx\ndeploying\nerror: denied\n"),
            std::string::npos)
      << all.out;
  EXPECT_NE(all.out.find("==> build (linux) [success]\n    (no steps ran)\n"), std::string::npos) << all.out;
  Ran one = ciExec("logs 1 --job deploy --step 1 --store " + t.file("state.db"));
  EXPECT_EQ(count(one.out, "==>"), 1u) << one.out;
  Ran bad = ciExec("logs 1 --job nope --store " + t.file("state.db"));
  EXPECT_EQ(bad.exit, 1);
  EXPECT_NE(bad.out.find("run 1 has no job \"nope\""), std::string::npos) << bad.out;
  Ran usage = ciExec("logs --store " + t.file("state.db"));
  EXPECT_EQ(usage.exit, 2);
}

TEST(CiExecReport, ChromiumRendersThePageWithItsJobBoxes) {
  Temp t;
  runDag(t);
  ciExec("run " + t.file("plan.json") + " --provider sim --scenario " + t.file("scenario.json") +
         " --virtual-time --quiet --store " + t.file("state.db"));
  Ran wrote = ciExec("report 1 -o " + t.file("report.html") + " --store " + t.file("state.db"));
  ASSERT_EQ(wrote.exit, 0) << wrote.out;
  EXPECT_EQ(wrote.out, "wrote " + t.file("report.html") + " (run 1, 6 jobs)\n");
  std::string html = testutil::readFile(t.file("report.html"));
  EXPECT_NE(html.find("<svg"), std::string::npos) << "the job graph, laid out by Graphviz";
  EXPECT_EQ(count(html, "class=\"node job-"), 6u);
  EXPECT_EQ(count(html, "<script"), 0u);
  Ran missing = ciExec("report 7 -o " + t.file("x.html") + " --store " + t.file("state.db"));
  EXPECT_EQ(missing.exit, 1);
  EXPECT_NE(missing.out.find("no run 7 in this store"), std::string::npos) << missing.out;

  if (shell("command -v chromium >/dev/null 2>&1").exit != 0)
    GTEST_SKIP() << "chromium is not installed (scripts/install-deps.sh installs it): the page was written "
                    "and checked as text but not rendered";
  // No network: every host resolves to nothing, so a page that fetched anything would show it.
  std::string chromium = "timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run "
                         "--host-resolver-rules='MAP * ~NOTFOUND' --user-data-dir=" + t.file("profile") + " ";
  Ran dom = shell(chromium + "--dump-dom file://" + t.file("report.html") + " 2>/dev/null");
  ASSERT_EQ(dom.exit, 0) << dom.out;
  EXPECT_EQ(count(dom.out, "<section class=\"job-box\""), 6u) << "one box per job";
  for (const char *job : {"build.linux", "build.mac", "test", "deploy", "cleanup", "notify"})
    EXPECT_NE(dom.out.find(std::string("data-job=\"") + job + "\""), std::string::npos) << job;
  EXPECT_NE(dom.out.find("class=\"node job-failure\" data-job=\"deploy\""), std::string::npos);
  EXPECT_EQ(count(dom.out, "class=\"bar state-"), 5u) << "a timeline bar per job that ran";
  Ran shot = shell(chromium + "--window-size=1200,1600 --screenshot=" + t.file("report.png") + " file://" +
                   t.file("report.html") + " >/dev/null 2>&1");
  ASSERT_EQ(shot.exit, 0);
  std::error_code ec;
  EXPECT_GT(fs::file_size(t.file("report.png"), ec), 10'000u) << "a rendered page, not a blank one";
}
