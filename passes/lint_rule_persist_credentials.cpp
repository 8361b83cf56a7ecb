// Rule `persist-credentials`: a checkout that keeps the token in .git/config in a job that uploads artifacts.
//
// actions/checkout writes the GITHUB_TOKEN into `.git/config` unless
// `persist-credentials: false`; uploading the workspace (or a folder holding
// `.git`) as an artifact then publishes the token to anyone who can download it.
#include "passes/lint_ir.h"
#include "passes/lint_rule.h"

namespace passes {

namespace {

bool usesAction(const ir::Step &s, llvm::StringRef prefix) {
  return s.kind == ir::StepKind::Uses && s.uses &&
         llvm::StringRef(s.uses->value).lower().rfind(prefix.str(), 0) == 0;
}

class PersistCredentialsRule final : public LintRule {
public:
  llvm::StringRef name() const override { return "persist-credentials"; }

  void visitWorkflowPost(const YamlWorkflowView &, LintContext &ctx) override {
    if (!ctx.workflow)
      return;
    for (const ir::Job &j : ctx.workflow->jobs) {
      const ir::Step *checkout = nullptr;
      bool uploads = false;
      forEachStep(j.steps, [&](const ir::Step &s) {
        if (usesAction(s, "actions/checkout@") && !checkout) {
          const ir::NamedTemplate *p = ir::findNamed(s.with, "persist-credentials");
          if (!p || p->value.raw != "false")
            checkout = &s;
        }
        if (checkout && usesAction(s, "actions/upload-artifact@")) {
          // Only uploads that can include the checkout's .git folder.
          const ir::NamedTemplate *path = ir::findNamed(s.with, "path");
          llvm::StringRef p = path ? llvm::StringRef(path->value.raw).trim() : "";
          if (p == "." || p == "./" || p.contains("github.workspace") || p == "*" || p == "**")
            uploads = true;
        }
      });
      if (checkout && uploads)
        ctx.report(ir::DiagKind::LintPersistCredentials, checkout->uses->range);
    }
  }
};

} // namespace

std::unique_ptr<LintRule> createPersistCredentialsRule() {
  return std::make_unique<PersistCredentialsRule>();
}

} // namespace passes
