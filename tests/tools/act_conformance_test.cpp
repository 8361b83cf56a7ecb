// act conformance: the fixtures of nektos/act that need neither Docker nor the network,
// run by ci-exec (host cases, with the local provider) or compiled by ci-compile (dry-run
// and planner cases), compared with the outcome act's own tests expect. Prints
// "N agree, M disagree, K skipped"; the target is 90% of the cases that ran (enforced with
// CI_ACT_CONFORMANCE_STRICT=1; CI holds the current figure as a floor) and
// every disagreement must be explained in tests/data/act-disagreements.tsv.
#include "test_util.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace fs = std::filesystem;

namespace {

struct Row {
  std::string path, expected, docker, notes, goTest, event, mode, network;
};

std::vector<std::string> splitTabs(const std::string &line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, '\t'))
    out.push_back(cell);
  return out;
}

std::vector<Row> readExpectations(const fs::path &file) {
  std::vector<Row> rows;
  std::ifstream in(file);
  std::string line;
  std::getline(in, line); // header
  while (std::getline(in, line)) {
    std::vector<std::string> c = splitTabs(line);
    if (c.size() < 8)
      continue;
    rows.push_back({c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]});
  }
  return rows;
}

/// case_path + "\t" + go_test -> explanation, from the disagreements file.
std::map<std::string, std::string> readExplanations(const fs::path &file) {
  std::map<std::string, std::string> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    std::vector<std::string> c = splitTabs(line);
    if (c.size() >= 4)
      out[c[0] + "\t" + c[1]] = c[3];
  }
  return out;
}

using Ran = testutil::ShellRun;

Ran shell(const std::string &cmd) { return testutil::runShell(cmd); }

std::string quote(const std::string &s) { return testutil::shellQuote(s); }

/// act's expected outcome as "success" or "error".
std::string expectedOutcome(const Row &r) {
  const std::string &e = r.expected;
  if (e.rfind("success", 0) == 0 || e.find("no error") != std::string::npos ||
      (r.mode == "planner" && e.find("error") == std::string::npos))
    return "success";
  return "error";
}

/// Why a case is not run here ("" to run it).
std::string skipReason(const Row &r) {
  if (r.mode == "host") {
    if (r.notes.rfind("Windows host only", 0) == 0)
      return "Windows-only in act's tests (PowerShell 5, cmd)";
    if (r.path == "runner/shells/pwsh" && shell("command -v pwsh >/dev/null 2>&1").exit != 0)
      return "pwsh is not installed";
  }
  return "";
}

} // namespace

