// Shared pieces of the runtime benchmarks: scratch stores and the fan-out orchestrator.
#pragma once

#include "runtime/engine.h"
#include "runtime/journal.h"

#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace rbench {

/// A fresh store path in a scratch directory (removed with its WAL by `removeStore`).
inline std::string scratchStore(const std::string &name) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("ci-runtime-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / (name + ".db")).string();
  for (const char *suffix : {"", "-wal", "-shm", ".lock"})
    std::filesystem::remove(path + suffix);
  return path;
}

inline void removeStore(const std::string &path) {
  for (const char *suffix : {"", "-wal", "-shm", ".lock"})
    std::filesystem::remove(path + suffix);
}

inline int64_t fileSize(const std::string &path) {
  std::error_code ec;
  auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<int64_t>(n);
}

/// The Depot-style job loop: per job a child context { callback; step "dispatch" },
/// then any() over the outstanding jobs until all are done. 4 operations per job.
/// Tokens are handed to `tokens` (the "provider").
inline runtime::OrchestratorFn fanOut(std::vector<std::string> *tokens) {
  using namespace runtime;
  return [tokens](DurableContext &ctx, const json &input) -> Task<Result> {
    int n = input["jobs"].get<int>();
    std::vector<Future> jobs;
    jobs.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i)
      jobs.push_back(ctx.runInChildContext("job-" + std::to_string(i), [tokens](DurableContext &child) -> Task<Result> {
        Callback cb = child.createCallback("done");
        std::string token = cb.token;
        Future dispatch = child.step("dispatch", [tokens, token](StepContext &) {
          tokens->push_back(token);
          return Result::success();
        });
        co_await dispatch;
        co_return co_await cb.future;
      }));
    std::vector<Future> outstanding = jobs;
    int done = 0, round = 0;
    while (!outstanding.empty()) {
      AnyFuture next = ctx.any("next-" + std::to_string(round++), outstanding);
      Selected s = co_await next;
      done += s.result.ok();
      outstanding[s.index] = outstanding.back();
      outstanding.pop_back();
    }
    co_return Result::success(done);
  };
}

} // namespace rbench
