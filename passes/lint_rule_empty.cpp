// Rule `empty-value`: sections and strings that are written but empty.
//
// An empty list under a filter, `types`, `schedule`, `needs`, `runs-on`, a
// matrix row, `include`/`exclude`, or an empty string for an image, port or
// label is almost always a mistake (a variable that expanded to nothing, a
// half-deleted list); GitHub either rejects it or silently ignores the section.
#include "passes/lint_rule.h"

namespace passes {

namespace {

using frontend::YamlNode;

bool emptyString(const YamlNode *n) {
  return n && n->isScalar() && n->type == frontend::ScalarType::String && n->value.empty();
}

class EmptyValueRule final : public LintRule {
public:
  llvm::StringRef name() const override { return "empty-value"; }

  void visitWorkflowPre(const YamlWorkflowView &w, LintContext &ctx) override {
    if (!w.on || !w.on->isMapping())
      return;
    for (const auto &ev : w.on->entries) {
      if (!ev.key->isScalar())
        continue;
      if (ev.key->value == "schedule") {
        seq(ev.value, "\"schedule\" section", ctx);
        continue;
      }
      if (!ev.value->isMapping())
        continue;
      for (const auto &e : ev.value->entries) {
        llvm::StringRef k = e.key->isScalar() ? e.key->value : "";
        static const llvm::StringRef lists[] = {"types",    "branches",       "branches-ignore",
                                                "tags",     "tags-ignore",    "paths",
                                                "paths-ignore", "workflows",  "names",
                                                "versions"};
        if (llvm::is_contained(lists, k))
          seq(e.value, "\"" + k.str() + "\" section", ctx);
        if (k == "inputs" && e.value->isMapping())
          for (const auto &in : e.value->entries)
            if (in.value->isMapping())
              if (const YamlNode *opts = in.value->get("options")) {
                seq(opts, "\"options\" section", ctx);
                if (opts->isSequence())
                  for (const YamlNode *o : opts->items)
                    str(o, ctx);
              }
      }
    }
  }

  void visitJobPre(const YamlJobView &job, LintContext &ctx) override {
    if (!job.key)
      return;
    if (job.runsOn) {
      if (job.runsOn->isNull() || job.runsOn->isSequence())
        seq(job.runsOn, "\"runs-on\" section", ctx, /*nullIsEmpty=*/true);
      str(job.runsOn, ctx);
      if (job.runsOn->isSequence())
        for (const YamlNode *l : job.runsOn->items)
          str(l, ctx);
      if (job.runsOn->isMapping())
        if (const YamlNode *labels = job.runsOn->get("labels")) {
          seq(labels, "\"labels\" section", ctx);
          str(labels, ctx);
        }
    }
    if (job.node && job.node->isMapping())
      if (const YamlNode *needs = job.node->get("needs"))
        seq(needs, "\"needs\" section", ctx);
    if (job.matrix && job.matrix->isMapping())
      for (const auto &e : job.matrix->entries) {
        llvm::StringRef k = e.key->isScalar() ? e.key->value : "";
        seq(e.value, k == "include" || k == "exclude" ? "\"" + k.str() + "\" section"
                                                      : std::string("\"matrix values\" section"),
            ctx);
      }
    container(job.container, ctx);
    if (job.services && job.services->isMapping())
      for (const auto &s : job.services->entries)
        container(s.value, ctx);
  }

private:
  static void seq(const YamlNode *n, const std::string &what, LintContext &ctx,
                  bool nullIsEmpty = false) {
    if (n && ((n->isSequence() && n->items.empty()) || (nullIsEmpty && n->isNull())))
      ctx.report(ir::DiagKind::LintEmptySection, n->range, what);
  }
  static void str(const YamlNode *n, LintContext &ctx) {
    if (emptyString(n))
      ctx.report(ir::DiagKind::LintEmptySection, n->range, "string");
  }
  static void container(const YamlNode *c, LintContext &ctx) {
    if (!c || !c->isMapping())
      return;
    str(c->get("image"), ctx);
    for (const char *k : {"ports", "volumes"})
      if (const YamlNode *l = c->get(k); l && l->isSequence())
        for (const YamlNode *i : l->items)
          str(i, ctx);
  }
};

} // namespace

std::unique_ptr<LintRule> createEmptyValueRule() { return std::make_unique<EmptyValueRule>(); }

} // namespace passes
