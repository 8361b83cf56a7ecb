// Rule `action`: the actions steps use: inputs, outputs, metadata of local actions, versions.
//
// * Local actions (`uses: ./path`): the action.yml must exist and be valid
//   (name, description, a known `runs.using`, the keys that runtime allows and
//   needs, the files it names); findings point at the `uses:` that brings the
//   action in (`action-local`).
// * Local and popular actions (passes/lint_popular_actions.h): `with:` keys
//   the action does not define, required inputs left out (`action-input`),
//   deprecated inputs (`action-deprecated-input`).
// * Popular actions whose runtime GitHub no longer runs (node12, node16:
//   `action-outdated`), and versions behind the newest major (`action-major`,
//   a note).
// * `docker://image:` with an empty tag (`action-ref`), and, opt-in, actions
//   not pinned to a full commit SHA (`action-pin`).
#include "passes/lint_ir.h"
#include "passes/lint_popular_actions.h"
#include "passes/lint_rule.h"

#include "ir/action.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>

namespace passes {

namespace {

using frontend::YamlNode;

std::string quoteList(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  std::string s;
  for (size_t i = 0; i < items.size(); ++i)
    s += (i ? ", " : "") + std::string("\"") + items[i] + "\"";
  return s;
}

bool isSha(llvm::StringRef ref) {
  return ref.size() == 40 && ref.find_first_not_of("0123456789abcdef") == llvm::StringRef::npos;
}

// What an action offers as inputs, for local and popular actions alike.
struct InputInfo {
  std::string name;
  bool required = false;
  std::optional<std::string> deprecation; // message ("" possible)
};

class ActionRule final : public LintRule {
public:
  llvm::StringRef name() const override { return "action"; }

  void visitWorkflowPost(const YamlWorkflowView &, LintContext &ctx) override {
    if (ctx.workflow)
      for (const ir::Job &j : ctx.workflow->jobs)
        forEachStep(j.steps, [&](const ir::Step &s) { checkStep(s, ctx); });
    if (ctx.action)
      forEachStep(ctx.action->runs.steps, [&](const ir::Step &s) { checkStep(s, ctx); });
  }

private:
  static void checkStep(const ir::Step &s, LintContext &ctx) {
    if (s.kind != ir::StepKind::Uses || !s.uses)
      return;
    llvm::StringRef uses = s.uses->value;
    if (uses.contains("${{"))
      return;
    if (uses.startswith("docker://")) {
      llvm::StringRef image = uses.drop_front(9);
      if (image.endswith(":"))
        ctx.report(ir::DiagKind::LintActionDockerTag, s.uses->range, uses.drop_back());
      return;
    }
    if (uses.startswith("./")) {
      checkLocal(s, ctx);
      return;
    }
    auto [action, ref] = uses.split('@');
    if (ref.empty())
      return; // the frontend reports the form
    if (!isSha(ref))
      ctx.report(ir::DiagKind::LintActionNotPinned, s.uses->range, uses);
    const PopularAction *a = findPopularAction(uses);
    if (!a)
      return;
    llvm::StringRef using_ = a->runsUsing;
    if (using_ == "node12" || using_ == "node16" || using_ == "node10")
      ctx.report(ir::DiagKind::LintActionOutdated, s.uses->range, uses);
    else if (ref.startswith("v") && ref.size() > 1) {
      unsigned major = 0;
      if (!ref.drop_front().split('.').first.getAsInteger(10, major))
        if (auto newest = newestPopularActionMajor(action); newest && *newest > major)
          ctx.report(ir::DiagKind::LintActionOlderMajor, s.uses->range, uses, *newest);
    }
    std::vector<InputInfo> inputs;
    for (const PopularActionInput &in : a->inputs()) {
      InputInfo i{in.name, in.required, std::nullopt};
      if (in.deprecationMessage)
        i.deprecation = in.deprecationMessage;
      inputs.push_back(std::move(i));
    }
    checkInputs(s, uses.str(), inputs, ctx);
  }

