// The workflow's job limit (`ci-exec run --jobs N`, `max_jobs` in the provider's
// configuration) on the CI orchestrator with the sim provider: at most N jobs at once,
// the others queued; needs, timeouts and cancellation still hold for queued jobs.
#include "ci_harness.h"

#include "runtime/scenario.h"

#include <algorithm>

using namespace runtime;
using rtest::CiHarness;
using rtest::Conclusions;
using rtest::conclusions;
using rtest::entry;
using rtest::ojson;
using rtest::plan;
using rtest::takeOrFail;

namespace {

struct Span {
  std::string instance;
  int64_t start = 0, end = 0;
};

/// Every dispatch of the sim provider: [dispatched, due) in virtual time.
std::vector<Span> spans(Store &store) {
  std::vector<Span> out;
  Statement &s = store.stmt("SELECT instance, dispatched_ms, due_ms FROM sim_jobs ORDER BY rowid");
  while (takeOrFail(s.step()))
    out.push_back({s.text(0), s.int64(1), s.int64(2)});
  s.reset();
  return out;
}

/// The most spans open at one instant.
int maxOverlap(const std::vector<Span> &all) {
  std::vector<std::pair<int64_t, int>> edges;
  for (const Span &s : all) {
    edges.push_back({s.start, +1});
    edges.push_back({s.end, -1});
  }
  std::sort(edges.begin(), edges.end()); // an end (-1) sorts before a start at the same time
  int open = 0, most = 0;
  for (auto &[t, d] : edges)
    most = std::max(most, open += d);
  return most;
}

const Span *spanOf(const std::vector<Span> &all, const std::string &instance) {
  for (const Span &s : all)
    if (s.instance == instance)
      return &s;
  return nullptr;
}

} // namespace

TEST(CiJobLimit, AtMostNJobsRunAtOnceTheOthersQueuedInOrder) {
  CiHarness h;
  ojson jobs = ojson::array();
  for (const char *id : {"a", "b", "c", "d", "e", "f"})
    jobs.push_back({{"id", id}});
  int64_t id = h.start(plan(jobs), {{"max_jobs", 2}, {"default", {{"duration_ms", 1000}}}});
  h.drive([&] { return rtest::wasDispatched(h.store(), "a"); });
  json doc = h.document(id);
  EXPECT_EQ(entry(doc, "c")["status"], "queued") << doc.dump(2);
  EXPECT_EQ(entry(doc, "f")["status"], "queued");
  h.drive([&] { return h.finished(id); });
  doc = h.document(id);
  EXPECT_EQ(doc["conclusion"], "success");
  std::vector<Span> all = spans(h.store());
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(maxOverlap(all), 2);
  std::vector<std::string> order;
  for (const Span &s : all)
    order.push_back(s.instance);
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "c", "d", "e", "f"}));
  EXPECT_EQ(spanOf(all, "f")->start - spanOf(all, "a")->start, 2000) << "three waves of two";
}

TEST(CiJobLimit, TheLimitCountsMatrixLegsAndMaxParallelStillApplies) {
  CiHarness h;
  json doc = h.run(plan(ojson::array({
                       {{"id", "test"}, {"strategy", {{"max_parallel", 2}, {"matrix", {{"v", {1, 2, 3, 4}}}}}}},
                       {{"id", "lint"}},
                       {{"id", "docs"}},
                   })),
                   {{"max_jobs", 3}, {"default", {{"duration_ms", 500}}}});
  EXPECT_EQ(doc["conclusion"], "success");
  std::vector<Span> all = spans(h.store());
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(maxOverlap(all), 3);
  std::vector<Span> legs;
  for (const Span &s : all)
    if (s.instance.rfind("test.", 0) == 0)
      legs.push_back(s);
  EXPECT_EQ(maxOverlap(legs), 2) << "max-parallel 2";
}

