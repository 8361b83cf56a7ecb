// Rule `untrusted-checkout`: pull_request_target / workflow_run jobs that check out the PR head.
//
// Those events run with the base repository's secrets and a write token; a
// step that checks out the pull request's head (`ref: ${{ github.event.
// pull_request.head.sha }}`, `refs/pull/N/merge`, the workflow_run head) then
// runs code anyone can propose with those rights ("pwn request").
#include "passes/lint_ir.h"
#include "passes/lint_rule.h"

namespace passes {

namespace {

const char *const kHeadRefs[] = {
    "github.event.pull_request.head.sha",  "github.event.pull_request.head.ref",
    "github.head_ref",                     "github.event.workflow_run.head_sha",
    "github.event.workflow_run.head_branch", "github.event.pull_request.merge_commit_sha",
    "refs/pull/",
};

class UntrustedCheckoutRule final : public LintRule {
public:
  llvm::StringRef name() const override { return "untrusted-checkout"; }

  void visitWorkflowPost(const YamlWorkflowView &, LintContext &ctx) override {
    if (!ctx.workflow)
      return;
    std::string event;
    for (const ir::Trigger &t : ctx.workflow->triggers)
      if (t.event.value == "pull_request_target" || t.event.value == "workflow_run")
        event = t.event.value;
    if (event.empty())
      return;
    for (const ir::Job &j : ctx.workflow->jobs)
      forEachStep(j.steps, [&](const ir::Step &s) {
        if (s.kind != ir::StepKind::Uses || !s.uses ||
            llvm::StringRef(s.uses->value).lower().rfind("actions/checkout@", 0) != 0)
          return;
        const ir::NamedTemplate *ref = ir::findNamed(s.with, "ref");
        if (!ref)
          return;
        std::string text = llvm::StringRef(ref->value.raw).lower();
        std::string compact;
        for (char c : text)
          if (c != ' ')
            compact += c;
        for (const char *h : kHeadRefs)
          if (compact.find(h) != std::string::npos) {
            ctx.report(ir::DiagKind::LintUntrustedCheckout, ref->value.range, event,
                       "ref: " + ref->value.raw);
            return;
          }
      });
  }
};

} // namespace

std::unique_ptr<LintRule> createUntrustedCheckoutRule() {
  return std::make_unique<UntrustedCheckoutRule>();
}

} // namespace passes