  static void checkInputs(const ir::Step &s, const std::string &what,
                          const std::vector<InputInfo> &inputs, LintContext &ctx) {
    std::vector<std::string> names, required;
    for (const InputInfo &i : inputs) {
      names.push_back(i.name);
      if (i.required)
        required.push_back(i.name);
    }
    for (const ir::NamedTemplate &w : s.with) {
      const InputInfo *found = nullptr;
      for (const InputInfo &i : inputs)
        if (llvm::StringRef(i.name).equals_insensitive(w.name.value))
          found = &i;
      if (!found) {
        ctx.report(ir::DiagKind::LintActionInputUnknown, w.name.range, w.name.value, what,
                   quoteList(names));
        continue;
      }
      if (found->deprecation) {
        std::string msg = llvm::StringRef(*found->deprecation).trim().str();
        // Join the lines of a multi-line message.
        std::string flat;
        for (char c : msg)
          flat += (c == '\n' ? ' ' : c);
        while (!flat.empty() && flat.back() == '.')
          flat.pop_back();
        ctx.report(ir::DiagKind::LintActionInputDeprecated, w.name.range, found->name, what,
                   flat.empty() ? "" : ": " + flat);
      }
    }
    for (const InputInfo &i : inputs)
      if (i.required && !ir::findNamed(s.with, i.name))
        ctx.report(ir::DiagKind::LintActionInputMissing, s.uses->range, i.name, what,
                   quoteList(required));
  }

  static void checkLocal(const ir::Step &s, LintContext &ctx) {
    llvm::StringRef uses = s.uses->value;
    const LocalMetadata *m = ctx.facts().localAction(uses);
    if (!m)
      return;
    const ir::SourceRange &at = s.uses->range;
    if (!m->found) {
      // A checkout step may bring the action in at run time; only a repository
      // that has the folder but no metadata is certainly wrong.
      if (llvm::sys::fs::is_directory(m->dir))
        ctx.report(ir::DiagKind::LintActionLocalMissing, at,
                   "neither action.yaml nor action.yml is found in directory \"" + uses.str() + "\"");
      return;
    }
    // The first structural error (YAML syntax, duplicate keys, wrong shapes,
    // unknown keys) stops the checks; missing keys and values are checked below.
    if (!m->shapeErrors.empty() || !m->action) {
      ctx.report(ir::DiagKind::LintActionLocalMetadata, at,
                 "could not parse action metadata in \"" + uses.str() + "\": " +
                     (m->shapeErrors.empty() ? std::string("not a YAML mapping") : m->shapeErrors.front()));
      return;
    }
    const ir::Action &a = *m->action;
    std::string name = a.name ? a.name->value : "";
    std::string what = name + "\" defined at \"" + uses.str();
    checkMetadata(a, *m, uses, at, ctx);
    std::vector<InputInfo> inputs;
    for (const ir::ActionInput &in : a.inputs) {
      InputInfo i{in.id.value, in.required.value_or(false) && !in.defaultValue, std::nullopt};
      if (in.deprecationMessage)
        i.deprecation = in.deprecationMessage->value;
      inputs.push_back(std::move(i));
    }
    checkInputs(s, what, inputs, ctx);
  }

