// Rule `expression`: the static type checker over every ${{ }} of the lowered workflow.
//
// Each template is checked with the TypeEnv of its key (lint_expr_env.h): the
// contexts the key allows, typed from the workflow (inputs, matrix, needs,
// steps, jobs, secrets, vars). Reports the checker's kinds (unknown context,
// property, function, needs job, step id, argument counts and types, bad
// literals, constant comparisons) and `expr-object-in-template`: an object,
// array or null value turned into text.
#include "passes/expr_typecheck.h"
#include "passes/lint_expr_env.h"
#include "passes/lint_ir.h"
#include "passes/lint_rule.h"

#include "frontend/context_availability.h"
#include "frontend/template_parser.h"
#include "ir/action.h"

namespace passes {

namespace {

class ExpressionRule final : public LintRule {
public:
  llvm::StringRef name() const override { return "expression"; }

  void visitWorkflowPost(const YamlWorkflowView &, LintContext &ctx) override {
    if (ctx.workflow) {
      WorkflowTypes types(ctx, *ctx.workflow);
      types_ = &types;
      ctx_ = &ctx;
      checkWorkflow(*ctx.workflow);
      types_ = nullptr;
    } else if (ctx.action) {
      ctx_ = &ctx;
      checkAction(*ctx.action);
    }
  }

private:
  const WorkflowTypes *types_ = nullptr;
  LintContext *ctx_ = nullptr;
  const ir::TypeEnv *actionEnv_ = nullptr;

  /// Set while checking a workflow_call input's default: the inputs declared
  /// before it.
  ir::TypeRef inputsOverride_;

  ir::TypeEnv envFor(const ExprSite &site) const {
    if (types_) {
      ir::TypeEnv env = types_->envFor(site);
      if (inputsOverride_ && env.find("inputs"))
        env.set("inputs", inputsOverride_);
      return env;
    }
    return *actionEnv_;
  }

  void check(const ir::Template &t, const ExprSite &site, bool stringValue) {
    if (!t.hasExpressions())
      return;
    const frontend::ContextAvailability *a = frontend::findContextAvailability(site.definition);
    if (!a)
      return;
    ir::TypeEnv env = envFor(site);
    const LintFileFacts &facts = ctx_->facts();
    for (const ir::TemplatePart &p : t.parts) {
      if (!p.isExpr || !p.ast)
        continue;
      ExprTypeCheck r = typeCheckExpr(*p.ast, env, a->functions);
      for (const ExprDiagnostic &d : r.diagnostics) {
        uint32_t pos = d.pos, len = std::max<uint32_t>(d.len, 1);
        if (d.kind == ir::DiagKind::ExprUnknownProperty ||
            d.kind == ir::DiagKind::ExprNeedsUnknownJob ||
            d.kind == ir::DiagKind::ExprStepsUnknownId)
          chainStart(*p.ast, pos, len); // point at `needs` in `needs.a.outputs.x`
        ir::SourceRange range = facts.templateRange(t, p.offset + pos, len);
        auto &diag = ctx_->diags.add(d.kind, range, d.message);
        diag.valueRange = t.range;
      }
      if (stringValue && r.type) {
        // Arrays made by `*` filters are left alone: their element type is rarely known.
        auto k = r.type->kind;
        if (k == ir::ExprType::Kind::Object || k == ir::ExprType::Kind::Map ||
            k == ir::ExprType::Kind::Null ||
            (k == ir::ExprType::Kind::Array && !r.type->filtered)) {
          // The whole `${{ }}` is what turns into text.
          size_t open = t.raw.rfind("${{", p.offset);
          size_t close = t.raw.find("}}", p.offset + p.text.size());
          size_t from = open == std::string::npos ? p.offset : open;
          size_t to = close == std::string::npos ? p.offset + p.text.size() : close + 2;
          ir::SourceRange range = facts.templateRange(t, uint32_t(from), uint32_t(to - from));
          ctx_->report(ir::DiagKind::LintExprObjectInTemplate, range, r.type->str())
              .valueRange = t.range;
        }
      }
    }
  }

