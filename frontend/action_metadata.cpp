// Lowering of action.yml metadata (composite, node and docker actions).
#include "frontend/action_metadata.h"

namespace frontend {

namespace {

const llvm::StringRef kActionKeys[] = {"name",    "author",  "description", "inputs",
                                       "outputs", "runs",    "branding"};
const llvm::StringRef kRunsKeys[] = {"using",      "main",           "pre",       "pre-if",
                                     "post",       "post-if",        "image",     "entrypoint",
                                     "pre-entrypoint", "post-entrypoint", "args", "env",
                                     "steps"};

void lowerRuns(LowerContext &cx, const YamlNode *n, ir::ActionRuns &r, const LowerOptions &opts) {
  r.range = n->range;
  if (!cx.expectMapping(n, "a mapping with 'using'"))
    return;
  bool haveUsing = false;
  for (const YamlEntry &e : n->entries) {
    llvm::StringRef k = e.key->value;
    const YamlNode *v = e.value;
    if (k == "using") {
      if (auto u = cx.literal(v, "composite, node20, node24 or docker")) {
        haveUsing = true;
        llvm::StringRef s = u->value;
        r.kind = s == "composite" ? ir::ActionRunsKind::Composite
                 : s == "docker"  ? ir::ActionRunsKind::Docker
                 : (s == "node12" || s == "node16" || s == "node20" || s == "node24")
                     ? ir::ActionRunsKind::Node
                     : ir::ActionRunsKind::Unknown;
        if (r.kind == ir::ActionRunsKind::Unknown)
          cx.diags.report(ir::DiagKind::SchemaActionRunsUnknown, u->range, u->value)
              .note({}, "runs.using must be composite, docker, node20 or node24 (node12 and node16 are deprecated)");
        r.using_ = std::move(*u);
      }
    } else if (k == "main") {
      r.main = cx.literal(v, "a script path");
    } else if (k == "pre") {
      r.pre = cx.literal(v, "a script path");
    } else if (k == "post") {
      r.post = cx.literal(v, "a script path");
    } else if (k == "pre-if") {
      r.preIf = cx.condition(v, "action-runs-if");
    } else if (k == "post-if") {
      r.postIf = cx.condition(v, "action-runs-if");
    } else if (k == "image") {
      r.image = cx.literal(v, "an image: Dockerfile or docker://image");
    } else if (k == "entrypoint") {
      r.entrypoint = cx.literal(v, "a path");
    } else if (k == "pre-entrypoint") {
      r.preEntrypoint = cx.literal(v, "a path");
    } else if (k == "post-entrypoint") {
      r.postEntrypoint = cx.literal(v, "a path");
    } else if (k == "args") {
      if (cx.expectSequence(v, "a sequence of strings"))
        for (const YamlNode *a : v->items)
          if (auto t = cx.templ(a, "action-args", "a string"))
            r.args.push_back(std::move(*t));
    } else if (k == "env") {
      r.env = cx.stringMap(v, "action-env", "a mapping of variable names to strings");
    } else if (k == "steps") {
      r.steps = lowerSteps(cx, v, opts, "action-step");
    } else {
      cx.unknownKey(e, kRunsKeys, "runs");
    }
  }
  if (!haveUsing)
    cx.missingKey(n, "using");
  else if (r.kind == ir::ActionRunsKind::Node && !r.main)
    cx.missingKey(n, "main");
  else if (r.kind == ir::ActionRunsKind::Docker && !r.image)
    cx.missingKey(n, "image");
  else if (r.kind == ir::ActionRunsKind::Composite && !n->get("steps"))
    cx.missingKey(n, "steps");
}

} // namespace

ir::Action lowerAction(const ir::SourceManager &sm, const YamlDocument &doc,
                       ir::DiagnosticEngine &diags, const LowerOptions &opts) {
  ir::Action a;
  a.file = doc.file ? sm.name(doc.file).str() : "";
  LowerContext cx(sm, diags);
  cx.unknownKeysAreWarnings = true;
  const YamlNode *root = doc.root;
  if (!root) {
    diags.report(ir::DiagKind::SchemaMissingKey, ir::SourceRange::point(doc.file, 1, 1), "runs");
    return a;
  }
  a.range = root->range;
  if (!cx.expectMapping(root, "an action mapping (name, inputs, outputs, runs)"))
    return a;
  bool haveRuns = false;
  for (const YamlEntry &e : root->entries) {
    llvm::StringRef k = e.key->isScalar() ? e.key->value : "";
    const YamlNode *v = e.value;
    if (k == "name") {
      a.name = cx.literal(v, "a string");
    } else if (k == "author") {
      a.author = cx.literal(v, "a string");
    } else if (k == "description") {
      a.description = cx.literal(v, "a string");
    } else if (k == "branding") {
      // Marketplace icon and colour: not needed by the toolchain.
    } else if (k == "inputs") {
      if (v->isNull() || !cx.expectMapping(v, "a mapping of input ids to definitions"))
        continue;
      for (const YamlEntry &ie : v->entries) {
        ir::ActionInput in;
        in.id = cx.key(ie);
        in.range = ie.value->range;
        if (!ie.value->isNull() && cx.expectMapping(ie.value, "an input definition"))
          for (const YamlEntry &p : ie.value->entries) {
            llvm::StringRef pk = p.key->value;
            if (pk == "description")
              in.description = cx.literal(p.value, "a string");
            else if (pk == "required")
              in.required = cx.literalBool(p.value, "required");
            else if (pk == "default")
              in.defaultValue = cx.templ(p.value, "action-input-default", "a string");
            else if (pk == "deprecationMessage")
              in.deprecationMessage = cx.literal(p.value, "a string");
            else
              cx.unknownKey(p, {"description", "required", "default", "deprecationMessage"},
                            "an action input");
          }
        a.inputs.push_back(std::move(in));
      }
    } else if (k == "outputs") {
      if (v->isNull() || !cx.expectMapping(v, "a mapping of output ids to definitions"))
        continue;
      for (const YamlEntry &oe : v->entries) {
        ir::ActionOutput out;
        out.id = cx.key(oe);
        out.range = oe.value->range;
        if (!oe.value->isNull() && cx.expectMapping(oe.value, "an output definition"))
          for (const YamlEntry &p : oe.value->entries) {
            if (p.key->value == "description")
              out.description = cx.literal(p.value, "a string");
            else if (p.key->value == "value")
              out.value = cx.templ(p.value, "action-output-value", "a string");
            else
              cx.unknownKey(p, {"description", "value"}, "an action output");
          }
        a.outputs.push_back(std::move(out));
      }
    } else if (k == "runs") {
      haveRuns = true;
      lowerRuns(cx, v, a.runs, opts);
    } else {
      cx.unknownKey(e, kActionKeys, "an action");
    }
  }
  if (!haveRuns)
    cx.missingKey(root, "runs");
  return a;
}

ir::Action compileAction(const ir::SourceManager &sm, ir::FileId file, ir::DiagnosticEngine &diags,
                         const LowerOptions &opts) {
  auto doc = readYaml(sm, file, diags, opts.yaml);
  if (!doc) {
    ir::Action a;
    a.file = sm.name(file).str();
    return a;
  }
  return lowerAction(sm, *doc, diags, opts);
}

bool isActionMetadataPath(llvm::StringRef path) {
  llvm::StringRef base = path.substr(path.find_last_of('/') + 1);
  return base == "action.yml" || base == "action.yaml";
}

} // namespace frontend
