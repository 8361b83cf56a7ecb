// Lowering of one job: normal jobs and reusable-workflow calls.
#include "frontend/lower_workflow.h"

namespace frontend {

namespace {

const llvm::StringRef kNormalJobKeys[] = {
    "name",        "needs",           "if",          "runs-on",
    "environment", "outputs",         "env",         "defaults",
    "steps",       "timeout-minutes", "cancel-timeout-minutes", "strategy",
    "continue-on-error", "container", "services",    "permissions",
    "concurrency", "snapshot"};
const llvm::StringRef kCallJobKeys[] = {"name",     "uses",        "with",       "secrets", "needs",
                                        "if",       "strategy",    "concurrency", "permissions"};

// runs-on: string | [labels] | {group, labels} | expression.
std::optional<ir::TemplateToken> lowerRunsOn(LowerContext &cx, const YamlNode *n) {
  if (n->isMapping()) {
    for (const YamlEntry &e : n->entries) {
      llvm::StringRef k = e.key->value;
      if (k == "labels" && !e.value->isScalar() && !e.value->isSequence())
        cx.expectSequence(e.value, "a label or a sequence of labels");
      else if (k == "group")
        cx.expectScalar(e.value, "a runner group name");
      else if (k != "labels")
        cx.unknownKey(e, {"group", "labels"}, "runs-on");
    }
  } else if (n->isSequence()) {
    for (const YamlNode *i : n->items)
      cx.expectScalar(i, "a runner label");
  }
  return cx.token(n, "runs-on", /*stringLeaves=*/true);
}

// container / services.<id>: image string or a mapping.
std::optional<ir::TemplateToken> lowerContainer(LowerContext &cx, const YamlNode *n,
                                                bool isService) {
  if (n->isScalar())
    return cx.token(n, "container", true);
  if (!cx.expectMapping(n, "an image name or a container mapping"))
    return std::nullopt;
  static const llvm::StringRef containerKeys[] = {"image",   "credentials", "env",
                                                  "ports",   "volumes",     "options"};
  static const llvm::StringRef serviceKeys[] = {"image",   "credentials", "env",     "ports",
                                                "volumes", "options",     "entrypoint", "command"};
  ir::TemplateToken t;
  t.kind = ir::TemplateToken::Kind::Mapping;
  t.range = n->range;
  bool haveImage = false;
  for (const YamlEntry &e : n->entries) {
    llvm::StringRef k = e.key->value;
    if (k == "image") {
      haveImage = true;
    } else if (k == "credentials") {
      // `credentials: ${{ ... }}` is accepted: the definition has contexts.
      if (e.value->isScalar() && e.value->value.contains("${{")) {
        t.entries.push_back({cx.key(e), cx.token(e.value, "container-credentials", true)});
        continue;
      }
      if (!cx.expectMapping(e.value, "a mapping with username and password"))
        continue;
      for (const YamlEntry &c : e.value->entries)
        if (c.key->value != "username" && c.key->value != "password")
          cx.unknownKey(c, {"username", "password"}, "credentials");
    } else if (k == "env") {
      // A mapping or one `${{ }}` expression.
      if (!e.value->isScalar() || !hasExpressionMarker(e.value->value))
        if (!cx.expectMapping(e.value, "a mapping of variable names to strings"))
          continue;
      if (e.value->isMapping()) {
        // Variable names may be expressions, as in job and step env.
        ir::TemplateToken env;
        env.kind = ir::TemplateToken::Kind::Mapping;
        env.range = e.value->range;
        for (const YamlEntry &v : e.value->entries)
          env.entries.push_back({cx.key(v, /*allowExpression=*/true),
                                 cx.token(v.value, "container-env", true)});
        t.entries.push_back({cx.key(e), std::move(env)});
        continue;
      }
    } else if (k == "ports" || k == "volumes") {
      if (!e.value->isScalar() || !hasExpressionMarker(e.value->value))
        if (!cx.expectSequence(e.value, "a sequence of strings"))
          continue;
    } else if (!llvm::is_contained(isService ? llvm::ArrayRef<llvm::StringRef>(serviceKeys)
                                             : llvm::ArrayRef<llvm::StringRef>(containerKeys),
                                   k)) {
      cx.unknownKey(e, isService ? llvm::ArrayRef<llvm::StringRef>(serviceKeys) : containerKeys,
                    isService ? "a service" : "container");
      continue;
    }
    const char *def = k == "credentials" ? "container-credentials"
                      : k == "env"       ? "container-env"
                                         : "container";
    t.entries.push_back({cx.key(e), cx.token(e.value, def, true)});
  }
  if (!haveImage)
    cx.diags.report(ir::DiagKind::SchemaContainerImageEmpty, n->range)
        .note({}, "add 'image: <name>'");
  return t;
}

std::optional<ir::TemplateToken> lowerServices(LowerContext &cx, const YamlNode *n) {
  // `services: ${{ ... }}` is accepted: the definition has contexts.
  if (n->isScalar() && n->value.contains("${{"))
    return cx.token(n, "services", true);
  if (!cx.expectMapping(n, "a mapping of service ids to containers"))
    return std::nullopt;
  ir::TemplateToken t;
  t.kind = ir::TemplateToken::Kind::Mapping;
  t.range = n->range;
  for (const YamlEntry &e : n->entries)
    if (auto c = lowerContainer(cx, e.value, true))
      t.entries.push_back({cx.key(e), std::move(*c)});
  return t;
}

std::optional<ir::TemplateToken> lowerEnvironment(LowerContext &cx, const YamlNode *n) {
  if (n->isScalar())
    return cx.token(n, "job-environment", true);
  if (!cx.expectMapping(n, "an environment name or {name, url, deployment}"))
    return std::nullopt;
  bool haveName = false;
  ir::TemplateToken t;
  t.kind = ir::TemplateToken::Kind::Mapping;
  t.range = n->range;
  for (const YamlEntry &e : n->entries) {
    llvm::StringRef k = e.key->value;
    if (k == "name") {
      haveName = true;
      t.entries.push_back({cx.key(e), cx.token(e.value, "job-environment", true)});
    } else if (k == "url") {
      t.entries.push_back({cx.key(e), cx.token(e.value, "job-environment-url", true)});
    } else if (k == "deployment") {
      if (auto b = cx.boolOrExpr(e.value, "job-environment"))
        t.entries.push_back({cx.key(e), std::move(*b)});
    } else {
      cx.unknownKey(e, {"name", "url", "deployment"}, "environment");
    }
  }
  if (!haveName)
    cx.missingKey(n, "name");
  return t;
}

// snapshot (custom images): an image name, or {image-name, version, if}; only `if`
// takes expressions (schema definition `snapshot-if`).
std::optional<ir::TemplateToken> lowerSnapshot(LowerContext &cx, const YamlNode *n) {
  if (n->isScalar())
    return cx.token(n, "job-snapshot", true);
  if (!cx.expectMapping(n, "an image name or {image-name, version, if}"))
    return std::nullopt;
  ir::TemplateToken t;
  t.kind = ir::TemplateToken::Kind::Mapping;
  t.range = n->range;
  for (const YamlEntry &e : n->entries) {
    llvm::StringRef k = e.key->value;
    if (k == "if")
      t.entries.push_back({cx.key(e), cx.token(e.value, "snapshot-if", true)});
    else if (k == "image-name" || k == "version")
      t.entries.push_back({cx.key(e), cx.token(e.value, "job-snapshot", true)});
    else
      cx.unknownKey(e, {"image-name", "version", "if"}, "snapshot");
  }
  return t;
}

std::optional<ir::TemplateToken> lowerStrategy(LowerContext &cx, const YamlNode *n) {
  if (n->isScalar() && hasExpressionMarker(n->value))
    return cx.token(n, "strategy");
  if (!cx.expectMapping(n, "a mapping with matrix, fail-fast and max-parallel"))
    return std::nullopt;
  ir::TemplateToken t;
  t.kind = ir::TemplateToken::Kind::Mapping;
  t.range = n->range;
  for (const YamlEntry &e : n->entries) {
    llvm::StringRef k = e.key->value;
    if (k == "matrix") {
      const YamlNode *m = e.value;
      if (m->isMapping()) {
        for (const YamlEntry &v : m->entries) {
          bool expr = (v.value->isScalar() && hasExpressionMarker(v.value->value)) ||
                      (v.key->isScalar() && hasExpressionMarker(v.key->value));
          if (expr)
            continue;
          if (v.key->value == "include" || v.key->value == "exclude") {
            if (cx.expectSequence(v.value, "a sequence of mappings"))
              for (const YamlNode *item : v.value->items)
                if (!(item->isScalar() && hasExpressionMarker(item->value)))
                  cx.expectMapping(item, "a mapping of matrix keys to values");
          } else {
            cx.expectSequence(v.value, "a sequence of values (a matrix vector)");
          }
        }
      } else if (!(m->isScalar() && hasExpressionMarker(m->value))) {
        cx.expectMapping(m, "a mapping of vectors, include and exclude, or an expression");
        continue;
      }
      t.entries.push_back({cx.key(e), cx.token(m, "matrix")});
    } else if (k == "fail-fast") {
      if (auto b = cx.boolOrExpr(e.value, "strategy"))
        t.entries.push_back({cx.key(e), std::move(*b)});
    } else if (k == "max-parallel") {
      if (auto v = cx.numberOrExpr(e.value, "strategy"))
        t.entries.push_back({cx.key(e), std::move(*v)});
    } else {
      cx.unknownKey(e, {"matrix", "fail-fast", "max-parallel"}, "strategy");
    }
  }
  return t;
}

void lowerCallSecrets(LowerContext &cx, const YamlNode *n, ir::Job &j) {
  if (n->isScalar() && n->value == "inherit") {
    j.inheritSecrets = true;
    return;
  }
  if (n->isScalar() && !n->isNull()) {
    cx.invalidValue(n, {"inherit"}, "secrets");
    return;
  }
  j.secrets = cx.stringMap(n, "workflow-job-secrets", "'inherit' or a mapping of secrets");
}

bool isReusableRef(llvm::StringRef u) {
  // GitHub's parser takes any `./path` and any `owner/repo/path@ref`; where the
  // file must live (.github/workflows) is checked when the run starts.
  if (u.startswith("./") || u.startswith("$/"))
    return u.size() > 2;
  auto [path, ref] = u.split('@');
  return !ref.empty() && path.count('/') >= 2 && !path.startswith("/") && !path.contains("//");
}

} // namespace

ir::Job lowerJob(LowerContext &cx, const YamlEntry &entry, const LowerOptions &opts) {
  ir::Job j;
  j.id = {entry.key->isScalar() ? entry.key->value.str() : "", entry.key->range};
  const YamlNode *n = entry.value;
  j.range = n->range;
  if (!cx.expectMapping(n, "a job mapping"))
    return j;
  // As GitHub's parser reads the schema's one-of (job-factory | workflow-job): the
  // first key that only one of the two allows decides, and the keys of the other
  // kind are then unexpected (`uses:` then `runs-on:` is a call with a stray runs-on).
  j.kind = ir::JobKind::Normal;
  for (const YamlEntry &e : n->entries) {
    llvm::StringRef k = e.key->isScalar() ? e.key->value : "";
    bool inCall = llvm::is_contained(kCallJobKeys, k);
    bool inNormal = llvm::is_contained(kNormalJobKeys, k);
    if (inCall != inNormal) {
      if (inCall)
        j.kind = ir::JobKind::ReusableCall;
      break;
    }
  }
  bool call = j.kind == ir::JobKind::ReusableCall;
  llvm::ArrayRef<llvm::StringRef> allowed =
      call ? llvm::ArrayRef<llvm::StringRef>(kCallJobKeys) : kNormalJobKeys;
  for (const YamlEntry &e : n->entries) {
    llvm::StringRef k = e.key->isScalar() ? e.key->value : "";
    const YamlNode *v = e.value;
    if (!llvm::is_contained(allowed, k)) {
      cx.unknownKey(e, allowed, call ? "a reusable-workflow call job" : "a job");
      continue;
    }
    if (k == "name") {
      j.name = cx.templ(v, "job-name", "a string");
    } else if (k == "needs") {
      j.needs = cx.stringList(v, "a job id or a sequence of job ids");
    } else if (k == "if") {
      j.condition = cx.condition(v, "job-if");
    } else if (k == "runs-on") {
      j.runsOn = lowerRunsOn(cx, v);
    } else if (k == "environment") {
      j.environment = lowerEnvironment(cx, v);
    } else if (k == "outputs") {
      j.outputs = cx.stringMap(v, "job-outputs", "a mapping of output names to strings");
    } else if (k == "env") {
      j.env = cx.stringMap(v, "job-env", "a mapping of variable names to strings");
    } else if (k == "defaults") {
      j.defaults = lowerDefaults(cx, v, true);
    } else if (k == "steps") {
      if (v->isNull()) // GitHub: a sequence is expected, `Unexpected value ''`
        cx.diags.report(ir::DiagKind::SchemaInvalidValue, v->range, "")
            .note({}, "expected a sequence of steps");
      j.steps = lowerSteps(cx, v, opts);
    } else if (k == "timeout-minutes") {
      j.timeoutMinutes = cx.numberOrExpr(v, "job-timeout-minutes");
    } else if (k == "cancel-timeout-minutes") {
      j.cancelTimeoutMinutes = cx.numberOrExpr(v, "job-timeout-minutes");
    } else if (k == "strategy") {
      j.strategy = lowerStrategy(cx, v);
    } else if (k == "continue-on-error") {
      j.continueOnError = cx.boolOrExpr(v, "job-continue-on-error");
    } else if (k == "container") {
      j.container = lowerContainer(cx, v, false);
    } else if (k == "services") {
      j.services = lowerServices(cx, v);
    } else if (k == "permissions") {
      j.permissions = lowerPermissions(cx, v);
    } else if (k == "concurrency") {
      j.concurrency = lowerConcurrency(cx, v, "job-concurrency");
    } else if (k == "snapshot") {
      j.snapshot = lowerSnapshot(cx, v);
    } else if (k == "uses") {
      if (auto u = cx.literal(v, "a reusable workflow reference")) {
        if (!isReusableRef(u->value))
          cx.diags.report(ir::DiagKind::SchemaReusableRefInvalid, u->range, u->value);
        j.uses = std::move(*u);
      }
    } else if (k == "with") {
      if (!v->isNull() && cx.expectMapping(v, "a mapping of input names to values"))
        for (const YamlEntry &w : v->entries)
          j.with.push_back({cx.key(w), cx.token(w.value, "workflow-job-with")});
    } else if (k == "secrets") {
      lowerCallSecrets(cx, v, j);
    }
  }
  if (!call && !n->get("runs-on"))
    cx.missingKey(n, "runs-on");
  if (call && !n->get("uses"))
    cx.missingKey(n, "uses");
  return j;
}

} // namespace frontend
