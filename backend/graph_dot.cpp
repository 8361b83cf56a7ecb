// Job graph emission through Graphviz cgraph (DOT) and gvc (SVG/PNG).
#include "backend/graph_dot.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <cstdio>
#include <map>
#include <memory>

namespace backend {

GraphModel graphFromWorkflow(const ir::Workflow &wf) {
  GraphModel g;
  g.name = wf.name && !wf.name->raw.empty() ? wf.name->raw : wf.file;
  for (const ir::Job &j : wf.jobs) {
    GraphNode n;
    n.id = j.id.value;
    n.label = j.displayName();
    if (j.kind == ir::JobKind::ReusableCall && j.uses) {
      n.label += "\nuses " + j.uses->value;
    } else {
      std::string runsOn;
      for (const std::string &l : j.runsOnLabels())
        runsOn += (runsOn.empty() ? "" : ", ") + l;
      std::string group = j.runsOnGroup();
      if (!group.empty())
        runsOn = "group " + group + (runsOn.empty() ? "" : ": " + runsOn);
      if (!runsOn.empty())
        n.label += "\n" + runsOn;
    }
    if (j.condition && !j.condition->raw.empty())
      n.tooltip = "if: " + j.condition->raw;
    g.nodes.push_back(std::move(n));
  }
  for (const ir::Job &j : wf.jobs)
    for (const ir::LocatedString &need : j.needs)
      if (const ir::Job *from = wf.findJob(need.value))
        g.edges.push_back({from->id.value, j.id.value, false});
  return g;
}

namespace {

struct GraphDeleter {
  void operator()(Agraph_t *g) const { agclose(g); }
};

void set(void *obj, const char *attr, const std::string &value) {
  agsafeset(obj, const_cast<char *>(attr), const_cast<char *>(value.c_str()),
            const_cast<char *>(""));
}

std::unique_ptr<Agraph_t, GraphDeleter> buildGraph(const GraphModel &m) {
  std::unique_ptr<Agraph_t, GraphDeleter> g(
      agopen(const_cast<char *>("jobs"), Agdirected, nullptr));
  set(g.get(), "label", m.name);
  set(g.get(), "labelloc", "t");
  set(g.get(), "rankdir", "LR");
  set(g.get(), "fontname", "Helvetica");
  std::map<std::string, Agraph_t *> clusters;
  for (const GraphCluster &c : m.clusters) {
    Agraph_t *sg = agsubg(g.get(), const_cast<char *>(("cluster_" + c.id).c_str()), 1);
    set(sg, "label", c.label);
    set(sg, "style", "rounded");
    clusters[c.id] = sg;
  }
  std::map<std::string, Agnode_t *> nodes;
  for (const GraphNode &n : m.nodes) {
    Agraph_t *parent = g.get();
    if (!n.cluster.empty() && clusters.count(n.cluster))
      parent = clusters[n.cluster];
    Agnode_t *an = agnode(parent, const_cast<char *>(n.id.c_str()), 1);
    std::string label;
    for (char ch : n.label)
      label += ch == '\n' ? std::string("\\n") : std::string(1, ch);
    set(an, "label", label);
    set(an, "shape", "box");
    set(an, "style", n.dimmed ? "rounded,dashed" : "rounded");
    set(an, "fontname", "Helvetica");
    if (!n.tooltip.empty())
      set(an, "tooltip", n.tooltip);
    if (n.highlighted) {
      set(an, "color", "red");
      set(an, "penwidth", "2");
    }
    nodes[n.id] = an;
  }
  for (const GraphEdge &e : m.edges) {
    auto f = nodes.find(e.from), t = nodes.find(e.to);
    if (f == nodes.end() || t == nodes.end())
      continue;
    Agedge_t *ae = agedge(g.get(), f->second, t->second, nullptr, 1);
    if (e.highlighted) {
      set(ae, "color", "red");
      set(ae, "penwidth", "2");
    }
  }
  return g;
}

} // namespace

std::string renderDot(const GraphModel &m) {
  auto g = buildGraph(m);
  char *buf = nullptr;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f)
    return "";
  agwrite(g.get(), f);
  std::fclose(f);
  std::string out(buf, len);
  std::free(buf);
  return out;
}

llvm::Expected<std::string> renderImage(const GraphModel &m, llvm::StringRef format) {
  auto g = buildGraph(m);
  GVC_t *gvc = gvContext();
  if (!gvc)
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "graphviz: no context");
  std::string out;
  int rc = gvLayout(gvc, g.get(), "dot");
  if (rc == 0) {
    char *data = nullptr;
    unsigned int len = 0;
    rc = gvRenderData(gvc, g.get(), format.str().c_str(), &data, &len);
    if (rc == 0 && data)
      out.assign(data, len);
    gvFreeRenderData(data);
    gvFreeLayout(gvc, g.get());
  }
  gvFreeContext(gvc);
  if (rc != 0)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "graphviz could not render format '%s'", format.str().c_str());
  return out;
}

} // namespace backend
