// IR JSON reader: the mirror of ir_json.cpp's writer.
#include "ir/ir_json.h"

#include <cstdio>
#include <limits>

namespace ir {

using J = OrderedJson;

namespace {

struct BadIr {
  std::string what;
};

class Reader {
public:
  explicit Reader(const IrJsonReadOptions &opts) : opts_(opts) {}

  SourceRange range(const J &o) const {
    SourceRange r;
    auto it = o.find("range");
    if (it == o.end())
      return r;
    unsigned l = 0, c = 0, el = 0, ec = 0;
    char tail = 0;
    const std::string text = it->is_string() ? it->get<std::string>() : "";
    if (std::sscanf(text.c_str(), "%u:%u-%u:%u%c", &l, &c, &el, &ec, &tail) != 4)
      throw BadIr{"a range must be \"line:col-endLine:endCol\", got " + it->dump()};
    r.file = opts_.file;
    r.line = l;
    r.col = c;
    r.endLine = el;
    r.endCol = ec;
    return r;
  }

  static const J &need(const J &o, const char *key) {
    auto it = o.find(key);
    if (it == o.end())
      throw BadIr{std::string("missing key \"") + key + "\""};
    return *it;
  }

  LocatedString str(const J &o) const { return {need(o, "value").get<std::string>(), range(o)}; }

  void parts(const J &o, Template &t, bool bareIf) const {
    auto it = o.find("parts");
    if (it == o.end())
      return; // literal text: no parts, the text is `raw`
    for (const J &p : *it) {
      TemplatePart part;
      part.isExpr = p.contains("expr");
      part.text = need(p, part.isExpr ? "expr" : "text").get<std::string>();
      part.offset = need(p, "offset").get<uint32_t>();
      if (part.isExpr && opts_.reparseExpression)
        part.ast = opts_.reparseExpression(part.text, bareIf);
      t.parts.push_back(std::move(part));
    }
  }

  Template tmpl(const J &o, bool bareIf = false) const {
    Template t;
    t.raw = need(o, "value").get<std::string>();
    t.range = range(o);
    parts(o, t, bareIf);
    return t;
  }

  TemplateToken token(const J &o) const {
    TemplateToken t;
    std::string type = need(o, "type").get<std::string>();
    t.range = range(o);
    if (type == "null") {
      t.kind = TemplateToken::Kind::Null;
    } else if (type == "boolean") {
      t.kind = TemplateToken::Kind::Bool;
      t.boolean = need(o, "value").get<bool>();
    } else if (type == "number") {
      t.kind = TemplateToken::Kind::Number;
      const J &v = need(o, "value");
      if (v.is_string()) {
        std::string s = v.get<std::string>();
        t.number = s == "NaN"        ? std::numeric_limits<double>::quiet_NaN()
                   : s == "Infinity" ? std::numeric_limits<double>::infinity()
                                     : -std::numeric_limits<double>::infinity();
      } else {
        t.number = v.get<double>();
      }
    } else if (type == "string") {
      t.kind = TemplateToken::Kind::String;
      t.str.raw = need(o, "value").get<std::string>();
      t.str.range = t.range;
      parts(o, t.str, false);
    } else if (type == "sequence") {
      t.kind = TemplateToken::Kind::Sequence;
      for (const J &i : need(o, "items"))
        t.items.push_back(token(i));
    } else if (type == "mapping") {
      t.kind = TemplateToken::Kind::Mapping;
      for (const J &e : need(o, "entries"))
        t.entries.push_back({str(need(e, "key")), token(need(e, "value"))});
    } else {
      throw BadIr{"unknown token type \"" + type + "\""};
    }
    return t;
  }

  TemplateMap map(const J &a) const {
    TemplateMap m;
    for (const J &e : a)
      m.push_back({str(need(e, "name")), tmpl(need(e, "value"))});
    return m;
  }

  template <typename T, typename F> void list(const J &o, const char *key, std::vector<T> &out, F f) const {
    auto it = o.find(key);
    if (it != o.end())
      for (const J &x : *it)
        out.push_back(f(x));
  }

  template <typename T, typename F> void opt(const J &o, const char *key, std::optional<T> &out, F f) const {
    auto it = o.find(key);
    if (it != o.end())
      out = f(*it);
  }

  bool flag(const J &o, const char *key) const {
    auto it = o.find(key);
    return it != o.end() && it->get<bool>();
  }

#define FN(m) [this](const J &x) { return m(x); }

  Permissions permissions(const J &o) const {
    Permissions p;
    std::string form = need(o, "form").get<std::string>();
    p.form = form == "read-all"    ? Permissions::Form::ReadAll
             : form == "write-all" ? Permissions::Form::WriteAll
                                   : Permissions::Form::Map;
    p.range = range(o);
    list(o, "scopes", p.scopes, [this](const J &s) {
      return Permissions::Scope{str(need(s, "scope")), str(need(s, "level"))};
    });
    return p;
  }

  Concurrency concurrency(const J &o) const {
    Concurrency c;
    c.group = tmpl(need(o, "group"));
    opt(o, "cancel-in-progress", c.cancelInProgress, FN(token));
    opt(o, "queue", c.queue, FN(token));
    c.shortForm = flag(o, "short-form");
    c.range = range(o);
    return c;
  }

