/// \file
/// The job graph as DOT, SVG or PNG (`ci-compile --emit=dot|svg|png`), built
/// with Graphviz's cgraph and rendered through gvc.
///
/// Emission goes through a small GraphModel (nodes, edges, clusters) so that
/// passes can enrich it without touching the emitter: matrix instances become
/// nodes inside a cluster per job, reusable-workflow calls clusters of their
/// callee's jobs, and a critical path is a set of highlighted nodes/edges.
#pragma once

#include "ir/plan.h"
#include "ir/workflow.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace backend {

struct GraphNode {
  std::string id;      ///< unique node id (job id, or matrix instance id)
  std::string label;   ///< text shown (name and runs-on, one per line)
  std::string cluster; ///< cluster id this node belongs to ("" for none)
  std::string tooltip;
  bool highlighted = false; ///< e.g. on the critical path
  bool dimmed = false;      ///< e.g. a job that can never run
};

struct GraphEdge {
  std::string from, to; ///< node ids; `from` must finish before `to`
  bool highlighted = false;
  bool redundant = false; ///< implied by other edges (transitive reduction): drawn dashed
  /// Clusters the edge is clipped at (Graphviz ltail/lhead): an edge between
  /// two matrix jobs is drawn once, from cluster to cluster.
  std::string fromCluster, toCluster;
};

struct GraphCluster {
  std::string id;
  std::string label;
  std::string parent; ///< enclosing cluster ("" = top level)
  bool highlighted = false;
  bool dimmed = false;
};

struct GraphModel {
  std::string name; ///< graph title (the workflow's name or file)
  std::vector<GraphNode> nodes;
  std::vector<GraphEdge> edges;
  std::vector<GraphCluster> clusters;
};

/// One node per job ("name\nruns-on"), one edge per `needs` entry (needs
/// naming unknown jobs are skipped).
GraphModel graphFromWorkflow(const ir::Workflow &wf);

struct PlanGraphOptions {
  bool criticalPath = false; ///< highlight the plan's critical path
};

/// The resolved plan: matrix jobs as a cluster of their instances, reusable
/// calls as a cluster of their members (nested calls nested), symbolic calls
/// as one node, jobs that can never run dimmed, and optionally the critical
/// path highlighted. One edge per `needs` entry, clipped at clusters.
GraphModel graphFromPlan(const ir::PlanWorkflow &w, const PlanGraphOptions &opts = {});

/// DOT text of the model (no layout), deterministic.
std::string renderDot(const GraphModel &g);
/// The laid-out graph in a Graphviz output format ("svg", "png", ...).
llvm::Expected<std::string> renderImage(const GraphModel &g, llvm::StringRef format);

} // namespace backend
