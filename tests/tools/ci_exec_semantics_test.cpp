// GitHub semantics end to end (gha-semantics §2, §3, §8): each case is a workflow file, a
// sim scenario and the expected job conclusions, run through `ci-exec run --json` (so the
// workflow goes through the real compiler: conditions, matrix expansion, names).
#include "runtime/result.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

using runtime::json;
namespace fs = std::filesystem;

namespace {

using Conclusions = std::map<std::string, std::string>;

struct Ran {
  int exit = -1;
  json doc;
  std::string text;
};

/// Runs `workflow` with `scenario` on virtual time in a fresh repository; `extra` are more
/// ci-exec arguments (shell words).
Ran runWorkflow(const std::string &workflow, const std::string &scenario = "{}", const std::string &extra = "") {
  std::string tmpl = (fs::temp_directory_path() / "ci-exec-sem-XXXXXX").string();
  std::string dir = mkdtemp(tmpl.data());
  fs::create_directories(dir + "/.git");
  fs::create_directories(dir + "/.github/workflows");
  std::ofstream(dir + "/.github/workflows/ci.yml") << workflow;
  std::ofstream(dir + "/scenario.json") << scenario;
  std::string cmd = "cd '" + dir + "' && " + (testutil::binDir() / "ci-exec").string() +
                    " run . --provider sim --scenario scenario.json --virtual-time --json " + extra +
                    " 2>&1; rc=$?; echo; ";
  cmd += (testutil::binDir() / "ci-exec").string() + " inspect 1 --json --store '" + dir + "/.ci-exec/state.db'; exit $rc";
  Ran r;
  FILE *p = popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0)
    r.text.append(buf, n);
  int status = pclose(p);
  r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  size_t nl = r.text.find('\n');
  r.doc = json::parse(r.text.substr(0, nl), nullptr, false);
  EXPECT_FALSE(r.doc.is_discarded()) << r.text;
  json view = json::parse(nl == std::string::npos ? "" : r.text.substr(nl + 1), nullptr, false);
  if (!r.doc.is_discarded() && !view.is_discarded())
    r.doc["inspect"] = view;
  fs::remove_all(dir);
  return r;
}

Conclusions conclusions(const json &doc) {
  Conclusions out;
  for (const json &j : doc.value("jobs", json::array()))
    out[j["name"].get<std::string>()] = j["conclusion"].is_string() ? j["conclusion"].get<std::string>() : "null";
  return out;
}

std::vector<std::string> names(const json &doc) {
  std::vector<std::string> out;
  for (const json &j : doc.value("jobs", json::array()))
    out.push_back(j["name"]);
  return out;
}

/// started_ms / ended_ms of the job's child context in the workflow execution's journal.
std::pair<int64_t, int64_t> jobSpan(const json &doc, const std::string &instance) {
  for (const json &e : doc["inspect"]["executions"])
    for (const json &op : e["operations"])
      if (op["type"] == "context" && op["name"].get<std::string>().rfind("job:" + instance + "#", 0) == 0)
        return {op["started_ms"].get<int64_t>(), op["ended_ms"].get<int64_t>()};
  ADD_FAILURE() << "no context for job " << instance;
  return {0, 0};
}

TEST(CiExecSemantics, MatrixLegsFollowKeyOrderAndAreNamedFromTheOriginalValues) {
  // §2.1, §8 #1, #3, #13: first key slowest; `job (v1, v2)`; unquoted 3.10 is the number 3.1.
  Ran r = runWorkflow(R"x(on: push
jobs:
  t:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        os: [linux, mac]
        py: [3.10, '3.10']
    steps: [{run: 'true'}]
)x");
  EXPECT_EQ(r.exit, 0) << r.text;
  EXPECT_EQ(names(r.doc), (std::vector<std::string>{"t (linux, 3.1)", "t (linux, 3.10)", "t (mac, 3.1)", "t (mac, 3.10)"}));
}

