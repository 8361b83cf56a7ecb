// Kill-and-resume harness of the crash tests: a forked child runs a workload on a
// store and is SIGKILLed at random instants or right before chosen store writes; the
// caller checks that each resumed store matches the uninterrupted run.
#pragma once

#include "runtime_test_util.h"

#include "runtime/store.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>

namespace rtest {

/// How many kill points a test tries: CI_RUNTIME_CRASH_POINTS, or 50.
inline int crashPoints() {
  const char *env = std::getenv("CI_RUNTIME_CRASH_POINTS");
  return env ? std::max(1, std::atoi(env)) : 50;
}

/// What the child does with its store's writes: SIGKILL itself right before write
/// number `killAt` (when > 0), or count them into `countFile` (when set).
struct WritePlan {
  int killAt = 0;
  std::string countFile;
};

/// Installs the fault hook of `plan` on `store`; the returned function, called at the
/// end of a finished run, writes the count when counting.
inline std::function<void()> applyWritePlan(runtime::Store &store, const WritePlan &plan) {
  auto count = std::make_shared<int>(0);
  if (plan.killAt <= 0 && plan.countFile.empty())
    return [] {};
  int killAt = plan.killAt;
  store.setFaultHook([count, killAt](llvm::StringRef) {
    if (++*count == killAt)
      raise(SIGKILL);
    return false;
  });
  std::string file = plan.countFile;
  return [count, file] {
    if (file.empty())
      return;
    if (std::FILE *f = std::fopen(file.c_str(), "w")) {
      std::fprintf(f, "%d\n", *count);
      std::fclose(f);
    }
  };
}

/// A child's body: runs the workload on the store at `path` with `plan`, and `_exit`s.
using ChildMain = std::function<void(const std::string &path, const WritePlan &plan)>;

/// Forks a child running `child`; SIGKILLs it after `delayUs` (if >= 0). The child's
/// wait status.
inline int runChild(const ChildMain &child, const std::string &path, int64_t delayUs, const WritePlan &plan = {}) {
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    child(path, plan);
    _exit(7); // the body must _exit itself
  }
  if (delayUs >= 0) {
    std::this_thread::sleep_for(std::chrono::microseconds(delayUs));
    kill(pid, SIGKILL);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

/// A timed uninterrupted run on `path`: its duration in microseconds (-1 on failure).
inline int64_t timedReferenceRun(const ChildMain &child, const std::string &path) {
  auto t0 = std::chrono::steady_clock::now();
  if (runChild(child, path, -1) != 0)
    return -1;
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
}

/// Kills runs at `crashPoints()` random instants within `durationUs` (every fifth
/// recovery is killed too), resumes each to the end and calls `checkSame(path)`.
/// Prints `label: N kill points, K killed mid-run`; at least one must be.
inline void killAtRandomInstants(const TempDir &dir, const ChildMain &child, int64_t durationUs, uint64_t seed,
                                 const std::function<void(const std::string &)> &checkSame, const char *label) {
  int points = crashPoints();
  std::mt19937_64 rng(seed);
  int killed = 0;
  for (int p = 0; p < points; ++p) {
    SCOPED_TRACE("crash point " + std::to_string(p));
    std::string path = dir.file("crash-" + std::to_string(p) + ".db");
    int status = runChild(child, path, std::uniform_int_distribution<int64_t>(0, durationUs)(rng));
    killed += WIFSIGNALED(status);
    if (p % 5 == 0) // crash the recovery too
      runChild(child, path, std::uniform_int_distribution<int64_t>(0, durationUs / 2)(rng));
    ASSERT_EQ(runChild(child, path, -1), 0) << "the resumed run did not finish";
    checkSame(path);
    std::remove(path.c_str());
  }
  std::printf("%s: %d kill points, %d killed mid-run (reference run %lld us)\n", label, points, killed,
              static_cast<long long>(durationUs));
  EXPECT_GT(killed, 0);
}

/// Counts the store writes of an uninterrupted run, then kills runs right before
/// writes spread evenly over them (deterministic points), resumes each and calls
/// `checkSame(path)`. Every chosen write must be reached. Returns the write count.
inline int killBeforeSpreadWrites(const TempDir &dir, const ChildMain &child,
                                  const std::function<void(const std::string &)> &checkSame) {
  WritePlan counting;
  counting.countFile = dir.file("count.writes");
  EXPECT_EQ(runChild(child, dir.file("count.db"), -1, counting), 0);
  int writes = std::atoi(testutil::readFile(counting.countFile).c_str());
  int points = std::min(crashPoints(), writes);
  int killed = 0;
  for (int p = 0; p < points; ++p) {
    int at = 1 + static_cast<int>(static_cast<int64_t>(p) * (writes - 1) / std::max(1, points - 1));
    SCOPED_TRACE("kill before write " + std::to_string(at) + " of " + std::to_string(writes));
    std::string path = dir.file("w" + std::to_string(at) + ".db");
    WritePlan kill;
    kill.killAt = at;
    int status = runChild(child, path, -1, kill);
    killed += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    EXPECT_EQ(runChild(child, path, -1), 0) << "the resumed run did not finish";
    checkSame(path);
    std::remove(path.c_str());
  }
  EXPECT_EQ(killed, points);
  return writes;
}

} // namespace rtest
