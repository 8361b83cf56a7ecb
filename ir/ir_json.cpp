// IR JSON writer and reader (docs/ir.md); writer and reader mirror each other field by field.
#include "ir/ir_json.h"

#include <cmath>

namespace ir {

using J = OrderedJson;

namespace {

// ----------------------------------------------------------------- writing

// "line:col-endLine:endCol" (1-based, end exclusive): compact and readable.
J rangeJ(const SourceRange &r) {
  return std::to_string(r.line) + ":" + std::to_string(r.col) + "-" + std::to_string(r.endLine) +
         ":" + std::to_string(r.endCol);
}

J strJ(const LocatedString &s) { return J{{"value", s.value}, {"range", rangeJ(s.range)}}; }

void putParts(J &o, const Template &t) {
  if (!t.hasExpressions())
    return;
  J parts = J::array();
  for (const auto &p : t.parts) {
    J pj;
    pj[p.isExpr ? "expr" : "text"] = p.text;
    pj["offset"] = p.offset;
    parts.push_back(std::move(pj));
  }
  o["parts"] = std::move(parts);
}

J tmplJ(const Template &t) {
  J o{{"value", t.raw}, {"range", rangeJ(t.range)}};
  putParts(o, t);
  return o;
}

J numberJ(double v) {
  if (std::isnan(v))
    return "NaN";
  if (std::isinf(v))
    return v > 0 ? "Infinity" : "-Infinity";
  if (v == std::floor(v) && std::fabs(v) < 9.0e15)
    return static_cast<int64_t>(v);
  return v;
}

J tokenJ(const TemplateToken &t) {
  J o{{"type", TemplateToken::kindName(t.kind)}, {"range", rangeJ(t.range)}};
  switch (t.kind) {
  case TemplateToken::Kind::Null:
    break;
  case TemplateToken::Kind::Bool:
    o["value"] = t.boolean;
    break;
  case TemplateToken::Kind::Number:
    o["value"] = numberJ(t.number);
    break;
  case TemplateToken::Kind::String:
    o["value"] = t.str.raw;
    putParts(o, t.str);
    break;
  case TemplateToken::Kind::Sequence: {
    J items = J::array();
    for (const auto &i : t.items)
      items.push_back(tokenJ(i));
    o["items"] = std::move(items);
    break;
  }
  case TemplateToken::Kind::Mapping: {
    J entries = J::array();
    for (const auto &e : t.entries)
      entries.push_back(J{{"key", strJ(e.key)}, {"value", tokenJ(e.value)}});
    o["entries"] = std::move(entries);
    break;
  }
  }
  return o;
}

J mapJ(const TemplateMap &m) {
  J a = J::array();
  for (const auto &e : m)
    a.push_back(J{{"name", strJ(e.name)}, {"value", tmplJ(e.value)}});
  return a;
}

template <typename T, typename F> void putList(J &o, const char *key, const std::vector<T> &v, F f) {
  if (v.empty())
    return;
  J a = J::array();
  for (const auto &x : v)
    a.push_back(f(x));
  o[key] = std::move(a);
}

template <typename T, typename F> void putOpt(J &o, const char *key, const std::optional<T> &v, F f) {
  if (v)
    o[key] = f(*v);
}

J permissionsJ(const Permissions &p) {
  J o;
  o["form"] = p.form == Permissions::Form::ReadAll    ? "read-all"
              : p.form == Permissions::Form::WriteAll ? "write-all"
                                                      : "map";
  o["range"] = rangeJ(p.range);
  putList(o, "scopes", p.scopes,
          [](const Permissions::Scope &s) { return J{{"scope", strJ(s.scope)}, {"level", strJ(s.level)}}; });
  return o;
}

J concurrencyJ(const Concurrency &c) {
  J o;
  o["group"] = tmplJ(c.group);
  putOpt(o, "cancel-in-progress", c.cancelInProgress, tokenJ);
  putOpt(o, "queue", c.queue, tokenJ);
  if (c.shortForm)
    o["short-form"] = true;
  o["range"] = rangeJ(c.range);
  return o;
}

void putDefaults(J &o, const RunDefaults &d) {
  if (d.empty() && !d.range.valid())
    return;
  J dj;
  putOpt(dj, "shell", d.shell, tmplJ);
  putOpt(dj, "working-directory", d.workingDirectory, tmplJ);
  dj["range"] = rangeJ(d.range);
  o["defaults"] = std::move(dj);
}

J stepJ(const Step &s) {
  J o;
  o["kind"] = stepKindName(s.kind);
  o["id"] = strJ(s.id);
  if (s.generatedId)
    o["generated-id"] = true;
  putOpt(o, "name", s.name, tmplJ);
  putOpt(o, "if", s.condition, tmplJ);
  if (s.kind == StepKind::Run || !s.run.raw.empty() || s.run.range.valid())
    o["run"] = tmplJ(s.run);
  putOpt(o, "uses", s.uses, strJ);
  putOpt(o, "shell", s.shell, strJ);
  putOpt(o, "working-directory", s.workingDirectory, tmplJ);
  if (!s.with.empty())
    o["with"] = mapJ(s.with);
  if (!s.env.empty())
    o["env"] = mapJ(s.env);
  putOpt(o, "continue-on-error", s.continueOnError, tokenJ);
  putOpt(o, "timeout-minutes", s.timeoutMinutes, tokenJ);
  if (s.background)
    o["background"] = true;
  putList(o, "wait", s.waitFor, strJ);
  putOpt(o, "cancel", s.cancel, strJ);
  putList(o, "parallel", s.parallel, stepJ);
  o["range"] = rangeJ(s.range);
  return o;
}

J jobJ(const Job &j) {
  J o;
  o["id"] = strJ(j.id);
  o["kind"] = j.kind == JobKind::Normal ? "normal" : "reusable-call";
  putOpt(o, "name", j.name, tmplJ);
  putList(o, "needs", j.needs, strJ);
  putOpt(o, "if", j.condition, tmplJ);
  putOpt(o, "runs-on", j.runsOn, tokenJ);
  putOpt(o, "environment", j.environment, tokenJ);
  putOpt(o, "strategy", j.strategy, tokenJ);
  putOpt(o, "permissions", j.permissions, permissionsJ);
  putOpt(o, "concurrency", j.concurrency, concurrencyJ);
  if (!j.outputs.empty())
    o["outputs"] = mapJ(j.outputs);
  if (!j.env.empty())
    o["env"] = mapJ(j.env);
  putDefaults(o, j.defaults);
  putOpt(o, "timeout-minutes", j.timeoutMinutes, tokenJ);
  putOpt(o, "cancel-timeout-minutes", j.cancelTimeoutMinutes, tokenJ);
  putOpt(o, "continue-on-error", j.continueOnError, tokenJ);
  putOpt(o, "container", j.container, tokenJ);
  putOpt(o, "services", j.services, tokenJ);
  putOpt(o, "snapshot", j.snapshot, tokenJ);
  putOpt(o, "uses", j.uses, strJ);
  putList(o, "with", j.with,
          [](const TokenEntry &e) { return J{{"key", strJ(e.key)}, {"value", tokenJ(e.value)}}; });
  if (!j.secrets.empty())
    o["secrets"] = mapJ(j.secrets);
  if (j.inheritSecrets)
    o["inherit-secrets"] = true;
  putList(o, "steps", j.steps, stepJ);
  o["range"] = rangeJ(j.range);
  return o;
}

J inputJ(const WorkflowInput &in) {
  J o{{"id", strJ(in.id)}};
  putOpt(o, "description", in.description, strJ);
  putOpt(o, "required", in.required, [](bool b) { return J(b); });
  putOpt(o, "type", in.type, strJ);
  putOpt(o, "default", in.defaultValue, tokenJ);
  putList(o, "options", in.options, strJ);
  o["range"] = rangeJ(in.range);
  return o;
}

J triggerJ(const Trigger &t) {
  J o{{"event", strJ(t.event)}};
  putList(o, "types", t.types, strJ);
  putList(o, "filters", t.filters, [](const TriggerFilter &f) {
    J fj{{"key", strJ(f.key)}};
    J pats = J::array();
    for (const auto &p : f.patterns)
      pats.push_back(strJ(p));
    fj["patterns"] = std::move(pats);
    return fj;
  });
  putList(o, "schedules", t.schedules, [](const Schedule &s) {
    J sj{{"cron", strJ(s.cron)}};
    putOpt(sj, "timezone", s.timezone, strJ);
    sj["range"] = rangeJ(s.range);
    return sj;
  });
  putList(o, "inputs", t.inputs, inputJ);
  putList(o, "outputs", t.outputs, [](const WorkflowOutput &out) {
    J oj{{"id", strJ(out.id)}};
    putOpt(oj, "description", out.description, strJ);
    oj["value"] = tmplJ(out.value);
    oj["range"] = rangeJ(out.range);
    return oj;
  });
  putList(o, "secrets", t.secrets, [](const WorkflowSecret &s) {
    J sj{{"id", strJ(s.id)}};
    putOpt(sj, "description", s.description, strJ);
    putOpt(sj, "required", s.required, [](bool b) { return J(b); });
    if (s.isNull)
      sj["null"] = true;
    sj["range"] = rangeJ(s.range);
    return sj;
  });
  if (t.hasConfig)
    o["has-config"] = true;
  o["range"] = rangeJ(t.range);
  return o;
}

const char *triggerFormName(TriggerForm f) {
  switch (f) {
  case TriggerForm::None:
    return "none";
  case TriggerForm::String:
    return "string";
  case TriggerForm::Sequence:
    return "sequence";
  case TriggerForm::Mapping:
    return "mapping";
  }
  return "none";
}

} // namespace

J workflowToJson(const Workflow &wf) {
  J o;
  o["version"] = kIrJsonVersion;
  o["kind"] = "workflow";
  o["file"] = wf.file;
  putOpt(o, "name", wf.name, tmplJ);
  putOpt(o, "run-name", wf.runName, tmplJ);
  putOpt(o, "description", wf.description, tmplJ);
  J on{{"form", triggerFormName(wf.triggerForm)}, {"range", rangeJ(wf.onRange)}};
  J triggers = J::array();
  for (const auto &t : wf.triggers)
    triggers.push_back(triggerJ(t));
  on["triggers"] = std::move(triggers);
  o["on"] = std::move(on);
  putOpt(o, "permissions", wf.permissions, permissionsJ);
  if (!wf.env.empty())
    o["env"] = mapJ(wf.env);
  putDefaults(o, wf.defaults);
  putOpt(o, "concurrency", wf.concurrency, concurrencyJ);
  J jobs = J::array();
  for (const auto &j : wf.jobs)
    jobs.push_back(jobJ(j));
  o["jobs"] = std::move(jobs);
  o["jobs-range"] = rangeJ(wf.jobsRange);
  o["range"] = rangeJ(wf.range);
  return o;
}

J actionToJson(const Action &a) {
  J o;
  o["version"] = kIrJsonVersion;
  o["kind"] = "action";
  o["file"] = a.file;
  putOpt(o, "name", a.name, strJ);
  putOpt(o, "author", a.author, strJ);
  putOpt(o, "description", a.description, strJ);
  putList(o, "inputs", a.inputs, [](const ActionInput &in) {
    J ij{{"id", strJ(in.id)}};
    putOpt(ij, "description", in.description, strJ);
    putOpt(ij, "required", in.required, [](bool b) { return J(b); });
    putOpt(ij, "default", in.defaultValue, tmplJ);
    putOpt(ij, "deprecation-message", in.deprecationMessage, strJ);
    ij["range"] = rangeJ(in.range);
    return ij;
  });
  putList(o, "outputs", a.outputs, [](const ActionOutput &out) {
    J oj{{"id", strJ(out.id)}};
    putOpt(oj, "description", out.description, strJ);
    putOpt(oj, "value", out.value, tmplJ);
    oj["range"] = rangeJ(out.range);
    return oj;
  });
  const ActionRuns &r = a.runs;
  J rj{{"using", strJ(r.using_)}};
  putOpt(rj, "main", r.main, strJ);
  putOpt(rj, "pre", r.pre, strJ);
  putOpt(rj, "post", r.post, strJ);
  putOpt(rj, "pre-if", r.preIf, tmplJ);
  putOpt(rj, "post-if", r.postIf, tmplJ);
  putOpt(rj, "image", r.image, strJ);
  putOpt(rj, "entrypoint", r.entrypoint, strJ);
  putOpt(rj, "pre-entrypoint", r.preEntrypoint, strJ);
  putOpt(rj, "post-entrypoint", r.postEntrypoint, strJ);
  putList(rj, "args", r.args, tmplJ);
  if (!r.env.empty())
    rj["env"] = mapJ(r.env);
  putList(rj, "steps", r.steps, stepJ);
  rj["range"] = rangeJ(r.range);
  o["runs"] = std::move(rj);
  o["range"] = rangeJ(a.range);
  return o;
}

std::string writeWorkflowJson(const Workflow &wf) { return workflowToJson(wf).dump(2) + "\n"; }
std::string writeActionJson(const Action &a) { return actionToJson(a).dump(2) + "\n"; }

} // namespace ir
