// Types of inputs, matrix, needs, steps, jobs, secrets and vars for one workflow.
#include "passes/lint_expr_env.h"

#include "passes/expr_typecheck.h"
#include "passes/lint_config.h"
#include "passes/lint_popular_actions.h"

namespace passes {

using ir::TypeRef;

TypeRef tokenType(const ir::TemplateToken &t) {
  switch (t.kind) {
  case ir::TemplateToken::Kind::Null:
    return ir::nullType();
  case ir::TemplateToken::Kind::Bool:
    return ir::boolType();
  case ir::TemplateToken::Kind::Number:
    return ir::numberType();
  case ir::TemplateToken::Kind::String:
    if (!t.isExpression())
      return ir::stringType();
    // `${{ fromJSON('[1, 2]') }}` and other constant expressions have a type;
    // contexts are not looked at (any).
    if (t.str.isSingleExpression() && t.str.parts[0].ast)
      return typeCheckExpr(*t.str.parts[0].ast, ir::TypeEnv{}).type;
    return ir::anyType();
  case ir::TemplateToken::Kind::Sequence: {
    TypeRef el;
    for (const auto &i : t.items)
      el = el ? ir::joinTypes(el, tokenType(i)) : tokenType(i);
    return ir::arrayType(el ? el : ir::anyType());
  }
  case ir::TemplateToken::Kind::Mapping: {
    std::vector<std::pair<std::string, TypeRef>> props;
    for (const auto &e : t.entries) {
      if (llvm::StringRef(e.key.value).contains("${{"))
        return ir::makeObjectType({}, true);
      props.emplace_back(e.key.value, tokenType(e.value));
    }
    return ir::makeObjectType(std::move(props));
  }
  }
  return ir::anyType();
}

static TypeRef inputType(llvm::StringRef type, bool dispatch) {
  if (type == "boolean")
    return ir::boolType();
  if (type == "number")
    return ir::numberType();
  if (type == "string" || type == "choice" || type == "environment" || (dispatch && type.empty()))
    return ir::stringType();
  return ir::anyType();
}

WorkflowTypes::WorkflowTypes(const LintContext &ctx, const ir::Workflow &wf) : ctx_(ctx), wf_(wf) {
  // inputs: the union of workflow_dispatch and workflow_call inputs; `{}` without either.
  std::vector<std::pair<std::string, TypeRef>> inputs;
  for (const ir::Trigger &t : wf.triggers) {
    bool dispatch = t.event.value == "workflow_dispatch";
    if (!dispatch && t.event.value != "workflow_call")
      continue;
    for (const ir::WorkflowInput &in : t.inputs) {
      TypeRef ty = inputType(in.type ? llvm::StringRef(in.type->value) : "", dispatch);
      bool merged = false;
      for (auto &[n, old] : inputs)
        if (llvm::StringRef(n).equals_insensitive(in.id.value)) {
          old = ir::joinTypes(old, ty);
          merged = true;
        }
      if (!merged)
        inputs.emplace_back(in.id.value, ty);
    }
  }
  inputs_ = ir::makeObjectType(std::move(inputs));

  // github.event.inputs of workflow_dispatch: every declared input, as a string
  // (the payload carries the form's values as strings whatever their type). A
  // reusable workflow sees its caller's event, so with workflow_call the
  // payload stays untyped.
  const ir::Trigger *dispatch = wf.findTrigger("workflow_dispatch");
  if (dispatch && !dispatch->inputs.empty() && !wf.findTrigger("workflow_call")) {
    std::vector<std::pair<std::string, TypeRef>> strings;
    for (const ir::WorkflowInput &in : dispatch->inputs)
      strings.emplace_back(in.id.value, ir::stringType());
    std::vector<std::pair<std::string, TypeRef>> props = ir::githubContextType()->props;
    for (auto &[n, t] : props)
      if (n == "event")
        t = ir::makeObjectType({{"inputs", ir::makeObjectType(std::move(strings))}}, true);
    github_ = ir::makeObjectType(std::move(props), ir::githubContextType()->open);
  }

  // secrets: closed for a reusable workflow that declares its secrets.
  secrets_ = ir::stringMapType();
  if (const ir::Trigger *call = wf.findTrigger("workflow_call")) {
    const frontend::YamlNode *on = ctx.root && ctx.root->isMapping() ? ctx.root->get("on") : nullptr;
    const frontend::YamlNode *wc = on && on->isMapping() ? on->get("workflow_call") : nullptr;
    if (wc && wc->isMapping() && wc->get("secrets") && wf.triggers.size() == 1) {
      std::vector<std::pair<std::string, TypeRef>> s;
      for (const ir::WorkflowSecret &sec : call->secrets)
        s.emplace_back(sec.id.value, ir::stringType());
      for (const char *builtin : {"github_token", "actions_runner_debug", "actions_step_debug"})
        s.emplace_back(builtin, ir::stringType());
      secrets_ = ir::makeObjectType(std::move(s));
    }
  }

  vars_ = ir::stringMapType();
  if (ctx.config.configVariables) {
    std::vector<std::pair<std::string, TypeRef>> v;
    for (const std::string &n : *ctx.config.configVariables)
      v.emplace_back(n, ir::stringType());
    vars_ = ir::makeObjectType(std::move(v));
  }

  std::vector<std::pair<std::string, TypeRef>> jobs;
  for (const ir::Job &j : wf.jobs) {
    std::vector<std::pair<std::string, TypeRef>> outs;
    for (const auto &o : j.outputs)
      outs.emplace_back(o.name.value, ir::stringType());
    jobs.emplace_back(j.id.value,
                      ir::makeObjectType({{"outputs", ir::makeObjectType(std::move(outs),
                                                                         j.kind != ir::JobKind::Normal)},
                                          {"result", ir::stringType()}}));
  }
  jobs_ = ir::makeObjectType(std::move(jobs));
}

TypeRef WorkflowTypes::matrixOf(const ir::Job &job) const {
  const ir::TemplateToken *m = job.matrix();
  if (!job.strategy)
    return ir::makeObjectType({});
  if (!m)
    return ir::makeObjectType({});
  if (!m->isMapping())
    return ir::anyType();
  std::vector<std::pair<std::string, TypeRef>> props;
  bool open = false;
  auto add = [&](const std::string &key, TypeRef t) {
    for (auto &[n, old] : props)
      if (llvm::StringRef(n).equals_insensitive(key)) {
        old = ir::joinTypes(old, t);
        return;
      }
    props.emplace_back(key, t);
  };
  for (const ir::TokenEntry &e : m->entries) {
    llvm::StringRef k = e.key.value;
    if (k.contains("${{")) {
      open = true;
      continue;
    }
    if (k == "exclude")
      continue;
    if (k == "include") {
      if (!e.value.isSequence()) {
        open = true;
        continue;
      }
      for (const auto &row : e.value.items) {
        if (!row.isMapping()) {
          open = true;
          continue;
        }
        for (const auto &c : row.entries)
          add(c.key.value, tokenType(c.value));
      }
      continue;
    }
    if (e.value.isSequence()) {
      TypeRef el;
      for (const auto &i : e.value.items)
        el = el ? ir::joinTypes(el, tokenType(i)) : tokenType(i);
      add(k.str(), el ? el : ir::anyType());
    } else {
      add(k.str(), ir::anyType()); // an expression giving the values
    }
  }
  return ir::makeObjectType(std::move(props), open);
}

TypeRef WorkflowTypes::needsOf(const ir::Job &job) const {
  std::vector<std::pair<std::string, TypeRef>> jobs;
  for (const ir::LocatedString &n : job.needs) {
    const ir::Job *needed = wf_.findJob(n.value);
    TypeRef outputs = ir::makeObjectType({}, true);
    if (needed && needed->kind == ir::JobKind::Normal) {
      std::vector<std::pair<std::string, TypeRef>> outs;
      for (const auto &o : needed->outputs)
        outs.emplace_back(o.name.value, ir::stringType());
      outputs = ir::makeObjectType(std::move(outs));
    } else if (needed && needed->uses) {
      const LocalMetadata *m = ctx_.facts().localWorkflow(needed->uses->value);
      // Missing keys or bad values elsewhere in the callee (its own findings)
      // do not change which outputs it declares.
      if (m && m->workflow && m->shapeErrors.empty()) {
        if (const ir::Trigger *call = m->workflow->findTrigger("workflow_call")) {
          std::vector<std::pair<std::string, TypeRef>> outs;
          for (const auto &o : call->outputs)
            outs.emplace_back(o.id.value, ir::stringType());
          outputs = ir::makeObjectType(std::move(outs));
        }
      }
    }
    jobs.emplace_back(n.value,
                      ir::makeObjectType({{"outputs", outputs}, {"result", ir::stringType()}}));
  }
  return ir::makeObjectType(std::move(jobs));
}

TypeRef WorkflowTypes::outputsOfStep(const ir::Step &s) const {
  if (s.kind != ir::StepKind::Uses || !s.uses)
    return ir::stringMapType();
  llvm::StringRef uses = s.uses->value;
  std::vector<std::pair<std::string, TypeRef>> outs;
  if (uses.startswith("./")) {
    const LocalMetadata *m = ctx_.facts().localAction(uses);
    if (!m || !m->parsed || !m->action)
      return ir::stringMapType();
    for (const auto &o : m->action->outputs)
      outs.emplace_back(o.id.value, ir::stringType());
    return ir::makeObjectType(std::move(outs));
  }
  // github-script sets any output its script asks for (core.setOutput).
  if (llvm::StringRef(uses).lower().rfind("actions/github-script@", 0) == 0)
    return ir::stringMapType();
  const PopularAction *a = findPopularAction(uses);
  if (!a)
    return ir::stringMapType();
  for (llvm::StringRef o : a->outputs())
    outs.emplace_back(o.str(), ir::stringType());
  return ir::makeObjectType(std::move(outs));
}

TypeRef WorkflowTypes::stepsBefore(const ir::Job &job, const ir::Step *step, bool all) const {
  std::vector<std::pair<std::string, TypeRef>> steps;
  bool done = false;
  forEachStep(job.steps, [&](const ir::Step &s) {
    if (done || (!all && &s == step)) {
      done = true;
      return;
    }
    if (s.generatedId || s.id.value.empty())
      return;
    steps.emplace_back(s.id.value, ir::makeObjectType({{"outputs", outputsOfStep(s)},
                                                       {"outcome", ir::stringType()},
                                                       {"conclusion", ir::stringType()}}));
  });
  return ir::makeObjectType(std::move(steps));
}

ir::TypeEnv WorkflowTypes::envFor(const ExprSite &site) const {
  ir::TypeEnv env = typeEnvFor(site.definition);
  if (env.find("inputs"))
    env.set("inputs", inputs_);
  if (github_ && env.find("github"))
    env.set("github", github_);
  if (env.find("secrets"))
    env.set("secrets", secrets_);
  if (env.find("vars"))
    env.set("vars", vars_);
  if (env.find("jobs"))
    env.set("jobs", jobs_);
  if (site.job) {
    if (env.find("matrix"))
      env.set("matrix", matrixOf(*site.job));
    if (env.find("needs"))
      env.set("needs", needsOf(*site.job));
    if (env.find("steps"))
      env.set("steps", stepsBefore(*site.job, site.step, site.allSteps));
  }
  return env;
}

} // namespace passes
