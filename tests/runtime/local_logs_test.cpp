// Step logs: `ci-exec logs --follow` streams a live run; each store keeps its own run files.
#include "local_test_util.h"

#include <gtest/gtest.h>

#include "llvm/ADT/StringRef.h"

#include <chrono>
#include <thread>

using namespace localtest;

namespace {

TEST(LocalLogs, FollowStreamsALiveRunUntilItEnds) {
  Repo r;
  r.write(".github/workflows/slow.yml", R"Y(on: push
jobs:
  slow:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "$((40+2))-first"
          for i in $(seq 1200); do [ -e "$RUNNER_TEMP/../../../go" ] && break; sleep 0.05; done
          echo "$((40+3))-second"
      - run: echo "$((40+4))-third"
)Y");
  r.commit();
  std::string exe = quote((testutil::binDir() / "ci-exec").string());
  std::string dir = quote(r.dir());
  // Markers are computed by the shell, so the echoed script text does not hold them.
  // The run waits for a file that the test creates once `logs --follow` has shown the
  // first line: what follows can only reach it by streaming.
  sh("cd " + dir + " && (" + exe + " run .github/workflows/slow.yml --provider local --plain --store " +
     quote(r.store()) + " > run.out 2>&1 &)");
  fs::path firstLog = fs::path(r.dir()) / ".ci-exec/runs/1/logs/slow/1.log";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (testutil::readFile(firstLog).find("42-first") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_NE(testutil::readFile(firstLog).find("42-first"), std::string::npos) << "the run did not start";
  std::string follow = "cd " + dir + " && timeout 60 " + exe + " logs 1 --follow --store " + quote(r.store()) +
                       " > follow.out 2>&1; echo $? > follow.rc";
  std::thread follower([&] { sh(follow); });
  fs::path followOut = fs::path(r.dir()) / "follow.out";
  while (testutil::readFile(followOut).find("42-first") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(testutil::readFile(followOut).find("43-second"), std::string::npos);
  // The go file sits in the run directory: runs/1/jobs/slow/tmp/../../../go.
  std::ofstream(fs::path(r.dir()) / ".ci-exec/runs/1/go") << "";
  follower.join();
  std::string out = testutil::readFile(followOut);
  EXPECT_EQ(llvm::StringRef(testutil::readFile(fs::path(r.dir()) / "follow.rc")).trim(), "0") << out;
  size_t first = out.find("42-first"), second = out.find("43-second"), third = out.find("44-third");
  ASSERT_NE(first, std::string::npos) << out;
  ASSERT_NE(second, std::string::npos) << out;
  ASSERT_NE(third, std::string::npos) << out;
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
  EXPECT_NE(out.find("step 2/2"), std::string::npos) << out;
}

TEST(LocalLogs, TwoStoresInOneDirectoryKeepTheirRunsApart) {
  Repo r;
  r.write("wf.yml", R"Y(on: push
jobs:
  hello:
    runs-on: ubuntu-latest
    steps:
      - run: echo "store=$STORE_NAME"
)Y");
  r.commit();
  std::string exe = quote((testutil::binDir() / "ci-exec").string());
  for (std::string name : {"a", "b"}) {
    Output o = sh("cd " + quote(r.dir()) + " && STORE_NAME=" + name + " " + exe +
                  " run wf.yml --provider local --quiet --store .ci-exec/" + name + ".db");
    ASSERT_EQ(o.exit, 0) << o.text;
  }
  fs::path dir = fs::path(r.dir()) / ".ci-exec";
  EXPECT_NE(testutil::readFile(dir / "runs-a/1/logs/hello/1.log").find("store=a"), std::string::npos);
  EXPECT_NE(testutil::readFile(dir / "runs-b/1/logs/hello/1.log").find("store=b"), std::string::npos);
  Output logs = sh("cd " + quote(r.dir()) + " && " + exe + " logs 1 --store .ci-exec/b.db");
  EXPECT_NE(logs.text.find("store=b"), std::string::npos) << logs.text;
  EXPECT_EQ(logs.text.find("store=a"), std::string::npos) << logs.text;
}

} // namespace