  /// A section that must be a mapping, given as one `${{ }}` whose type is a
  /// string, number or bool (`services: ${{ 'redis' }}`): never an object.
  void checkObjectValue(const ir::Template &t, const ExprSite &site, llvm::StringRef key) {
    if (t.parts.size() != 1 || !t.parts[0].isExpr || !t.parts[0].ast)
      return;
    const frontend::ContextAvailability *a = frontend::findContextAvailability(site.definition);
    if (!a)
      return;
    ir::TypeEnv env = envFor(site);
    ExprTypeCheck r = typeCheckExpr(*t.parts[0].ast, env, a->functions);
    if (!r.type)
      return;
    auto k = r.type->kind;
    if (k != ir::ExprType::Kind::String && k != ir::ExprType::Kind::Number &&
        k != ir::ExprType::Kind::Bool)
      return;
    ir::SourceRange range = fromFirstExpression(t);
    ctx_->diags
        .add(ir::DiagKind::ExprArgType, range,
             fmt::format("type of expression at \"{}\" must be object but found type {}", key.str(),
                         r.type->str()))
        .valueRange = t.range;
  }

  /// The range of a template from its first `${{` to its end.
  ir::SourceRange fromFirstExpression(const ir::Template &t) const {
    size_t open = t.raw.find("${{");
    return ctx_->facts().templateRange(t, uint32_t(open == std::string::npos ? 0 : open),
                                       uint32_t(std::max<size_t>(t.raw.size(), 1)));
  }

  void checkObjectValue(const ir::TemplateToken &t, const ExprSite &site, llvm::StringRef key) {
    if (t.kind == ir::TemplateToken::Kind::String)
      checkObjectValue(t.str, site, key);
  }

  void check(const std::optional<ir::Template> &t, const ExprSite &site, bool stringValue) {
    if (t)
      check(*t, site, stringValue);
  }

  void check(const ir::TemplateMap &m, const ExprSite &site, bool stringValue) {
    // `env: ${{ fromJSON(...) }}` (the whole mapping as one expression) lowers to
    // an entry without a name: its value is an object by design.
    for (const auto &e : m) {
      checkKey(e.name, site);
      check(e.value, site, stringValue && !e.name.value.empty());
      if (e.name.value.empty() && m.size() == 1)
        checkObjectValue(e.value, site, "env");
    }
  }

  /// A mapping key written as a template (`${{ runner.name }}: x` under `env:`):
  /// GitHub evaluates it with the contexts of the mapping's values.
  void checkKey(const ir::LocatedString &name, const ExprSite &site) {
    if (name.value.find("${{") == std::string::npos)
      return;
    std::vector<frontend::TemplateError> errors;
    ir::Template t =
        frontend::parseTemplate(name.value, frontend::parseOptionsFor(site.definition), errors);
    t.range = name.range;
    for (const frontend::TemplateError &e : errors)
      ctx_->diags.add(e.kind, ctx_->facts().templateRange(t, e.offset, e.length), e.message)
          .valueRange = t.range;
    check(t, site, true);
  }

  /// A workflow_call input's `${{ }}` default whose type can never be the
  /// input's declared type (`type: boolean` with a string default).
  void checkInputDefault(const ir::WorkflowInput &in, const ExprSite &site) {
    if (!in.defaultValue || !in.type || in.defaultValue->kind != ir::TemplateToken::Kind::String)
      return;
    const ir::Template &t = in.defaultValue->str;
    if (!t.isSingleExpression() || !t.parts[0].ast)
      return;
    llvm::StringRef declared = in.type->value;
    auto want = declared == "boolean"  ? ir::ExprType::Kind::Bool
                : declared == "number" ? ir::ExprType::Kind::Number
                : declared == "string" ? ir::ExprType::Kind::String
                                       : ir::ExprType::Kind::Any;
    const frontend::ContextAvailability *a = frontend::findContextAvailability(site.definition);
    if (want == ir::ExprType::Kind::Any || !a)
      return;
    ExprTypeCheck r = typeCheckExpr(*t.parts[0].ast, envFor(site), a->functions);
    if (!r.type || r.type->kind == want || r.type->kind == ir::ExprType::Kind::Any ||
        r.type->kind == ir::ExprType::Kind::Null)
      return;
    // A passed value must match the declared type (gha-semantics: workflow_call
    // inputs); a string input takes any primitive as its text.
    if (want == ir::ExprType::Kind::String && r.type->isPrimitive())
      return;
    ir::SourceRange range = fromFirstExpression(t);
    ctx_->diags
        .add(ir::DiagKind::ExprArgType, range,
             fmt::format("type of input \"{}\" must be {} but found type {}", in.id.value,
                         want == ir::ExprType::Kind::Bool     ? "bool"
                         : want == ir::ExprType::Kind::Number ? "number"
                                                              : "string",
                         r.type->str()))
        .valueRange = t.range;
  }

