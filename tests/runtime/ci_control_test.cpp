// Cancel, retry and concurrency groups across runs, on the CI orchestrator with the sim provider.
#include "ci_harness.h"

#include "runtime/concurrency_groups.h"

using namespace runtime;
using rtest::CiHarness;
using rtest::Conclusions;
using rtest::conclusions;
using rtest::entry;
using rtest::ojson;
using rtest::plan;
using rtest::takeOrFail;

TEST(CiCancel, RunningJobsAreCancelledAlwaysJobsStillRunAndTheRunConcludesCancelled) {
  // §3.5: build (running) is cancelled through the provider; notify (always) and the
  // running guard (always) run; deploy (default) is skipped.
  CiHarness h;
  int64_t id = h.start(plan(ojson::array({
                           {{"id", "build"}},
                           {{"id", "notify"}, {"needs", {"build"}}, {"if", "always()"}},
                           {{"id", "deploy"}, {"needs", {"build"}}},
                           {{"id", "guard"}, {"if", "always()"}},
                       })),
                       {{"jobs", {{"build", {{"conclusion", "hang"}}}, {"guard", {{"duration_ms", 300}}}}}});
  h.drive([&] { return rtest::wasDispatched(h.store(), "build"); });
  ASSERT_TRUE(takeOrFail(requestCancel(h.store(), id, "", h.clock().now())));
  h.drive([&] { return h.finished(id); });
  json doc = h.document(id);
  EXPECT_EQ(conclusions(doc), (Conclusions{{"build", "cancelled"}, {"notify", "success"}, {"deploy", "skipped"}, {"guard", "success"}}));
  EXPECT_EQ(entry(doc, "build")["reason"], "cancel-request");
  EXPECT_EQ(doc["conclusion"], "cancelled");
  EXPECT_EQ(rtest::cancelledAtProvider(h.store()), (std::vector<std::string>{"build"}));
}

TEST(CiCancel, CancellingOneJobLeavesTheRunGoing) {
  CiHarness h;
  int64_t id = h.start(plan(ojson::array({
                           {{"id", "slow"}},
                           {{"id", "fast"}, {"needs", {"slow"}}, {"if", "always()"}},
                           {{"id", "other"}},
                       })),
                       {{"jobs", {{"slow", {{"conclusion", "hang"}}}, {"other", {{"duration_ms", 1000}}}}}});
  h.drive([&] { return rtest::wasDispatched(h.store(), "slow"); });
  ASSERT_TRUE(takeOrFail(requestCancel(h.store(), id, "slow", h.clock().now())));
  h.drive([&] { return h.finished(id); });
  json doc = h.document(id);
  EXPECT_EQ(conclusions(doc), (Conclusions{{"slow", "cancelled"}, {"fast", "success"}, {"other", "success"}}));
  EXPECT_EQ(doc["conclusion"], "success");
}

TEST(CiCancel, ACancelBeforeTheWorkflowsStartSkipsEverythingButAlwaysJobs) {
  // The cancel is recorded for the run before its workflow executions exist: they find
  // it when they start (§3.5: not-started jobs see cancelled() true, success() false).
  CiHarness h;
  ojson p = plan(ojson::array({{{"id", "a"}}, {{"id", "b"}, {"if", "always()"}}, {{"id", "c"}, {"if", "cancelled()"}}}));
  RunRequest req;
  req.request = json{{"plan_text", p.dump()}};
  req.providerConfig = json::object();
  int64_t id = takeOrFail(recordRun(h.store(), req, h.clock().now()));
  ASSERT_TRUE(takeOrFail(requestCancel(h.store(), id, "", h.clock().now())));
  ASSERT_OK(launchRun(h.engine(), id));
  h.drive([&] { return h.finished(id); });
  json doc = h.document(id);
  EXPECT_EQ(doc["conclusion"], "cancelled");
  EXPECT_EQ(conclusions(doc), (Conclusions{{"a", "skipped"}, {"b", "success"}, {"c", "success"}}));
  EXPECT_EQ(entry(doc, "a")["reason"], "cancel-request");
  EXPECT_EQ(rtest::dispatches(h.store()).size(), 2u);
}

