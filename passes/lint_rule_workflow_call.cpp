// Rule `workflow-call`: calls of local reusable workflows against what they declare.
//
// For `jobs.<id>.uses: ./.github/workflows/x.yml`, reads the called workflow
// and checks the call: the file exists, every required input and secret is
// passed, every passed input and secret is declared, and literal input values
// fit the declared type (a boolean for a `number` input, null for anything).
#include "passes/lint_ir.h"
#include "passes/lint_rule.h"

#include "ir/value.h"

#include <cmath>

#include <algorithm>

namespace passes {

namespace {

std::string quoteList(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  std::string s;
  for (size_t i = 0; i < items.size(); ++i)
    s += (i ? ", " : "") + std::string("\"") + items[i] + "\"";
  return s;
}

// The kind of a literal value that cannot be given to an input of `type`, or "".
// Any value converts to a boolean; `${{ literal }}` counts as its literal.
std::string mismatch(const ir::TemplateToken &v, llvm::StringRef type) {
  using K = ir::TemplateToken::Kind;
  if (type == "boolean")
    return "";
  if (v.isExpression()) {
    if (!v.str.isSingleExpression() || !v.str.parts[0].ast)
      return "";
    const ir::Expr &e = *v.str.parts[0].ast;
    if (e.op == ir::ExprOp::Bool)
      return "bool";
    if (e.op == ir::ExprOp::Null)
      return "null";
    if (e.op == ir::ExprOp::String && type == "number" && std::isnan(ir::stringToNumber(e.text)))
      return "string";
    return "";
  }
  switch (v.kind) {
  case K::Null:
    // `key:` with nothing after it reads as an empty string.
    if (v.range.line == v.range.endLine && v.range.col == v.range.endCol)
      return type == "number" ? "string" : "";
    return "null";
  case K::Bool:
    return "bool";
  case K::Number:
    return "";
  case K::String:
    if (type == "number" && std::isnan(ir::stringToNumber(v.str.raw)))
      return "string";
    return "";
  case K::Sequence:
    return "array";
  case K::Mapping:
    return "object";
  }
  return "";
}

class WorkflowCallRule final : public LintRule {
public:
  llvm::StringRef name() const override { return "workflow-call"; }

  void visitWorkflowPost(const YamlWorkflowView &, LintContext &ctx) override {
    if (!ctx.workflow)
      return;
    for (const ir::Job &j : ctx.workflow->jobs)
      if (j.kind == ir::JobKind::ReusableCall && j.uses)
        check(j, ctx);
  }

private:
  static void check(const ir::Job &j, LintContext &ctx) {
    llvm::StringRef uses = j.uses->value;
    if (!uses.startswith("./") || uses.contains("${{"))
      return;
    const LocalMetadata *m = ctx.facts().localWorkflow(uses);
    if (!m)
      return;
    if (!m->found) {
      ctx.report(ir::DiagKind::LintCallNotFound, j.uses->range, uses, "no such file");
      return;
    }
    if (!m->workflow || !m->root || !m->root->isMapping()) {
      ctx.report(ir::DiagKind::LintCallBroken, j.uses->range, uses,
                 m->errors.empty() ? "not a YAML mapping" : m->errors.front());
      return;
    }
    if (!m->root->get("on")) {
      ctx.report(ir::DiagKind::LintCallBroken, j.uses->range, uses, "\"on:\" is not found");
      return;
    }
    const ir::Trigger *call = m->workflow->findTrigger("workflow_call");
    if (!call) {
      ctx.report(ir::DiagKind::LintCallBroken, j.uses->range, uses,
                 "\"workflow_call\" event trigger is not found in \"on:\"");
      return;
    }
    std::vector<std::string> inputNames, secretNames;
    for (const auto &in : call->inputs)
      inputNames.push_back(in.id.value);
    for (const auto &s : call->secrets)
      secretNames.push_back(s.id.value);
    for (const auto &in : call->inputs) {
      bool given = std::any_of(j.with.begin(), j.with.end(), [&](const ir::TokenEntry &w) {
        return llvm::StringRef(w.key.value).equals_insensitive(in.id.value);
      });
      if (!given && in.required.value_or(false) && !in.defaultValue)
        ctx.report(ir::DiagKind::LintCallInputMissing, j.uses->range, in.id.value, uses);
    }
    for (const ir::TokenEntry &w : j.with) {
      const ir::WorkflowInput *in = call->input(w.key.value);
      if (!in) {
        ctx.report(ir::DiagKind::LintCallInputUnknown, w.key.range, w.key.value, uses,
                   quoteList(inputNames));
        continue;
      }
      if (in->type) {
        std::string bad = mismatch(w.value, in->type->value);
        if (!bad.empty())
          ctx.report(ir::DiagKind::LintCallInputType, w.value.range, w.key.value, in->type->value,
                     uses, bad);
      }
    }
    if (j.inheritSecrets)
      return;
    for (const auto &s : call->secrets)
      if (s.required.value_or(false) && !ir::findNamed(j.secrets, s.id.value))
        ctx.report(ir::DiagKind::LintCallSecretMissing, j.uses->range, s.id.value, uses);
    for (const auto &s : j.secrets) {
      bool declared = std::any_of(call->secrets.begin(), call->secrets.end(), [&](const auto &d) {
        return llvm::StringRef(d.id.value).equals_insensitive(s.name.value);
      });
      if (!declared)
        ctx.report(ir::DiagKind::LintCallSecretUnknown, s.name.range, s.name.value, uses,
                   quoteList(secretNames));
    }
  }
};

} // namespace

std::unique_ptr<LintRule> createWorkflowCallRule() { return std::make_unique<WorkflowCallRule>(); }

} // namespace passes