  RunDefaults defaults(const J &o) const {
    RunDefaults d;
    auto it = o.find("defaults");
    if (it == o.end())
      return d;
    opt(*it, "shell", d.shell, FN(tmpl));
    opt(*it, "working-directory", d.workingDirectory, FN(tmpl));
    d.range = range(*it);
    return d;
  }

  Step step(const J &o) const {
    Step s;
    auto kind = stepKindFromName(need(o, "kind").get<std::string>());
    if (!kind)
      throw BadIr{"unknown step kind"};
    s.kind = *kind;
    s.id = str(need(o, "id"));
    s.generatedId = flag(o, "generated-id");
    opt(o, "name", s.name, FN(tmpl));
    opt(o, "if", s.condition, [this](const J &x) { return tmpl(x, true); });
    if (o.contains("run"))
      s.run = tmpl(o["run"]);
    opt(o, "uses", s.uses, FN(str));
    opt(o, "shell", s.shell, FN(str));
    opt(o, "working-directory", s.workingDirectory, FN(tmpl));
    if (o.contains("with"))
      s.with = map(o["with"]);
    if (o.contains("env"))
      s.env = map(o["env"]);
    opt(o, "continue-on-error", s.continueOnError, FN(token));
    opt(o, "timeout-minutes", s.timeoutMinutes, FN(token));
    s.background = flag(o, "background");
    list(o, "wait", s.waitFor, FN(str));
    opt(o, "cancel", s.cancel, FN(str));
    list(o, "parallel", s.parallel, FN(step));
    s.range = range(o);
    return s;
  }

  Job job(const J &o) const {
    Job j;
    j.id = str(need(o, "id"));
    j.kind = need(o, "kind").get<std::string>() == "normal" ? JobKind::Normal : JobKind::ReusableCall;
    opt(o, "name", j.name, FN(tmpl));
    list(o, "needs", j.needs, FN(str));
    opt(o, "if", j.condition, [this](const J &x) { return tmpl(x, true); });
    opt(o, "runs-on", j.runsOn, FN(token));
    opt(o, "environment", j.environment, FN(token));
    opt(o, "strategy", j.strategy, FN(token));
    opt(o, "permissions", j.permissions, FN(permissions));
    opt(o, "concurrency", j.concurrency, FN(concurrency));
    if (o.contains("outputs"))
      j.outputs = map(o["outputs"]);
    if (o.contains("env"))
      j.env = map(o["env"]);
    j.defaults = defaults(o);
    opt(o, "timeout-minutes", j.timeoutMinutes, FN(token));
    opt(o, "cancel-timeout-minutes", j.cancelTimeoutMinutes, FN(token));
    opt(o, "continue-on-error", j.continueOnError, FN(token));
    opt(o, "container", j.container, FN(token));
    opt(o, "services", j.services, FN(token));
    opt(o, "snapshot", j.snapshot, FN(token));
    opt(o, "uses", j.uses, FN(str));
    list(o, "with", j.with,
         [this](const J &e) { return TokenEntry{str(need(e, "key")), token(need(e, "value"))}; });
    if (o.contains("secrets"))
      j.secrets = map(o["secrets"]);
    j.inheritSecrets = flag(o, "inherit-secrets");
    list(o, "steps", j.steps, FN(step));
    j.range = range(o);
    return j;
  }

  Trigger trigger(const J &o) const {
    Trigger t;
    t.event = str(need(o, "event"));
    list(o, "types", t.types, FN(str));
    list(o, "filters", t.filters, [this](const J &f) {
      TriggerFilter tf;
      tf.key = str(need(f, "key"));
      list(f, "patterns", tf.patterns, FN(str));
      return tf;
    });
    list(o, "schedules", t.schedules, [this](const J &s) {
      Schedule sc;
      sc.cron = str(need(s, "cron"));
      opt(s, "timezone", sc.timezone, FN(str));
      sc.range = range(s);
      return sc;
    });
    list(o, "inputs", t.inputs, [this](const J &i) {
      WorkflowInput in;
      in.id = str(need(i, "id"));
      opt(i, "description", in.description, FN(str));
      opt(i, "required", in.required, [](const J &b) { return b.get<bool>(); });
      opt(i, "type", in.type, FN(str));
      opt(i, "default", in.defaultValue, FN(token));
      list(i, "options", in.options, FN(str));
      in.range = range(i);
      return in;
    });
    list(o, "outputs", t.outputs, [this](const J &x) {
      WorkflowOutput out;
      out.id = str(need(x, "id"));
      opt(x, "description", out.description, FN(str));
      out.value = tmpl(need(x, "value"));
      out.range = range(x);
      return out;
    });
    list(o, "secrets", t.secrets, [this](const J &x) {
      WorkflowSecret s;
      s.id = str(need(x, "id"));
      opt(x, "description", s.description, FN(str));
      opt(x, "required", s.required, [](const J &b) { return b.get<bool>(); });
      s.isNull = flag(x, "null");
      s.range = range(x);
      return s;
    });
    t.hasConfig = flag(o, "has-config");
    t.range = range(o);
    return t;
  }