TEST(CiExecSemantics, IncludeMatchesLooselySoNoExtraLegIsCreated) {
  // §8 #2: '16' == 16 and Ubuntu == ubuntu when include entries are matched.
  Ran r = runWorkflow(R"x(on: push
jobs:
  t:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        node: ['16', 18]
        os: [ubuntu]
        include:
          - node: 16
            os: Ubuntu
            experimental: true
    steps: [{run: 'true'}]
)x");
  EXPECT_EQ(r.exit, 0) << r.text;
  EXPECT_EQ(r.doc["jobs"].size(), 2u) << r.text;
}

TEST(CiExecSemantics, FailFastIsOnByDefaultAndMaxParallelIsUnlimited) {
  // §2.2, §8 #7: four legs start together; the failing one cancels the others still running.
  Ran r = runWorkflow(R"x(on: push
jobs:
  t:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        n: [1, 2, 3, 4, 5, 6]
    steps: [{run: 'true'}]
)x",
                      R"x({"default": {"duration_ms": 60000}, "jobs": {"t (1)": {"conclusion": "failure", "duration_ms": 10}}})x");
  EXPECT_EQ(r.exit, 1);
  EXPECT_EQ(conclusions(r.doc), (Conclusions{{"t (1)", "failure"}, {"t (2)", "cancelled"}, {"t (3)", "cancelled"},
                                             {"t (4)", "cancelled"}, {"t (5)", "cancelled"}, {"t (6)", "cancelled"}}));
  for (const json &j : r.doc["jobs"]) {
    if (j["name"] != "t (1)") {
      EXPECT_EQ(j["reason"], "fail-fast");
    }
  }
  // All six were dispatched at once (more than act's cap of 4), before the failure.
  int64_t failedAt = jobSpan(r.doc, "t._1").second;
  int early = 0;
  for (const json &e : r.doc["inspect"]["executions"])
    for (const json &op : e["operations"])
      if (op["name"] == "dispatch" && op["started_ms"].get<int64_t>() < failedAt)
        ++early;
  EXPECT_EQ(early, 6);
}

TEST(CiExecSemantics, AJobStartsWhenItsOwnNeedsFinishNotWhenItsLevelDoes) {
  // §3.1, §8 #8: no stage barriers; `needs` ids are case-insensitive.
  Ran r = runWorkflow(R"x(on: push
jobs:
  fast:
    runs-on: ubuntu-latest
    steps: [{run: 'true'}]
  slow:
    runs-on: ubuntu-latest
    steps: [{run: 'true'}]
  next:
    needs: [FAST]
    runs-on: ubuntu-latest
    steps: [{run: 'true'}]
)x",
                      R"x({"jobs": {"fast": {"duration_ms": 10}, "slow": {"duration_ms": 600000}, "next": {"duration_ms": 10}}})x");
  EXPECT_EQ(r.exit, 0) << r.text;
  EXPECT_EQ(conclusions(r.doc), (Conclusions{{"fast", "success"}, {"slow", "success"}, {"next", "success"}}));
  EXPECT_LT(jobSpan(r.doc, "next").second, jobSpan(r.doc, "slow").second);
}

TEST(CiExecSemantics, AConditionWithoutAStatusFunctionGetsAnImplicitSuccess) {
  // §3.1, §8 #15: `if: github.event_name == 'push'` is `success() && (...)`: skipped after a failure.
  Ran r = runWorkflow(R"x(on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps: [{run: 'false'}]
  b:
    needs: a
    if: github.event_name == 'push'
    runs-on: ubuntu-latest
    steps: [{run: 'true'}]
  c:
    needs: a
    if: ${{ !cancelled() && github.event_name == 'push' }}
    runs-on: ubuntu-latest
    steps: [{run: 'true'}]
  d:
    needs: a
    if: cancelled()
    runs-on: ubuntu-latest
    steps: [{run: 'true'}]
)x",
                      R"x({"jobs": {"a": {"conclusion": "failure"}}})x");
  EXPECT_EQ(r.exit, 1);
  EXPECT_EQ(conclusions(r.doc), (Conclusions{{"a", "failure"}, {"b", "skipped"}, {"c", "success"}, {"d", "skipped"}}));
}

