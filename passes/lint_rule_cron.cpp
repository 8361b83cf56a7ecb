// Rule `events` (cron part): syntax of `on.schedule[*].cron` and the 5-minute minimum.
#include "passes/lint_cron.h"
#include "passes/lint_rule.h"

#include <cmath>

namespace passes {

namespace {

class CronRule final : public LintRule {
public:
  llvm::StringRef name() const override { return "cron"; }

  void visitWorkflowPre(const YamlWorkflowView &w, LintContext &ctx) override {
    if (!w.on || !w.on->isMapping())
      return;
    const frontend::YamlNode *schedule = w.on->get("schedule");
    if (!schedule || !schedule->isSequence())
      return;
    for (const frontend::YamlNode *item : schedule->items) {
      if (!item->isMapping())
        continue;
      const frontend::YamlNode *cron = item->get("cron");
      if (cron && cron->isString())
        check(*cron, ctx);
    }
  }

private:
  static void check(const frontend::YamlNode &cron, LintContext &ctx) {
    llvm::StringRef expr = cron.value;
    if (expr.contains("${{"))
      return; // expressions are not allowed here; the schema reports that
    CronError err;
    auto sched = parseCron(expr, err);
    if (!sched) {
      ctx.report(ir::DiagKind::LintCronSyntax, cron.range, expr, err.message).valueRange =
          cron.range;
      return;
    }
    uint64_t interval = shortestCronInterval(*sched);
    if (interval < kMinCronIntervalSeconds)
      ctx.report(ir::DiagKind::LintCronTooFrequent, cron.range, interval);
  }
};

} // namespace

std::unique_ptr<LintRule> createCronRule() { return std::make_unique<CronRule>(); }

} // namespace passes
