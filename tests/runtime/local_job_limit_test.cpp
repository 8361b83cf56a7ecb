// `ci-exec run --jobs N` with the local provider: never more than N jobs' steps at once
// (seen from timestamps the steps write), queued jobs keep their needs, their own
// timeout (counted from their start) and are cancelled without starting.
#include "local_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <thread>

using namespace localtest;

namespace {

/// A job whose one step records its start and end (ns) in $OUT/spans, sleeping between.
std::string timedJob(const std::string &id, const std::string &extra = "", const std::string &sleep = "1") {
  return "  " + id + ":\n    runs-on: ubuntu-latest\n" + extra + "    steps:\n      - run: |\n" +
         "          echo \"$(date +%s%N) +1 " + id + "\" >> \"$OUT/spans\"\n          sleep " + sleep + "\n" +
         "          echo \"$(date +%s%N) -1 " + id + "\" >> \"$OUT/spans\"\n";
}

struct Edge {
  long long t;
  int delta;
  std::string job;
};

std::vector<Edge> edges(const std::string &file) {
  std::vector<Edge> out;
  std::istringstream in(testutil::readFile(file));
  Edge e;
  while (in >> e.t >> e.delta >> e.job)
    out.push_back(e);
  std::sort(out.begin(), out.end(), [](const Edge &a, const Edge &b) {
    return a.t != b.t ? a.t < b.t : a.delta < b.delta;
  });
  return out;
}

int maxOverlap(const std::vector<Edge> &all) {
  int open = 0, most = 0;
  for (const Edge &e : all)
    most = std::max(most, open += e.delta);
  return most;
}

} // namespace

TEST(LocalJobLimit, NeverMoreThanNJobsRunAtOnceAndNeedsStillHold) {
  Repo r;
  std::string wf = "on: push\nenv:\n  OUT: " + r.dir() + "\njobs:\n";
  for (const char *id : {"a", "b", "c", "d", "e"})
    wf += timedJob(id);
  wf += timedJob("z", "    needs: [a, e]\n", "0.1");
  r.write("limit.yml", wf);
  r.commit();
  int exit = -1;
  nlohmann::json doc = r.run("limit.yml", "-j 2", &exit);
  EXPECT_EQ(exit, 0) << doc.dump(2);
  EXPECT_EQ(doc["conclusion"], "success") << doc.dump(2);
  std::vector<Edge> all = edges(r.dir() + "/spans");
  ASSERT_EQ(all.size(), 12u) << testutil::readFile(r.dir() + "/spans");
  EXPECT_EQ(maxOverlap(all), 2) << testutil::readFile(r.dir() + "/spans");
  long long zStart = 0, eEnd = 0;
  for (const Edge &e : all) {
    if (e.job == "z" && e.delta > 0)
      zStart = e.t;
    if (e.job == "e" && e.delta < 0)
      eEnd = e.t;
  }
  EXPECT_GT(zStart, eEnd) << "z needs e";
}

TEST(LocalJobLimit, JobsOptionIsValidated) {
  Repo r;
  r.write("w.yml", "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: true\n");
  r.commit();
  for (const char *bad : {"--jobs 0", "--jobs x", "-j -1"}) {
    Output o = r.exec(std::string("run w.yml --provider local ") + bad);
    EXPECT_EQ(o.exit, 2) << bad << ": " << o.text;
    EXPECT_NE(o.text.find("--jobs needs a positive number"), std::string::npos) << o.text;
  }
  Output ok = r.exec("run w.yml --provider local --plain -j1");
  EXPECT_EQ(ok.exit, 0) << ok.text;
}

