// Job DAG algorithms: cycles, order, levels, transitive reduction, critical path.
#include "ir/job_graph.h"

#include <algorithm>
#include <cassert>
#include <queue>

namespace ir {

void JobGraph::addNeed(Node job, Node dep) {
  assert(job < size() && dep < size());
  auto &n = needs_[job];
  if (std::find(n.begin(), n.end(), dep) != n.end())
    return;
  n.push_back(dep);
  dependents_[dep].push_back(job);
}

size_t JobGraph::edgeCount() const {
  size_t e = 0;
  for (const auto &n : needs_)
    e += n.size();
  return e;
}

std::optional<std::vector<JobGraph::Node>> JobGraph::findCycle() const {
  // Iterative DFS with colours; start from nodes in file order so the cycle
  // found first contains the earliest node that lies on a cycle reachable
  // from it, then rotate to start at the smallest index on the cycle.
  const size_t n = size();
  std::vector<uint8_t> colour(n, 0); // 0 white, 1 on stack, 2 done
  std::vector<Node> stack;
  std::vector<size_t> next(n, 0);
  std::optional<std::vector<Node>> best;
  for (Node root = 0; root < n; ++root) {
    if (colour[root] != 0)
      continue;
    stack.push_back(root);
    colour[root] = 1;
    while (!stack.empty()) {
      Node u = stack.back();
      if (next[u] < needs_[u].size()) {
        Node v = needs_[u][next[u]++];
        if (colour[v] == 0) {
          colour[v] = 1;
          stack.push_back(v);
        } else if (colour[v] == 1) {
          auto it = std::find(stack.begin(), stack.end(), v);
          std::vector<Node> cycle(it, stack.end());
          auto minIt = std::min_element(cycle.begin(), cycle.end());
          std::rotate(cycle.begin(), minIt, cycle.end());
          if (!best || cycle.front() < best->front())
            best = std::move(cycle);
        }
      } else {
        colour[u] = 2;
        stack.pop_back();
      }
    }
    if (best && best->front() <= root)
      return best;
  }
  return best;
}

std::vector<JobGraph::Node> JobGraph::topologicalOrder() const {
  const size_t n = size();
  std::vector<uint32_t> pending(n);
  std::priority_queue<Node, std::vector<Node>, std::greater<Node>> ready;
  for (Node i = 0; i < n; ++i) {
    pending[i] = static_cast<uint32_t>(needs_[i].size());
    if (pending[i] == 0)
      ready.push(i);
  }
  std::vector<Node> order;
  order.reserve(n);
  while (!ready.empty()) {
    Node u = ready.top();
    ready.pop();
    order.push_back(u);
    for (Node d : dependents_[u])
      if (--pending[d] == 0)
        ready.push(d);
  }
  if (order.size() != n)
    return {};
  return order;
}

std::vector<uint32_t> JobGraph::levels() const {
  std::vector<uint32_t> level(size(), 0);
  for (Node u : topologicalOrder())
    for (Node d : needs_[u])
      level[u] = std::max(level[u], level[d] + 1);
  return level;
}

std::vector<std::vector<JobGraph::Node>> JobGraph::redundantNeeds() const {
  const size_t n = size();
  std::vector<std::vector<Node>> out(n);
  std::vector<Node> order = topologicalOrder();
  if (order.size() != n || n == 0)
    return out;
  // A need v of u is redundant when v is a strict ancestor of another need of
  // u. Ancestor sets are bitsets over topological positions, built in chunks
  // of 4096 positions so memory stays at n * 512 bytes. A node before a chunk
  // in the order has no ancestor inside it, so each chunk starts at its first
  // position: n^2/2 bit-row operations over all chunks instead of n^2 (the
  // cost is O(n * (n + e) / 64) words; the only part of the pipeline that is
  // not linear).
  std::vector<uint32_t> pos(n);
  for (size_t p = 0; p < n; ++p)
    pos[order[p]] = uint32_t(p);
  constexpr size_t kChunkBits = 4096, kWords = kChunkBits / 64;
  std::vector<uint64_t> reach(n * kWords); // strict ancestors of each node, this chunk
  std::vector<uint64_t> implied(kWords);
  std::vector<std::vector<bool>> redundant(n);
  for (Node u = 0; u < n; ++u)
    redundant[u].assign(needs_[u].size(), false);
  auto inChunk = [&](Node v, size_t base) { return pos[v] >= base && pos[v] < base + kChunkBits; };
  for (size_t base = 0; base < n; base += kChunkBits) {
    std::fill(reach.begin(), reach.end(), 0);
    for (size_t p = base; p < n; ++p) {
      Node u = order[p];
      uint64_t *ru = &reach[size_t(u) * kWords];
      std::fill(implied.begin(), implied.end(), 0);
      for (Node w : needs_[u]) {
        if (pos[w] < base)
          continue; // no ancestor in this chunk
        const uint64_t *rw = &reach[size_t(w) * kWords];
        for (size_t k = 0; k < kWords; ++k) {
          implied[k] |= rw[k];
          ru[k] |= rw[k];
        }
        if (inChunk(w, base))
          ru[(pos[w] - base) / 64] |= uint64_t(1) << ((pos[w] - base) % 64);
      }
      const auto &nu = needs_[u];
      for (size_t i = 0; i < nu.size(); ++i) {
        Node v = nu[i];
        if (inChunk(v, base) && (implied[(pos[v] - base) / 64] >> ((pos[v] - base) % 64) & 1))
          redundant[u][i] = true;
      }
    }
  }
  for (Node u = 0; u < n; ++u)
    for (size_t i = 0; i < needs_[u].size(); ++i)
      if (redundant[u][i])
        out[u].push_back(needs_[u][i]);
  return out;
}

std::vector<JobGraph::Node> JobGraph::criticalPath(const std::vector<double> &weight,
                                                   double *total) const {
  const size_t n = size();
  std::vector<double> best(n, 0);
  std::vector<int64_t> prev(n, -1);
  std::vector<Node> order = topologicalOrder();
  for (Node u : order) {
    double w = u < weight.size() ? weight[u] : 0;
    best[u] = w;
    for (Node d : needs_[u])
      if (best[d] + w > best[u] || (prev[u] < 0 && best[d] + w >= best[u])) {
        best[u] = best[d] + w;
        prev[u] = d;
      }
  }
  if (order.empty()) {
    if (total)
      *total = 0;
    return {};
  }
  Node end = order.front();
  for (Node u : order)
    if (best[u] > best[end])
      end = u;
  std::vector<Node> path;
  for (int64_t u = end; u >= 0; u = prev[u])
    path.push_back(static_cast<Node>(u));
  std::reverse(path.begin(), path.end());
  if (total)
    *total = best[end];
  return path;
}

std::vector<JobGraph::Node> JobGraph::ancestors(Node n) const {
  std::vector<bool> seen(size(), false);
  std::vector<Node> out, stack(needs_[n].begin(), needs_[n].end());
  while (!stack.empty()) {
    Node u = stack.back();
    stack.pop_back();
    if (seen[u])
      continue;
    seen[u] = true;
    out.push_back(u);
    for (Node d : needs_[u])
      stack.push_back(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace ir
