// GitHub's converted workflow template JSON (the reader conformance format).
#include "backend/github_template.h"

#include <cmath>

namespace backend {

using J = ir::OrderedJson;

namespace {

J rangeless(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9.0e15)
    return static_cast<int64_t>(v);
  return v;
}

J mapOf(std::initializer_list<std::pair<std::string, J>> entries) {
  J m = J::array();
  for (const auto &[k, v] : entries)
    m.push_back(J{{"Key", k}, {"Value", v}});
  return J{{"type", 2}, {"map", std::move(m)}};
}

J templateMapJson(const ir::TemplateMap &m) {
  J a = J::array();
  for (const auto &e : m)
    a.push_back(J{{"Key", e.name.value}, {"Value", templateJson(e.value)}});
  return J{{"type", 2}, {"map", std::move(a)}};
}

J defaultsJson(const ir::RunDefaults &d) {
  J run = J::array();
  if (d.shell)
    run.push_back(J{{"Key", "shell"}, {"Value", templateJson(*d.shell)}});
  if (d.workingDirectory)
    run.push_back(J{{"Key", "working-directory"}, {"Value", templateJson(*d.workingDirectory)}});
  return mapOf({{"run", J{{"type", 2}, {"map", std::move(run)}}}});
}

const char *const kAllScopes[] = {"actions",       "checks",   "contents",      "deployments",
                                  "discussions",   "id-token", "issues",        "packages",
                                  "pages",         "pull-requests", "repository-projects",
                                  "security-events", "statuses"};

J permissionsJson(const ir::Permissions &p) {
  J o = J::object();
  if (p.form == ir::Permissions::Form::Map) {
    std::map<std::string, std::string> sorted;
    for (const auto &s : p.scopes)
      sorted[s.scope.value] = s.level.value;
    for (const auto &[k, v] : sorted)
      o[k] = v;
  } else {
    for (const char *s : kAllScopes)
      o[s] = p.levelOf(s);
  }
  return o;
}

J concurrencyJson(const ir::Concurrency &c) {
  if (c.shortForm)
    return templateJson(c.group);
  J m = J::array();
  m.push_back(J{{"Key", "group"}, {"Value", templateJson(c.group)}});
  if (c.cancelInProgress)
    m.push_back(J{{"Key", "cancel-in-progress"}, {"Value", tokenJson(*c.cancelInProgress)}});
  if (c.queue)
    m.push_back(J{{"Key", "queue"}, {"Value", tokenJson(*c.queue)}});
  return J{{"type", 2}, {"map", std::move(m)}};
}

J stepJson(const ir::Step &s) {
  J o;
  o["id"] = s.id.value;
  if (s.name)
    o["name"] = templateJson(*s.name);
  switch (s.kind) {
  case ir::StepKind::Wait: {
    if (!s.name)
      o["name"] = "Wait";
    J ids = J::array();
    for (const auto &w : s.waitFor)
      ids.push_back(w.value);
    o["wait"] = std::move(ids);
    return o;
  }
  case ir::StepKind::WaitAll:
    if (!s.name)
      o["name"] = "Wait for all";
    o["wait-all"] = true;
    return o;
  case ir::StepKind::Cancel:
    if (!s.name)
      o["name"] = "Cancel";
    o["cancel"] = s.cancel ? s.cancel->value : "";
    return o;
  default:
    break;
  }
  o["if"] = J{{"type", 3}, {"expr", rewriteCondition(s.condition)}};
  if (s.uses)
    o["uses"] = s.uses->value;
  if (s.continueOnError)
    o["continue-on-error"] = tokenJson(*s.continueOnError);
  if (s.timeoutMinutes)
    o["timeout-minutes"] = tokenJson(*s.timeoutMinutes);
  if (!s.with.empty())
    o["with"] = templateMapJson(s.with);
  if (!s.env.empty())
    o["env"] = templateMapJson(s.env);
  if (s.workingDirectory)
    o["working-directory"] = templateJson(*s.workingDirectory);
  if (s.shell)
    o["shell"] = s.shell->value;
  if (s.kind == ir::StepKind::Run)
    o["run"] = templateJson(s.run);
  if (s.kind == ir::StepKind::Parallel) {
    J steps = J::array();
    for (const auto &p : s.parallel)
      steps.push_back(stepJson(p));
    o["parallel"] = std::move(steps);
  }
  if (s.background)
    o["background"] = true;
  return o;
}

J eventsJson(const ir::Workflow &wf) {
  J ev = J::object();
  static const char *const filterOrder[] = {"branches",     "branches-ignore", "tags",
                                            "tags-ignore",  "paths",           "paths-ignore"};
  for (const ir::Trigger &t : wf.triggers) {
    if (t.event.value == "schedule") {
      J a = J::array();
      for (const auto &s : t.schedules) {
        J sj{{"cron", s.cron.value}};
        if (s.timezone)
          sj["timezone"] = s.timezone->value;
        a.push_back(std::move(sj));
      }
      ev["schedule"] = std::move(a);
      continue;
    }
    J o = J::object();
    auto strings = [](const std::vector<ir::LocatedString> &v) {
      J a = J::array();
      for (const auto &s : v)
        a.push_back(s.value);
      return a;
    };
    for (const char *k : filterOrder)
      if (const auto *f = t.filter(k))
        o[k] = strings(f->patterns);
    if (!t.types.empty())
      o["types"] = strings(t.types);
    for (const char *k : {"workflows", "names", "versions"})
      if (const auto *f = t.filter(k))
        o[k] = strings(f->patterns);
    if (!t.inputs.empty()) {
      J ins = J::object();
      for (const auto &in : t.inputs) {
        J ij = J::object();
        if (in.type)
          ij["type"] = in.type->value;
        if (in.description)
          ij["description"] = in.description->value;
        if (in.required)
          ij["required"] = *in.required;
        if (!in.options.empty())
          ij["options"] = strings(in.options);
        if (in.defaultValue)
          ij["default"] = tokenJson(*in.defaultValue);
        ins[in.id.value] = std::move(ij);
      }
      o["inputs"] = std::move(ins);
    }
    if (!t.outputs.empty()) {
      J outs = J::object();
      for (const auto &out : t.outputs) {
        J oj = J::object();
        if (out.description)
          oj["description"] = out.description->value;
        oj["value"] = templateJson(out.value);
        outs[out.id.value] = std::move(oj);
      }
      o["outputs"] = std::move(outs);
    }
    if (!t.secrets.empty()) {
      J secs = J::object();
      for (const auto &s : t.secrets) {
        J sj = J::object();
        if (s.description)
          sj["description"] = s.description->value;
        if (s.required)
          sj["required"] = *s.required;
        secs[s.id.value] = std::move(sj);
      }
      o["secrets"] = std::move(secs);
    }
    ev[t.event.value] = std::move(o);
  }
  return ev;
}

} // namespace

