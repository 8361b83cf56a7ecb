// type-check-expressions: every template checked with the typed contexts of its key.
#include "passes/pass_type_check.h"

#include "frontend/context_availability.h"
#include "frontend/yaml_reader.h"
#include "passes/expr_typecheck.h"
#include "passes/matrix_expand.h"
#include "passes/matrix_template.h"

#include "llvm/ADT/StringMap.h"

#include <functional>
#include <map>
#include <set>
#include <unordered_map>

namespace passes {

using ir::TypeRef;

namespace {

/// Adds `t` for `key` to an ordered property list, joining with an earlier entry.
void addProp(std::vector<std::pair<std::string, TypeRef>> &props, llvm::StringRef key, TypeRef t) {
  for (auto &[k, v] : props)
    if (key.equals_insensitive(k)) {
      v = ir::joinTypes(v, t);
      return;
    }
  props.emplace_back(key.str(), std::move(t));
}

/// The `matrix` context of a job (see the file comment).
TypeRef matrixType(const ir::Job &job) {
  const ir::TemplateToken *m = job.matrix();
  if (!job.strategy)
    return ir::nullType();
  if (job.strategy->isExpression())
    return ir::anyType();
  if (!m)
    return ir::nullType();
  static const KnownContexts none;
  ir::Value tmpl = tokenTemplateValue(*m);
  std::optional<ir::Value> v =
      holdsTemplate(tmpl) ? evaluateMatrixTemplate(tmpl, none.values, &none).value : std::optional<ir::Value>(tmpl);
  if (v) {
    MatrixExpansion ex = expandMatrix(*v, job.id.value);
    if (!ex.error) {
      std::vector<std::pair<std::string, TypeRef>> props;
      for (const MatrixLeg &leg : ex.legs)
        for (const auto &e : leg.matrix.getObject())
          addProp(props, e.key, ir::typeOfValue(e.value));
      return ir::makeObjectType(std::move(props));
    }
  }
  if (!m->isMapping())
    return ir::anyType();
  std::vector<std::pair<std::string, TypeRef>> props;
  for (const ir::TokenEntry &e : m->entries) {
    llvm::StringRef k = e.key.value;
    if (k.contains("${{"))
      return ir::anyType(); // a key known at run time (or `${{ insert }}`)
    if (k.equals_insensitive("include")) {
      if (!e.value.isSequence())
        return ir::anyType(); // include from an expression: keys unknown
      for (const ir::TemplateToken &item : e.value.items) {
        if (!item.isMapping())
          return ir::anyType();
        for (const ir::TokenEntry &ie : item.entries)
          addProp(props, ie.key.value, ir::anyType());
      }
    } else if (!k.equals_insensitive("exclude")) {
      addProp(props, k, ir::anyType());
    }
  }
  return ir::makeObjectType(std::move(props));
}

TypeRef inputType(const ir::WorkflowInput &in) {
  llvm::StringRef t = in.type ? llvm::StringRef(in.type->value) : "string";
  if (t == "boolean")
    return ir::boolType();
  if (t == "number")
    return ir::numberType();
  return ir::stringType();
}

TypeRef jobResultType(const std::vector<std::string> *outputs) {
  TypeRef outs;
  if (outputs) {
    std::vector<std::pair<std::string, TypeRef>> p;
    for (const std::string &o : *outputs)
      p.emplace_back(o, ir::stringType());
    outs = ir::makeObjectType(std::move(p));
  } else {
    outs = ir::mapType(ir::stringType());
  }
  return ir::makeObjectType({{"outputs", outs}, {"result", ir::stringType()}});
}

class WorkflowChecker {
public:
  using CalleeOutputs = std::function<const std::vector<std::string> *(const ir::Job &)>;

  WorkflowChecker(const ir::Workflow &wf, const ir::SourceManager &sm, ir::DiagnosticEngine &diags,
                  const CalleeOutputs &calleeOutputs)
      : wf_(wf), sm_(sm), diags_(diags), calleeOutputs_(calleeOutputs) {}

  void run() {
    buildWorkflowTypes();
    if (wf_.runName)
      check(*wf_.runName, "run-name");
    for (const auto &e : wf_.env)
      check(e.value, "workflow-env");
    if (wf_.concurrency)
      concurrency(*wf_.concurrency, "workflow-concurrency");
    if (const ir::Trigger *call = wf_.findTrigger("workflow_call")) {
      for (const auto &in : call->inputs)
        if (in.defaultValue)
          token(*in.defaultValue, "workflow-call-input-default");
      for (const auto &o : call->outputs)
        check(o.value, "workflow-output-context");
    }
    for (const ir::Job &j : wf_.jobs)
      job(j);
  }

private:
  void buildWorkflowTypes() {
    std::vector<std::pair<std::string, TypeRef>> inputs;
    for (const char *event : {"workflow_dispatch", "workflow_call"})
      if (const ir::Trigger *t = wf_.findTrigger(event))
        for (const auto &in : t->inputs)
          addProp(inputs, in.id.value, inputType(in));
    inputs_ = ir::makeObjectType(std::move(inputs));
    std::vector<std::pair<std::string, TypeRef>> jobs;
    for (const ir::Job &j : wf_.jobs) {
      byId_.try_emplace(llvm::StringRef(j.id.value).lower(), &j);
      jobs.emplace_back(j.id.value, resultType(j));
    }
    jobs_ = ir::makeObjectType(std::move(jobs));
  }

