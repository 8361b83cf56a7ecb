// The local provider's processes: masking everywhere, timeouts and cancellation killing
// process trees, and a crash of ci-exec while a job runs.
#include "local_test_util.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <thread>

using namespace localtest;

namespace {

/// Whether any file under `dir` (logs, job files, the store) contains `needle`.
std::string fileContaining(const fs::path &dir, const std::string &needle) {
  for (const auto &e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && testutil::readFile(e.path()).find(needle) != std::string::npos)
      return e.path().string();
  return "";
}

/// Processes of this test whose command line contains `marker` (their pids in `pids`):
/// those working under `dir` (a step runs in its job's workspace, inside the test's
/// repository), so that the same test running elsewhere on the machine is not counted.
int processesWith(const std::string &marker, const std::string &dir, std::vector<int> *pids = nullptr) {
  int n = 0;
  for (const auto &e : fs::directory_iterator("/proc")) {
    std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    std::string cmd = testutil::readFile(e.path() / "cmdline");
    for (char &c : cmd)
      if (c == '\0')
        c = ' ';
    if (cmd.find(marker) == std::string::npos || cmd.find("grep") != std::string::npos)
      continue;
    std::error_code ec;
    std::string cwd = fs::read_symlink(e.path() / "cwd", ec).string();
    if (ec || cwd.compare(0, dir.size(), dir) != 0)
      continue;
    ++n;
    if (pids)
      pids->push_back(std::stoi(name));
  }
  return n;
}

TEST(LocalProcess, SecretsAreMaskedInEveryLogAndTheStore) {
  Repo r;
  r.write("s.yml", R"Y(on: push
jobs:
  leak:
    runs-on: ubuntu-latest
    outputs:
      o: ${{ steps.s.outputs.o }}
    steps:
      - id: s
        run: |
          echo "plain ${{ secrets.TOKEN }}"
          echo "env $TOK"
          echo "o=${{ secrets.TOKEN }}" >> "$GITHUB_OUTPUT"
          echo "::warning title=${{ secrets.TOKEN }}::in an annotation ${{ secrets.TOKEN }}"
          echo "multi ${{ secrets.MULTI }}"
          echo "${{ secrets.TOKEN }}" >&2
          exit 1
        env:
          TOK: ${{ secrets.TOKEN }}
  after:
    needs: leak
    if: always()
    runs-on: ubuntu-latest
    steps:
      - run: echo "needs=[${{ needs.leak.outputs.o }}]"
)Y");
  r.write(".secrets", "MULTI=\"first-line-secret\\nsecond-line-secret\"\n# comment\nexport OTHER='x y'\n");
  r.commit();
  nlohmann::json doc = r.run("s.yml", "--secret TOKEN=s3cr3t-t0ken-value --secrets-file .secrets");
  EXPECT_EQ(jobConclusion(doc, "leak"), "failure") << doc.dump(2);
  std::string log = r.log(1, "leak", 1);
  EXPECT_NE(log.find("plain ***"), std::string::npos) << log;
  EXPECT_NE(log.find("env ***"), std::string::npos) << log;
  EXPECT_NE(log.find("multi ***"), std::string::npos) << log;
  EXPECT_NE(r.log(1, "after", 1).find("needs=[]"), std::string::npos); // an output with a secret is dropped
  for (const char *secret : {"s3cr3t-t0ken-value", "first-line-secret", "second-line-secret"})
    EXPECT_EQ(fileContaining(fs::path(r.dir()) / ".ci-exec", secret), "") << secret;
  EXPECT_EQ(doc.dump().find("s3cr3t"), std::string::npos);
}

TEST(LocalProcess, StepTimeoutKillsTheProcessTree) {
  Repo r;
  r.write("t.yml", R"Y(on: push
jobs:
  slow:
    runs-on: ubuntu-latest
    steps:
      - run: |
          sleep 301.5 &
          bash -c 'sleep 302.5' &
          sleep 303.5
        timeout-minutes: 0.02
        continue-on-error: true
      - run: echo next
)Y");
  r.commit();
  auto start = std::chrono::steady_clock::now();
  nlohmann::json doc = r.run("t.yml");
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(doc["conclusion"], "success") << doc.dump(2);
  EXPECT_LT(secs, 30);
  nlohmann::json steps = r.sql("SELECT outcome, conclusion, error FROM exec_steps WHERE instance = 'slow' ORDER BY step_index");
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0]["outcome"], "failure"); // a step timeout fails the step (not cancelled)
  EXPECT_EQ(steps[0]["conclusion"], "success");
  EXPECT_NE(steps[0]["error"].get<std::string>().find("timed out"), std::string::npos);
  EXPECT_TRUE(waitFor([&] { return processesWith("sleep 30", r.dir()) == 0; }, 5000)) << processesWith("sleep 30", r.dir());
}