J templateJson(const ir::Template &t) {
  if (!t.hasExpressions())
    return t.raw;
  if (t.isSingleExpression() && t.parts[0].ast && t.parts[0].ast->op == ir::ExprOp::String)
    return t.parts[0].ast->text;
  return J{{"type", 3}, {"expr", t.toExpressionSource()}};
}

J tokenJson(const ir::TemplateToken &t) {
  switch (t.kind) {
  case ir::TemplateToken::Kind::Null:
    return nullptr;
  case ir::TemplateToken::Kind::Bool:
    return t.boolean;
  case ir::TemplateToken::Kind::Number:
    return rangeless(t.number);
  case ir::TemplateToken::Kind::String:
    return templateJson(t.str);
  case ir::TemplateToken::Kind::Sequence: {
    J a = J::array();
    for (const auto &i : t.items)
      a.push_back(tokenJson(i));
    return J{{"type", 1}, {"seq", std::move(a)}};
  }
  case ir::TemplateToken::Kind::Mapping: {
    J a = J::array();
    for (const auto &e : t.entries)
      a.push_back(J{{"Key", e.key.value}, {"Value", tokenJson(e.value)}});
    return J{{"type", 2}, {"map", std::move(a)}};
  }
  }
  return nullptr;
}

std::string GithubTemplateEmitter::displayPath(llvm::StringRef path) {
  size_t pos = path.find(".github/workflows/");
  if (pos != llvm::StringRef::npos)
    return path.substr(pos).str();
  size_t slash = path.find_last_of('/');
  return ".github/workflows/" + (slash == llvm::StringRef::npos ? path : path.substr(slash + 1)).str();
}