TEST(CiRetry, AFailedJobRetriedWhileOthersRunGetsAttemptTwoAndItsDependentsAreDecidedAgain) {
  CiHarness h;
  int64_t id = h.start(plan(ojson::array({
                           {{"id", "unit"}},
                           {{"id", "long"}},
                           {{"id", "package"}, {"needs", {"unit"}}},
                       })),
                       {{"jobs", {{"unit", {{"fail_attempts", 1}}}, {"long", {{"duration_ms", 60000}}}}}});
  h.drive([&] {
    json doc = h.document(id);
    for (const json &j : doc["jobs"])
      if (j["name"] == "package" && j["conclusion"] == "skipped")
        return true;
    return false;
  });
  EXPECT_FALSE(h.finished(id));
  ASSERT_TRUE(takeOrFail(requestRetry(h.store(), id, "unit", false, h.clock().now())));
  h.drive([&] { return h.finished(id); });
  json doc = h.document(id);
  EXPECT_EQ(conclusions(doc), (Conclusions{{"unit", "success"}, {"long", "success"}, {"package", "success"}}));
  EXPECT_EQ(entry(doc, "unit")["attempt"], 2);
  EXPECT_EQ(entry(doc, "long")["attempt"], 1);
  EXPECT_EQ(doc["conclusion"], "success");
  EXPECT_EQ(rtest::dispatches(h.store()).size(), 4u) << "unit twice, long, package";
}

TEST(CiRetry, RetryingAFinishedRunStartsANewAttemptThatKeepsTheOtherJobs) {
  CiHarness h;
  ojson p = plan(ojson::array({
      {{"id", "a"}},
      {{"id", "b"}},
      {{"id", "c"}, {"needs", {"b"}}},
      {{"id", "m"}, {"strategy", {{"fail_fast", false}, {"matrix", {{"v", {1, 2}}}}}}},
  }));
  json scenario{{"jobs", {{"b", {{"fail_attempts", 1}}}, {"m (2)", {{"fail_attempts", 1}}}, {"a", {{"outputs", {{"k", "v"}}}}}}}};
  json first = h.run(p, scenario);
  EXPECT_EQ(conclusions(first), (Conclusions{{"a", "success"}, {"b", "failure"}, {"c", "skipped"}, {"m (1)", "success"}, {"m (2)", "failure"}}));
  int64_t id = first["run"];
  int attempt = takeOrFail(startNextAttempt(h.engine(), id, "", /*failed=*/true));
  EXPECT_EQ(attempt, 2);
  h.drive([&] { return h.finished(id); });
  json doc = h.document(id);
  EXPECT_EQ(doc["attempt"], 2);
  EXPECT_EQ(conclusions(doc), (Conclusions{{"a", "success"}, {"b", "success"}, {"c", "success"}, {"m (1)", "success"}, {"m (2)", "success"}}));
  EXPECT_EQ(entry(doc, "a")["attempt"], 1) << "carried over";
  EXPECT_EQ(entry(doc, "a")["outputs"], (json{{"k", "v"}}));
  EXPECT_EQ(entry(doc, "b")["attempt"], 2);
  EXPECT_EQ(entry(doc, "m (1)")["attempt"], 1);
  EXPECT_EQ(entry(doc, "m (2)")["attempt"], 2);
  EXPECT_EQ(doc["conclusion"], "success");
  // a and m (1) were not dispatched again.
  int aDispatches = 0;
  for (auto &[inst, a] : rtest::dispatches(h.store()))
    aDispatches += inst == "a";
  EXPECT_EQ(aDispatches, 1);
  // A named job is re-run with its dependents even when it succeeded.
  EXPECT_EQ(takeOrFail(startNextAttempt(h.engine(), id, "a", false)), 3);
  h.drive([&] { return h.finished(id); });
  EXPECT_EQ(entry(h.document(id), "a")["attempt"], 2);
  // Unknown jobs are refused.
  auto bad = startNextAttempt(h.engine(), id, "nope", false);
  ASSERT_FALSE(bad);
  EXPECT_NE(llvm::toString(bad.takeError()).find("no job \"nope\""), std::string::npos);
}

namespace {
ojson groupPlan(const std::string &group, bool cancelInProgress, const std::string &jobGroup = "") {
  ojson wf = ojson::object();
  if (!group.empty())
    wf["concurrency"] = ojson{{"group", group}, {"cancel_in_progress", cancelInProgress}};
  ojson job{{"id", "deploy"}};
  if (!jobGroup.empty())
    job["concurrency"] = ojson{{"group", jobGroup}, {"cancel_in_progress", cancelInProgress}};
  return plan(ojson::array({job}), wf);
}
} // namespace

