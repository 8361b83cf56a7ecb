// Rule `glob`: glob syntax of branch, tag and path filters under `on:`.
#include "passes/lint_glob.h"
#include "passes/lint_rule.h"

namespace passes {

namespace {

using frontend::YamlNode;

class GlobRule final : public LintRule {
public:
  llvm::StringRef name() const override { return "glob"; }

  void visitWorkflowPre(const YamlWorkflowView &w, LintContext &ctx) override {
    if (!w.on || !w.on->isMapping())
      return;
    for (const auto &ev : w.on->entries) {
      if (!ev.value->isMapping())
        continue;
      for (const auto &f : ev.value->entries) {
        llvm::StringRef key = f.key->value;
        bool ref = key == "branches" || key == "branches-ignore" || key == "tags" ||
                   key == "tags-ignore";
        bool path = key == "paths" || key == "paths-ignore";
        if (!ref && !path)
          continue;
        if (f.value->isString()) {
          check(*f.value, ref, ctx);
        } else if (f.value->isSequence()) {
          for (const YamlNode *item : f.value->items)
            if (item->isString())
              check(*item, ref, ctx);
        }
      }
    }
  }

private:
  static void check(const YamlNode &n, bool ref, LintContext &ctx) {
    if (n.value.contains("${{"))
      return;
    std::vector<GlobError> errs = ref ? validateRefGlob(n.value) : validatePathGlob(n.value);
    for (const GlobError &e : errs) {
      ir::SourceRange r = ctx.valueRange(n, e.offset, e.offset < n.value.size() ? 1 : 0);
      ctx.report(ir::DiagKind::LintGlobSyntax, r, e.message).valueRange = n.range;
    }
  }
};

} // namespace

std::unique_ptr<LintRule> createGlobRule() { return std::make_unique<GlobRule>(); }

} // namespace passes