void GithubTemplateEmitter::addWorkflowFile(std::string ref, std::string text) {
  loader_.addFile(std::move(ref), std::move(text));
}

const ir::Workflow *GithubTemplateEmitter::loadCallee(llvm::StringRef ref) {
  passes::WorkflowLoader::Result r = loader_.load(ref);
  return r.status == passes::WorkflowLoader::Status::Loaded ? r.workflow : nullptr;
}

J GithubTemplateEmitter::callJson(const ir::Workflow &, const ir::Job &job, J &o) {
  o["ref"] = job.uses ? job.uses->value : "";
  const ir::Workflow *callee = job.uses ? loadCallee(job.uses->value) : nullptr;
  if (!callee) {
    if (job.uses)
      diags_.report(ir::DiagKind::SchemaReusableNotFound, job.uses->range, job.uses->value)
          .note({}, "supply it with --workflow-file REF=FILE");
    return o;
  }
  passes::checkCallArguments(job, *callee, diags_);
  const ir::Trigger *call = callee->findTrigger("workflow_call");
  if (call && !call->inputs.empty()) {
    J defs = J::array();
    for (const auto &in : call->inputs) {
      J m = J::array();
      if (in.description)
        m.push_back(J{{"Key", "description"}, {"Value", in.description->value}});
      if (in.required)
        m.push_back(J{{"Key", "required"}, {"Value", *in.required}});
      if (in.type)
        m.push_back(J{{"Key", "type"}, {"Value", in.type->value}});
      if (in.defaultValue)
        m.push_back(J{{"Key", "default"}, {"Value", tokenJson(*in.defaultValue)}});
      defs.push_back(J{{"Key", in.id.value}, {"Value", J{{"type", 2}, {"map", std::move(m)}}}});
    }
    o["input-definitions"] = J{{"type", 2}, {"map", std::move(defs)}};
  }
  if (!job.with.empty()) {
    J vals = J::array();
    for (const auto &w : job.with)
      vals.push_back(J{{"Key", w.key.value}, {"Value", w.value.isNull() ? J("") : tokenJson(w.value)}});
    o["input-values"] = J{{"type", 2}, {"map", std::move(vals)}};
  }
  // Secrets.
  if (call && !call->secrets.empty()) {
    J defs = J::array();
    for (const auto &s : call->secrets) {
      J v = nullptr;
      if (!s.isNull) {
        J m = J::array();
        if (s.description)
          m.push_back(J{{"Key", "description"}, {"Value", s.description->value}});
        if (s.required)
          m.push_back(J{{"Key", "required"}, {"Value", *s.required}});
        v = J{{"type", 2}, {"map", std::move(m)}};
      }
      defs.push_back(J{{"Key", s.id.value}, {"Value", std::move(v)}});
    }
    o["secret-definitions"] = J{{"type", 2}, {"map", std::move(defs)}};
  }
  return o;
}