TEST(LocalProcess, CancelKillsTheTreeAndRunsAlwaysSteps) {
  Repo r;
  r.write("c.yml", R"Y(on: push
jobs:
  long:
    runs-on: ubuntu-latest
    steps:
      - run: |
          (trap '' INT; sleep 311.5) &
          sleep 312.5
      - if: always()
        run: echo cleanup-ran
      - run: echo not-run
)Y");
  r.commit();
  std::string bin = (testutil::binDir() / "ci-exec").string();
  std::string cmd = "cd " + quote(r.dir()) + " && " + quote(bin) + " run c.yml --provider local --cancel-grace-ms 500 --store " +
                    quote(r.store()) + " > run.out 2>&1 &";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  ASSERT_TRUE(waitFor([&] { return processesWith("sleep 312.5", r.dir()) > 0; }, 20000));
  Output c = r.exec("cancel 1");
  EXPECT_TRUE(waitFor([&] { return r.sql("SELECT 1 FROM ci_runs WHERE status = 'completed'").size() == 1; }, 20000)) << c.text;
  EXPECT_TRUE(waitFor([&] { return processesWith("sleep 31", r.dir()) == 0; }, 5000));
  nlohmann::json steps = r.sql("SELECT outcome FROM exec_steps WHERE instance = 'long' ORDER BY step_index");
  ASSERT_EQ(steps.size(), 3u) << steps.dump();
  EXPECT_EQ(steps[0]["outcome"], "cancelled");
  EXPECT_EQ(steps[1]["outcome"], "success");
  EXPECT_EQ(steps[2]["outcome"], "skipped");
  EXPECT_NE(r.log(1, "long", 2).find("cleanup-ran"), std::string::npos);
  Output status = r.exec("status 1 --json");
  nlohmann::json doc = nlohmann::json::parse(status.text, nullptr, false);
  EXPECT_EQ(doc["conclusion"], "cancelled") << status.text;
  EXPECT_EQ(jobConclusion(doc, "long"), "cancelled") << status.text;
}

TEST(LocalProcess, ADeadSupervisorFailsItsJobWithAReasonAndTakesItsStepsWithIt) {
  Repo r;
  r.write("d.yml", R"Y(on: push
jobs:
  doomed:
    runs-on: ubuntu-latest
    steps:
      - run: |
          sleep 331.5 &
          sleep 331.5
)Y");
  r.commit();
  std::string bin = (testutil::binDir() / "ci-exec").string();
  std::string cmd = "cd " + quote(r.dir()) + " && CI_EXEC_HEARTBEAT_STALE_MS=1500 " + quote(bin) +
                    " run d.yml --provider local --store " + quote(r.store()) + " > run.out 2>&1 &";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  ASSERT_TRUE(waitFor([&] { return processesWith("sleep 331.5", r.dir()) > 0; }, 20000));
  nlohmann::json job = r.sql("SELECT pid FROM exec_jobs");
  ASSERT_EQ(job.size(), 1u);
  ASSERT_EQ(std::system(("kill -9 " + std::to_string(job[0]["pid"].get<int>())).c_str()), 0);
  // The supervisor's group watcher stops the steps of a supervisor that died.
  EXPECT_TRUE(waitFor([&] { return processesWith("sleep 331.5", r.dir()) == 0; }, 5000));
  std::vector<int> orphans;
  processesWith("sleep 331.5", r.dir(), &orphans);
  for (int pid : orphans)
    ::kill(pid, SIGKILL);
  ASSERT_TRUE(waitFor([&] { return r.sql("SELECT 1 FROM ci_runs WHERE status = 'completed'").size() == 1; }, 20000));
  Output status = r.exec("status 1 --json");
  nlohmann::json doc = nlohmann::json::parse(status.text, nullptr, false);
  EXPECT_EQ(jobConclusion(doc, "doomed"), "failure") << status.text;
  EXPECT_NE(status.text.find("the job supervisor stopped"), std::string::npos) << status.text;
}

TEST(LocalProcess, CrashOfCiExecLosesNoCompletionAndRunsNoJobTwice) {
  Repo r;
  r.write("k.yml", R"Y(on: push
jobs:
  first:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo ran >> "$OUT/count-first"
          sleep 2.25
  second:
    needs: first
    runs-on: ubuntu-latest
    steps:
      - run: echo ran >> "$OUT/count-second"
env:
  OUT: )Y" + r.dir() + "\n");
  r.commit();
  std::string bin = (testutil::binDir() / "ci-exec").string();
  std::string cmd = "cd " + quote(r.dir()) + " && (" + quote(bin) + " run k.yml --provider local --store " + quote(r.store()) +
                    " > run.out 2>&1 & echo $! > ci-exec.pid)";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  ASSERT_TRUE(waitFor([&] { return processesWith("sleep 2.25", r.dir()) > 0; }, 20000));
  std::string pid = testutil::readFile(fs::path(r.dir()) / "ci-exec.pid");
  ASSERT_EQ(std::system(("kill -9 " + pid).c_str()), 0);
  // The job finishes while no ci-exec runs; its completion waits in the store.
  ASSERT_TRUE(waitFor([&] { return processesWith("sleep 2.25", r.dir()) == 0; }, 10000));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Output resumed = r.exec("resume");
  EXPECT_EQ(resumed.exit, 0) << resumed.text;
  nlohmann::json run = r.sql("SELECT status, conclusion FROM ci_runs");
  ASSERT_EQ(run.size(), 1u);
  EXPECT_EQ(run[0]["conclusion"], "success") << resumed.text;
  EXPECT_EQ(testutil::readFile(fs::path(r.dir()) / "count-first"), "ran\n");
  EXPECT_EQ(testutil::readFile(fs::path(r.dir()) / "count-second"), "ran\n");
}

} // namespace
