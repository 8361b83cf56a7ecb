// The run's compile step: plan files, workflow files through the compiler, the github context.
#include "runtime/run_compiler.h"

#include "runtime/workflow_model.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace runtime {

namespace {

std::string readText(const std::string &path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
    s.pop_back();
  return s;
}

/// The checked-out ref and commit, read from .git (no git process needed).
void gitHead(const std::string &repoRoot, std::string &ref, std::string &sha) {
  std::string head = trim(readText(repoRoot + "/.git/HEAD"));
  if (llvm::StringRef(head).startswith("ref: ")) {
    ref = head.substr(5);
    sha = trim(readText(repoRoot + "/.git/" + ref));
    if (sha.empty()) {
      std::ifstream packed(repoRoot + "/.git/packed-refs");
      std::string line;
      while (std::getline(packed, line))
        if (line.size() > 41 && line.substr(41) == ref)
          sha = line.substr(0, 40);
    }
  } else if (head.size() >= 40) {
    sha = head;
  }
}

} // namespace

std::string repositoryFromRemoteUrl(llvm::StringRef url) {
  url = url.trim();
  // scp-like `git@host:owner/name.git`, or a URL `scheme://[user@]host[:port]/owner/name`.
  llvm::StringRef path;
  if (size_t scheme = url.find("://"); scheme != llvm::StringRef::npos) {
    llvm::StringRef rest = url.drop_front(scheme + 3);
    size_t slash = rest.find('/');
    if (slash == llvm::StringRef::npos)
      return "";
    path = rest.drop_front(slash + 1);
  } else if (size_t colon = url.find(':'); colon != llvm::StringRef::npos && url.take_front(colon).find('/') ==
                                                                                  llvm::StringRef::npos) {
    path = url.drop_front(colon + 1);
  } else {
    return ""; // a local path: no owner to take
  }
  path = path.rtrim("/");
  if (path.endswith(".git"))
    path = path.drop_back(4);
  if (path.find('/') == llvm::StringRef::npos)
    return "";
  auto [rest, name] = path.rsplit('/');
  llvm::StringRef owner = rest.substr(rest.rfind('/') + 1); // npos + 1 == 0: the whole
  if (owner.empty() || name.empty())
    return "";
  return owner.str() + "/" + name.str();
}

std::string originRepository(const std::string &repoRoot) {
  // .git/config: the `url` of the [remote "origin"] section.
  std::ifstream in(repoRoot + "/.git/config");
  std::string line;
  bool inOrigin = false;
  while (std::getline(in, line)) {
    llvm::StringRef l = llvm::StringRef(line).trim();
    if (l.startswith("[")) {
      inOrigin = l == "[remote \"origin\"]";
      continue;
    }
    if (!inOrigin)
      continue;
    auto [key, value] = l.split('=');
    if (key.trim() == "url")
      return repositoryFromRemoteUrl(value.trim());
  }
  return "";
}

namespace {

json str(const json &payload, std::initializer_list<const char *> path) {
  const json *at = &payload;
  for (const char *k : path) {
    if (!at->is_object() || !at->contains(k))
      return json();
    at = &(*at)[k];
  }
  return *at;
}

} // namespace

json githubContext(const std::string &event, const json &payload, const std::string &repoRoot) {
  json g = json::object();
  g["event_name"] = event;
  g["event"] = payload.is_object() ? payload : json::object();
  std::string ref, sha;
  if (!repoRoot.empty())
    gitHead(repoRoot, ref, sha);
  if (event == "pull_request" || event == "pull_request_target") {
    json head = str(payload, {"pull_request", "head", "ref"});
    json base = str(payload, {"pull_request", "base", "ref"});
    json number = str(payload, {"pull_request", "number"});
    if (head.is_string())
      g["head_ref"] = head;
    if (base.is_string())
      g["base_ref"] = base;
    if (number.is_number())
      ref = "refs/pull/" + std::to_string(number.get<int64_t>()) + "/merge";
    json headSha = str(payload, {"pull_request", "head", "sha"});
    if (headSha.is_string())
      sha = headSha.get<std::string>();
  } else {
    if (str(payload, {"ref"}).is_string())
      ref = payload["ref"].get<std::string>();
    if (str(payload, {"after"}).is_string())
      sha = payload["after"].get<std::string>();
  }
  if (ref.empty())
    ref = "refs/heads/main";
  g["ref"] = ref;
  g["sha"] = sha;
  llvm::StringRef r(ref);
  g["ref_type"] = r.startswith("refs/tags/") ? "tag" : "branch";
  g["ref_name"] = r.startswith("refs/heads/") ? r.drop_front(11).str()
                  : r.startswith("refs/tags/") ? r.drop_front(10).str()
                                               : r.str();
  json repo = str(payload, {"repository", "full_name"});
  std::string origin = repo.is_string() || repoRoot.empty() ? "" : originRepository(repoRoot);
  g["repository"] = repo.is_string()  ? repo.get<std::string>()
                    : !origin.empty() ? origin
                                      : "local/" + llvm::sys::path::filename(repoRoot.empty() ? "repo" : repoRoot).str();
  g["repository_owner"] = llvm::StringRef(g["repository"].get<std::string>()).split('/').first.str();
  json actor = str(payload, {"sender", "login"});
  const char *user = std::getenv("USER");
  g["actor"] = actor.is_string() ? actor.get<std::string>() : std::string(user ? user : "local");
  g["workspace"] = repoRoot;
  g["server_url"] = "https://github.com";
  g["api_url"] = "https://api.github.com";
  return g;
}

