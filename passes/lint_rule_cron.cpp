// Rule `events` (schedule part): `on.schedule[*].cron` syntax, the 5-minute minimum, IANA time zones.
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
      const frontend::YamlNode *tz = item->get("timezone");
      if (tz && tz->isString() && !tz->value.contains("${{") && !isIanaTimezone(tz->value))
        ctx.report(ir::DiagKind::LintTimezone, tz->range, tz->value);
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