  static void checkMetadata(const ir::Action &a, const LocalMetadata &m, llvm::StringRef uses,
                            const ir::SourceRange &at, LintContext &ctx) {
    std::string name = a.name ? a.name->value : "";
    auto report = [&](const std::string &msg) {
      ctx.report(ir::DiagKind::LintActionLocalMetadata, at, msg);
    };
    if (!a.name)
      report("name is required in action metadata \"" + m.path + "\"");
    if (!a.description)
      report("description is required in metadata of \"" + name + "\" action at \"" + m.path + "\"");
    for (const ir::ActionInput &in : a.inputs)
      if (in.deprecationMessage && llvm::StringRef(in.deprecationMessage->value).trim().empty())
        report("input \"" + in.id.value + "\" is deprecated but \"deprecationMessage\" is empty in metadata of \"" +
               name + "\" action at \"" + m.path + "\"");
    if (const YamlNode *branding = m.root && m.root->isMapping() ? m.root->get("branding") : nullptr)
      if (branding->isMapping())
        if (const YamlNode *color = branding->get("color"); color && color->isScalar()) {
          static const llvm::StringRef colors[] = {"white",  "black",  "yellow", "blue",     "green",
                                                   "orange", "red",    "purple", "gray-dark"};
          if (!llvm::is_contained(colors, color->value))
            report("incorrect color \"" + color->value.str() + "\" at branding.color in metadata of \"" +
                   name + "\" action at \"" + m.path + "\". available colors are " +
                   quoteList({colors, colors + 9}));
        }
    const YamlNode *runs = m.root && m.root->isMapping() ? m.root->get("runs") : nullptr;
    const YamlNode *using_ = runs && runs->isMapping() ? runs->get("using") : nullptr;
    if (!runs || !runs->isMapping() || !using_ || !using_->isScalar()) {
      report("\"runs.using\" is missing in local action \"" + name + "\" defined at \"" + uses.str() + "\"");
      return;
    }
    llvm::StringRef u = using_->value;
    const char *kind;
    std::vector<llvm::StringRef> allowed, needed;
    if (u == "composite") {
      kind = "Composite";
      allowed = {"using", "steps"};
      needed = {"steps"};
    } else if (u == "docker") {
      kind = "Docker";
      allowed = {"using", "image", "args", "env", "entrypoint", "pre-entrypoint", "post-entrypoint"};
      needed = {"image"};
    } else if (u == "node20" || u == "node24") {
      kind = "JavaScript";
      allowed = {"using", "main", "pre", "pre-if", "post", "post-if"};
      needed = {"main"};
    } else {
      report("invalid runner name \"" + u.str() + "\" at runs.using in \"" + name +
             "\" action defined at \"" + uses.str() +
             "\". valid runners are \"composite\", \"docker\", \"node20\", and \"node24\"");
      return;
    }
    for (const auto &e : runs->entries)
      if (e.key->isScalar() && !llvm::is_contained(allowed, e.key->value))
        report("\"" + e.key->value.str() + "\" is not allowed in \"runs\" section because \"" + name +
               "\" is a " + kind + " action. the action is defined at \"" + uses.str() + "\"");
    for (const char *phase : {"pre", "post"})
      if (u != "docker" && u != "composite" && runs->get(std::string(phase) + "-if") && !runs->get(phase))
        report("\"" + std::string(phase) + "\" is required when \"" + phase +
               "-if\" is specified in \"runs\" section in \"" + name +
               "\" action. the action is defined at \"" + uses.str() + "\"");
    for (llvm::StringRef k : needed)
      if (!runs->get(k))
        report("\"" + k.str() + "\" is required in \"runs\" section because \"" + name + "\" is a " +
               kind + " action. the action is defined at \"" + uses.str() + "\"");
    // Files the runtime runs must exist next to action.yml.
    auto fileKey = [&](llvm::StringRef key) {
      const YamlNode *v = runs->get(key);
      if (!v || !v->isScalar() || v->value.empty() || v->value.contains("${{"))
        return;
      if (key == "image") {
        if (v->value.startswith("docker://"))
          return;
        llvm::SmallString<256> file(m.dir);
        llvm::sys::path::append(file, v->value);
        bool isFile = llvm::sys::fs::is_regular_file(file);
        if (!isFile && llvm::sys::path::filename(v->value) != "Dockerfile")
          return; // an image reference such as ghcr.io/owner/image:tag
        if (llvm::sys::path::filename(v->value) != "Dockerfile") {
          report("the local file \"" + v->value.str() +
                 "\" referenced from \"image\" key must be named \"Dockerfile\" in \"" + name +
                 "\" action. the action is defined at \"" + uses.str() + "\"");
          return;
        }
      }
      llvm::SmallString<256> p(m.dir);
      llvm::sys::path::append(p, v->value);
      if (!llvm::sys::fs::exists(p))
        report("file \"" + v->value.str() + "\" does not exist in \"" + uses.str() +
               "\". it is specified at \"" + key.str() + "\" key in \"runs\" section in \"" + name +
               "\" action");
    };
    if (u == "docker") {
      fileKey("image");
      // entrypoints are commands inside the image; a relative one names a file
      // of the action only when it exists there, so only report missing ones
      // that look like files of the action.
      for (llvm::StringRef k : {"entrypoint", "pre-entrypoint", "post-entrypoint"})
        if (const YamlNode *v = runs->get(k); v && v->isScalar() && !v->value.startswith("/"))
          fileKey(k);
    } else if (u != "composite") {
      for (llvm::StringRef k : {"main", "pre", "post"})
        fileKey(k);
    }
  }
};

} // namespace

std::unique_ptr<LintRule> createActionRule() { return std::make_unique<ActionRule>(); }

} // namespace passes