llvm::Expected<json> compileRunRequest(const json &request, const WorkflowFileCompiler &files) {
  std::string event = request.value("event", std::string());
  if (event.empty())
    event = "push";
  json skipped = json::array();
  json payload = request.value("payload", json::object());
  json inputs = request.value("inputs", json::object());
  json plan = request.value("plan", json());
  std::string source = request.value("source", std::string());
  json workflows;
  std::string planText;
  if (request.contains("plan_text"))
    planText = request["plan_text"].get<std::string>();
  else if (plan.is_null() && llvm::StringRef(source).endswith(".json"))
    planText = readText(source);
  if (!planText.empty() || (plan.is_null() && llvm::StringRef(source).endswith(".json"))) {
    llvm::Expected<json> p = readPlanKeepingMatrixOrder(planText);
    if (!p)
      return llvm::createStringError(std::errc::invalid_argument, "%s: %s", source.c_str(),
                                     llvm::toString(p.takeError()).c_str());
    plan = std::move(*p);
  }
  if (!plan.is_null()) {
    if (!plan.is_object() || !plan.value("version", json()).is_number_integer())
      return llvm::createStringError(std::errc::invalid_argument,
                                     "plan: missing integer \"version\"");
    if (plan["version"].get<int64_t>() > 1)
      return llvm::createStringError(std::errc::invalid_argument,
                                     "plan: version %lld is newer than this ci-exec reads (1)",
                                     static_cast<long long>(plan["version"].get<int64_t>()));
    workflows = plan.value("workflows", json());
    if (!workflows.is_array())
      return llvm::createStringError(std::errc::invalid_argument, "plan: missing \"workflows\" array");
    json run = plan.value("run", json::object());
    if (inputs.empty() && run.contains("inputs"))
      inputs = run["inputs"];
  } else {
    if (!files)
      return llvm::createStringError(std::errc::not_supported,
                                     "%s: this ci-exec cannot compile workflow files; pass a plan "
                                     "(.json) instead",
                                     source.c_str());
    llvm::Expected<json> compiled = files(source, request.value("event", std::string()), payload, inputs);
    if (!compiled)
      return compiled.takeError();
    workflows = (*compiled)["workflows"];
    inputs = compiled->value("inputs", inputs);
    event = compiled->value("event", event);
    if (compiled->contains("skipped"))
      skipped = (*compiled)["skipped"];
  }
  for (const json &w : workflows) {
    llvm::Expected<std::shared_ptr<const WorkflowModel>> m = readWorkflowModel(w);
    if (!m)
      return m.takeError();
  }
  json github = githubContext(event, payload, request.value("repo", std::string()));
  if (plan.is_object() && plan.contains("run") && plan["run"].contains("github"))
    for (auto it = plan["run"]["github"].begin(); it != plan["run"]["github"].end(); ++it)
      github[it.key()] = it.value();
  if (request.contains("github"))
    for (auto it = request["github"].begin(); it != request["github"].end(); ++it)
      github[it.key()] = it.value();
  return json{{"workflows", workflows},
              {"github", github},
              {"inputs", inputs},
              {"vars", request.value("vars", json::object())},
              {"event", event},
              {"skipped", skipped}};
}

} // namespace runtime