TEST(CiExecSemantics, AnIfThatIsNotOneExpressionIsAFormatStringAndAlwaysTrue) {
  // §8 #11: `${{ false }} == 'x'` is the string "false == 'x'", which is truthy.
  Ran r = runWorkflow(R"x(on: push
jobs:
  a:
    if: ${{ false }} == 'x'
    runs-on: ubuntu-latest
    steps: [{run: 'true'}]
  b:
    if: ${{ false }}
    runs-on: ubuntu-latest
    steps: [{run: 'true'}]
)x");
  EXPECT_EQ(conclusions(r.doc), (Conclusions{{"a", "success"}, {"b", "skipped"}}));
}

TEST(CiExecSemantics, TypedInputsAreNotStringsButEventInputsAre) {
  // §8 #12: `true == 'true'` is false; inputs.flag is a boolean, github.event.inputs.flag a string.
  Ran r = runWorkflow(R"x(on:
  workflow_dispatch:
    inputs:
      flag:
        type: boolean
        default: false
jobs:
  typed:
    if: inputs.flag == 'true'
    runs-on: ubuntu-latest
    steps: [{run: 'true'}]
  stringly:
    if: github.event.inputs.flag == 'true'
    runs-on: ubuntu-latest
    steps: [{run: 'true'}]
  boolean:
    if: inputs.flag
    runs-on: ubuntu-latest
    steps: [{run: 'true'}]
)x",
                      "{}", "--event workflow_dispatch --input flag=true");
  EXPECT_EQ(r.exit, 0) << r.text;
  EXPECT_EQ(conclusions(r.doc), (Conclusions{{"typed", "skipped"}, {"stringly", "success"}, {"boolean", "success"}}));
}

TEST(CiExecSemantics, EmptyOutputsAreDroppedAndReadAsEmptyStrings) {
  // §3.3, §8 #14.
  Ran r = runWorkflow(R"x(on: push
jobs:
  a:
    runs-on: ubuntu-latest
    outputs:
      set: ${{ steps.s.outputs.v }}
      empty: ${{ steps.s.outputs.e }}
    steps: [{id: s, run: 'true'}]
  b:
    needs: a
    if: needs.a.outputs.empty == '' && needs.a.outputs.set == 'yes'
    runs-on: ubuntu-latest
    steps: [{run: 'true'}]
)x",
                      R"x({"jobs": {"a": {"outputs": {"set": "yes", "empty": ""}}}})x");
  EXPECT_EQ(conclusions(r.doc), (Conclusions{{"a", "success"}, {"b", "success"}}));
  EXPECT_EQ(r.doc["jobs"][0]["outputs"], json({{"set", "yes"}}));
}

TEST(CiExecSemantics, ContinueOnErrorMatrixLegsDoNotFailTheRunAndDisplayNamesComeFromTheNameKey) {
  // §3.2, §3.7, §8 #5: a failing leg under continue-on-error; `name:` with matrix values.
  Ran r = runWorkflow(R"x(on: push
jobs:
  t:
    name: Test on ${{ matrix.os }}
    runs-on: ubuntu-latest
    continue-on-error: ${{ matrix.os == 'mac' }}
    strategy:
      matrix:
        os: [linux, mac]
    steps: [{run: 'true'}]
  after:
    needs: t
    runs-on: ubuntu-latest
    steps: [{run: 'true'}]
)x",
                      R"x({"jobs": {"Test on mac": {"conclusion": "failure"}}})x");
  EXPECT_EQ(r.exit, 0) << r.text;
  EXPECT_EQ(r.doc["conclusion"], "success");
  EXPECT_EQ(conclusions(r.doc), (Conclusions{{"Test on linux", "success"}, {"Test on mac", "failure"}, {"after", "success"}}));
}

} // namespace
