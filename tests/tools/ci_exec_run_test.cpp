// ci-exec run / status / cancel / retry / resume / callback / inspect on workflow files:
// the contracts scripts rely on (JSON documents, scenario files, exit codes).
#include "runtime/result.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

using runtime::json;
namespace fs = std::filesystem;

extern char **environ;

namespace {

/// A repository with one workflow file and a scenario, and its store.
struct Repo {
  explicit Repo(const std::string &workflow, const std::string &scenario = "") {
    std::string tmpl = (fs::temp_directory_path() / "ci-exec-run-XXXXXX").string();
    dir = mkdtemp(tmpl.data());
    fs::create_directories(dir + "/.git");
    fs::create_directories(dir + "/.github/workflows");
    write(".github/workflows/ci.yml", workflow);
    if (!scenario.empty())
      write("scenario.json", scenario);
  }
  ~Repo() { fs::remove_all(dir); }
  void write(const std::string &rel, const std::string &text) const { std::ofstream(dir + "/" + rel) << text; }
  std::string store() const { return dir + "/.ci-exec/state.db"; }
  std::string dir;
};

struct Ran {
  int exit = -1;
  std::string out, err;
};

std::string slurp(const std::string &path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// A ci-exec process started in `repo.dir`, stdout and stderr to files.
struct Process {
  Process(const Repo &repo, const std::vector<std::string> &args, const std::string &tag) {
    outPath = repo.dir + "/" + tag + ".out";
    errPath = repo.dir + "/" + tag + ".err";
    std::string exe = (testutil::binDir() / "ci-exec").string();
    std::vector<std::string> all{exe};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char *> argv;
    for (std::string &a : all)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::string cwd = fs::current_path().string();
    fs::current_path(repo.dir); // ci-exec finds the repository (and its default store) from here
    int rc = posix_spawn(&pid, exe.c_str(), &fa, nullptr, argv.data(), environ);
    fs::current_path(cwd);
    posix_spawn_file_actions_destroy(&fa);
    EXPECT_EQ(rc, 0);
  }
  Ran wait() {
    Ran r;
    int status = 0;
    waitpid(pid, &status, 0);
    r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(outPath);
    r.err = slurp(errPath);
    return r;
  }
  void kill9() { ::kill(pid, SIGKILL); }
  pid_t pid = -1;
  std::string outPath, errPath;
};

Ran ciExec(const Repo &repo, const std::vector<std::string> &args) {
  static int n = 0;
  return Process(repo, args, "cmd" + std::to_string(++n)).wait();
}

json parsed(const Ran &r) {
  json v = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(v.is_discarded()) << "stdout is not one JSON document:\n" << r.out << r.err;
  return v.is_discarded() ? json::object() : v;
}

const json &jobNamed(const json &doc, const std::string &name) {
  static const json none = json::object();
  for (const json &j : doc["jobs"])
    if (j["name"] == name)
      return j;
  ADD_FAILURE() << "no job named " << name << " in " << doc.dump();
  return none;
}

/// Polls `status RUN --json` until `pred` holds (at most about 60 s on a loaded machine).
json waitForStatus(const Repo &repo, const std::string &run, const std::function<bool(const json &)> &pred) {
  for (int i = 0; i < 600; ++i) {
    Ran r = ciExec(repo, {"status", run, "--json"});
    if (r.exit == 0) {
      json doc = json::parse(r.out, nullptr, false);
      if (!doc.is_discarded() && pred(doc))
        return doc;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "status " << run << " never reached the expected state";
  return json::object();
}

bool jobHasStatus(const json &doc, const std::string &name, const std::string &status) {
  for (const json &j : doc.value("jobs", json::array()))
    if (j["name"] == name)
      return j.value("status", "") == status;
  return false;
}

const char *kPipeline = R"x(name: ci
on: push
jobs:
  build:
    name: Build app
    runs-on: ubuntu-latest
    outputs:
      version: ${{ steps.v.outputs.version }}
    steps:
      - id: v
        run: echo version=1 >> "$GITHUB_OUTPUT"
  test:
    needs: build
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        os: [linux, mac]
    steps:
      - run: echo test
  deploy:
    needs: test
    runs-on: ubuntu-latest
    steps:
      - run: echo deploy
)x";

TEST(CiExecRun, RunJsonPrintsOneObjectWithTheContractFieldsAndExitsZeroOnSuccess) {
  Repo repo(kPipeline, R"x({"seed": 1, "default": {"conclusion": "success", "duration_ms": 5},
    "jobs": {"Build app": {"outputs": {"version": "1.2"}}}})x");
  Ran r = ciExec(repo, {"run", ".", "--provider", "sim", "--scenario", "scenario.json", "--json"});
  EXPECT_EQ(r.exit, 0) << r.out << r.err;
  json doc = parsed(r);
  EXPECT_EQ(doc["run"], 1);
  EXPECT_EQ(doc["conclusion"], "success");
  ASSERT_EQ(doc["jobs"].size(), 4u);
  const json &build = doc["jobs"][0];
  for (const char *key : {"id", "job", "name", "conclusion", "reason", "outputs", "attempt"})
    EXPECT_TRUE(build.contains(key)) << key << " missing in " << build.dump();
  EXPECT_EQ(build["id"], "build");
  EXPECT_EQ(build["job"], "build");
  EXPECT_EQ(build["name"], "Build app");
  EXPECT_EQ(build["conclusion"], "success");
  EXPECT_TRUE(build["reason"].is_null());
  EXPECT_EQ(build["outputs"], json({{"version", "1.2"}}));
  EXPECT_EQ(build["attempt"], 1);
  EXPECT_EQ(jobNamed(doc, "test (linux)")["job"], "test");
  EXPECT_EQ(jobNamed(doc, "test (mac)")["conclusion"], "success");
  EXPECT_EQ(jobNamed(doc, "deploy")["conclusion"], "success");
  // The same document, from another process, once the run has ended.
  Ran s = ciExec(repo, {"status", "1", "--json"});
  EXPECT_EQ(s.exit, 0);
  json again = parsed(s);
  EXPECT_EQ(again["conclusion"], "success");
  EXPECT_EQ(again["jobs"], doc["jobs"]);
  // And for people.
  Ran text = ciExec(repo, {"status", "1"});
  EXPECT_NE(text.out.find("run 1 (attempt 1): success"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("success    Build app"), std::string::npos) << text.out;
}

TEST(CiExecRun, ADisplayNameBeatsTheJobIdAndAFailureSkipsDependentsWithExitOne) {
  Repo repo(kPipeline, R"x({"seed": 1, "default": {"conclusion": "success"},
    "jobs": {"Build app": {"conclusion": "success"}, "build": {"conclusion": "failure"},
             "test (mac)": {"conclusion": "failure"}, "test": {"outputs": {"k": "v"}}}})x");
  Ran r = ciExec(repo, {"run", ".github/workflows/ci.yml", "--provider", "sim", "--scenario", "scenario.json",
                        "--json"});
  EXPECT_EQ(r.exit, 1) << r.out << r.err;
  json doc = parsed(r);
  EXPECT_EQ(doc["conclusion"], "failure");
  EXPECT_EQ(jobNamed(doc, "Build app")["conclusion"], "success"); // the display name's entry wins
  EXPECT_EQ(jobNamed(doc, "test (linux)")["conclusion"], "success");
  EXPECT_EQ(jobNamed(doc, "test (linux)")["outputs"], json({{"k", "v"}})); // job id entry for the other leg
  EXPECT_EQ(jobNamed(doc, "test (mac)")["conclusion"], "failure");
  EXPECT_EQ(jobNamed(doc, "deploy")["conclusion"], "skipped");
  EXPECT_EQ(jobNamed(doc, "deploy")["reason"], "needs");
}

TEST(CiExecRun, FailAttemptsFailsTheFirstAttemptsAndRetryJobStartsANewAttempt) {
  Repo repo(kPipeline, R"x({"jobs": {"test (mac)": {"fail_attempts": 1}}})x");
  Ran first = ciExec(repo, {"run", ".", "--provider", "sim", "--scenario", "scenario.json", "--json"});
  EXPECT_EQ(first.exit, 1);
  json doc = parsed(first);
  EXPECT_EQ(jobNamed(doc, "test (mac)")["conclusion"], "failure");
  EXPECT_EQ(jobNamed(doc, "deploy")["conclusion"], "skipped");
  Ran retried = ciExec(repo, {"retry", "1", "--job", "test", "--json"});
  EXPECT_EQ(retried.exit, 0) << retried.out << retried.err;
  json again = parsed(retried);
  EXPECT_EQ(again["run"], 1);
  EXPECT_EQ(again["attempt"], 2);
  EXPECT_EQ(again["conclusion"], "success");
  EXPECT_EQ(jobNamed(again, "test (mac)")["attempt"], 2);
  EXPECT_EQ(jobNamed(again, "test (mac)")["conclusion"], "success");
  EXPECT_EQ(jobNamed(again, "deploy")["conclusion"], "success");
  EXPECT_EQ(jobNamed(again, "Build app")["attempt"], 1); // kept from attempt 1
  // Both attempts are on record.
  Ran list = ciExec(repo, {"status", "--json"});
  json runs = parsed(list);
  ASSERT_EQ(runs["runs"].size(), 2u);
  Ran old = ciExec(repo, {"inspect", "1", "--attempt", "1", "--json"});
  EXPECT_EQ(parsed(old)["attempt"], 1);
}

TEST(CiExecRun, RetryFailedRerunsOnlyTheFailedJobs) {
  Repo repo(kPipeline, R"x({"jobs": {"test (linux)": {"fail_attempts": 2}, "test (mac)": {"fail_attempts": 1}}})x");
  EXPECT_EQ(ciExec(repo, {"run", ".", "--provider", "sim", "--scenario", "scenario.json"}).exit, 1);
  Ran second = ciExec(repo, {"retry", "1", "--failed", "--json"});
  EXPECT_EQ(second.exit, 1);
  json doc = parsed(second);
  EXPECT_EQ(jobNamed(doc, "test (linux)")["attempt"], 2);
  EXPECT_EQ(jobNamed(doc, "test (linux)")["conclusion"], "failure");
  EXPECT_EQ(jobNamed(doc, "test (mac)")["attempt"], 2);
  EXPECT_EQ(jobNamed(doc, "test (mac)")["conclusion"], "success");
  Ran third = ciExec(repo, {"retry", "1", "--failed", "--json"});
  EXPECT_EQ(third.exit, 0) << third.out << third.err;
  json last = parsed(third);
  EXPECT_EQ(last["attempt"], 3);
  EXPECT_EQ(jobNamed(last, "test (linux)")["attempt"], 3);
  EXPECT_EQ(jobNamed(last, "test (mac)")["attempt"], 2);
  EXPECT_EQ(jobNamed(last, "deploy")["conclusion"], "success");
}

TEST(CiExecRun, UsageErrorsExitTwoAndInternalErrorsExitThree) {
  Repo repo(kPipeline, R"x({"jobs": {"build": {"conclusion": "maybe"}}})x");
  Ran badScenario = ciExec(repo, {"run", ".", "--provider", "sim", "--scenario", "scenario.json"});
  EXPECT_EQ(badScenario.exit, 2);
  EXPECT_NE(badScenario.err.find("jobs[\"build\"].conclusion is \"maybe\"; allowed:"), std::string::npos)
      << badScenario.err;
  EXPECT_EQ(ciExec(repo, {"run", "nowhere.yml"}).exit, 2);
  EXPECT_EQ(ciExec(repo, {"run", ".", "--provider", "cloud"}).exit, 2);
  EXPECT_EQ(ciExec(repo, {"run", ".", "--bogus"}).exit, 2);
  EXPECT_EQ(ciExec(repo, {"retry", "1"}).exit, 2); // neither --job nor --failed
  EXPECT_EQ(ciExec(repo, {"status", "one"}).exit, 2);
  EXPECT_EQ(ciExec(repo, {"frobnicate"}).exit, 2);
  Ran internal = ciExec(repo, {"run", ".", "--store", "/dev/null/state.db"});
  EXPECT_EQ(internal.exit, 3) << internal.err;
  // A store with runs: asking for one that does not exist is a refusal.
  repo.write("scenario.json", "{}");
  EXPECT_EQ(ciExec(repo, {"run", ".", "--provider", "sim", "--scenario", "scenario.json"}).exit, 0);
  Ran missing = ciExec(repo, {"status", "9"});
  EXPECT_EQ(missing.exit, 1);
  EXPECT_NE(missing.err.find("no run 9"), std::string::npos) << missing.err;
  EXPECT_EQ(ciExec(repo, {"cancel", "1"}).exit, 1); // already completed
}

const char *kSlow = R"x(name: slow
on: push
jobs:
  quick:
    runs-on: ubuntu-latest
    steps: [{run: 'true'}]
  slow:
    needs: quick
    runs-on: ubuntu-latest
    steps: [{run: sleep 600}]
  after:
    needs: slow
    runs-on: ubuntu-latest
    steps: [{run: 'true'}]
  report:
    needs: slow
    if: always()
    runs-on: ubuntu-latest
    steps: [{run: 'true'}]
  cleanup:
    needs: slow
    if: cancelled()
    runs-on: ubuntu-latest
    steps: [{run: 'true'}]
)x";

TEST(CiExecRun, StatusOfAnUnfinishedRunHasANullConclusionAndAStatusPerJobAndCancelEndsIt) {
  Repo repo(kSlow, R"x({"jobs": {"slow": {"duration_ms": 600000}}})x");
  Process run(repo, {"run", ".", "--provider", "sim", "--scenario", "scenario.json", "--json"}, "run");
  json doc = waitForStatus(repo, "1", [](const json &d) { return jobHasStatus(d, "slow", "in_progress"); });
  EXPECT_TRUE(doc["conclusion"].is_null()) << doc.dump();
  EXPECT_EQ(jobNamed(doc, "quick")["conclusion"], "success");
  EXPECT_EQ(jobNamed(doc, "quick")["status"], "completed");
  EXPECT_TRUE(jobNamed(doc, "slow")["conclusion"].is_null());
  EXPECT_TRUE(jobNamed(doc, "after")["conclusion"].is_null());
  EXPECT_TRUE(jobNamed(doc, "after").contains("status"));
  Ran text = ciExec(repo, {"status", "1"});
  EXPECT_NE(text.out.find("in_progress slow"), std::string::npos) << text.out;
  // Cancel from another process: the running ci-exec applies it.
  Ran cancel = ciExec(repo, {"cancel", "1", "--json"});
  EXPECT_EQ(cancel.exit, 0) << cancel.out << cancel.err;
  Ran ended = run.wait();
  EXPECT_EQ(ended.exit, 1) << ended.out << ended.err;
  json last = parsed(ended);
  EXPECT_EQ(last["conclusion"], "cancelled");
  EXPECT_EQ(jobNamed(last, "slow")["conclusion"], "cancelled");
  EXPECT_EQ(jobNamed(last, "slow")["reason"], "cancel-request");
  EXPECT_EQ(jobNamed(last, "after")["conclusion"], "skipped");
  EXPECT_EQ(jobNamed(last, "report")["conclusion"], "success"); // always() still runs
  EXPECT_EQ(jobNamed(last, "cleanup")["conclusion"], "success"); // and so does cancelled() (§3.5)
}

TEST(CiExecRun, CancelJobCancelsOneJobAndTheRunGoesOn) {
  Repo repo(kSlow, R"x({"jobs": {"slow": {"duration_ms": 600000}}})x");
  Process run(repo, {"run", ".", "--provider", "sim", "--scenario", "scenario.json", "--json"}, "run");
  waitForStatus(repo, "1", [](const json &d) { return jobHasStatus(d, "slow", "in_progress"); });
  EXPECT_EQ(ciExec(repo, {"cancel", "1", "--job", "slow"}).exit, 0);
  Ran ended = run.wait();
  json last = parsed(ended);
  EXPECT_EQ(jobNamed(last, "slow")["conclusion"], "cancelled");
  EXPECT_EQ(jobNamed(last, "after")["conclusion"], "skipped");
  EXPECT_EQ(jobNamed(last, "report")["conclusion"], "success");
  EXPECT_EQ(jobNamed(last, "cleanup")["conclusion"], "skipped");
  // Cancelling a job is not cancelling the run (§3.7): nothing failed.
  EXPECT_EQ(last["conclusion"], "success");
  EXPECT_EQ(ended.exit, 0);
}

TEST(CiExecRun, RetryWhileOtherJobsRunGivesTheJobAnotherAttemptInTheSameRun) {
  Repo repo(R"x(on: push
jobs:
  flaky:
    runs-on: ubuntu-latest
    steps: [{run: ./flaky-test}]
  slow:
    runs-on: ubuntu-latest
    steps: [{run: sleep 8}]
  after:
    needs: [flaky, slow]
    runs-on: ubuntu-latest
    steps: [{run: 'true'}]
)x",
            R"x({"jobs": {"flaky": {"fail_attempts": 1, "duration_ms": 10}, "slow": {"duration_ms": 8000}}})x");
  Process run(repo, {"run", ".", "--provider", "sim", "--scenario", "scenario.json", "--json"}, "run");
  waitForStatus(repo, "1", [](const json &d) {
    return jobHasStatus(d, "flaky", "completed") && jobHasStatus(d, "slow", "in_progress");
  });
  Ran retry = ciExec(repo, {"retry", "1", "--job", "flaky"});
  EXPECT_EQ(retry.exit, 0) << retry.out << retry.err;
  EXPECT_NE(retry.out.find("retry requested for run 1"), std::string::npos) << retry.out;
  Ran ended = run.wait();
  EXPECT_EQ(ended.exit, 0) << ended.out << ended.err;
  json last = parsed(ended);
  EXPECT_EQ(last["attempt"], 1); // the same run attempt: only the job got another attempt
  EXPECT_EQ(jobNamed(last, "flaky")["attempt"], 2);
  EXPECT_EQ(jobNamed(last, "flaky")["conclusion"], "success");
  EXPECT_EQ(jobNamed(last, "after")["conclusion"], "success");
}

