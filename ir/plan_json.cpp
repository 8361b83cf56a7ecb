// Plan JSON writer (docs/plan.md): jobs, instances, strategies, concurrency and compute specs.
#include "ir/plan_json.h"

#include "ir/condition.h"
#include "ir/value.h"

#include <cmath>

namespace ir {

namespace {

using J = OrderedJson;

J number(double d) {
  if (!std::isfinite(d))
    return nullptr;
  if (d == std::floor(d) && std::fabs(d) < 9.0e15)
    return static_cast<int64_t>(d);
  return d;
}

J templateMap(const TemplateMap &m) {
  J o = J::object();
  for (const auto &e : m)
    o[e.name.value] = e.value.raw;
  return o;
}

J stepJson(const Step &s) {
  J o;
  o["id"] = s.id.value;
  if (s.name)
    o["name"] = s.name->raw;
  o["kind"] = stepKindName(s.kind);
  if (s.kind != StepKind::Wait && s.kind != StepKind::WaitAll && s.kind != StepKind::Cancel)
    o["if"] = rewriteCondition(s.condition);
  if (s.kind == StepKind::Run)
    o["run"] = s.run.raw;
  if (s.shell)
    o["shell"] = s.shell->value;
  if (s.workingDirectory)
    o["working_directory"] = s.workingDirectory->raw;
  if (s.uses)
    o["uses"] = s.uses->value;
  if (!s.with.empty())
    o["with"] = templateMap(s.with);
  if (!s.env.empty())
    o["env"] = templateMap(s.env);
  if (s.continueOnError)
    o["continue_on_error"] = tokenToPlanJson(*s.continueOnError);
  if (s.timeoutMinutes)
    o["timeout_minutes"] = tokenToPlanJson(*s.timeoutMinutes);
  if (s.background)
    o["background"] = true;
  if (s.kind == StepKind::Wait) {
    J ids = J::array();
    for (const auto &w : s.waitFor)
      ids.push_back(w.value);
    o["wait"] = std::move(ids);
  }
  if (s.kind == StepKind::WaitAll)
    o["wait_all"] = true;
  if (s.cancel)
    o["cancel"] = s.cancel->value;
  if (s.kind == StepKind::Parallel) {
    J steps = J::array();
    for (const auto &p : s.parallel)
      steps.push_back(stepJson(p));
    o["parallel"] = std::move(steps);
  }
  return o;
}

J permissionsJson(const Permissions &p) {
  if (p.form == Permissions::Form::ReadAll)
    return "read-all";
  if (p.form == Permissions::Form::WriteAll)
    return "write-all";
  J o = J::object();
  for (const auto &s : p.scopes)
    o[s.scope.value] = s.level.value;
  return o;
}

J concurrencyJson(const PlanConcurrency &c) {
  return J{{"group", planValueJson(c.group)},
           {"cancel_in_progress", planValueJson(c.cancelInProgress)},
           {"queue", c.queue}};
}

J jobJson(const PlanJob &j) {
  J o;
  o["id"] = j.id;
  if (j.localId != j.id)
    o["local_id"] = j.localId;
  o["name"] = j.name;
  J needs = J::array();
  for (const auto &n : j.needs)
    needs.push_back(n);
  o["needs"] = std::move(needs);
  if (!j.redundantNeeds.empty()) {
    J r = J::array();
    for (const auto &n : j.redundantNeeds)
      r.push_back(n);
    o["redundant_needs"] = std::move(r);
  }
  if (!j.needsAs.empty()) {
    J as = J::object();
    for (const auto &[id, name] : j.needsAs)
      as[id] = name;
    o["needs_as"] = std::move(as);
  }
  o["if"] = j.condition;
  if (!j.conditionSource.empty())
    o["if_source"] = j.conditionSource;
  if (j.neverRuns) {
    o["never_runs"] = true;
    o["never_runs_reason"] = j.neverRunsReason;
  }
  if (j.uses.empty()) {
    o["continue_on_error"] = planValueJson(j.continueOnError);
    o["timeout_minutes"] = planValueJson(j.timeoutMinutes);
  }
  if (j.strategy) {
    J s;
    s["fail_fast"] = planValueJson(j.strategy->failFast);
    s["max_parallel"] = planValueJson(j.strategy->maxParallel);
    if (!j.strategy->dynamicMatrix.empty())
      s["matrix"] = j.strategy->dynamicMatrix;
    else if (j.strategy->matrix)
      s["matrix"] = tokenToPlanJson(*j.strategy->matrix);
    o["strategy"] = std::move(s);
  }
  if (!j.instances.empty()) {
    J inst = J::array();
    for (const PlanInstance &i : j.instances)
      inst.push_back(J{{"id", i.id}, {"name", i.name}, {"matrix", valueToJson(i.matrix)},
                       {"config_id", i.configId}});
    o["instances"] = std::move(inst);
  }
  o["legs"] = j.legs;
  if (j.concurrency)
    o["concurrency"] = concurrencyJson(*j.concurrency);
  if (!j.outputs.empty())
    o["outputs"] = templateMap(j.outputs);
  if (!j.uses.empty()) {
    o["uses"] = j.uses;
    if (!j.calleePath.empty())
      o["callee"] = j.calleePath;
    J with = J::object();
    for (const auto &[k, v] : j.with)
      with[k] = planValueJson(v);
    o["with"] = std::move(with);
    if (j.inheritSecrets) {
      o["secrets"] = "inherit";
    } else {
      J secrets = J::object();
      for (const auto &[k, v] : j.secrets)
        secrets[k] = v;
      o["secrets"] = std::move(secrets);
    }
  }
  if (!j.call.empty())
    o["call"] = j.call;
  o["level"] = j.level;
  o["weight"] = number(j.weight);
  if (j.uses.empty() && j.source && j.workflow)
    o["spec"] = jobSpecJson(*j.source, *j.workflow);
  return o;
}

} // namespace

J valueToJson(const Value &v) {
  switch (v.kind()) {
  case Value::Kind::Null:
    return nullptr;
  case Value::Kind::Bool:
    return v.getBool();
  case Value::Kind::Number:
    return number(v.getNumber());
  case Value::Kind::String:
    return v.getString().str();
  case Value::Kind::Array: {
    J a = J::array();
    for (const Value &e : v.getArray())
      a.push_back(valueToJson(e));
    return a;
  }
  case Value::Kind::Object: {
    J o = J::object();
    for (const auto &e : v.getObject())
      o[e.key] = valueToJson(e.value);
    return o;
  }
  }
  return nullptr;
}

J planValueJson(const PlanValue &v) {
  if (v.resolved())
    return valueToJson(*v.constant);
  return v.expression;
}

J tokenToPlanJson(const TemplateToken &t) {
  switch (t.kind) {
  case TemplateToken::Kind::Null:
    return nullptr;
  case TemplateToken::Kind::Bool:
    return t.boolean;
  case TemplateToken::Kind::Number:
    return number(t.number);
  case TemplateToken::Kind::String:
    return t.str.raw;
  case TemplateToken::Kind::Sequence: {
    J a = J::array();
    for (const auto &i : t.items)
      a.push_back(tokenToPlanJson(i));
    return a;
  }
  case TemplateToken::Kind::Mapping: {
    J o = J::object();
    for (const auto &e : t.entries)
      o[e.key.value] = tokenToPlanJson(e.value);
    return o;
  }
  }
  return nullptr;
}

J jobSpecJson(const Job &job, const Workflow &wf) {
  J o;
  if (job.runsOn)
    o["runs_on"] = tokenToPlanJson(*job.runsOn);
  if (job.environment)
    o["environment"] = tokenToPlanJson(*job.environment);
  J env = templateMap(wf.env);
  for (const auto &e : job.env)
    env[e.name.value] = e.value.raw;
  o["env"] = std::move(env);
  const auto &shell = job.defaults.shell ? job.defaults.shell : wf.defaults.shell;
  const auto &dir = job.defaults.workingDirectory ? job.defaults.workingDirectory
                                                  : wf.defaults.workingDirectory;
  if (shell || dir) {
    J run = J::object();
    if (shell)
      run["shell"] = shell->raw;
    if (dir)
      run["working_directory"] = dir->raw;
    o["defaults"] = J{{"run", std::move(run)}};
  }
  if (job.container)
    o["container"] = tokenToPlanJson(*job.container);
  if (job.services)
    o["services"] = tokenToPlanJson(*job.services);
  if (const auto &p = job.permissions ? job.permissions : wf.permissions)
    o["permissions"] = permissionsJson(*p);
  if (job.cancelTimeoutMinutes)
    o["cancel_timeout_minutes"] = tokenToPlanJson(*job.cancelTimeoutMinutes);
  J steps = J::array();
  for (const Step &s : job.steps)
    steps.push_back(stepJson(s));
  o["steps"] = std::move(steps);
  return o;
}

OrderedJson planToJson(const Plan &plan) {
  J o;
  o["version"] = Plan::kVersion;
  o["op_budget"] = plan.opBudget;
  J workflows = J::array();
  for (const PlanWorkflow &w : plan.workflows) {
    J wj;
    wj["id"] = w.id;
    wj["path"] = w.path;
    wj["name"] = w.name;
    if (w.concurrency)
      wj["concurrency"] = concurrencyJson(*w.concurrency);
    wj["env"] = w.source ? templateMap(w.source->env) : J::object();
    J jobs = J::array();
    for (const PlanJob &j : w.jobs)
      jobs.push_back(jobJson(j));
    wj["jobs"] = std::move(jobs);
    J cp = J::array();
    for (const auto &id : w.criticalPath)
      cp.push_back(id);
    wj["critical_path"] = J{{"jobs", std::move(cp)}, {"minutes", number(w.criticalPathMinutes)}};
    if (!w.partitions.empty()) {
      J parts = J::array();
      for (const PlanPartition &p : w.partitions) {
        J ids = J::array();
        for (const auto &id : p.jobs)
          ids.push_back(id);
        parts.push_back(J{{"id", p.id}, {"kind", p.kind}, {"jobs", std::move(ids)}, {"estimate", p.estimate}});
      }
      wj["partitions"] = std::move(parts);
    }
    if (w.estimate >= 0)
      wj["estimate"] = J{{"operations", w.estimate}, {"budget", plan.opBudget}};
    workflows.push_back(std::move(wj));
  }
  o["workflows"] = std::move(workflows);
  return o;
}

std::string writePlanJson(const Plan &plan) { return planToJson(plan).dump(2) + "\n"; }

} // namespace ir
