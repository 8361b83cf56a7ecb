// Job DAG algorithms.
#include "ir/job_graph.h"

#include <gtest/gtest.h>

using ir::JobGraph;

// a <- b <- c, a <- c: c's need on a is implied through b.
TEST(JobGraph, OrderLevelsAndRedundantNeeds) {
  JobGraph g(3);
  g.addNeed(1, 0);
  g.addNeed(2, 1);
  g.addNeed(2, 0);
  EXPECT_EQ(g.topologicalOrder(), (std::vector<JobGraph::Node>{0, 1, 2}));
  EXPECT_EQ(g.levels(), (std::vector<uint32_t>{0, 1, 2}));
  auto red = g.redundantNeeds();
  EXPECT_TRUE(red[1].empty());
  EXPECT_EQ(red[2], (std::vector<JobGraph::Node>{0}));
  EXPECT_EQ(g.ancestors(2), (std::vector<JobGraph::Node>{0, 1}));
}

// The cycle is reported from the earliest job on it, whatever the entry point.
TEST(JobGraph, CycleStartsAtEarliestJob) {
  JobGraph g(4);
  g.addNeed(0, 3); // 0 needs 3, outside the cycle
  g.addNeed(3, 2);
  g.addNeed(2, 1);
  g.addNeed(1, 3);
  auto c = g.findCycle();
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, (std::vector<JobGraph::Node>{1, 3, 2}));
  EXPECT_TRUE(g.topologicalOrder().empty());
  JobGraph dag(2);
  dag.addNeed(1, 0);
  EXPECT_FALSE(dag.findCycle());
}

TEST(JobGraph, CriticalPathUsesWeights) {
  JobGraph g(4); // 0 -> 1 -> 3, 0 -> 2 -> 3
  g.addNeed(1, 0);
  g.addNeed(2, 0);
  g.addNeed(3, 1);
  g.addNeed(3, 2);
  double total = 0;
  auto p = g.criticalPath({1, 5, 2, 1}, &total);
  EXPECT_EQ(p, (std::vector<JobGraph::Node>{0, 1, 3}));
  EXPECT_EQ(total, 7);
}

// Reduction stays correct across the 4096-node chunk boundary.
TEST(JobGraph, RedundantNeedsAcrossChunks) {
  const size_t n = 5000;
  JobGraph g(n);
  for (JobGraph::Node i = 1; i < n; ++i)
    g.addNeed(i, i - 1);
  g.addNeed(n - 1, 0);    // implied by the chain
  g.addNeed(4500, 4100);  // implied
  auto red = g.redundantNeeds();
  EXPECT_EQ(red[n - 1], (std::vector<JobGraph::Node>{0}));
  EXPECT_EQ(red[4500], (std::vector<JobGraph::Node>{4100}));
  size_t count = 0;
  for (auto &r : red)
    count += r.size();
  EXPECT_EQ(count, 2u);
}