  /// The start of the property chain whose member token is at `pos`: findings
  /// about `a.b.c` point at `a`, as for a context.
  static void chainStart(const ir::Expr &ast, uint32_t &pos, uint32_t &len) {
    const ir::Expr *hit = nullptr;
    ir::walkExpr(ast, [&](const ir::Expr &n) {
      if (!hit && n.pos == pos &&
          (n.op == ir::ExprOp::Property || n.op == ir::ExprOp::Index))
        hit = &n;
    });
    if (!hit)
      return;
    const ir::Expr *root = hit;
    while ((root->op == ir::ExprOp::Property || root->op == ir::ExprOp::Index ||
            root->op == ir::ExprOp::Wildcard) &&
           !root->args.empty())
      root = root->args[0].get();
    len = pos + len > root->pos ? pos + len - root->pos : root->len;
    pos = root->pos;
  }

  void checkToken(const ir::TemplateToken &t, const ExprSite &site) {
    switch (t.kind) {
    case ir::TemplateToken::Kind::String:
      check(t.str, site, false);
      break;
    case ir::TemplateToken::Kind::Sequence:
      for (const auto &i : t.items)
        checkToken(i, site);
      break;
    case ir::TemplateToken::Kind::Mapping:
      for (const auto &e : t.entries) {
        checkKey(e.key, site);
        checkToken(e.value, site);
      }
      break;
    default:
      break;
    }
  }

  void checkToken(const std::optional<ir::TemplateToken> &t, const ExprSite &site) {
    if (t)
      checkToken(*t, site);
  }

  // container / services.<id>: image and the rest, credentials, env.
  void checkContainer(const ir::TemplateToken &c, ExprSite site, const char *def) {
    site.definition = def;
    if (!c.isMapping()) {
      checkToken(c, site);
      return;
    }
    for (const auto &e : c.entries) {
      llvm::StringRef k = e.key.value;
      ExprSite s = site;
      if (k == "credentials")
        s.definition = "container-registry-credentials";
      else if (k == "env")
        s.definition = "string-runner-context";
      checkToken(e.value, s);
      if (k == "credentials" || k == "env")
        checkObjectValue(e.value, s, k);
    }
  }

  void checkConcurrency(const std::optional<ir::Concurrency> &c, const ExprSite &site) {
    if (!c)
      return;
    check(c->group, site, true);
    checkToken(c->cancelInProgress, site);
  }

  void checkSteps(const std::vector<ir::Step> &steps, const ir::Job *job) {
    forEachStep(steps, [&](const ir::Step &s) {
      ExprSite site{"", job, &s};
      site.definition = "step-if";
      check(s.condition, site, false);
      site.definition = "step-name";
      check(s.name, site, true);
      site.definition = "string-steps-context";
      check(s.run, site, true);
      check(s.workingDirectory, site, true);
      site.definition = "step-with";
      check(s.with, site, true);
      site.definition = "step-env";
      check(s.env, site, true);
      site.definition = "step-continue-on-error";
      checkToken(s.continueOnError, site);
      site.definition = "step-timeout-minutes";
      checkToken(s.timeoutMinutes, site);
    });
  }