const char *kGate = R"x(name: gate
on: push
jobs:
  gate:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps: [{run: ./wait-for-approval}]
  ship:
    needs: gate
    if: needs.gate.outputs.approved == 'yes'
    runs-on: ubuntu-latest
    steps: [{run: 'true'}]
)x";

TEST(CiExecRun, ACallbackFromTheCommandLineCompletesAJobAndInspectShowsItsToken) {
  Repo repo(kGate, R"x({"jobs": {"gate": {"conclusion": "hang"}}})x");
  Process run(repo, {"run", ".", "--provider", "sim", "--scenario", "scenario.json", "--json"}, "run");
  waitForStatus(repo, "1", [](const json &d) { return jobHasStatus(d, "gate", "in_progress"); });
  std::string token;
  for (int i = 0; i < 100 && token.empty(); ++i) {
    json view = parsed(ciExec(repo, {"inspect", "1", "--json"}));
    for (const json &e : view.value("executions", json::array()))
      for (const json &cb : e["callbacks"])
        if (cb["status"] == "pending" && cb["name"] == "done")
          token = cb["token"];
    if (token.empty())
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(token.empty());
  EXPECT_GE(token.size(), 22u); // at least 128 random bits
  Ran table = ciExec(repo, {"inspect", "1"});
  EXPECT_NE(table.out.find("execution run/1/1 (id"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("execution run/1/1/.github/workflows/ci.yml"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("pending callback 4-1 \"done\": token " + token), std::string::npos) << table.out;
  Ran cb = ciExec(repo, {"callback", token, "--success", R"x({"conclusion":"success","outputs":{"approved":"yes"}})x"});
  EXPECT_EQ(cb.exit, 0) << cb.out << cb.err;
  Ran ended = run.wait();
  EXPECT_EQ(ended.exit, 0) << ended.out << ended.err;
  json last = parsed(ended);
  EXPECT_EQ(jobNamed(last, "gate")["outputs"], json({{"approved", "yes"}}));
  EXPECT_EQ(jobNamed(last, "ship")["conclusion"], "success");
  // The callback has settled: a second completion is refused.
  EXPECT_EQ(ciExec(repo, {"callback", token, "--failure", "late"}).exit, 1);
  Ran history = ciExec(repo, {"runs"});
  EXPECT_NE(history.out.find("run/1/1  succeeded  (ci-run)"), std::string::npos) << history.out;
}

TEST(CiExecRun, ResumeAfterAKilledProcessFinishesTheRunWithoutRedoingFinishedJobs) {
  Repo repo(kSlow, R"x({"jobs": {"slow": {"duration_ms": 1500}}})x");
  Process run(repo, {"run", ".", "--provider", "sim", "--scenario", "scenario.json", "--json"}, "run");
  waitForStatus(repo, "1", [](const json &d) { return jobHasStatus(d, "slow", "in_progress"); });
  run.kill9();
  run.wait();
  Ran resumed = ciExec(repo, {"resume", "--json"});
  EXPECT_EQ(resumed.exit, 0) << resumed.out << resumed.err;
  json r = parsed(resumed);
  ASSERT_FALSE(r["resumed"].empty());
  for (const json &e : r["resumed"])
    EXPECT_EQ(e["status"], "succeeded") << e.dump();
  json doc = parsed(ciExec(repo, {"status", "1", "--json"}));
  EXPECT_EQ(doc["conclusion"], "success");
  for (const json &j : doc["jobs"])
    EXPECT_EQ(j["attempt"], 1) << j.dump();
  // quick was dispatched once: its dispatch step has one try in the journal.
  json view = parsed(ciExec(repo, {"inspect", "1", "--json"}));
  int dispatches = 0;
  for (const json &e : view["executions"])
    for (const json &op : e["operations"])
      if (op["name"] == "dispatch")
        ++dispatches;
  EXPECT_EQ(dispatches, 4);
  Ran nothing = ciExec(repo, {"resume"});
  EXPECT_EQ(nothing.exit, 0);
  EXPECT_NE(nothing.out.find("nothing to resume"), std::string::npos) << nothing.out;
}

} // namespace