  /// Declared outputs of a job (a call: its callee's); null when unknown.
  const std::vector<std::string> *outputsOf(const ir::Job &j) {
    if (j.kind == ir::JobKind::ReusableCall)
      return calleeOutputs_ ? calleeOutputs_(j) : nullptr;
    auto &v = outputNames_[&j];
    v.clear();
    for (const auto &o : j.outputs)
      v.push_back(o.name.value);
    return &v;
  }

  /// `{outputs, result}` of a job as a need (built once per job).
  const TypeRef &resultType(const ir::Job &j) {
    TypeRef &t = resultTypes_[&j];
    if (!t)
      t = jobResultType(outputsOf(j));
    return t;
  }

  void job(const ir::Job &j) {
    std::vector<std::pair<std::string, TypeRef>> needs;
    for (const ir::LocatedString &n : j.needs) {
      auto it = byId_.find(llvm::StringRef(n.value).lower());
      if (it != byId_.end() && it->second != &j)
        addProp(needs, it->second->id.value, resultType(*it->second));
    }
    needs_ = ir::makeObjectType(std::move(needs));
    matrix_ = matrixType(j);
    steps_ = ir::makeStepsType({});
    if (j.name)
      check(*j.name, "string-strategy-context");
    if (j.condition)
      condition(*j.condition, "job-if");
    if (j.runsOn)
      token(*j.runsOn, "runs-on");
    if (j.environment) {
      if (j.environment->isMapping()) {
        for (const auto &e : j.environment->entries)
          token(e.value, e.key.value == "url" ? "string-runner-context-no-secrets" : "job-environment");
      } else {
        token(*j.environment, "job-environment");
      }
    }
    if (j.concurrency)
      concurrency(*j.concurrency, "job-concurrency");
    for (const auto &e : j.env)
      check(e.value, "job-env");
    if (j.defaults.shell)
      check(*j.defaults.shell, "job-defaults-run");
    if (j.defaults.workingDirectory)
      check(*j.defaults.workingDirectory, "job-defaults-run");
    if (j.timeoutMinutes)
      token(*j.timeoutMinutes, "number-strategy-context");
    if (j.cancelTimeoutMinutes)
      token(*j.cancelTimeoutMinutes, "number-strategy-context");
    if (j.continueOnError)
      token(*j.continueOnError, "boolean-strategy-context");
    if (j.strategy) {
      TypeRef m = matrix_;
      matrix_ = nullptr;
      token(*j.strategy, "strategy");
      matrix_ = m;
    }
    if (j.container)
      container(*j.container, "container");
    if (j.services && j.services->isMapping())
      for (const auto &s : j.services->entries)
        container(s.value, "services-container");
    for (const auto &w : j.with)
      token(w.value, "workflow-job-with");
    for (const auto &s : j.secrets)
      check(s.value, "scalar-needs-context-with-secrets");
    std::vector<std::string> ids;
    for (const ir::Step &s : j.steps)
      step(s, ids);
    steps_ = ir::makeStepsType(ids);
    for (const auto &o : j.outputs)
      check(o.value, "string-runner-context");
  }

  void step(const ir::Step &s, std::vector<std::string> &ids) {
    steps_ = ir::makeStepsType(ids);
    if (s.name)
      check(*s.name, "step-name");
    if (s.condition)
      condition(*s.condition, "step-if");
    if (s.kind == ir::StepKind::Run)
      check(s.run, "string-steps-context");
    if (s.workingDirectory)
      check(*s.workingDirectory, "string-steps-context");
    for (const auto &w : s.with)
      check(w.value, "step-with");
    for (const auto &e : s.env)
      check(e.value, "step-env");
    if (s.continueOnError)
      token(*s.continueOnError, "step-continue-on-error");
    if (s.timeoutMinutes)
      token(*s.timeoutMinutes, "step-timeout-minutes");
    for (const ir::Step &p : s.parallel)
      step(p, ids);
    if (!s.generatedId)
      ids.push_back(s.id.value);
  }

  void container(const ir::TemplateToken &c, llvm::StringRef def) {
    if (!c.isMapping()) {
      token(c, def);
      return;
    }
    for (const auto &e : c.entries) {
      llvm::StringRef k = e.key.value;
      if (k == "credentials")
        token(e.value, "container-registry-credentials");
      else if (k == "env")
        token(e.value, "string-runner-context");
      else
        token(e.value, def);
    }
  }

