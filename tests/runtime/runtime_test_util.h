// Helpers for the runtime tests: temporary stores and engines on a fake clock.
#pragma once

#include "runtime/engine.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

namespace rtest {

/// A temporary directory removed at the end of the test.
class TempDir {
public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ci-runtime-XXXXXX").string();
    char *p = mkdtemp(tmpl.data());
    EXPECT_NE(p, nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string &name) const { return (path_ / name).string(); }
  const std::filesystem::path &path() const { return path_; }

private:
  std::filesystem::path path_;
};

inline std::unique_ptr<runtime::Engine> openEngine(const std::string &path, runtime::Clock *clock,
                                                   size_t cacheCapacity = 1024,
                                                   bool watch = false) {
  runtime::EngineOptions o;
  o.storePath = path;
  o.clock = clock;
  o.cacheCapacity = cacheCapacity;
  o.watchStore = watch;
  o.store.synchronous = "OFF";
  auto e = runtime::Engine::open(o);
  if (!e) {
    ADD_FAILURE() << llvm::toString(e.takeError());
    return nullptr;
  }
  return std::move(*e);
}

/// Fails the test with the error's message.
#define ASSERT_OK(expr)                                                                            \
  do {                                                                                             \
    if (llvm::Error err_ = (expr))                                                                 \
      FAIL() << llvm::toString(std::move(err_));                                                   \
  } while (0)

template <class T> T takeOrFail(llvm::Expected<T> e) {
  if (!e) {
    ADD_FAILURE() << llvm::toString(e.takeError());
    return T{};
  }
  return std::move(*e);
}

} // namespace rtest
