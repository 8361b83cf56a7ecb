// Job graph emission through Graphviz cgraph (DOT) and gvc (SVG/PNG).
#include "backend/graph_dot.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include "passes/const_eval.h"

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <set>

namespace backend {

namespace {

/// runs-on as shown on a node: labels joined, a group prefixed; evaluated with
/// the leg's matrix when it reads `matrix`.
std::string runsOnText(const ir::Job &j, const ir::Value *matrix) {
  if (j.kind == ir::JobKind::ReusableCall || !j.runsOn)
    return "";
  if (matrix && j.runsOn->isExpression()) {
    passes::KnownContexts k;
    k.set("matrix", *matrix, true);
    if (auto v = passes::evaluateClosed(*j.runsOn, k)) {
      if (v->isString())
        return v->getString().str();
      if (v->isArray()) {
        std::string out;
        for (const ir::Value &e : v->getArray())
          out += (out.empty() ? "" : ", ") + e.toString();
        return out;
      }
    }
  }
  std::string runsOn;
  for (const std::string &l : j.runsOnLabels())
    runsOn += (runsOn.empty() ? "" : ", ") + l;
  std::string group = j.runsOnGroup();
  if (!group.empty())
    runsOn = "group " + group + (runsOn.empty() ? "" : ": " + runsOn);
  return runsOn;
}

std::string withLine(std::string label, const std::string &line) {
  if (!line.empty())
    label += "\n" + line;
  return label;
}

} // namespace

GraphModel graphFromPlan(const ir::PlanWorkflow &w, const PlanGraphOptions &opts) {
  GraphModel g;
  g.name = w.name;
  std::map<std::string, size_t> byId;
  std::set<std::string> callsWithMembers;
  for (size_t i = 0; i < w.jobs.size(); ++i) {
    byId[w.jobs[i].id] = i;
    if (!w.jobs[i].call.empty())
      callsWithMembers.insert(w.jobs[i].call);
  }
  std::map<std::string, size_t> onPath;
  if (opts.criticalPath)
    for (size_t i = 0; i < w.criticalPath.size(); ++i)
      onPath[w.criticalPath[i]] = i;
  auto clusterId = [&](const ir::PlanJob &j) -> std::string {
    if (!j.uses.empty())
      return callsWithMembers.count(j.id) ? "call:" + j.id : "";
    return j.instances.size() > 1 ? "job:" + j.id : "";
  };
  std::map<std::string, std::string> rep; // job id -> node representing it
  // Members come after their call, so a call's representative is filled later.
  for (const ir::PlanJob &j : w.jobs) {
    bool hot = onPath.count(j.id) > 0;
    std::string parent = j.call.empty() ? "" : "call:" + j.call;
    std::string cluster = clusterId(j);
    std::string tooltip = j.condition == "success()" ? "" : "if: " + j.condition;
    if (j.neverRuns)
      tooltip = "never runs: " + j.neverRunsReason;
    if (!cluster.empty()) {
      GraphCluster c{cluster, j.name, parent, hot, j.neverRuns};
      if (!j.uses.empty())
        c.label = withLine(j.name, "uses " + j.uses);
      else if (!j.namePrefix.empty())
        c.label = j.namePrefix + j.name;
      g.clusters.push_back(std::move(c));
    }
    if (!j.uses.empty()) {
      if (cluster.empty()) {
        GraphNode n{j.id, withLine(j.name, "uses " + j.uses), parent, tooltip, hot, j.neverRuns};
        if (j.calleePath.empty())
          n.label = withLine(n.label, "(not loaded)");
        rep[j.id] = j.id;
        g.nodes.push_back(std::move(n));
      }
      continue;
    }
    const ir::Job *src = j.source;
    if (j.instances.size() > 1) {
      for (const ir::PlanInstance &inst : j.instances)
        g.nodes.push_back({inst.id, withLine(inst.name, src ? runsOnText(*src, &inst.matrix) : ""),
                           cluster, tooltip, hot, j.neverRuns});
      rep[j.id] = j.instances.front().id;
    } else {
      std::string label = j.instances.empty() ? j.namePrefix + j.name : j.instances.front().name;
      if (j.strategy && j.strategy->dynamic())
        label = withLine(label, "(matrix at run time)");
      g.nodes.push_back({j.id, withLine(label, src ? runsOnText(*src, nullptr) : ""), parent,
                         tooltip, hot, j.neverRuns});
      rep[j.id] = j.id;
    }
    // The first member's node stands for each enclosing call that has none yet.
    for (std::string c = j.call; !c.empty();) {
      if (!rep.count(c))
        rep[c] = rep[j.id];
      auto it = byId.find(c);
      c = it == byId.end() ? "" : w.jobs[it->second].call;
    }
  }
  for (const ir::PlanJob &j : w.jobs)
    for (const std::string &n : j.needs) {
      auto from = rep.find(n), to = rep.find(j.id);
      auto need = byId.find(n);
      if (from == rep.end() || to == rep.end() || need == byId.end())
        continue;
      GraphEdge e{from->second, to->second, false, false, clusterId(w.jobs[need->second]),
                  clusterId(j)};
      e.redundant = std::find(j.redundantNeeds.begin(), j.redundantNeeds.end(), n) !=
                    j.redundantNeeds.end();
      auto a = onPath.find(n), b = onPath.find(j.id);
      e.highlighted = a != onPath.end() && b != onPath.end() && b->second > a->second;
      g.edges.push_back(std::move(e));
    }
  return g;
}

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
        g.edges.push_back({from->id.value, j.id.value, false, false, "", ""});
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
  if (!m.clusters.empty())
    set(g.get(), "compound", "true");
  std::map<std::string, Agraph_t *> clusters;
  std::map<std::string, const GraphCluster *> byId;
  for (const GraphCluster &c : m.clusters)
    byId[c.id] = &c;
  std::function<Agraph_t *(const std::string &)> cluster = [&](const std::string &id) -> Agraph_t * {
    if (auto it = clusters.find(id); it != clusters.end())
      return it->second;
    auto it = byId.find(id);
    if (it == byId.end())
      return nullptr;
    const GraphCluster &c = *it->second;
    Agraph_t *parent = c.parent.empty() ? g.get() : cluster(c.parent);
    if (!parent)
      parent = g.get();
    Agraph_t *sg = agsubg(parent, const_cast<char *>(("cluster_" + c.id).c_str()), 1);
    std::string label;
    for (char ch : c.label)
      label += ch == '\n' ? std::string("\\n") : std::string(1, ch);
    set(sg, "label", label);
    set(sg, "style", c.dimmed ? "rounded,dashed" : "rounded");
    if (c.highlighted) {
      set(sg, "color", "red");
      set(sg, "penwidth", "2");
    }
    return clusters[id] = sg;
  };
  for (const GraphCluster &c : m.clusters)
    cluster(c.id);
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
    } else if (e.redundant) {
      set(ae, "style", "dashed");
      set(ae, "color", "gray");
    }
    if (!e.fromCluster.empty() && clusters.count(e.fromCluster))
      set(ae, "ltail", "cluster_" + e.fromCluster);
    if (!e.toCluster.empty() && clusters.count(e.toCluster))
      set(ae, "lhead", "cluster_" + e.toCluster);
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
