// Rule `if-cond`: `if:` conditions that are always true (text around ${{ }}) or constant.
//
// `if: ${{ a }} && ${{ b }}` is a string with text outside the expressions: a
// non-empty string, so the step always runs (`if-always-true`). A condition that
// reads no context and calls no status function (`if: true`, `if: ${{ false }}`,
// `if: contains('ab', 'a')`) never changes (`if-constant`): remove it, or the
// job or step it guards.
#include "passes/expr_typecheck.h"
#include "passes/lint_ir.h"
#include "passes/lint_rule.h"

#include "ir/action.h"

namespace passes {

namespace {

bool readsNothing(const ir::Expr &e) {
  bool constant = true;
  ir::walkExpr(e, [&](const ir::Expr &n) {
    if (n.op == ir::ExprOp::Context)
      constant = false;
    if (n.op == ir::ExprOp::Call) {
      llvm::StringRef f = n.text;
      if (f.equals_insensitive("success") || f.equals_insensitive("failure") ||
          f.equals_insensitive("always") || f.equals_insensitive("cancelled") ||
          f.equals_insensitive("hashFiles"))
        constant = false;
    }
  });
  return constant;
}

class IfCondRule final : public LintRule {
public:
  llvm::StringRef name() const override { return "if-cond"; }

  void visitWorkflowPost(const YamlWorkflowView &, LintContext &ctx) override {
    if (ctx.workflow)
      for (const ir::Job &j : ctx.workflow->jobs) {
        check(j.condition, ctx);
        forEachStep(j.steps, [&](const ir::Step &s) { check(s.condition, ctx); });
      }
    if (ctx.action) {
      forEachStep(ctx.action->runs.steps, [&](const ir::Step &s) { check(s.condition, ctx); });
      check(ctx.action->runs.preIf, ctx);
      check(ctx.action->runs.postIf, ctx);
    }
  }

private:
  static void check(const std::optional<ir::Template> &t, LintContext &ctx) {
    if (!t || t->parts.empty())
      return;
    if (auto d = checkIfTemplate(*t)) {
      ctx.diags.add(d->kind, t->range, d->message).valueRange = t->range;
      return;
    }
    if (t->parts.size() != 1 || !t->parts[0].isExpr || !t->parts[0].ast)
      return;
    if (readsNothing(*t->parts[0].ast))
      ctx.report(ir::DiagKind::LintIfConstant, t->range, ir::printExpr(*t->parts[0].ast))
          .valueRange = t->range;
  }
};

} // namespace

std::unique_ptr<LintRule> createIfCondRule() { return std::make_unique<IfCondRule>(); }

} // namespace passes
