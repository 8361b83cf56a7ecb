// Helpers shared by tests: paths to the project and the shared data.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

namespace testutil {

inline std::filesystem::path sourceDir() { return CI_SOURCE_DIR; }
inline std::filesystem::path sharedDir() { return CI_SHARED_DIR; }
inline std::filesystem::path binDir() { return std::filesystem::path(CI_BINARY_DIR) / "bin"; }
inline bool haveShared() { return std::filesystem::is_directory(sharedDir()); }

inline std::string readFile(const std::filesystem::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// What a shell command line did.
struct ShellRun {
  int exit = -1;   ///< its exit code, -1 when it did not exit normally
  std::string out; ///< its standard output (add `2>&1` to the command for both)
};

/// Runs a shell command line and reads its standard output.
inline ShellRun runShell(const std::string &cmd) {
  ShellRun r;
  std::FILE *p = ::popen(cmd.c_str(), "r");
  if (!p)
    return r;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
    r.out.append(buf, n);
  int status = ::pclose(p);
  r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

/// `s` as one single-quoted shell word.
inline std::string shellQuote(const std::string &s) {
  std::string out = "'";
  for (char c : s)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

} // namespace testutil

/// Skips the current test with a clear message when ../shared is absent.
#define REQUIRE_SHARED()                                                                           \
  do {                                                                                             \
    if (!testutil::haveShared())                                                                   \
      GTEST_SKIP() << "shared data folder " << testutil::sharedDir()                               \
                   << " is absent; conformance and corpus tests need it";                          \
  } while (0)
