// Lowering of the workflow's root keys, permissions, concurrency and defaults.
#include "frontend/lower_workflow.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

namespace frontend {

static const llvm::StringRef kRootKeys[] = {"name",        "run-name", "description", "on",
                                            "permissions", "env",      "defaults",    "concurrency",
                                            "jobs"};

// Permission scopes and the levels each accepts (gha-semantics §1.2).
static llvm::ArrayRef<llvm::StringRef> levelsForScope(llvm::StringRef scope) {
  static const llvm::StringRef any[] = {"read", "write", "none"};
  static const llvm::StringRef writeOrNone[] = {"write", "none"};
  static const llvm::StringRef readOrNone[] = {"read", "none"};
  if (scope == "id-token" || scope == "copilot-requests")
    return writeOrNone;
  if (scope == "models" || scope == "vulnerability-alerts")
    return readOrNone;
  return any;
}

static const llvm::StringRef kPermissionScopes[] = {
    "actions",        "artifact-metadata", "attestations",        "checks",
    "code-quality",   "contents",          "copilot-requests",    "deployments",
    "discussions",    "id-token",          "issues",              "models",
    "packages",       "pages",             "pull-requests",       "repository-projects",
    "security-events", "statuses",         "vulnerability-alerts"};

std::optional<ir::Permissions> lowerPermissions(LowerContext &cx, const YamlNode *n) {
  ir::Permissions p;
  p.range = n->range;
  if (n->isScalar()) {
    if (n->value == "read-all")
      p.form = ir::Permissions::Form::ReadAll;
    else if (n->value == "write-all")
      p.form = ir::Permissions::Form::WriteAll;
    else {
      cx.invalidValue(n, {"read-all", "write-all"}, "permissions");
      return std::nullopt;
    }
    return p;
  }
  if (!cx.expectMapping(n, "read-all, write-all or a mapping of scopes to read/write/none"))
    return std::nullopt;
  for (const YamlEntry &e : n->entries) {
    ir::LocatedString scope = cx.key(e);
    if (!llvm::is_contained(kPermissionScopes, llvm::StringRef(scope.value))) {
      cx.unknownKey(e, kPermissionScopes, "permissions");
      continue;
    }
    auto levels = levelsForScope(scope.value);
    if (!e.value->isScalar() || !llvm::is_contained(levels, e.value->value)) {
      cx.invalidValue(e.value, levels, "permission '" + scope.value + "'");
      continue;
    }
    p.scopes.push_back({std::move(scope), {e.value->value.str(), e.value->range}});
  }
  return p;
}

std::optional<ir::Concurrency> lowerConcurrency(LowerContext &cx, const YamlNode *n,
                                                llvm::StringRef definition) {
  ir::Concurrency c;
  c.range = n->range;
  if (n->isScalar()) {
    auto g = cx.templ(n, definition, "a concurrency group");
    if (!g)
      return std::nullopt;
    c.group = std::move(*g);
    c.shortForm = true;
    return c;
  }
  if (!cx.expectMapping(n, "a group name or {group, cancel-in-progress}"))
    return std::nullopt;
  static const llvm::StringRef keys[] = {"group", "cancel-in-progress", "queue"};
  bool haveGroup = false;
  for (const YamlEntry &e : n->entries) {
    llvm::StringRef k = e.key->value;
    if (k == "group") {
      if (auto g = cx.templ(e.value, definition, "a concurrency group")) {
        c.group = std::move(*g);
        haveGroup = true;
      }
    } else if (k == "cancel-in-progress") {
      c.cancelInProgress = cx.boolOrExpr(e.value, definition);
    } else if (k == "queue") {
      c.queue = cx.token(e.value, definition);
    } else {
      cx.unknownKey(e, keys, "concurrency");
    }
  }
  if (!haveGroup)
    cx.missingKey(n, "group");
  return c;
}

ir::RunDefaults lowerDefaults(LowerContext &cx, const YamlNode *n, bool allowExpressions) {
  ir::RunDefaults d;
  if (!n || n->isNull() || !cx.expectMapping(n, "a mapping with a 'run' key"))
    return d;
  for (const YamlEntry &e : n->entries) {
    if (e.key->value != "run") {
      cx.unknownKey(e, {"run"}, "defaults");
      continue;
    }
    d.range = e.value->range;
    if (e.value->isNull() || !cx.expectMapping(e.value, "a mapping of shell and working-directory"))
      continue;
    for (const YamlEntry &r : e.value->entries) {
      llvm::StringRef k = r.key->value;
      if (k != "shell" && k != "working-directory") {
        cx.unknownKey(r, {"shell", "working-directory"}, "defaults.run");
        continue;
      }
      if (!allowExpressions && cx.rejectExpression(r.value))
        continue;
      auto t = cx.templ(r.value, "job-defaults-run", "a string");
      (k == "shell" ? d.shell : d.workingDirectory) = std::move(t);
    }
  }
  return d;
}

// Needs that name no job, and a workflow in which every job needs another.
static void checkNeeds(LowerContext &cx, const ir::Workflow &wf) {
  bool haveStart = false;
  // Ids by lower-case spelling: linear in jobs + needs (findJob is a scan).
  llvm::StringSet<> ids;
  for (const ir::Job &j : wf.jobs)
    ids.insert(llvm::StringRef(j.id.value).lower());
  for (const ir::Job &j : wf.jobs) {
    if (j.needs.empty())
      haveStart = true;
    for (const ir::LocatedString &n : j.needs) {
      if (ids.contains(llvm::StringRef(n.value).lower()))
        continue;
      auto &d = cx.diags.report(ir::DiagKind::SchemaNeedsUnknownJob, n.range, j.id.value, n.value);
      std::vector<llvm::StringRef> ids;
      for (const ir::Job &o : wf.jobs)
        if (&o != &j)
          ids.push_back(o.id.value);
      llvm::StringRef near = closestMatch(n.value, ids);
      if (!near.empty())
        d.note(wf.findJob(near)->id.range, "did you mean '" + near.str() + "'?");
    }
  }
  if (!haveStart)
    cx.diags.report(ir::DiagKind::SchemaNoStartJob, wf.jobsRange);
}

static void lowerJobs(LowerContext &cx, const YamlNode *n, ir::Workflow &wf,
                      const LowerOptions &opts) {
  wf.jobsRange = n->range;
  if (cx.rejectExpression(n) || !cx.expectMapping(n, "a mapping of job ids to jobs"))
    return;
  bool idsValid = true;
  wf.jobs.reserve(n->entries.size());
  for (const YamlEntry &e : n->entries) {
    if (!e.key->isScalar()) {
      cx.key(e);
      idsValid = false;
      continue;
    }
    if (cx.rejectExpression(e.key)) {
      idsValid = false;
      continue;
    }
    ir::LocatedString id{e.key->value.str(), e.key->range};
    // Duplicate ids are duplicate keys: the YAML reader reports them.
    if (!checkIdentifier(cx, id))
      idsValid = false;
    wf.jobs.emplace_back(lowerJob(cx, e, opts));
  }
  if (idsValid)
    checkNeeds(cx, wf);
}

ir::Workflow lowerWorkflow(const ir::SourceManager &sm, const YamlDocument &doc,
                           ir::DiagnosticEngine &diags, const LowerOptions &opts) {
  ir::Workflow wf;
  wf.fileId = doc.file;
  wf.file = doc.file ? sm.name(doc.file).str() : "";
  LowerContext cx(sm, diags);
  const YamlNode *root = doc.root;
  if (!root) {
    diags.report(ir::DiagKind::SchemaMissingKey, ir::SourceRange::point(doc.file, 1, 1), "jobs");
    return wf;
  }
  wf.range = root->range;
  if (!cx.expectMapping(root, "a workflow mapping (on, jobs, ...)"))
    return wf;
  bool haveJobs = false;
  for (const YamlEntry &e : root->entries) {
    llvm::StringRef k = e.key->isScalar() ? e.key->value : "";
    const YamlNode *v = e.value;
    if (k == "name") {
      if (!cx.rejectExpression(v))
        wf.name = cx.templ(v, "workflow-name", "a string");
    } else if (k == "run-name") {
      wf.runName = cx.templ(v, "run-name", "a string");
    } else if (k == "description") {
      wf.description = cx.templ(v, "workflow-description", "a string");
    } else if (k == "on") {
      lowerTriggers(cx, v, wf);
    } else if (k == "permissions") {
      wf.permissions = lowerPermissions(cx, v);
    } else if (k == "env") {
      wf.env = cx.stringMap(v, "workflow-env", "a mapping of variable names to strings");
    } else if (k == "defaults") {
      wf.defaults = lowerDefaults(cx, v, /*allowExpressions=*/false);
    } else if (k == "concurrency") {
      wf.concurrency = lowerConcurrency(cx, v, "workflow-concurrency");
    } else if (k == "jobs") {
      haveJobs = true;
      lowerJobs(cx, v, wf, opts);
    } else {
      cx.unknownKey(e, kRootKeys, "a workflow");
    }
  }
  if (!haveJobs)
    cx.missingKey(root, "jobs");
  return wf;
}

ir::Workflow compileWorkflow(const ir::SourceManager &sm, ir::FileId file,
                             ir::DiagnosticEngine &diags, const LowerOptions &opts) {
  auto doc = readYaml(sm, file, diags, opts.yaml);
  if (!doc) {
    ir::Workflow wf;
    wf.fileId = file;
    wf.file = sm.name(file).str();
    return wf;
  }
  return lowerWorkflow(sm, *doc, diags, opts);
}

ir::IrJsonReadOptions irJsonReadOptions(ir::FileId file) {
  ir::IrJsonReadOptions o;
  o.file = file;
  o.reparseExpression = [](llvm::StringRef source, bool bareIf) -> std::shared_ptr<const ir::Expr> {
    ParsedExpr p = parseExpression(source, exprOptionsFor(bareIf ? "step-if" : "step-run"));
    if (!p.ast && bareIf) // job-level status functions take job names
      p = parseExpression(source, exprOptionsFor("job-if"));
    return p.ast ? std::shared_ptr<const ir::Expr>(std::move(p.ast)) : nullptr;
  };
  return o;
}

bool checkIdentifier(LowerContext &cx, const ir::LocatedString &id) {
  llvm::StringRef s = id.value;
  if (s.empty()) {
    cx.diags.report(ir::DiagKind::SchemaInvalidValue, id.range, "")
        .note({}, "an id must not be empty");
    return false;
  }
  auto ok = [](char c) { return llvm::isAlnum(c) || c == '_' || c == '-'; };
  bool valid = s.size() < 100 && (llvm::isAlpha(s[0]) || s[0] == '_') && llvm::all_of(s, ok);
  if (!valid) {
    cx.diags.report(ir::DiagKind::SchemaIdInvalid, id.range, s);
    return false;
  }
  if (s.startswith("__")) {
    cx.diags.report(ir::DiagKind::SchemaIdReserved, id.range, s);
    return false;
  }
  return true;
}

} // namespace frontend
