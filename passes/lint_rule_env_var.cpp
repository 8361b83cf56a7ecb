// Rule `env-var`: names of environment variables in every `env:` mapping.
#include "passes/lint_rule.h"

namespace passes {

namespace {

using frontend::YamlNode;

class EnvVarRule final : public LintRule {
public:
  llvm::StringRef name() const override { return "env-var"; }

  void visitWorkflowPre(const YamlWorkflowView &w, LintContext &ctx) override {
    check(w.env, ctx);
  }
  void visitJobPre(const YamlJobView &job, LintContext &ctx) override {
    check(job.env, ctx);
    if (job.container && job.container->isMapping())
      check(job.container->get("env"), ctx);
    if (job.services && job.services->isMapping())
      for (const auto &s : job.services->entries)
        if (s.value->isMapping())
          check(s.value->get("env"), ctx);
  }
  void visitStep(const YamlJobView &, const YamlStepView &step, LintContext &ctx) override {
    check(step.env, ctx);
  }

private:
  static void check(const YamlNode *env, LintContext &ctx) {
    if (!env || !env->isMapping())
      return;
    for (const auto &e : env->entries) {
      if (!e.key->isScalar())
        continue;
      llvm::StringRef name = e.key->value;
      if (name.contains("${{"))
        continue; // a computed name cannot be checked
      if (name.find_first_of("&= \t") != llvm::StringRef::npos)
        ctx.report(ir::DiagKind::LintEnvVarName, e.key->range, name);
    }
  }
};

} // namespace

std::unique_ptr<LintRule> createEnvVarRule() { return std::make_unique<EnvVarRule>(); }

} // namespace passes
