/// \file
/// `ci-exec report RUN -o report.html`: one self-contained HTML page about a run
/// (inline CSS and SVG, no script, nothing fetched from the network).
///
/// The page holds, per workflow, the job graph (an SVG laid out by Graphviz, each
/// job coloured by its conclusion), a Gantt-style timeline of the job instances
/// (bars from dispatch to completion on a common time axis), then one box per job
/// (`<section class="job-box">`) with its conclusion, duration, needs, outputs,
/// annotations and steps, each step's log in a `<details>` element (groups as
/// nested `<details>`). Text comes from the store and the logs as the provider
/// wrote them, already masked; everything is HTML-escaped.
///
/// The graph is drawn by a `GraphSvgRenderer` the caller supplies (ci-exec passes
/// one built on backend/graph_dot.h), which keeps this library free of Graphviz.
#pragma once

#include "runtime/exec_commands.h"
#include "runtime/run_view.h"

#include <functional>

namespace runtime {

/// The job graph of one workflow run, for the renderer.
struct ReportGraph {
  struct Node {
    std::string id;      ///< unique node id (the instance id)
    std::string label;   ///< the job's display name
    std::string state;   ///< "success", "failure", ..., "pending"
    std::string cluster; ///< plan job id when the job has several instances, else ""
  };
  struct Edge {
    std::string from, to;               ///< node ids
    std::string fromCluster, toCluster; ///< clusters the edge is clipped at ("" = none)
  };
  std::string name;
  std::vector<Node> nodes;
  std::vector<Edge> edges;
  std::vector<std::pair<std::string, std::string>> clusters; ///< (id, label)
};

/// SVG text for a graph (an error when it cannot be laid out).
using GraphSvgRenderer = std::function<llvm::Expected<std::string>(const ReportGraph &)>;

struct ReportOptions {
  GraphSvgRenderer graph;                 ///< null: the page has no graph
  size_t maxLogBytes = 512 * 1024;        ///< per step; longer logs keep their end
};

/// The graph of workflow `w` of `view`: one node per job instance, edges from needs.
ReportGraph reportGraphOf(const RunView &view, const WorkflowView &w);

/// Adds `class="node job-STATE"` and `data-job="ID"` to every node group of a
/// Graphviz SVG whose title is a node id of `g`, so the page's CSS colours them.
std::string classifySvgNodes(const std::string &svg, const ReportGraph &g);

/// The HTML page.
std::string renderRunReport(const RunView &view, const ReportOptions &options);

struct ReportCommand {
  std::string store;
  std::string run;
  std::string output; ///< "" or "-": standard output
};
/// `ci-exec report RUN -o FILE`.
CommandResult runReportCommand(const ReportCommand &cmd, const ReportOptions &options);

/// Escapes &, <, >, " and '.
std::string htmlEscape(const std::string &text);

} // namespace runtime