J GithubTemplateEmitter::jobJson(const ir::Workflow &wf, const ir::Job &job, bool nested) {
  J o;
  bool call = job.kind == ir::JobKind::ReusableCall;
  o["type"] = call ? "reusableWorkflowJob" : "job";
  o["id"] = job.id.value;
  o["name"] = job.name ? templateJson(*job.name) : J(job.id.value);
  if (call || !job.needs.empty()) {
    J needs = J::array();
    for (const auto &n : job.needs)
      needs.push_back(n.value);
    o["needs"] = std::move(needs);
  }
  o["if"] = J{{"type", 3}, {"expr", rewriteCondition(job.condition)}};
  if (call)
    callJson(wf, job, o);
  const std::optional<ir::Permissions> &perms = job.permissions ? job.permissions : wf.permissions;
  if (perms && !nested)
    o["permissions"] = permissionsJson(*perms);
  if (job.strategy)
    o["strategy"] = tokenJson(*job.strategy);
  if (call && !job.secrets.empty())
    o["secret-values"] = templateMapJson(job.secrets);
  if (call && job.inheritSecrets)
    o["inherit-secrets"] = true;
  if (job.continueOnError)
    o["continue-on-error"] = tokenJson(*job.continueOnError);
  if (call && job.uses) {
    if (const ir::Workflow *callee = loadCallee(job.uses->value)) {
      J jobs = J::array();
      for (const auto &j : callee->jobs)
        jobs.push_back(jobJson(*callee, j, true));
      o["jobs"] = std::move(jobs);
    }
  }
  if (job.timeoutMinutes)
    o["timeout-minutes"] = tokenJson(*job.timeoutMinutes);
  if (job.cancelTimeoutMinutes)
    o["cancel-timeout-minutes"] = tokenJson(*job.cancelTimeoutMinutes);
  if (job.concurrency)
    o["concurrency"] = concurrencyJson(*job.concurrency);
  if (!job.env.empty())
    o["env"] = templateMapJson(job.env);
  if (job.environment)
    o["environment"] = tokenJson(*job.environment);
  if (!job.defaults.empty())
    o["defaults"] = defaultsJson(job.defaults);
  if (job.runsOn)
    o["runs-on"] = tokenJson(*job.runsOn);
  if (job.container)
    o["container"] = tokenJson(*job.container);
  if (job.services)
    o["services"] = tokenJson(*job.services);
  if (!job.outputs.empty())
    o["outputs"] = templateMapJson(job.outputs);
  if (!call) {
    J steps = J::array();
    for (const auto &s : job.steps)
      steps.push_back(stepJson(s));
    o["steps"] = std::move(steps);
  }
  if (job.snapshot)
    o["snapshot"] = tokenJson(*job.snapshot);
  return o;
}

J GithubTemplateEmitter::errorsDocument() {
  diags_.finalize();
  J errors = J::array();
  for (const ir::Diagnostic &d : diags_.diagnostics()) {
    if (d.severity != ir::Severity::Error)
      continue;
    if (errors.size() == 10)
      break;
    const ir::SourceRange &r = d.valueRange.valid() ? d.valueRange : d.range;
    std::string file = r.file ? displayPath(sm_.name(r.file)) : ".github/workflows/workflow.yml";
    if (r.file && llvm::StringRef(sm_.name(r.file)).contains('@'))
      file = sm_.name(r.file).str(); // a remote reusable workflow: its ref
    std::string message = d.message;
    if (d.kind == ir::DiagKind::YamlDuplicateKey) {
      // GitHub's wording for a key defined twice.
      llvm::StringRef m = d.message;
      llvm::StringRef key = m.drop_front(m.find('"') + 1);
      message = "'" + key.take_until([](char c) { return c == '"'; }).str() + "' is already defined";
    }
    errors.push_back(J{{"Message", file + " (Line: " + std::to_string(r.line) +
                                       ", Col: " + std::to_string(r.col) + "): " + message}});
  }
  return J{{"errors", std::move(errors)}};
}

J GithubTemplateEmitter::emit(const ir::Workflow &wf) {
  J o;
  J jobs = J::array();
  if (!diags_.hasErrors())
    for (const auto &j : wf.jobs)
      jobs.push_back(jobJson(wf, j, false));
  if (diags_.hasErrors())
    return errorsDocument();
  if (!wf.triggers.empty())
    o["events"] = eventsJson(wf);
  if (wf.permissions)
    o["permissions"] = permissionsJson(*wf.permissions);
  if (wf.concurrency)
    o["concurrency"] = concurrencyJson(*wf.concurrency);
  if (!wf.env.empty())
    o["env"] = templateMapJson(wf.env);
  if (!wf.defaults.empty())
    o["defaults"] = defaultsJson(wf.defaults);
  o["jobs"] = std::move(jobs);
  return o;
}

} // namespace backend