TEST(CiJobLimit, AQueuedJobWaitsForItsNeedsAndItsTimeoutStartsWhenItRuns) {
  // GitHub counts timeout-minutes from the job's start on a runner, not while it is queued.
  CiHarness h;
  json doc = h.run(plan(ojson::array({
                       {{"id", "long"}},
                       {{"id", "short"}, {"timeout_minutes", 1}},
                       {{"id", "after"}, {"needs", {"short"}}},
                       {{"id", "slow"}, {"timeout_minutes", 1}},
                   })),
                   {{"max_jobs", 1},
                    {"jobs", {{"long", {{"duration_ms", 90'000}}},
                              {"short", {{"duration_ms", 30'000}}},
                              {"slow", {{"conclusion", "hang"}}}}}});
  EXPECT_EQ(conclusions(doc), (Conclusions{{"long", "success"}, {"short", "success"}, {"after", "success"}, {"slow", "cancelled"}}));
  EXPECT_EQ(entry(doc, "slow")["reason"], "timeout");
  std::vector<Span> all = spans(h.store());
  EXPECT_EQ(maxOverlap(all), 1);
  ASSERT_NE(spanOf(all, "after"), nullptr);
  EXPECT_GE(spanOf(all, "after")->start, spanOf(all, "short")->end);
  ASSERT_NE(spanOf(all, "slow"), nullptr);
  EXPECT_EQ(spanOf(all, "slow")->start, spanOf(all, "short")->end) << "queued first, started first";
  EXPECT_EQ(spanOf(all, "after")->start, spanOf(all, "slow")->start + 60'000) << "after slow's timeout";
}

TEST(CiJobLimit, CancellingTheRunCancelsQueuedJobsWithoutStartingThemButAlwaysJobsRun) {
  CiHarness h;
  int64_t id = h.start(plan(ojson::array({
                           {{"id", "build"}},
                           {{"id", "lint"}},
                           {{"id", "docs"}},
                           {{"id", "report"}, {"if", "always()"}},
                       })),
                       {{"max_jobs", 1}, {"jobs", {{"build", {{"conclusion", "hang"}}}}}});
  h.drive([&] { return rtest::wasDispatched(h.store(), "build"); });
  ASSERT_TRUE(takeOrFail(requestCancel(h.store(), id, "", h.clock().now())));
  h.drive([&] { return h.finished(id); });
  json doc = h.document(id);
  EXPECT_EQ(doc["conclusion"], "cancelled");
  EXPECT_EQ(conclusions(doc), (Conclusions{{"build", "cancelled"}, {"lint", "cancelled"}, {"docs", "cancelled"}, {"report", "success"}}));
  EXPECT_FALSE(rtest::wasDispatched(h.store(), "lint"));
  EXPECT_FALSE(rtest::wasDispatched(h.store(), "docs"));
  EXPECT_EQ(rtest::cancelledAtProvider(h.store()), (std::vector<std::string>{"build"}));
}

TEST(CiJobLimit, CancellingOneQueuedJobLeavesTheOthersQueued) {
  CiHarness h;
  int64_t id = h.start(plan(ojson::array({{{"id", "a"}}, {{"id", "b"}}, {{"id", "c"}}})),
                       {{"max_jobs", 1}, {"default", {{"duration_ms", 1000}}}});
  h.drive([&] { return rtest::wasDispatched(h.store(), "a"); });
  ASSERT_TRUE(takeOrFail(requestCancel(h.store(), id, "b", h.clock().now())));
  h.drive([&] { return h.finished(id); });
  json doc = h.document(id);
  EXPECT_EQ(conclusions(doc), (Conclusions{{"a", "success"}, {"b", "cancelled"}, {"c", "success"}}));
  EXPECT_FALSE(rtest::wasDispatched(h.store(), "b"));
  EXPECT_EQ(maxOverlap(spans(h.store())), 1);
}

TEST(CiJobLimit, AScenarioRejectsALimitBelowOne) {
  llvm::Expected<Scenario> s = Scenario::parse(json{{"max_jobs", 0}});
  ASSERT_FALSE(static_cast<bool>(s));
  EXPECT_NE(llvm::toString(s.takeError()).find("max_jobs"), std::string::npos);
}