TEST(ActConformance, CasesWithoutDockerOrNetworkReachActsOutcome) {
  REQUIRE_SHARED();
  fs::path act = testutil::sharedDir() / "conformance" / "act";
  std::vector<Row> rows = readExpectations(act / "expectations.tsv");
  ASSERT_GT(rows.size(), 100u);
  std::map<std::string, std::string> explained =
      readExplanations(testutil::sourceDir() / "tests" / "data" / "act-disagreements.tsv");

  std::string tmpl = (fs::temp_directory_path() / "ci-act-XXXXXX").string();
  fs::path tmp = mkdtemp(tmpl.data());
  // act runs its runner cases with runner/ as the workspace: a repository copy here.
  fs::path ws = tmp / "runner";
  fs::copy(act / "runner", ws, fs::copy_options::recursive);
  fs::copy(act / "model", tmp / "model", fs::copy_options::recursive);
  // The JavaScript of act's local node actions is not in the data: small stand-ins.
  fs::copy(testutil::sourceDir() / "tests" / "data" / "act-standins", ws,
           fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  fs::remove(ws / "README.md");
  // act's tests run in a checkout of nektos/act (its `origin` remote), with the actor
  // "nektos/act": the same inputs here. ci-exec takes github.repository from the
  // origin remote and the actor from --actor, as a user's run would.
  shell("cd " + quote(ws.string()) +
        " && git init -q && git add -A && git -c user.name=ci -c user.email=ci@localhost commit -qm fixtures"
        " && git remote add origin https://github.com/nektos/act.git >/dev/null 2>&1");
  std::string ciExec = (testutil::binDir() / "ci-exec").string();
  std::string ciCompile = (testutil::binDir() / "ci-compile").string();

  int agree = 0, disagree = 0, skipped = 0, unexplained = 0, n = 0;
  std::string report;
  for (const Row &r : rows) {
    if (r.docker != "no" || r.network != "no")
      continue;
    std::string key = r.path + "\t" + r.goTest;
    std::string want = expectedOutcome(r);
    if (std::string why = skipReason(r); !why.empty()) {
      ++skipped;
      report += "skip      " + r.path + " (" + r.goTest + "): " + why + "\n";
      continue;
    }
    fs::path target = (r.path.rfind("runner/", 0) == 0 ? ws / r.path.substr(7) : tmp / r.path);
    Ran got;
    if (r.mode == "host") {
      // One directory per case: a store's runs/<run>/ folder sits next to it.
      fs::path dir = tmp / ("case-" + std::to_string(++n));
      fs::create_directories(dir);
      std::string store = (dir / "state.db").string();
      got = shell("cd " + quote(ws.string()) + " && timeout 300 " + ciExec + " run " + quote(target.string()) +
                  " --provider local --event " + (r.event == "-" ? "push" : r.event) +
                  // act's host executor runs `container:` jobs on the host: the opt-in that
                  // does the same, with a warning per job (docs/ci-exec.md).
                  " --actor nektos/act --container-jobs host --quiet --store " +
                  quote(store) + " 2>&1");
    } else {
      // Dry runs and the planner: the workflow files are compiled (a directory: each
      // *.yml/*.yaml directly inside it, as act reads them).
      std::vector<fs::path> files;
      if (fs::is_directory(target)) {
        for (const auto &e : fs::directory_iterator(target))
          if (e.is_regular_file() && (e.path().extension() == ".yml" || e.path().extension() == ".yaml"))
            files.push_back(e.path());
        std::sort(files.begin(), files.end());
      } else {
        files.push_back(target);
      }
      got.exit = 0;
      for (const fs::path &f : files) {
        Ran c = shell(ciCompile + " " + quote(f.string()) + " -o /dev/null 2>&1");
        got.out += c.out;
        if (c.exit != 0)
          got.exit = c.exit;
      }
    }
    std::string outcome = got.exit == 0 ? "success" : got.exit == 1 ? "error" : "tool-error";
    bool same = outcome == want;
    same ? ++agree : ++disagree;
    std::string line = std::string(same ? "agree     " : "disagree  ") + r.path + " (" + r.goTest + ", " + r.mode +
                       "): act " + want + ", ci-toolchain " + outcome;
    if (!same) {
      auto it = explained.find(key);
      if (it == explained.end()) {
        ++unexplained;
        std::string first = got.out.substr(0, got.out.find('\n'));
        line += "  UNEXPLAINED: " + first;
      } else {
        line += "  (" + it->second + ")";
      }
    }
    report += line + "\n";
  }
  fs::remove_all(tmp);
  std::printf("%s", report.c_str());
  std::printf("act conformance: %d agree, %d disagree, %d skipped\n", agree, disagree, skipped);
  int ran = agree + disagree;
  ASSERT_GT(ran, 0);
  // The target is 90%. Today 62 of 66 (93.9%) agree: 3 cases are act-specific
  // (act differs from GitHub: env.ACT, `__` job ids, recursive loading), 1 is by design
  // (setup-node of a version the host lacks, offline); see the data file. CI holds the
  // current figure as a floor; CI_ACT_CONFORMANCE_STRICT=1 applies the 90% target.
  if (std::getenv("CI_ACT_CONFORMANCE_STRICT"))
    EXPECT_GE(agree * 10, ran * 9) << agree << " of " << ran << " agree; at least 90% must";
  else
    EXPECT_GE(agree * 100, ran * 93) << agree << " of " << ran << " agree; the floor is 93%";
  EXPECT_EQ(unexplained, 0) << "every disagreement needs a line in tests/data/act-disagreements.tsv";
}