TEST(CiConcurrency, OneRunningAndOnePendingPerGroupANewerPendingReplacesTheOlder) {
  // §4: run 1 holds "prod"; run 2 waits; run 3 replaces run 2 (cancelled, reason
  // concurrency); when run 1 ends, run 3 is woken and runs. Keys are case-insensitive.
  CiHarness h;
  json slow{{"jobs", {{"deploy", {{"duration_ms", 60000}}}}}};
  int64_t r1 = h.start(groupPlan("prod", false), slow);
  int64_t r2 = h.start(groupPlan("Prod", false), json::object());
  h.drive([&] { return rtest::dispatches(h.store()).size() == 1; });
  EXPECT_EQ(rtest::dispatches(h.store()).size(), 1u) << "run 2 waits for the group";
  int64_t r3 = h.start(groupPlan("PROD", false), json::object());
  h.drive();
  EXPECT_EQ(h.document(r1)["conclusion"], "success");
  json d2 = h.document(r2);
  EXPECT_EQ(d2["conclusion"], "cancelled");
  EXPECT_EQ(entry(d2, "deploy")["reason"], "concurrency");
  EXPECT_EQ(h.document(r3)["conclusion"], "success");
  EXPECT_EQ(rtest::dispatches(h.store()).size(), 2u);
  EXPECT_TRUE(takeOrFail(groups::members(h.store(), "prod")).empty()) << "the group is free at the end";
}

TEST(CiConcurrency, CancelInProgressCancelsTheRunningHolder) {
  CiHarness h;
  int64_t r1 = h.start(groupPlan("deploy-${{ github.ref }}", true), {{"jobs", {{"deploy", {{"conclusion", "hang"}}}}}});
  h.drive([&] { return rtest::dispatches(h.store()).size() == 1; });
  int64_t r2 = h.start(groupPlan("deploy-${{ github.ref }}", true), json::object());
  h.drive();
  json d1 = h.document(r1);
  EXPECT_EQ(d1["conclusion"], "cancelled");
  EXPECT_EQ(entry(d1, "deploy")["reason"], "concurrency");
  EXPECT_EQ(h.document(r2)["conclusion"], "success");
}

TEST(CiConcurrency, JobLevelGroupsShareTheNamespaceWithWorkflowGroupsAndWakeThePendingJob) {
  CiHarness h;
  int64_t r1 = h.start(groupPlan("shared", false), {{"jobs", {{"deploy", {{"duration_ms", 5000}}}}}});
  h.drive([&] { return rtest::dispatches(h.store()).size() == 1; });
  int64_t r2 = h.start(groupPlan("", false, "SHARED"), json::object());
  h.drive([&] { return h.finished(r1); });
  h.drive();
  json d2 = h.document(r2);
  EXPECT_EQ(d2["conclusion"], "success") << d2.dump();
  EXPECT_EQ(rtest::dispatches(h.store()).size(), 2u);
}

TEST(CiConcurrency, JobLevelCancelInProgressCancelsTheRunningJobOfAnotherRun) {
  CiHarness h;
  int64_t r1 = h.start(groupPlan("", true, "db"), {{"jobs", {{"deploy", {{"conclusion", "hang"}}}}}});
  h.drive([&] { return rtest::dispatches(h.store()).size() == 1; });
  int64_t r2 = h.start(groupPlan("", true, "db"), json::object());
  h.drive();
  json d1 = h.document(r1);
  EXPECT_EQ(entry(d1, "deploy")["conclusion"], "cancelled");
  EXPECT_EQ(entry(d1, "deploy")["reason"], "concurrency");
  EXPECT_EQ(h.document(r2)["conclusion"], "success");
}

TEST(CiConcurrency, MatrixLegsInOneGroupRunOneAtATime) {
  CiHarness h;
  ojson p = plan(ojson::array({{{"id", "t"}, {"strategy", {{"matrix", {{"v", {1, 2}}}}}},
                                {"concurrency", {{"group", "one"}, {"queue", "max"}}}}}));
  json doc = h.run(p, {{"default", {{"duration_ms", 100}}}});
  EXPECT_EQ(conclusions(doc), (Conclusions{{"t (1)", "success"}, {"t (2)", "success"}}));
  auto d = rtest::dispatches(h.store());
  ASSERT_EQ(d.size(), 2u);
}
