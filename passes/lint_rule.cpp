// Lint rule plumbing: the YAML views rules visit and the visiting walk.
#include "passes/lint_rule.h"

#include "frontend/yaml_reader.h"

namespace passes {

using frontend::YamlNode;

LintRule::~LintRule() = default;

ir::SourceRange LintContext::valueRange(const YamlNode &node, size_t offset, size_t len) const {
  return frontend::scalarValueRange(sm, node, offset, len);
}

static const YamlNode *mapGet(const YamlNode *n, llvm::StringRef key) {
  return n && n->isMapping() ? n->get(key) : nullptr;
}

static const YamlNode *defaultShellOf(const YamlNode *owner) {
  return mapGet(mapGet(mapGet(owner, "defaults"), "run"), "shell");
}

static void addSteps(YamlJobView &job, const YamlNode *steps) {
  if (!steps || !steps->isSequence())
    return;
  for (size_t i = 0; i < steps->items.size(); ++i) {
    const YamlNode *s = steps->items[i];
    if (!s->isMapping())
      continue;
    YamlStepView v;
    v.node = s;
    v.index = i;
    v.run = s->getEntry("run");
    v.uses = s->get("uses");
    v.shell = s->get("shell");
    v.with = s->get("with");
    v.env = s->get("env");
    v.id = s->get("id");
    job.steps.push_back(v);
  }
}

YamlWorkflowView buildYamlView(const YamlNode *root, LintFileKind kind) {
  YamlWorkflowView view;
  view.kind = kind;
  view.root = root;
  if (!root || !root->isMapping())
    return view;
  if (kind == LintFileKind::Action) {
    const YamlNode *runs = root->get("runs");
    if (runs && runs->isMapping()) {
      YamlJobView job;
      job.node = runs;
      addSteps(job, runs->get("steps"));
      view.jobs.push_back(std::move(job));
    }
    return view;
  }
  view.on = root->get("on");
  view.env = root->get("env");
  view.defaultShell = defaultShellOf(root);
  const YamlNode *jobs = root->get("jobs");
  if (!jobs || !jobs->isMapping())
    return view;
  for (const auto &e : jobs->entries) {
    if (!e.key->isScalar() || !e.value->isMapping())
      continue;
    YamlJobView job;
    job.key = e.key;
    job.node = e.value;
    job.runsOn = e.value->get("runs-on");
    job.strategy = e.value->get("strategy");
    job.matrix = mapGet(job.strategy, "matrix");
    job.container = e.value->get("container");
    job.services = e.value->get("services");
    job.env = e.value->get("env");
    job.defaultShell = defaultShellOf(e.value);
    addSteps(job, e.value->get("steps"));
    view.jobs.push_back(std::move(job));
  }
  return view;
}

void runLintRules(const YamlWorkflowView &view, llvm::ArrayRef<LintRule *> rules,
                  LintContext &ctx) {
  for (LintRule *r : rules)
    r->visitWorkflowPre(view, ctx);
  for (const YamlJobView &job : view.jobs) {
    for (LintRule *r : rules)
      r->visitJobPre(job, ctx);
    for (const YamlStepView &step : job.steps)
      for (LintRule *r : rules)
        r->visitStep(job, step, ctx);
    for (LintRule *r : rules)
      r->visitJobPost(job, ctx);
  }
  for (LintRule *r : rules)
    r->visitWorkflowPost(view, ctx);
}

} // namespace passes
