// Actions without a network: local and cached composite and node actions.
#include "runtime/supervisor_job.h"

#include "runtime/workflow_model.h"

#include "frontend/yaml_reader.h"
#include "ir/diagnostic.h"
#include "ir/source_manager.h"

#include "llvm/ADT/StringExtras.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace runtime {

namespace fs = std::filesystem;

namespace {

using frontend::ScalarType;
using frontend::YamlEntry;
using frontend::YamlNode;

std::string str(const json &j, const char *key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

json yamlToJson(const YamlNode *n) {
  if (!n)
    return nullptr;
  if (n->isMapping()) {
    json o = json::object();
    for (const YamlEntry &e : n->entries)
      if (e.key && e.key->isScalar())
        o[e.key->value.str()] = yamlToJson(e.value);
    return o;
  }
  if (n->isSequence()) {
    json a = json::array();
    for (const YamlNode *i : n->items)
      a.push_back(yamlToJson(i));
    return a;
  }
  switch (n->type) {
  case ScalarType::Null:
    return nullptr;
  case ScalarType::Bool:
    return n->asBool().value_or(false);
  case ScalarType::Int:
  case ScalarType::Float:
    if (std::optional<double> d = n->asNumber()) {
      if (*d == static_cast<double>(static_cast<int64_t>(*d)))
        return static_cast<int64_t>(*d);
      return *d;
    }
    return n->value.str();
  case ScalarType::String:
    return n->value.str();
  }
  return nullptr;
}

/// Reads action.yml (or action.yaml) in `dir` as JSON; "" error on success.
json readActionFile(const std::string &dir, std::string &error) {
  std::string path;
  for (const char *name : {"action.yml", "action.yaml"})
    if (fs::exists(dir + "/" + name)) {
      path = dir + "/" + name;
      break;
    }
  if (path.empty()) {
    error = "no action.yml or action.yaml in " + dir;
    return nullptr;
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  ir::SourceManager sm;
  ir::FileId file = sm.addFile(path, ss.str());
  ir::DiagnosticEngine diags;
  std::unique_ptr<frontend::YamlDocument> doc = frontend::readYaml(sm, file, diags);
  if (!doc || !doc->root || diags.hasErrors()) {
    error = path + ": not valid YAML";
    if (!diags.diagnostics().empty()) {
      const ir::Diagnostic &d = diags.diagnostics().front();
      error = path + ":" + std::to_string(d.range.line) + ":" + std::to_string(d.range.col) + ": " + d.message;
    }
    return nullptr;
  }
  json out = yamlToJson(doc->root);
  if (!out.is_object()) {
    error = path + ": an action file is a mapping";
    return nullptr;
  }
  return out;
}

bool hasStatusFunction(llvm::StringRef cond) {
  std::string lower = cond.lower();
  for (const char *f : {"success(", "failure(", "cancelled(", "always("}) {
    size_t p = 0;
    while ((p = lower.find(f, p)) != std::string::npos) {
      if (p == 0 || !(llvm::isAlnum(lower[p - 1]) || lower[p - 1] == '_' || lower[p - 1] == '.'))
        return true;
      ++p;
    }
  }
  return false;
}

} // namespace

/// The `if` of an action file's step, rewritten as the workflow's are (gha-semantics §3.1).
std::string rewriteActionCondition(const json &cond) {
  if (cond.is_null())
    return "success()";
  std::string c = cond.is_string() ? cond.get<std::string>() : cond.dump();
  llvm::StringRef t = llvm::StringRef(c).trim();
  if (t.startswith("${{") && t.endswith("}}") && t.find("${{", 3) == llvm::StringRef::npos)
    t = t.drop_front(3).drop_back(2).trim();
  if (t.empty())
    return "success()";
  if (hasStatusFunction(t))
    return t.str();
  return "success() && (" + t.str() + ")";
}

namespace {

/// An action file's step as the plan writes steps (snake_case keys, rewritten if).
json normalizeStep(const json &s) {
  json o = json::object();
  for (auto it = s.begin(); it != s.end(); ++it) {
    std::string k = it.key();
    std::replace(k.begin(), k.end(), '-', '_');
    o[k] = *it;
  }
  o["if"] = rewriteActionCondition(s.contains("if") ? s["if"] : json());
  if (o.contains("id") && !o["id"].is_string())
    o["id"] = o["id"].dump();
  return o;
}

/// `owner/repo[/path]@ref` split; false with a message for a malformed one.
struct RemoteAction {
  std::string repo, sub, ref, lowerPath;
};
bool splitUses(const std::string &uses, RemoteAction &out, std::string &error) {
  size_t at = uses.rfind('@');
  if (at == std::string::npos) {
    error = "`uses: " + uses + "` needs a @ref (owner/repo[/path]@ref)";
    return false;
  }
  std::string path = uses.substr(0, at);
  out.ref = uses.substr(at + 1);
  llvm::SmallVector<llvm::StringRef, 4> parts;
  llvm::StringRef(path).split(parts, '/', 2);
  if (parts.size() < 2) {
    error = "`uses: " + uses + "` is not owner/repo[/path]@ref";
    return false;
  }
  out.repo = parts[0].str() + "/" + parts[1].str();
  out.sub = parts.size() > 2 ? parts[2].str() : "";
  out.lowerPath = llvm::StringRef(path).lower();
  return true;
}

std::string inputEnvName(const std::string &name) {
  std::string out = "INPUT_";
  for (char c : name)
    out += c == ' ' ? '_' : static_cast<char>(llvm::toUpper(c));
  return out;
}

} // namespace

StepBody JobRunner::runAction(const std::string &uses, const json &with, const EnvMap &stepEnv, StepScope &scope,
                              int64_t timeoutMs) {
  StepBody body;
  auto fail = [&](const std::string &message) {
    body.outcome = "failure";
    body.error = message;
    annotate("error", message);
    return body;
  };
  if (llvm::StringRef(uses).startswith("docker://"))
    return fail("docker actions (" + uses + ") are not supported by the local provider: it runs no containers");
  std::string dir, repo;
  if (llvm::StringRef(uses).startswith("./") || uses == ".") {
    dir = workspace_ + "/" + uses.substr(std::min<size_t>(2, uses.size()));
  } else {
    RemoteAction ra;
    std::string bad;
    if (!splitUses(uses, ra, bad))
      return fail(bad);
    const std::string &ref = ra.ref, &sub = ra.sub;
    repo = ra.repo;
    bool handled = false;
    StepBody b = runBuiltin(ra.lowerPath, with, stepEnv, handled);
    if (handled)
      return b;
    std::string cache = str(desc_, "action_cache");
    std::string repoDir = cache.empty() ? "" : cache + "/" + repo + "@" + ref;
    if (cache.empty() || !fs::is_directory(repoDir)) {
      std::string where = cache.empty() ? std::string("no --action-cache DIR was given")
                                        : "it is not in the action cache (" + repoDir + " is missing)";
      std::string fill = "fill it with: git clone https://github.com/" + repo + " " +
                         (cache.empty() ? std::string("DIR") : cache) + "/" + repo + "@" + ref + " && git -C " +
                         (cache.empty() ? std::string("DIR") : cache) + "/" + repo + "@" + ref + " checkout " + ref;
      if (desc_.value("skip_missing_actions", false)) {
        annotate("warning", "skipped " + uses + ": " + where + " (--skip-missing-actions)");
        return body;
      }
      return fail("action " + uses + " cannot run offline: " + where + "; " + fill +
                  ", or pass --skip-missing-actions");
    }
    dir = sub.empty() ? repoDir : repoDir + "/" + sub;
  }
  std::string error;
  json action = readActionFile(dir, error);
  if (!error.empty())
    return fail("action " + uses + ": " + error);
  const json &runs = action.value("runs", json::object());
  std::string using_ = llvm::StringRef(str(runs, "using")).lower();
  // Inputs: defaults (templates) from the action file, then `with`.
  EnvMap ctxEnv = globalEnv_;
  for (const auto &[k, v] : stepEnv)
    ctxEnv[k] = v;
  ir::Value ctx = contexts(scope, ctxEnv);
  json inputs;
  if (!actionInputs(action, with, ctx, inputs, error))
    return fail(error);
  for (auto it = with.begin(); it != with.end(); ++it) {
    const json &declared = action.value("inputs", json::object());
    bool known = false;
    if (declared.is_object())
      for (auto d = declared.begin(); d != declared.end() && !known; ++d)
        known = llvm::StringRef(d.key()).equals_insensitive(it.key());
    if (!known)
      annotate("warning", "Unexpected input(s) '" + it.key() + "', valid inputs are the action's declared inputs");
  }
  if (using_ == "composite") {
    StepScope inner;
    inner.composite = true;
    inner.inputs = jsonToValue(inputs);
    inner.actionPath = dir;
    inner.actionRepo = repo;
    inner.env = stepEnv;
    inner.env["GITHUB_ACTION_PATH"] = dir;
    json steps = json::array();
    for (const json &s : runs.value("steps", json::array()))
      steps.push_back(normalizeStep(s));
    runSteps(steps, inner);
    if (inner.status == "failure")
      body.outcome = "failure";
    if (cancelRequested())
      body.outcome = "cancelled";
    ir::Value outCtx = contexts(inner, ctxEnv);
    const json &outputs = action.value("outputs", json::object());
    if (outputs.is_object())
      for (auto it = outputs.begin(); it != outputs.end(); ++it) {
        std::string v;
        json tmpl = it->is_object() ? it->value("value", json("")) : *it;
        if (!evalString(tmpl, outCtx, v, error)) {
          annotate("error", "output " + it.key() + ": " + error);
          body.outcome = "failure";
          continue;
        }
        body.outputs[it.key()] = v;
      }
    return body;
  }
  if (llvm::StringRef(using_).startswith("node")) {
    std::string node = findOnPath("node", hostPath_);
    if (node.empty())
      return fail("action " + uses + " runs on " + using_ + ", but node is not on this machine's PATH");
    EnvMap env = stepEnv;
    for (auto it = inputs.begin(); it != inputs.end(); ++it)
      env[inputEnvName(it.key())] = it->is_string() ? it->get<std::string>() : it->dump();
    env["GITHUB_ACTION_PATH"] = dir;
    env["GITHUB_ACTION_REPOSITORY"] = repo;
    auto state = std::make_shared<json>(json::object());
    std::string actionName = str(action, "name").empty() ? uses : str(action, "name");
    if (!scope.composite) {
      // A job-level step: its pre ran at the start of the job (or never, for a local
      // action or when its pre-if was false).
      auto pre = preStates_.find(topStep_);
      if (pre != preStates_.end())
        state = pre->second;
    } else if (runs.contains("pre")) {
      ir::Value c = contexts(scope, ctxEnv);
      bool run = false;
      std::string cond = rewriteActionCondition(runs.contains("pre-if") ? runs["pre-if"] : json("always()"));
      if (!evalCondition(cond, c, status_, run, error))
        return fail("pre-if: " + error);
      if (run) {
        StepBody pre = runProcess({node, dir + "/" + str(runs, "pre")}, env, workspace_, timeoutMs, state.get());
        if (pre.outcome != "success")
          return pre;
      }
    }
    for (auto it = state->begin(); it != state->end(); ++it)
      env["STATE_" + it.key()] = it->get<std::string>();
    body = runProcess({node, dir + "/" + str(runs, "main")}, env, workspace_, timeoutMs, state.get());
    if (runs.contains("post")) {
      std::string post = dir + "/" + str(runs, "post");
      std::string cond = rewriteActionCondition(runs.contains("post-if") ? runs["post-if"] : json("always()"));
      addPost(actionName, cond, [this, node, post, env, state]() {
        EnvMap e = env;
        for (auto it = state->begin(); it != state->end(); ++it)
          e["STATE_" + it.key()] = it->is_string() ? it->get<std::string>() : it->dump();
        return runProcess({node, post}, e, workspace_, 0);
      });
    }
    return body;
  }
  if (using_ == "docker")
    return fail("action " + uses + " is a docker action, which the local provider does not support: it runs no containers");
  return fail("action " + uses + ": unknown runs.using '" + using_ + "'");
}

bool JobRunner::actionInputs(const json &action, const json &with, const ir::Value &ctx, json &inputs,
                             std::string &error) {
  inputs = json::object();
  const json &declared = action.value("inputs", json::object());
  if (declared.is_object())
    for (auto it = declared.begin(); it != declared.end(); ++it) {
      std::string v;
      if (it->is_object() && it->contains("default") && !evalString((*it)["default"], ctx, v, error)) {
        error = "input " + it.key() + " default: " + error;
        return false;
      }
      inputs[it.key()] = v;
    }
  for (auto it = with.begin(); it != with.end(); ++it) {
    bool known = false;
    if (declared.is_object())
      for (auto d = declared.begin(); d != declared.end(); ++d)
        if (llvm::StringRef(d.key()).equals_insensitive(it.key())) {
          inputs[d.key()] = *it;
          known = true;
        }
    if (!known)
      inputs[it.key()] = *it;
  }
  return true;
}

void JobRunner::runPreSteps(const json &steps, StepScope &scope) {
  std::string cache = str(desc_, "action_cache");
  for (size_t i = 0; i < steps.size(); ++i) {
    const json &step = steps[i];
    std::string uses = str(step, "uses");
    RemoteAction ra;
    std::string error;
    if (uses.empty() || cache.empty() || llvm::StringRef(uses).startswith("./") || uses == "." ||
        llvm::StringRef(uses).startswith("docker://") || !splitUses(uses, ra, error) || isBuiltin(ra.lowerPath))
      continue;
    std::string dir = cache + "/" + ra.repo + "@" + ra.ref + (ra.sub.empty() ? "" : "/" + ra.sub);
    if (!fs::is_directory(dir))
      continue; // the main step reports it
    json action = readActionFile(dir, error);
    const json &runs = action.value("runs", json::object());
    if (!error.empty() || !llvm::StringRef(str(runs, "using")).lower().starts_with("node") || !runs.contains("pre"))
      continue;
    auto state = std::make_shared<json>(json::object());
    preStates_[i] = state;
    std::string stepName = str(step, "name");
    beginRecord("pre" + std::to_string(i + 1), "Pre " + (stepName.empty() ? "Run " + uses : stepName), "pre");
    // pre-if reads the job's status; `with` is evaluated at the job's start.
    ir::Value ctx = contexts(scope, globalEnv_);
    bool run = false;
    std::string cond = rewriteActionCondition(runs.contains("pre-if") ? runs["pre-if"] : json("always()"));
    json with = json::object(), inputs;
    if (step.contains("with") && step["with"].is_object())
      for (auto it = step["with"].begin(); it != step["with"].end() && error.empty(); ++it) {
        std::string v;
        if (evalString(*it, ctx, v, error))
          with[it.key()] = v;
      }
    if (error.empty() && evalCondition(cond, ctx, status_, run, error) && !run) {
      endRecord("skipped", "skipped", "");
      continue;
    }
    if (error.empty())
      actionInputs(action, with, ctx, inputs, error);
    std::string node = findOnPath("node", hostPath_);
    if (error.empty() && node.empty())
      error = "action " + uses + " runs on node, but node is not on this machine's PATH";
    if (!error.empty()) {
      annotate("error", error);
      endRecord("failure", "failure", error);
      status_ = "failure";
      continue;
    }
    EnvMap env = globalEnv_;
    for (auto it = inputs.begin(); it != inputs.end(); ++it)
      env[inputEnvName(it.key())] = it->is_string() ? it->get<std::string>() : it->dump();
    env["GITHUB_ACTION_PATH"] = dir;
    env["GITHUB_ACTION_REPOSITORY"] = ra.repo;
    StepBody pre = runProcess({node, dir + "/" + str(runs, "pre")}, env, workspace_, 0, state.get());
    if (pre.outcome == "failure")
      status_ = "failure";
    endRecord(pre.outcome, pre.outcome, pre.error);
  }
}

} // namespace runtime
