// Rule `events`: filters and inputs of the workflow's triggers (over the lowered `on:`).
//
// * `branches` with `branches-ignore` (and tags, paths) on one event: GitHub
//   rejects the workflow; negate patterns with `!` instead.
// * workflow_dispatch takes at most 25 inputs.
// * Input defaults must fit the input's type (a number, true/false, one of a
//   choice's options); a required input with a default never uses the default.
//   `choice` inputs need options.
#include "passes/lint_ir.h"
#include "passes/lint_rule.h"

#include "ir/value.h"

#include <cmath>

namespace passes {

namespace {

class EventsRule final : public LintRule {
public:
  llvm::StringRef name() const override { return "events"; }

  void visitWorkflowPost(const YamlWorkflowView &, LintContext &ctx) override {
    if (!ctx.workflow)
      return;
    for (const ir::Trigger &t : ctx.workflow->triggers) {
      checkFilters(t, ctx);
      if (t.event.value == "workflow_dispatch" || t.event.value == "workflow_call")
        checkInputs(t, ctx);
    }
  }

private:
  static void checkFilters(const ir::Trigger &t, LintContext &ctx) {
    for (const char *base : {"branches", "tags", "paths"}) {
      const ir::TriggerFilter *inc = t.filter(base);
      const ir::TriggerFilter *exc = t.filter(std::string(base) + "-ignore");
      if (!inc || !exc)
        continue;
      // Point at whichever key comes second.
      const ir::TriggerFilter *second =
          inc->key.range.line < exc->key.range.line ||
                  (inc->key.range.line == exc->key.range.line && inc->key.range.col < exc->key.range.col)
              ? exc
              : inc;
      ctx.report(ir::DiagKind::LintEventFilterConflict, second->key.range, base,
                 std::string(base) + "-ignore", t.event.value);
    }
  }

  static void checkInputs(const ir::Trigger &t, LintContext &ctx) {
    bool dispatch = t.event.value == "workflow_dispatch";
    if (dispatch && t.inputs.size() > 25)
      ctx.report(ir::DiagKind::LintDispatchTooManyInputs, t.event.range, t.inputs.size());
    for (const ir::WorkflowInput &in : t.inputs) {
      llvm::StringRef type = in.type ? llvm::StringRef(in.type->value) : "";
      if (dispatch && type == "choice") {
        if (in.options.empty())
          ctx.report(ir::DiagKind::LintInputChoice, in.type->range,
                     "input \"" + in.id.value + "\" of workflow_dispatch event has no options; "
                     "a \"choice\" input needs \"options\"");
      }
      if (!in.defaultValue || in.defaultValue->isExpression())
        continue;
      const ir::TemplateToken &d = *in.defaultValue;
      std::string text = d.scalarText();
      if (in.required.value_or(false) && !d.isNull())
        ctx.report(ir::DiagKind::LintInputRequiredDefault, d.range, in.id.value, t.event.value, text);
      if (d.isNull())
        continue;
      if (type == "number" && (d.kind == ir::TemplateToken::Kind::Bool ||
                               (d.isString() && std::isnan(ir::stringToNumber(text)))))
        ctx.report(ir::DiagKind::LintInputDefaultType, d.range, in.id.value, t.event.value, type,
                   text, "number");
      else if (type == "boolean" && d.kind != ir::TemplateToken::Kind::Bool && text != "true" &&
               text != "false")
        ctx.report(ir::DiagKind::LintInputDefaultType, d.range, in.id.value, t.event.value, type,
                   text, "boolean (true or false)");
      else if (dispatch && type == "choice" && !in.options.empty()) {
        bool listed = false;
        for (const auto &o : in.options)
          listed = listed || o.value == text;
        if (!listed) {
          std::string opts;
          for (const auto &o : in.options)
            opts += (opts.empty() ? "\"" : ", \"") + o.value + "\"";
          ctx.report(ir::DiagKind::LintInputChoice, d.range,
                     "default value \"" + text + "\" of input \"" + in.id.value +
                         "\" is not one of its options: " + opts);
        }
      }
    }
  }
};

} // namespace

std::unique_ptr<LintRule> createEventsRule() { return std::make_unique<EventsRule>(); }

} // namespace passes
