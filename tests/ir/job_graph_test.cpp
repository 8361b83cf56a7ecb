// Job DAG algorithms.
#include "ir/job_graph.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

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

// Random DAGs whose file order is not a topological order, across chunk
// boundaries: the redundant needs are exactly those a search from the node's
// other needs reaches.
TEST(JobGraph, RedundantNeedsMatchASearch) {
  std::mt19937 rng(7);
  for (size_t n : {50u, 700u, 9000u}) {
    // Node k of the hidden order is file node perm[k]; needs point backwards in it.
    std::vector<JobGraph::Node> perm(n);
    for (size_t i = 0; i < n; ++i)
      perm[i] = JobGraph::Node(i);
    std::shuffle(perm.begin(), perm.end(), rng);
    JobGraph g(n);
    std::vector<std::vector<JobGraph::Node>> needs(n);
    for (size_t k = 1; k < n; ++k) {
      size_t count = 1 + rng() % 3;
      for (size_t c = 0; c < count; ++c) {
        size_t back = rng() % 3 == 0 ? rng() % k : rng() % std::min<size_t>(k, 20);
        JobGraph::Node d = perm[k - 1 - back];
        if (std::find(needs[perm[k]].begin(), needs[perm[k]].end(), d) != needs[perm[k]].end())
          continue;
        needs[perm[k]].push_back(d);
        g.addNeed(perm[k], d);
      }
    }
    auto red = g.redundantNeeds();
    // Reference: v is redundant for u when a search from u's other needs reaches v.
    size_t checked = 0;
    for (size_t u = 0; u < n; ++u) {
      if (n > 1000 && u % 37)
        continue; // a sample of the large graph keeps the search cheap
      std::vector<JobGraph::Node> expected;
      for (JobGraph::Node v : needs[u]) {
        std::vector<char> seen(n, 0);
        std::vector<JobGraph::Node> stack;
        for (JobGraph::Node w : needs[u])
          if (w != v)
            stack.push_back(w);
        bool found = false;
        while (!stack.empty() && !found) {
          JobGraph::Node x = stack.back();
          stack.pop_back();
          for (JobGraph::Node y : needs[x]) {
            if (y == v)
              found = true;
            if (!seen[y]) {
              seen[y] = 1;
              stack.push_back(y);
            }
          }
        }
        if (found)
          expected.push_back(v);
      }
      EXPECT_EQ(red[u], expected) << "n=" << n << " node " << u;
      ++checked;
    }
    EXPECT_GT(checked, 0u);
  }
}
