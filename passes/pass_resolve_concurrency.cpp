// resolve-concurrency: groups, cancel-in-progress and queue at workflow and job level.
#include "passes/pass_resolve_concurrency.h"

namespace passes {

ir::PlanConcurrency resolveConcurrency(const ir::Concurrency &c, const KnownContexts &known,
                                       ir::DiagnosticEngine &diags) {
  ir::PlanConcurrency out;
  ir::SourceRange groupAt = c.group.range.valid() ? c.group.range : c.range;
  if (auto v = evaluateClosed(c.group, known)) {
    std::string g = v->toString();
    if (llvm::StringRef(g).trim().empty())
      diags.report(ir::DiagKind::ConcurrencyGroupEmpty, groupAt,
                   c.group.hasExpressions() ? " (\"" + c.group.raw + "\" evaluates to '')" : std::string());
    else if (g.size() > 400)
      diags.report(ir::DiagKind::ConcurrencyGroupTooLong, groupAt, g.size());
    out.group = ir::PlanValue::of(ir::Value::string(std::move(g)));
  } else {
    out.group = ir::PlanValue::expr(c.group.raw);
  }
  out.cancelInProgress = ir::PlanValue::of(ir::Value::boolean(false));
  if (c.cancelInProgress) {
    const ir::TemplateToken &t = *c.cancelInProgress;
    if (auto v = evaluateClosed(t, known)) {
      if (!v->isBool())
        diags.report(ir::DiagKind::ConcurrencyCancelNotBool, t.range, v->toString(),
                     ir::Value::kindName(v->kind()).lower());
      out.cancelInProgress = ir::PlanValue::of(ir::Value::boolean(v->truthy()));
    } else {
      out.cancelInProgress = ir::PlanValue::expr(t.str.raw);
    }
  }
  if (c.queue) {
    const ir::TemplateToken &q = *c.queue;
    std::string text = q.scalarText();
    if (q.isString() && !q.isExpression() && (text == "single" || text == "max")) {
      out.queue = text;
    } else {
      auto &d = diags.report(ir::DiagKind::ConcurrencyQueueInvalid, q.range,
                             q.isString() ? q.str.raw : text);
      d.valueRange = q.range;
      d.note({}, "queue is 'single' (one pending run, the default) or 'max' (up to 100, in order)");
    }
    if (out.queue == "max" && out.cancelInProgress.resolved() &&
        out.cancelInProgress.constant->truthy())
      diags.report(ir::DiagKind::ConcurrencyQueueMaxCancel, q.range);
  }
  return out;
}

namespace {

std::optional<std::string> constantGroup(const std::optional<ir::PlanConcurrency> &c) {
  if (!c || !c->group.resolved() || !c->group.constant->isString())
    return std::nullopt;
  return c->group.constant->getString().str();
}

} // namespace

PreservedAnalyses ResolveConcurrencyPass::run(CompileUnit &unit, CompileAnalysisManager &) {
  ir::PlanWorkflow &w = unit.workflow();
  if (unit.root.concurrency)
    w.concurrency = resolveConcurrency(*unit.root.concurrency, unit.options.contexts, unit.diags);
  std::string workflowGroup;
  if (auto g = constantGroup(w.concurrency))
    workflowGroup = *g;
  for (ir::PlanJob &job : w.jobs) {
    if (!job.source || !job.source->concurrency)
      continue;
    job.concurrency = resolveConcurrency(*job.source->concurrency, unit.knownFor(job), unit.diags);
    auto g = constantGroup(job.concurrency);
    if (g && !workflowGroup.empty() && llvm::StringRef(*g).equals_insensitive(workflowGroup) &&
        job.call.empty()) {
      auto &d = unit.diags.report(ir::DiagKind::ConcurrencySharedGroup,
                                  job.source->concurrency->range, job.id, *g);
      d.note(unit.root.concurrency->range, "the workflow's concurrency group");
    }
  }
  return PreservedAnalyses::all();
}

} // namespace passes
