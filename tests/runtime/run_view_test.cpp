// What a person sees of a run: the run view read from the store, plain progress lines,
// the summary table, step logs with folded groups, and the HTML report.
#include "ci_harness.h"

#include "runtime/progress_view.h"
#include "runtime/run_logs.h"
#include "runtime/run_report.h"
#include "runtime/run_view.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace runtime;
using rtest::CiHarness;
using rtest::ojson;
using rtest::plan;

namespace {

/// build (2 legs, 1 s) -> test (2 s) -> deploy (fails after 0.5 s) -> cleanup (skipped);
/// notify runs on failure().
ojson dagPlan() {
  return plan(ojson::array({
      {{"id", "build"}, {"strategy", {{"matrix", {{"os", {"linux", "mac"}}}}}}},
      {{"id", "test"}, {"needs", {"build"}}},
      {{"id", "deploy"}, {"needs", {"test"}}},
      {{"id", "cleanup"}, {"needs", {"deploy"}}},
      {{"id", "notify"}, {"needs", {"deploy"}}, {"if", "failure()"}},
  }));
}

json dagScenario() {
  return {{"default", {{"conclusion", "success"}, {"duration_ms", 1000}}},
          {"jobs", {{"test", {{"duration_ms", 2000}}}, {"deploy", {{"conclusion", "failure"}, {"duration_ms", 500}}}}}};
}

const JobView &jobNamed(const RunView &v, const std::string &name) {
  for (const JobView &j : v.jobs)
    if (j.name == name)
      return j;
  ADD_FAILURE() << "no job " << name;
  static JobView none;
  return none;
}

std::string capture(const std::function<void(std::FILE *)> &fn) {
  char *buf = nullptr;
  size_t len = 0;
  std::FILE *f = open_memstream(&buf, &len);
  fn(f);
  std::fclose(f);
  std::string out(buf, len);
  std::free(buf);
  return out;
}

void writeFile(const std::filesystem::path &p, const std::string &text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

} // namespace

TEST(RunView, JobsCarryTheirTimesNeedsAndConclusionsFromTheStore) {
  CiHarness h;
  int64_t id = h.start(dagPlan(), dagScenario());
  h.drive([&] { return h.finished(id); });
  RunView v = rtest::takeOrFail(loadRunView(h.store(), id));
  EXPECT_EQ(v.conclusion, "failure");
  ASSERT_EQ(v.jobs.size(), 6u);
  const JobView &linux = jobNamed(v, "build (linux)");
  ASSERT_TRUE(linux.startedMs && linux.endedMs);
  EXPECT_EQ(*linux.endedMs - *linux.startedMs, 1000);
  const JobView &test = jobNamed(v, "test");
  ASSERT_TRUE(test.startedMs && test.endedMs);
  EXPECT_EQ(*test.endedMs - *test.startedMs, 2000);
  EXPECT_GE(*test.startedMs, *linux.endedMs) << "test starts after build";
  EXPECT_EQ(test.needs, (std::vector<std::string>{"build"}));
  EXPECT_EQ(jobNamed(v, "deploy").conclusion, "failure");
  const JobView &cleanup = jobNamed(v, "cleanup");
  EXPECT_EQ(cleanup.conclusion, "skipped");
  EXPECT_EQ(cleanup.reason, "needs");
  EXPECT_FALSE(cleanup.startedMs) << "a skipped job never started";
  EXPECT_EQ(jobNamed(v, "notify").conclusion, "success");
  EXPECT_EQ(v.logDir, (std::filesystem::path(h.path()).parent_path() / "runs" / std::to_string(id) / "logs").string());
}

TEST(RunView, UnknownRunIsAnErrorNamingTheStatusCommand) {
  CiHarness h;
  llvm::Expected<RunView> v = loadRunView(h.store(), 42);
  ASSERT_FALSE(bool(v));
  EXPECT_NE(llvm::toString(v.takeError()).find("no run 42 in this store"), std::string::npos);
}

TEST(Progress, PlainModePrintsEachEventOnceInTimeOrder) {
  CiHarness h;
  int64_t id = h.start(dagPlan(), dagScenario());
  h.drive([&] { return h.finished(id); });
  RunView v = rtest::takeOrFail(loadRunView(h.store(), id));
  ProgressPrinter p(nullptr, ProgressMode::Plain, false);
  std::vector<std::string> lines = p.plainLines(v, v.latestMs());
  std::vector<std::string> expected = {
      "[   0.0s] build (linux): started",
      "[   0.0s] build (mac): started",
      "[   1.0s] build (linux): success in 1.0s",
      "[   1.0s] build (mac): success in 1.0s",
      "[   1.0s] test: started",
      "[   3.0s] test: success in 2.0s",
      "[   3.0s] deploy: started",
      "[   3.5s] deploy: failure in 0.5s",
      "[   3.5s] notify: started",
      "[   4.5s] cleanup: skipped (needs)", // no time of its own: the view's latest instant
      "[   4.5s] notify: success in 1.0s",
  };
  EXPECT_EQ(lines, expected);
  EXPECT_TRUE(p.plainLines(v, v.latestMs()).empty()) << "events are printed once";
  std::string printed = capture([&](std::FILE *f) {
    ProgressPrinter q(f, ProgressMode::Plain, false);
    q.update(v, v.latestMs());
    q.finish(v, v.latestMs());
  });
  EXPECT_EQ(std::count(printed.begin(), printed.end(), '\n'), 11);
}

TEST(Progress, PlainModeReportsJobsAsTheyProgress) {
  CiHarness h;
  int64_t id = h.start(dagPlan(), dagScenario());
  ProgressPrinter p(nullptr, ProgressMode::Plain, false);
  std::vector<std::string> all;
  h.drive([&] {
    RunView v = rtest::takeOrFail(loadRunView(h.store(), id));
    for (std::string &l : p.plainLines(v, h.clock().now()))
      all.push_back(std::move(l));
    return h.finished(id);
  });
  ASSERT_EQ(all.size(), 11u);
  EXPECT_EQ(all.front(), "[   0.0s] build (linux): started");
  EXPECT_EQ(all.back(), "[   4.5s] notify: success in 1.0s");
}

TEST(Progress, LiveLinesShowStateElapsedTimeAndFitTheTerminal) {
  CiHarness h;
  int64_t id = h.start(dagPlan(), dagScenario());
  // Drive until the build legs run.
  h.drive([&] {
    RunView v = rtest::takeOrFail(loadRunView(h.store(), id));
    return v.jobs.size() == 6 && jobNamed(v, "build (linux)").status == "in_progress";
  });
  RunView v = rtest::takeOrFail(loadRunView(h.store(), id));
  ProgressPrinter p(nullptr, ProgressMode::Live, false, 60, 24);
  std::vector<std::string> lines = p.liveLines(v, v.createdMs + 400);
  ASSERT_EQ(lines.size(), 7u) << "a header and one line per job";
  EXPECT_EQ(lines[0], "run 1: 0/6 jobs done, 2 running  0.4s");
  EXPECT_NE(lines[1].find("build (linux)"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("running"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("0.4s"), std::string::npos) << lines[1];
  EXPECT_NE(lines[3].find("pending"), std::string::npos) << lines[3];
  // A small terminal shows the running jobs and how many are hidden.
  ProgressPrinter small(nullptr, ProgressMode::Live, false, 30, 5);
  std::vector<std::string> few = small.liveLines(v, v.createdMs + 400);
  ASSERT_EQ(few.size(), 4u);
  EXPECT_NE(few[1].find("build (linu…"), std::string::npos) << "names are cut to fit: " << few[1];
  EXPECT_EQ(few[3], "   … and 4 more jobs");
  for (const std::string &l : few)
    EXPECT_LE(l.size(), 3u * 30) << l;
}

TEST(Progress, SummaryTableHasConclusionsDurationsAndTotals) {
  CiHarness h;
  int64_t id = h.start(dagPlan(), dagScenario());
  h.drive([&] { return h.finished(id); });
  std::string s = renderRunSummary(rtest::takeOrFail(loadRunView(h.store(), id)));
  EXPECT_EQ(s, "run 1 (attempt 1): failure  4.5s\n"
               "  JOB           CONCLUSION DURATION  NOTES\n"
               "  build (linux) success        1.0s\n"
               "  build (mac)   success        1.0s\n"
               "  test          success        2.0s\n"
               "  deploy        failure        0.5s\n"
               "  cleanup       skipped           -  needs\n"
               "  notify        success        1.0s\n"
               "6 jobs: 4 success, 1 failure, 1 skipped\n");
  EXPECT_EQ(formatDuration(65'000), "1m05s");
  EXPECT_EQ(formatDuration(3'720'000), "1h02m");
  EXPECT_EQ(formatDuration(12'345), "12s");
}

TEST(Logs, GroupsFoldOnATerminalAndOpenOtherwise) {
  std::string log = "hello\n::group::Install\na\nb\n::endgroup::\n##[group]Build\nc\n##[endgroup]\nbye\n";
  EXPECT_EQ(renderLogText(log, true), "hello\n▸ Install (2 lines)\n▸ Build (1 lines)\nbye\n");
  EXPECT_EQ(renderLogText(log, false), "hello\n▾ Install\na\nb\n▾ Build\nc\nbye\n");
  EXPECT_EQ(renderLogText("::group::open\nx\n", true), "▸ open (1 lines)\n");
}

TEST(Logs, StepLogsOfTheRunWithJobAndStepSelection) {
  CiHarness h;
  int64_t id = h.start(dagPlan(), dagScenario());
  h.drive([&] { return h.finished(id); });
  std::filesystem::path dir = runLogDir(h.path(), id);
  writeFile(dir / "test" / "1.log", "checking out\n");
  writeFile(dir / "test" / "2.log", "::group::Run the tests\nok 1\nok 2\n::endgroup::\n2 passed\n");
  LogsCommand cmd;
  cmd.store = h.path();
  cmd.run = std::to_string(id);
  cmd.job = "test";
  std::string err;
  std::string out = capture([&](std::FILE *f) { EXPECT_EQ(runLogsCommand(cmd, f, stderr), 0); });
  EXPECT_EQ(out, "==> test [success]\n--- step 1/2 [completed]\nchecking out\n--- step 2/2 [completed]\n"
                 "▾ Run the tests\nok 1\nok 2\n2 passed\n");
  cmd.step = "2";
  cmd.fold = true;
  out = capture([&](std::FILE *f) { EXPECT_EQ(runLogsCommand(cmd, f, stderr), 0); });
  EXPECT_EQ(out, "==> test [success]\n--- step 2/2 [completed]\n▸ Run the tests (2 lines)\n2 passed\n");
  cmd.follow = true; // a finished run: follow prints everything and returns
  out = capture([&](std::FILE *f) { EXPECT_EQ(runLogsCommand(cmd, f, stderr), 0); });
  EXPECT_NE(out.find("ok 2\n2 passed\n"), std::string::npos) << out;
  cmd.job = "nope";
  cmd.step.clear();
  err = capture([&](std::FILE *f) { EXPECT_EQ(runLogsCommand(cmd, stdout, f), 1); });
  EXPECT_NE(err.find("run 1 has no job \"nope\"; its jobs: build.linux, build.mac, test, deploy, cleanup, notify\n"), std::string::npos) << err;
  cmd.job = "test";
  cmd.step = "9";
  err = capture([&](std::FILE *f) { EXPECT_EQ(runLogsCommand(cmd, stdout, f), 1); });
  EXPECT_NE(err.find("no step \"9\""), std::string::npos) << err;
}

TEST(Report, PageHasTheGraphTimelineJobBoxesAndEscapedLogsButNoSecret) {
  CiHarness h;
  RunRequest req;
  req.request = json{{"plan_text", dagPlan().dump()}, {"event", "push"}, {"github", json::object()}};
  req.source = "plan.json";
  req.providerConfig = dagScenario();
  req.virtualTime = true;
  req.secrets = {{"TOKEN", "s3cr3t-value"}};
  int64_t id = rtest::takeOrFail(startRun(h.engine(), req));
  h.drive([&] { return h.finished(id); });
  writeFile(std::filesystem::path(runLogDir(h.path(), id)) / "deploy" / "1.log",
            "<script>alert(1)</script>\ntoken is ***\n::group::details\ninside\n::endgroup::\n");
  RunView v = rtest::takeOrFail(loadRunView(h.store(), id));
  ReportOptions options;
  ReportGraph seen;
  options.graph = [&](const ReportGraph &g) -> llvm::Expected<std::string> {
    seen = g;
    std::string svg = "<?xml version=\"1.0\"?>\n<svg>";
    for (const auto &n : g.nodes)
      svg += "<g id=\"n\" class=\"node\">\n<title>" + n.id + "</title></g>";
    return svg + "</svg>";
  };
  std::string html = renderRunReport(v, options);
  EXPECT_EQ(html.find("<?xml"), std::string::npos) << "the SVG is inlined without its prolog";
  EXPECT_NE(html.find("class=\"node job-failure\" data-job=\"deploy\""), std::string::npos);
  ASSERT_EQ(seen.nodes.size(), 6u);
  EXPECT_EQ(seen.clusters.size(), 1u) << "the matrix legs of build";
  ASSERT_EQ(seen.edges.size(), 4u);
  EXPECT_EQ(seen.edges[0].from, "build.linux");
  EXPECT_EQ(seen.edges[0].fromCluster, "build");
  size_t boxes = 0;
  for (size_t p = 0; (p = html.find("<section class=\"job-box\"", p)) != std::string::npos; ++p)
    ++boxes;
  EXPECT_EQ(boxes, 6u);
  size_t bars = 0;
  for (size_t p = 0; (p = html.find("class=\"bar state-", p)) != std::string::npos; ++p)
    ++bars;
  EXPECT_EQ(bars, 5u) << "every job that ran has a bar; the skipped one has none";
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("<details class=\"group\"><summary>details</summary>"), std::string::npos);
  EXPECT_EQ(html.find("s3cr3t-value"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos) << "nothing is fetched";
  EXPECT_EQ(html.find("https://"), std::string::npos) << "nothing is fetched";
}

TEST(RunView, StepsAndAnnotationsComeFromTheLocalProvidersTables) {
  // The tables of docs/ci-exec-local.md (store component `exec`), as the local provider
  // writes them while a job runs; step indexes are 1-based there.
  CiHarness h;
  int64_t id = h.start(dagPlan(), dagScenario());
  h.drive([&] {
    RunView v = rtest::takeOrFail(loadRunView(h.store(), id));
    return v.jobs.size() == 6 && jobNamed(v, "test").status == "in_progress";
  });
  std::string execution = rtest::takeOrFail(ci::workflowsOf(h.store(), id, 1)).at(0).execution;
  ASSERT_FALSE(bool(h.store().exec(
      "CREATE TABLE exec_steps (run_id INTEGER NOT NULL, execution TEXT NOT NULL, instance TEXT NOT NULL, "
      "attempt INTEGER NOT NULL, step_index INTEGER NOT NULL, step_id TEXT NOT NULL, name TEXT NOT NULL, "
      "kind TEXT NOT NULL, status TEXT NOT NULL, outcome TEXT, conclusion TEXT, started_ms INTEGER NOT NULL, "
      "finished_ms INTEGER, log TEXT NOT NULL, error TEXT, PRIMARY KEY (execution, instance, attempt, step_index));"
      "CREATE TABLE exec_annotations (run_id INTEGER NOT NULL, execution TEXT NOT NULL, instance TEXT NOT NULL, "
      "attempt INTEGER NOT NULL, step_index INTEGER NOT NULL, level TEXT NOT NULL, message TEXT NOT NULL, "
      "file TEXT, line INTEGER, col INTEGER, end_line INTEGER, end_col INTEGER, title TEXT);")));
  TimeMs t0 = h.clock().now();
  auto step = [&](int index, const char *name, const char *status, const char *conclusion, TimeMs start) {
    Statement &s = h.store().stmt(
        "INSERT INTO exec_steps(run_id, execution, instance, attempt, step_index, step_id, name, kind, status, "
        "outcome, conclusion, started_ms, finished_ms, log) VALUES (?, ?, 'test', 1, ?, ?, ?, 'main', ?, ?, ?, ?, ?, ?)");
    s.bind(1, id).bind(2, execution).bind(3, int64_t(index)).bind(4, std::string("s") + std::to_string(index));
    s.bind(5, name).bind(6, status);
    if (*conclusion)
      s.bind(7, conclusion).bind(8, conclusion).bind(10, start + 100);
    else
      s.bindNull(7).bindNull(8).bindNull(10);
    s.bind(9, start).bind(11, "logs/test/" + std::to_string(index) + ".log");
    ASSERT_FALSE(bool(s.run()));
  };
  step(1, "Checkout", "completed", "success", t0);
  step(2, "Run the tests", "in_progress", "", t0 + 100);
  ASSERT_FALSE(bool(h.store().exec(("INSERT INTO exec_annotations(run_id, execution, instance, attempt, step_index, "
                                    "level, message, file, line) VALUES (1, '" + execution +
                                    "', 'test', 1, 1, 'warning', 'deprecated call', 'src/a.c', 3)")
                                       .c_str())));
  RunView v = rtest::takeOrFail(loadRunView(h.store(), id));
  const JobView &test = jobNamed(v, "test");
  ASSERT_EQ(test.steps.size(), 2u);
  EXPECT_EQ(test.steps[0].name, "Checkout");
  EXPECT_EQ(test.steps[0].conclusion, "success");
  EXPECT_EQ(test.steps[0].logPath, (std::filesystem::path(v.logDir) / "test" / "1.log").string());
  ASSERT_NE(test.currentStep(), nullptr);
  EXPECT_EQ(test.currentStep()->name, "Run the tests");
  ASSERT_EQ(test.annotations.size(), 1u);
  EXPECT_EQ(test.annotations[0].level, "warning");
  EXPECT_EQ(test.annotations[0].file, "src/a.c");
  EXPECT_EQ(test.annotations[0].line, 3);
  ProgressPrinter p(nullptr, ProgressMode::Live, false, 100, 24);
  std::string line = p.liveLines(v, t0 + 300)[3];
  EXPECT_NE(line.find("step 2/2 Run the tests"), std::string::npos) << line;
  ProgressPrinter plain(nullptr, ProgressMode::Plain, false);
  std::vector<std::string> lines = plain.plainLines(v, t0 + 300);
  EXPECT_NE(std::find(lines.begin(), lines.end(), "[   1.1s] test: step 2/2 Run the tests"), lines.end())
      << ::testing::PrintToString(lines);
  std::string html = renderRunReport(v, ReportOptions{});
  EXPECT_NE(html.find("<code>src/a.c:3</code> deprecated call"), std::string::npos);
}