  void checkWorkflow(const ir::Workflow &wf) {
    check(wf.runName, {"run-name"}, true);
    check(wf.env, {"workflow-env"}, true);
    checkConcurrency(wf.concurrency, {"workflow-concurrency"});
    for (const ir::Trigger &t : wf.triggers) {
      if (t.event.value != "workflow_call")
        continue;
      // Defaults are evaluated in declaration order: one sees the inputs
      // declared before it, not itself nor later ones.
      std::vector<std::pair<std::string, ir::TypeRef>> before;
      for (const auto &in : t.inputs) {
        inputsOverride_ = ir::makeObjectType(before);
        checkToken(in.defaultValue, {"workflow-call-input-default"});
        checkInputDefault(in, {"workflow-call-input-default"});
        ir::TypeRef ty = types_->inputs()->property(in.id.value);
        before.emplace_back(in.id.value, ty ? ty : ir::anyType());
      }
      inputsOverride_ = nullptr;
      for (const auto &out : t.outputs)
        check(out.value, {"workflow-output-context"}, true);
    }
    for (const ir::Job &j : wf.jobs) {
      ExprSite site{"", &j};
      site.definition = "string-strategy-context";
      check(j.name, site, true);
      site.definition = "job-if";
      check(j.condition, site, false);
      site.definition = "runs-on";
      checkToken(j.runsOn, site);
      if (j.environment) {
        site.definition = "job-environment";
        if (j.environment->isMapping()) {
          for (const auto &e : j.environment->entries) {
            ExprSite s = site;
            if (e.key.value == "url")
              s.definition = "string-runner-context-no-secrets";
            s.allSteps = true;
            checkToken(e.value, s);
          }
        } else {
          checkToken(*j.environment, site);
        }
      }
      {
        ExprSite s = site;
        s.definition = "string-runner-context";
        s.allSteps = true;
        check(j.outputs, s, true);
      }
      site.definition = "job-env";
      check(j.env, site, true);
      site.definition = "job-defaults-run";
      check(j.defaults.shell, site, true);
      check(j.defaults.workingDirectory, site, true);
      site.definition = "number-strategy-context";
      checkToken(j.timeoutMinutes, site);
      checkToken(j.cancelTimeoutMinutes, site);
      site.definition = "strategy";
      checkToken(j.strategy, site);
      site.definition = "boolean-strategy-context";
      checkToken(j.continueOnError, site);
      if (j.container)
        checkContainer(*j.container, site, "container");
      if (j.services) {
        site.definition = "services";
        if (j.services->isMapping())
          for (const auto &e : j.services->entries)
            checkContainer(e.value, site, "services-container");
        else {
          checkToken(*j.services, site);
          checkObjectValue(*j.services, site, "services");
        }
      }
      checkConcurrency(j.concurrency, {"job-concurrency", &j});
      site.definition = "scalar-needs-context";
      for (const auto &w : j.with)
        checkToken(w.value, site);
      site.definition = "scalar-needs-context-with-secrets";
      check(j.secrets, site, true);
      checkSteps(j.steps, &j);
    }
  }

  // Composite actions: inputs are the action's, steps the earlier ones.
  void checkAction(const ir::Action &a) {
    std::vector<std::pair<std::string, ir::TypeRef>> inputs;
    for (const auto &in : a.inputs)
      inputs.emplace_back(in.id.value, ir::stringType());
    ir::TypeRef inputsType = ir::makeObjectType(std::move(inputs));
    forEachStep(a.runs.steps, [&](const ir::Step &s) {
      auto run = [&](const auto &t, const char *def, bool str) {
        ir::TypeEnv env = typeEnvFor(def);
        if (env.find("inputs"))
          env.set("inputs", inputsType);
        // steps, matrix and needs of the calling job are not known here.
        actionEnv_ = &env;
        check(t, ExprSite{def}, str);
        actionEnv_ = nullptr;
      };
      run(s.condition, "step-if", false);
      run(s.name, "step-name", true);
      run(s.run, "string-steps-context", true);
      run(s.workingDirectory, "string-steps-context", true);
      run(s.with, "step-with", true);
      run(s.env, "step-env", true);
    });
  }
};

} // namespace

std::unique_ptr<LintRule> createExpressionRule() { return std::make_unique<ExpressionRule>(); }

} // namespace passes
