// Rule `permissions` (opt-in kinds): `permissions: write-all`, and workflows without `permissions:`.
//
// Scopes and levels are checked by the frontend (`unknown-key`,
// `invalid-value`). These two kinds are opt-in (`--enable permissions-write-all`,
// `--enable permissions-missing`): `write-all` hands every job a token that can
// push, release and change settings; without any `permissions:` the token gets
// the repository's default, which is write on older repositories.
#include "passes/lint_ir.h"
#include "passes/lint_rule.h"

namespace passes {

namespace {

class PermissionsRule final : public LintRule {
public:
  llvm::StringRef name() const override { return "permissions"; }

  void visitWorkflowPost(const YamlWorkflowView &, LintContext &ctx) override {
    if (!ctx.workflow)
      return;
    const ir::Workflow &wf = *ctx.workflow;
    auto writeAll = [&](const std::optional<ir::Permissions> &p) {
      if (p && p->form == ir::Permissions::Form::WriteAll)
        ctx.report(ir::DiagKind::LintPermissionsWriteAll, p->range);
    };
    writeAll(wf.permissions);
    bool everyJob = !wf.jobs.empty();
    for (const ir::Job &j : wf.jobs) {
      writeAll(j.permissions);
      everyJob = everyJob && j.permissions.has_value();
    }
    if (!wf.permissions && !everyJob && !wf.isReusable())
      ctx.report(ir::DiagKind::LintPermissionsMissing, wf.onRange.valid() ? wf.onRange : wf.range);
  }
};

} // namespace

std::unique_ptr<LintRule> createPermissionsRule() { return std::make_unique<PermissionsRule>(); }

} // namespace passes