  void concurrency(const ir::Concurrency &c, llvm::StringRef def) {
    check(c.group, def);
    if (c.cancelInProgress)
      token(*c.cancelInProgress, def);
  }

  void token(const ir::TemplateToken &t, llvm::StringRef def) {
    switch (t.kind) {
    case ir::TemplateToken::Kind::String:
      check(t.str, def);
      break;
    case ir::TemplateToken::Kind::Sequence:
      for (const auto &i : t.items)
        token(i, def);
      break;
    case ir::TemplateToken::Kind::Mapping:
      for (const auto &e : t.entries)
        token(e.value, def);
      break;
    default:
      break;
    }
  }

  void condition(const ir::Template &t, llvm::StringRef def) {
    if (auto d = checkIfTemplate(t))
      report(t, nullptr, *d);
    check(t, def);
  }

  void check(const ir::Template &t, llvm::StringRef def) {
    if (!t.hasExpressions())
      return;
    const frontend::ContextAvailability *a = frontend::findContextAvailability(def);
    if (!a)
      return;
    ir::TypeEnv env = ir::defaultTypeEnv(a->contexts);
    auto set = [&](const char *name, const TypeRef &type) {
      if (type && env.find(name))
        env.set(name, type);
    };
    set("inputs", inputs_);
    set("matrix", matrix_);
    set("needs", needs_);
    set("steps", steps_);
    set("jobs", jobs_);
    for (const auto &p : t.parts) {
      if (!p.isExpr || !p.ast)
        continue;
      ExprTypeCheck r = typeCheckExpr(*p.ast, env, a->functions);
      for (const ExprDiagnostic &d : r.diagnostics)
        report(t, &p, d);
    }
  }

  void report(const ir::Template &t, const ir::TemplatePart *p, const ExprDiagnostic &d) {
    frontend::YamlNode node;
    node.range = t.range;
    node.value = t.raw;
    ir::Diagnostic out;
    out.kind = d.kind;
    out.severity = ir::diagKindInfo(d.kind).severity;
    // A property, need or step that does not exist reads as null at run time:
    // GitHub runs the workflow, so these are warnings here.
    if (d.kind == ir::DiagKind::ExprUnknownProperty || d.kind == ir::DiagKind::ExprNeedsUnknownJob ||
        d.kind == ir::DiagKind::ExprStepsUnknownId)
      out.severity = ir::Severity::Warning;
    out.message = d.message;
    out.range = p ? frontend::scalarValueRange(sm_, node, p->offset + d.pos, std::max<uint32_t>(d.len, 1))
                  : t.range;
    out.valueRange = t.range;
    diags_.add(std::move(out));
  }

  const ir::Workflow &wf_;
  const ir::SourceManager &sm_;
  ir::DiagnosticEngine &diags_;
  const CalleeOutputs &calleeOutputs_;
  llvm::StringMap<const ir::Job *> byId_;
  std::map<const ir::Job *, std::vector<std::string>> outputNames_;
  std::unordered_map<const ir::Job *, TypeRef> resultTypes_;
  TypeRef inputs_, jobs_, needs_, matrix_, steps_;
};

} // namespace

void typeCheckWorkflow(const ir::Workflow &wf, const ir::SourceManager &sm, ir::DiagnosticEngine &diags,
                       const std::function<const std::vector<std::string> *(const ir::Job &)> &calleeOutputs) {
  WorkflowChecker(wf, sm, diags, calleeOutputs).run();
}

PreservedAnalyses TypeCheckPass::run(CompileUnit &unit, CompileAnalysisManager &) {
  // Outputs of each callee, keyed by the `uses` text.
  std::map<std::string, std::vector<std::string>> outputs;
  std::vector<const ir::Workflow *> workflows{&unit.root};
  std::set<const ir::Workflow *> seen{&unit.root};
  for (const ir::PlanJob &j : unit.workflow().jobs) {
    if (j.workflow && seen.insert(j.workflow).second)
      workflows.push_back(j.workflow);
    if (!j.uses.empty() && !j.calleePath.empty()) {
      WorkflowLoader::Result r = unit.loader.load(j.uses);
      if (r.workflow) {
        auto &v = outputs[j.uses];
        v.clear();
        if (const ir::Trigger *t = r.workflow->findTrigger("workflow_call"))
          for (const auto &o : t->outputs)
            v.push_back(o.id.value);
      }
    }
  }
  auto calleeOutputs = [&](const ir::Job &j) -> const std::vector<std::string> * {
    if (!j.uses)
      return nullptr;
    auto it = outputs.find(j.uses->value);
    return it == outputs.end() ? nullptr : &it->second;
  };
  for (const ir::Workflow *wf : workflows)
    typeCheckWorkflow(*wf, unit.sm, unit.diags, calleeOutputs);
  return PreservedAnalyses::all();
}

} // namespace passes
