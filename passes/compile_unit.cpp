// The compile unit: root workflow, loaded callees, options and the plan seed.
#include "passes/compile_unit.h"

#include "llvm/ADT/StringExtras.h"
#include "ir/condition.h"

#include "llvm/Support/Path.h"

#include <cmath>

namespace passes {

namespace {

std::string lowerKey(llvm::StringRef s) { return s.lower(); }

LoaderOptions loaderOptions(const CompileOptions &o, const ir::Workflow &root) {
  LoaderOptions l;
  l.repoRoot = o.repoRoot.empty() ? repositoryRootOf(root.file) : o.repoRoot;
  l.workflowCache = o.workflowCache;
  l.lower = o.lower;
  return l;
}

/// A bool-or-expression token as a plan value.
ir::PlanValue boolValue(const std::optional<ir::TemplateToken> &t, bool dflt,
                        const KnownContexts &known) {
  if (!t)
    return ir::PlanValue::of(ir::Value::boolean(dflt));
  if (auto v = evaluateClosed(*t, known))
    return ir::PlanValue::of(std::move(*v));
  return ir::PlanValue::expr(t->str.raw);
}

/// A number-or-expression token; GitHub truncates timeouts to an integer.
ir::PlanValue minutesValue(const std::optional<ir::TemplateToken> &t, double dflt,
                           const KnownContexts &known) {
  if (!t)
    return ir::PlanValue::of(ir::Value::number(dflt));
  if (auto v = evaluateClosed(*t, known)) {
    // GitHub truncates timeout-minutes to whole minutes (gha-semantics §1.5); a plan
    // written by other means may hold fractions, which the runtimes honour.
    double n = v->toNumber();
    if (std::isfinite(n))
      return ir::PlanValue::of(ir::Value::number(std::trunc(n)));
    return ir::PlanValue::of(std::move(*v));
  }
  return ir::PlanValue::expr(t->str.raw);
}

} // namespace

std::string planWorkflowId(llvm::StringRef path) {
  std::string id;
  for (char c : llvm::sys::path::stem(path)) {
    if (id.size() == 40)
      break;
    id += (llvm::isAlnum(c) || c == '_' || c == '-') ? c : '_';
  }
  return id.empty() ? "workflow" : id;
}

ir::PlanJob seedJob(const ir::Job &job, const ir::Workflow &wf, const KnownContexts &known) {
  ir::PlanJob p;
  p.id = job.id.value;
  p.localId = job.id.value;
  p.name = job.name ? job.name->raw : job.id.value;
  p.source = &job;
  p.workflow = &wf;
  p.condition = ir::rewriteCondition(job.condition);
  p.continueOnError = boolValue(job.continueOnError, false, known);
  p.timeoutMinutes = minutesValue(job.timeoutMinutes, 360, known);
  p.outputs = job.outputs;
  if (job.kind == ir::JobKind::ReusableCall && job.uses)
    p.uses = job.uses->value;
  return p;
}

CompileUnit::CompileUnit(ir::SourceManager &sm, ir::DiagnosticEngine &diags, ir::Workflow rootWf,
                         CompileOptions opts)
    : sm(sm), diags(diags), options(std::move(opts)), root(std::move(rootWf)),
      loader(sm, diags, loaderOptions(options, root)) {
  plan.opBudget = options.opBudget;
  for (auto &[ref, text] : options.workflowFiles)
    loader.addFile(ref, text);
  seedPlan();
}

void CompileUnit::seedPlan() {
  ir::PlanWorkflow w;
  w.id = planWorkflowId(root.file);
  w.path = root.file;
  w.name = root.name && !root.name->raw.empty() ? root.name->raw : root.file;
  w.source = &root;
  w.jobs.reserve(root.jobs.size());
  for (const ir::Job &j : root.jobs)
    w.jobs.push_back(seedJob(j, root, options.contexts));
  plan.workflows.push_back(std::move(w));
  reindex();
}

void CompileUnit::reindex() {
  index_.clear();
  const auto &jobs = workflow().jobs;
  for (uint32_t i = 0; i < jobs.size(); ++i)
    index_.try_emplace(lowerKey(jobs[i].id), i);
}

int64_t CompileUnit::indexOf(llvm::StringRef id) const {
  auto it = index_.find(lowerKey(id));
  return it == index_.end() ? -1 : int64_t(it->second);
}

ir::PlanJob *CompileUnit::findJob(llvm::StringRef id) {
  int64_t i = indexOf(id);
  return i < 0 ? nullptr : &workflow().jobs[size_t(i)];
}

const ir::PlanJob *CompileUnit::callOf(const ir::PlanJob &job) const {
  if (job.call.empty())
    return nullptr;
  int64_t i = indexOf(job.call);
  return i < 0 ? nullptr : &workflow().jobs[size_t(i)];
}

KnownContexts knownForCallee(const CompileOptions &opts, const ir::PlanJob &call) {
  KnownContexts k;
  for (const char *name : {"github", "vars"})
    if (const ir::Value *v = opts.contexts.values.find(name))
      k.set(name, *v, opts.contexts.isComplete(name));
  ir::ValueObject inputs;
  bool complete = true;
  for (const auto &[name, value] : call.with) {
    if (value.resolved())
      inputs.insert(name, *value.constant);
    else
      complete = false;
  }
  k.set("inputs", ir::Value::object(std::move(inputs)), complete);
  return k;
}

KnownContexts CompileUnit::knownFor(const ir::PlanJob &job) const {
  const ir::PlanJob *call = callOf(job);
  return call ? knownForCallee(options, *call) : options.contexts;
}

} // namespace passes