TEST(LocalJobLimit, AJobTimeoutInFractionalMinutesCountsFromTheJobsStart) {
  // GitHub truncates timeout-minutes to whole minutes, and so does the compiler; a plan
  // may hold fractions, which the runtime honours: the plan below is the compiled
  // workflow with 0.02 minutes (1.2 s) for two jobs. `queued` waits behind `first`
  // longer than its timeout, yet it finishes because its clock starts when it runs;
  // `stuck` exceeds its own and is cancelled with its process tree.
  Repo r;
  r.write("t.yml", R"Y(on: push
jobs:
  first:
    runs-on: ubuntu-latest
    steps:
      - run: sleep 2
  queued:
    runs-on: ubuntu-latest
    timeout-minutes: 1
    steps:
      - run: sleep 0.1
  stuck:
    needs: queued
    runs-on: ubuntu-latest
    timeout-minutes: 1
    steps:
      - run: sleep 321.5
      - if: always()
        run: echo after-timeout
)Y");
  r.commit();
  Output compiled = sh("cd " + quote(r.dir()) + " && " + quote((testutil::binDir() / "ci-compile").string()) +
                       " t.yml --emit=plan");
  ASSERT_EQ(compiled.exit, 0) << compiled.text;
  nlohmann::json plan = nlohmann::json::parse(compiled.text, nullptr, false);
  ASSERT_FALSE(plan.is_discarded()) << compiled.text;
  int rewritten = 0;
  for (auto &job : plan["workflows"][0]["jobs"])
    if (job["timeout_minutes"] == 1) {
      job["timeout_minutes"] = 0.02;
      ++rewritten;
    }
  ASSERT_EQ(rewritten, 2) << plan.dump(1);
  r.write("t.plan.json", plan.dump());
  auto start = std::chrono::steady_clock::now();
  nlohmann::json doc = r.run("t.plan.json", "--jobs 1 --cancel-grace-ms 200");
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(secs, 30);
  EXPECT_EQ(jobConclusion(doc, "first"), "success") << doc.dump(2);
  EXPECT_EQ(jobConclusion(doc, "queued"), "success") << doc.dump(2);
  EXPECT_EQ(jobConclusion(doc, "stuck"), "cancelled") << doc.dump(2);
  // The run ends with the job's timeout; the supervisor still runs its always() step.
  const std::string q = "SELECT outcome, started_ms, finished_ms FROM exec_steps WHERE instance = 'stuck' "
                        "ORDER BY step_index";
  EXPECT_TRUE(waitFor([&] { nlohmann::json s = r.sql(q); return s.size() == 2 && s[1]["outcome"].is_string(); }, 10000));
  nlohmann::json steps = r.sql(q);
  ASSERT_EQ(steps.size(), 2u) << steps.dump();
  EXPECT_EQ(steps[0]["outcome"], "cancelled");
  int64_t ran = steps[0]["finished_ms"].get<int64_t>() - steps[0]["started_ms"].get<int64_t>();
  EXPECT_GE(ran, 500) << "0.02 minutes, not rounded down to 0";
  EXPECT_LT(ran, 10000) << "0.02 minutes, not rounded up to 1";
  EXPECT_EQ(steps[1]["outcome"], "success") << "always() steps run after a job timeout";
}

TEST(LocalJobLimit, CancellingARunCancelsQueuedJobsBeforeTheyStart) {
  Repo r;
  r.write("c.yml", "on: push\nenv:\n  OUT: " + r.dir() + R"Y(
jobs:
  long:
    runs-on: ubuntu-latest
    steps:
      - run: |
          touch "$OUT/long-started"
          sleep 341.5
  waiting:
    runs-on: ubuntu-latest
    steps:
      - run: touch "$OUT/waiting-ran"
  report:
    if: always()
    runs-on: ubuntu-latest
    steps:
      - run: touch "$OUT/report-ran"
)Y");
  r.commit();
  std::string bin = (testutil::binDir() / "ci-exec").string();
  std::string cmd = "cd " + quote(r.dir()) + " && " + quote(bin) + " run c.yml --provider local -j 1 --plain " +
                    "--cancel-grace-ms 200 --store " + quote(r.store()) + " > run.out 2>&1 &";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  ASSERT_TRUE(waitFor([&] { return fs::exists(r.dir() + "/long-started"); }, 20000));
  Output status = r.exec("status 1 --json");
  nlohmann::json running = nlohmann::json::parse(status.text, nullptr, false);
  for (const auto &j : running.value("jobs", nlohmann::json::array())) {
    if (j.value("id", std::string()) != "long") {
      EXPECT_EQ(j.value("status", std::string()), "queued") << status.text;
    }
  }
  Output c = r.exec("cancel 1");
  EXPECT_EQ(c.exit, 0) << c.text;
  ASSERT_TRUE(waitFor([&] { return r.sql("SELECT 1 FROM ci_runs WHERE status = 'completed'").size() == 1; }, 20000))
      << testutil::readFile(r.dir() + "/run.out");
  nlohmann::json doc = nlohmann::json::parse(r.exec("status 1 --json").text, nullptr, false);
  EXPECT_EQ(doc["conclusion"], "cancelled");
  EXPECT_EQ(jobConclusion(doc, "long"), "cancelled");
  EXPECT_EQ(jobConclusion(doc, "waiting"), "cancelled");
  EXPECT_EQ(jobConclusion(doc, "report"), "success");
  EXPECT_FALSE(fs::exists(r.dir() + "/waiting-ran"));
  EXPECT_TRUE(fs::exists(r.dir() + "/report-ran"));
  EXPECT_EQ(r.sql("SELECT 1 FROM exec_jobs WHERE instance = 'waiting'").size(), 0u) << "never dispatched";
  std::string out = testutil::readFile(r.dir() + "/run.out");
  EXPECT_NE(out.find("queued"), std::string::npos) << out;
}
