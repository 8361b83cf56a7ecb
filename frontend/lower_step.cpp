// Lowering of steps: run/uses steps, background steps and wait/wait-all/cancel/parallel.
#include "frontend/lower_workflow.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"

#include <cassert>
#include <iterator>

namespace frontend {

namespace {

const llvm::StringRef kStepKeys[] = {"id",       "if",       "name",       "uses",
                                     "run",      "shell",    "with",       "env",
                                     "continue-on-error", "timeout-minutes", "working-directory",
                                     "background", "wait",   "wait-all",   "cancel",
                                     "parallel"};

bool validActionRef(llvm::StringRef u) {
  // `$/path`: an action of the workflow's own repository (seen in real workflows).
  if (u.startswith("$/"))
    return u.size() > 2;
  if (u.startswith("./") || u.startswith(".\\") || u.startswith("docker://"))
    return u.size() > (u.startswith("docker://") ? 9u : 2u) || u == "./";
  auto [path, ref] = u.split('@');
  if (ref.empty() || !u.contains('@'))
    return false;
  auto [owner, rest] = path.split('/');
  return !owner.empty() && !rest.empty() && !rest.startswith("/");
}

// "<prefix>-<key>" definition names, built once (no allocation per step).
llvm::StringRef stepDefinition(llvm::StringRef prefix, llvm::StringRef key) {
  static const llvm::StringRef keys[] = {"if",  "name", "run", "shell", "working-directory",
                                         "with", "env", "continue-on-error", "timeout-minutes"};
  constexpr size_t n = std::size(keys);
  static const auto names = [] {
    std::vector<std::string> v;
    for (const char *p : {"step", "action-step"})
      for (llvm::StringRef k : keys)
        v.push_back(std::string(p) + "-" + k.str());
    return v;
  }();
  size_t base = prefix == "step" ? 0 : n;
  for (size_t i = 0; i < n; ++i)
    if (keys[i] == key)
      return names[base + i];
  assert(false && "unknown step key");
  return "";
}

enum class Key : uint8_t {
  Unknown, Id, If, Name, Uses, Run, Shell, With, Env, ContinueOnError, TimeoutMinutes,
  WorkingDirectory, Background, Wait, WaitAll, Cancel, Parallel
};

Key classify(llvm::StringRef k) {
  return llvm::StringSwitch<Key>(k)
      .Case("id", Key::Id)
      .Case("if", Key::If)
      .Case("name", Key::Name)
      .Case("uses", Key::Uses)
      .Case("run", Key::Run)
      .Case("shell", Key::Shell)
      .Case("with", Key::With)
      .Case("env", Key::Env)
      .Case("continue-on-error", Key::ContinueOnError)
      .Case("timeout-minutes", Key::TimeoutMinutes)
      .Case("working-directory", Key::WorkingDirectory)
      .Case("background", Key::Background)
      .Case("wait", Key::Wait)
      .Case("wait-all", Key::WaitAll)
      .Case("cancel", Key::Cancel)
      .Case("parallel", Key::Parallel)
      .Default(Key::Unknown);
}

bool isKindKey(Key k) {
  return k == Key::Run || k == Key::Uses || k == Key::Wait || k == Key::WaitAll ||
         k == Key::Cancel || k == Key::Parallel;
}

void lowerStep(LowerContext &cx, const YamlNode *n, const LowerOptions &opts, llvm::StringRef pre,
               ir::Step &s) {
  s.range = n->range;
  if (!cx.expectMapping(n, "a step mapping (run or uses)"))
    return;
  auto def = [&](llvm::StringRef what) { return stepDefinition(pre, what); };
  // Decide the kind first: the first kind key wins, later ones are errors.
  const YamlEntry *kindEntry = nullptr;
  for (const YamlEntry &e : n->entries)
    if (e.key->isScalar() && isKindKey(classify(e.key->value))) {
      if (!kindEntry)
        kindEntry = &e;
      else
        cx.diags.report(ir::DiagKind::SchemaStepKindConflict, e.key->range, e.key->value)
            .note(kindEntry->key->range,
                  ("a step has one of run, uses, wait, wait-all, cancel, parallel; this step "
                   "already has '" + kindEntry->key->value.str() + "'"));
    }
  if (kindEntry)
    s.kind = *ir::stepKindFromName(kindEntry->key->value);
  bool run = s.kind == ir::StepKind::Run, uses = s.kind == ir::StepKind::Uses;
  bool control = kindEntry && !run && !uses;
  for (const YamlEntry &e : n->entries) {
    Key k = e.key->isScalar() ? classify(e.key->value) : Key::Unknown;
    const YamlNode *v = e.value;
    bool misplaced = (kindEntry && (k == Key::Shell || k == Key::WorkingDirectory) && !run) ||
                     (kindEntry && k == Key::With && !uses) ||
                     (control && (k == Key::If || k == Key::Background)) ||
                     (!opts.allowBackgroundSteps && (k == Key::Background || control));
    if (k == Key::Unknown || misplaced) {
      cx.unknownKey(e, kStepKeys, "a step");
      continue;
    }
    if (&e != kindEntry && isKindKey(k))
      continue; // reported above
    if (k == Key::Id) {
      if (auto id = cx.literal(v, "a step id")) {
        if (checkIdentifier(cx, *id))
          s.id = std::move(*id);
      }
    } else if (k == Key::If) {
      s.condition = cx.condition(v, def("if"));
    } else if (k == Key::Name) {
      s.name = cx.templ(v, def("name"), "a string");
    } else if (k == Key::Uses) {
      if (auto u = cx.literal(v, "an action reference")) {
        if (!validActionRef(u->value))
          cx.diags.report(ir::DiagKind::SchemaUsesInvalid, u->range, u->value)
              .note({}, "use owner/repo@ref, owner/repo/path@ref, ./local/path or "
                              "docker://image");
        s.uses = std::move(*u);
      }
    } else if (k == Key::Run) {
      if (auto t = cx.templ(v, def("run"), "a script string"))
        s.run = std::move(*t);
    } else if (k == Key::Shell) {
      // Composite actions may compute the shell (`${{ inputs.shell }}`): kept
      // as written there; workflows allow no expression.
      if (pre == "action-step" && v->isScalar() && hasExpressionMarker(v->value)) {
        if (cx.templ(v, def("shell"), "a shell name"))
          s.shell = ir::LocatedString{v->value.str(), v->range};
      } else {
        s.shell = cx.literal(v, "a shell name");
      }
    } else if (k == Key::WorkingDirectory) {
      s.workingDirectory = cx.templ(v, def("working-directory"), "a path");
    } else if (k == Key::With) {
      s.with = cx.stringMap(v, def("with"), "a mapping of input names to strings");
    } else if (k == Key::Env) {
      s.env = cx.stringMap(v, def("env"), "a mapping of variable names to strings");
    } else if (k == Key::ContinueOnError) {
      s.continueOnError = cx.boolOrExpr(v, def("continue-on-error"));
    } else if (k == Key::TimeoutMinutes) {
      s.timeoutMinutes = cx.numberOrExpr(v, def("timeout-minutes"));
    } else if (k == Key::Background) {
      if (auto b = cx.literalBool(v, "background"))
        s.background = *b;
    } else if (k == Key::Wait) {
      s.waitFor = cx.stringList(v, "a step id or a sequence of step ids");
    } else if (k == Key::WaitAll) {
      if (!v->isNull() && !(v->isScalar() && v->type == ScalarType::Bool))
        cx.expectScalar(v, "nothing (wait-all takes no value)");
    } else if (k == Key::Cancel) {
      s.cancel = cx.literal(v, "a step id");
    } else if (k == Key::Parallel) {
      s.parallel = lowerSteps(cx, v, opts, pre);
    }
  }
  if (!kindEntry) {
    if (n->get("shell") || n->get("working-directory"))
      cx.missingKey(n, "run");
    else if (n->get("with"))
      cx.missingKey(n, "uses");
    else
      cx.diags.report(ir::DiagKind::SchemaStepKindUnknown, n->range,
                      "parallel, run, shell, uses, with, working-directory");
  }
}

} // namespace

std::vector<ir::Step> lowerSteps(LowerContext &cx, const YamlNode *n, const LowerOptions &opts,
                                 llvm::StringRef definitionPrefix) {
  std::vector<ir::Step> steps;
  if (!n || n->isNull() || !cx.expectSequence(n, "a sequence of steps"))
    return steps;
  steps.reserve(n->items.size());
  llvm::StringSet<> used;
  for (const YamlNode *item : n->items) {
    ir::Step &s = steps.emplace_back();
    lowerStep(cx, item, opts, definitionPrefix, s);
    if (!s.id.value.empty() && !used.insert(llvm::StringRef(s.id.value).lower()).second)
      cx.diags.report(ir::DiagKind::SchemaIdDuplicate, s.id.range, s.id.value);
  }
  // Generated ids (§1.4): `__run`, `__owner_repo`, ... then `_2`, `_3`, avoiding
  // every id already taken (case-insensitively).
  for (ir::Step &s : steps) {
    if (!s.id.value.empty())
      continue;
    std::string base = ir::generatedStepIdBase(s);
    std::string id = base;
    for (unsigned i = 2; used.contains(llvm::StringRef(id).lower()); ++i)
      id = base + "_" + std::to_string(i);
    used.insert(llvm::StringRef(id).lower());
    s.id = {id, s.range};
    s.generatedId = true;
  }
  return steps;
}

} // namespace frontend
