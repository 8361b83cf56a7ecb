/// \file
/// The job DAG: jobs as nodes (indexed in file order), `needs` as edges from a
/// job to the jobs it needs. Provides the cycle check (a cycle is reported
/// once, as a path starting at the earliest job in the file), topological
/// order, levels, transitive reduction (which `needs` are implied by others)
/// and the critical path under per-job weights.
///
/// Every query is linear in jobs + edges except the transitive reduction,
/// which costs O(edges x jobs / 64) word operations in bounded memory.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace ir {

class JobGraph {
public:
  using Node = uint32_t;

  explicit JobGraph(size_t nodes = 0) : needs_(nodes), dependents_(nodes) {}

  size_t size() const { return needs_.size(); }
  Node addNode() {
    needs_.emplace_back();
    dependents_.emplace_back();
    return static_cast<Node>(needs_.size() - 1);
  }
  /// `job` needs `dep`. Duplicate edges are ignored.
  void addNeed(Node job, Node dep);

  const std::vector<Node> &needs(Node n) const { return needs_[n]; }
  const std::vector<Node> &dependents(Node n) const { return dependents_[n]; }
  size_t edgeCount() const;

  /// A cycle as the list of nodes along it, starting at the smallest index
  /// that lies on any cycle, each needing the next and the last needing the
  /// first; nullopt for a DAG.
  std::optional<std::vector<Node>> findCycle() const;

  /// Nodes ordered so that every job comes after the jobs it needs; ties are
  /// broken by file order. Empty if the graph has a cycle.
  std::vector<Node> topologicalOrder() const;

  /// Level of each node: 0 for jobs without needs, else 1 + the maximum level
  /// of its needs. Requires a DAG.
  std::vector<uint32_t> levels() const;

  /// For each node, the needs that are implied by its other needs (redundant
  /// edges of the transitive reduction), in the node's needs order. Requires a DAG.
  std::vector<std::vector<Node>> redundantNeeds() const;

  /// The heaviest path through the DAG under `weight` per node, from a root to
  /// a sink, and its total weight. Requires a DAG.
  std::vector<Node> criticalPath(const std::vector<double> &weight, double *total = nullptr) const;

  /// Nodes reachable from `n` by following needs (its ancestors), excluding n.
  std::vector<Node> ancestors(Node n) const;

private:
  std::vector<std::vector<Node>> needs_;
  std::vector<std::vector<Node>> dependents_;
};

} // namespace ir
