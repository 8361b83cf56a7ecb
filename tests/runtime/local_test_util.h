// Helpers for the local provider tests: a scratch git repository and ci-exec runs in it.
#pragma once

#include "test_util.h"

#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <sys/wait.h>
#include <thread>

namespace localtest {

namespace fs = std::filesystem;

struct Output {
  int exit = -1;
  std::string text;
};

/// Polls `cond` every 50 ms for up to `ms`; its last value.
inline bool waitFor(const std::function<bool()> &cond, int ms) {
  for (int waited = 0; waited < ms; waited += 50) {
    if (cond())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return cond();
}

/// Runs a shell command line; its exit code and merged output.
inline Output sh(const std::string &cmd) {
  testutil::ShellRun r = testutil::runShell(cmd + " 2>&1");
  return {r.exit, std::move(r.out)};
}

inline std::string quote(const std::string &s) { return testutil::shellQuote(s); }

/// A scratch repository with workflow files, removed at the end.
class Repo {
public:
  Repo() {
    char tmpl[] = "/tmp/ci-exec-local-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    sh("cd " + quote(dir_) + " && git init -q && git config user.email t@t && git config user.name t");
  }
  ~Repo() {
    if (!std::getenv("CI_KEEP_TEST_DIRS"))
      fs::remove_all(dir_);
  }
  const std::string &dir() const { return dir_; }
  std::string store() const { return dir_ + "/.ci-exec/state.db"; }
  void write(const std::string &rel, const std::string &text) {
    fs::path p = fs::path(dir_) / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
  }
  void commit() { sh("cd " + quote(dir_) + " && git add -A && git commit -qm c"); }
  /// `ci-exec ARGS` in the repository with its store.
  Output exec(const std::string &args) const {
    return sh("cd " + quote(dir_) + " && " + quote((testutil::binDir() / "ci-exec").string()) + " " + args +
              " --store " + quote(store()));
  }
  /// `ci-exec run FILE --provider local --json ARGS`: the run document.
  nlohmann::json run(const std::string &file, const std::string &args = "", int *exitCode = nullptr) const {
    Output o = exec("run " + quote(file) + " --provider local --json " + args);
    if (exitCode)
      *exitCode = o.exit;
    size_t brace = o.text.find('{');
    nlohmann::json j = nlohmann::json::parse(brace == std::string::npos ? "" : o.text.substr(brace), nullptr, false);
    if (j.is_discarded())
      return nlohmann::json{{"unparsed", o.text}};
    return j;
  }
  std::string log(int run, const std::string &instance, int step) const {
    return testutil::readFile(fs::path(dir_) / ".ci-exec/runs" / std::to_string(run) / "logs" / instance /
                              (std::to_string(step) + ".log"));
  }
  /// SQL over the store (sqlite3's -json output).
  nlohmann::json sql(const std::string &query) const {
    // A busy timeout: a query that meets a supervisor's write waits instead of failing.
    Output o = sh("sqlite3 -json -cmd '.timeout 10000' " + quote(store()) + " " + quote(query));
    nlohmann::json j = nlohmann::json::parse(o.text.empty() ? "[]" : o.text, nullptr, false);
    return j.is_discarded() ? nlohmann::json::array() : j;
  }

private:
  std::string dir_;
};

/// The conclusion of the job named `name` in a run document ("" when absent).
inline std::string jobConclusion(const nlohmann::json &doc, const std::string &name) {
  for (const auto &j : doc.value("jobs", nlohmann::json::array()))
    if (j.value("name", std::string()) == name || j.value("id", std::string()) == name)
      return j["conclusion"].is_string() ? j["conclusion"].get<std::string>() : "";
  return "";
}

} // namespace localtest
