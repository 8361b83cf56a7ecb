// Helpers shared by tests: paths to the project and the shared data.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

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

} // namespace testutil

/// Skips the current test with a clear message when ../shared is absent.
#define REQUIRE_SHARED()                                                                           \
  do {                                                                                             \
    if (!testutil::haveShared())                                                                   \
      GTEST_SKIP() << "shared data folder " << testutil::sharedDir()                               \
                   << " is absent; conformance and corpus tests need it";                          \
  } while (0)