  Workflow workflow(const J &o) const {
    Workflow wf;
    wf.fileId = opts_.file;
    wf.file = need(o, "file").get<std::string>();
    opt(o, "name", wf.name, FN(tmpl));
    opt(o, "run-name", wf.runName, FN(tmpl));
    opt(o, "description", wf.description, FN(tmpl));
    const J &on = need(o, "on");
    std::string form = need(on, "form").get<std::string>();
    wf.triggerForm = form == "string"     ? TriggerForm::String
                     : form == "sequence" ? TriggerForm::Sequence
                     : form == "mapping"  ? TriggerForm::Mapping
                                          : TriggerForm::None;
    wf.onRange = range(on);
    list(on, "triggers", wf.triggers, FN(trigger));
    opt(o, "permissions", wf.permissions, FN(permissions));
    if (o.contains("env"))
      wf.env = map(o["env"]);
    wf.defaults = defaults(o);
    opt(o, "concurrency", wf.concurrency, FN(concurrency));
    list(o, "jobs", wf.jobs, FN(job));
    if (o.contains("jobs-range"))
      wf.jobsRange = range(J{{"range", o["jobs-range"]}});
    wf.range = range(o);
    return wf;
  }

  Action action(const J &o) const {
    Action a;
    a.file = need(o, "file").get<std::string>();
    opt(o, "name", a.name, FN(str));
    opt(o, "author", a.author, FN(str));
    opt(o, "description", a.description, FN(str));
    list(o, "inputs", a.inputs, [this](const J &i) {
      ActionInput in;
      in.id = str(need(i, "id"));
      opt(i, "description", in.description, FN(str));
      opt(i, "required", in.required, [](const J &b) { return b.get<bool>(); });
      opt(i, "default", in.defaultValue, FN(tmpl));
      opt(i, "deprecation-message", in.deprecationMessage, FN(str));
      in.range = range(i);
      return in;
    });
    list(o, "outputs", a.outputs, [this](const J &x) {
      ActionOutput out;
      out.id = str(need(x, "id"));
      opt(x, "description", out.description, FN(str));
      opt(x, "value", out.value, FN(tmpl));
      out.range = range(x);
      return out;
    });
    const J &r = need(o, "runs");
    ActionRuns &runs = a.runs;
    runs.using_ = str(need(r, "using"));
    llvm::StringRef u = runs.using_.value;
    runs.kind = u == "composite"        ? ActionRunsKind::Composite
                : u.startswith("node") ? ActionRunsKind::Node
                : u == "docker"         ? ActionRunsKind::Docker
                                        : ActionRunsKind::Unknown;
    opt(r, "main", runs.main, FN(str));
    opt(r, "pre", runs.pre, FN(str));
    opt(r, "post", runs.post, FN(str));
    opt(r, "pre-if", runs.preIf, [this](const J &x) { return tmpl(x, true); });
    opt(r, "post-if", runs.postIf, [this](const J &x) { return tmpl(x, true); });
    opt(r, "image", runs.image, FN(str));
    opt(r, "entrypoint", runs.entrypoint, FN(str));
    opt(r, "pre-entrypoint", runs.preEntrypoint, FN(str));
    opt(r, "post-entrypoint", runs.postEntrypoint, FN(str));
    list(r, "args", runs.args, FN(tmpl));
    if (r.contains("env"))
      runs.env = map(r["env"]);
    list(r, "steps", runs.steps, FN(step));
    runs.range = range(r);
    a.range = range(o);
    return a;
  }
#undef FN

private:
  const IrJsonReadOptions &opts_;
};

template <typename T, typename F>
llvm::Expected<T> readDoc(llvm::StringRef text, const IrJsonReadOptions &opts, const char *kind, F f) {
  try {
    J o = J::parse(text.begin(), text.end());
    if (!o.is_object())
      return llvm::createStringError(llvm::inconvertibleErrorCode(), "IR JSON: not an object");
    int version = Reader::need(o, "version").get<int>();
    if (version != kIrJsonVersion)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "IR JSON: unsupported version %d (this build reads %d)",
                                     version, kIrJsonVersion);
    if (Reader::need(o, "kind").get<std::string>() != kind)
      return llvm::createStringError(llvm::inconvertibleErrorCode(), "IR JSON: expected kind \"%s\"",
                                     kind);
    Reader r(opts);
    return f(r, o);
  } catch (const BadIr &e) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "IR JSON: %s", e.what.c_str());
  } catch (const std::exception &e) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "IR JSON: %s", e.what());
  }
}

} // namespace

llvm::Expected<Workflow> readWorkflowJson(llvm::StringRef text, const IrJsonReadOptions &opts) {
  return readDoc<Workflow>(text, opts, "workflow",
                           [](const Reader &r, const J &o) { return r.workflow(o); });
}

llvm::Expected<Action> readActionJson(llvm::StringRef text, const IrJsonReadOptions &opts) {
  return readDoc<Action>(text, opts, "action", [](const Reader &r, const J &o) { return r.action(o); });
}

} // namespace ir
