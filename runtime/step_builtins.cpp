// Built-in actions for offline runs: checkout, artifacts, cache, setup-*, github-script.
#include "runtime/supervisor_job.h"

#include "runtime/hash_files.h"

#include "llvm/ADT/StringExtras.h"

#include <cassert>
#include <filesystem>
#include <set>
#include <fstream>
#include <cstring>
#include <sstream>
#include <unistd.h>

extern char **environ;

namespace runtime {

namespace fs = std::filesystem;

namespace {

std::string str(const json &j, const char *key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

std::vector<std::string> lines(const std::string &text) {
  std::vector<std::string> out;
  llvm::SmallVector<llvm::StringRef, 8> parts;
  llvm::StringRef(text).split(parts, '\n', -1, false);
  for (llvm::StringRef p : parts)
    if (!p.trim().empty())
      out.push_back(p.trim().str());
  return out;
}

/// Runs a helper program; its exit code and output (stdout and stderr).
int capture(const std::vector<std::string> &argv, const std::string &cwd, std::string &output) {
  ProcessSpec ps;
  ps.argv = argv;
  ps.argv[0] = findOnPath(argv[0], std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin");
  if (ps.argv[0].empty())
    return -1;
  for (char **e = environ; *e; ++e)
    ps.env.push_back(*e);
  ps.cwd = cwd;
  ProcessHooks hooks;
  hooks.onLine = [&](llvm::StringRef l) {
    output += l.str();
    output += '\n';
  };
  std::vector<int> leftovers;
  ProcessOutcome o = runStepProcess(ps, hooks, leftovers);
  killGroups(leftovers);
  return o.error.empty() ? o.exitCode : -1;
}

/// Copies a file or directory tree (symlinks as links), overwriting.
void copyTree(const fs::path &from, const fs::path &to, std::error_code &ec) {
  fs::file_status st = fs::symlink_status(from, ec);
  if (ec)
    return;
  if (fs::is_directory(st)) {
    fs::create_directories(to, ec);
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing | fs::copy_options::copy_symlinks, ec);
    return;
  }
  fs::create_directories(to.parent_path(), ec);
  if (fs::is_symlink(st)) {
    fs::remove(to, ec);
    fs::copy_symlink(from, to, ec);
    return;
  }
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
}

/// An artifact name GitHub accepts, and one that cannot leave the artifact store.
bool validArtifactName(const std::string &name, std::string &error) {
  if (name.empty() || name == "." || name == "..") {
    error = "the artifact name '" + name + "' is not valid";
    return false;
  }
  for (char c : name)
    if (std::strchr("\":<>|*?\\/\r\n", c)) {
      error = "the artifact name '" + name + "' contains '" + std::string(1, c) +
              "'; these are not allowed: \" : < > | * ? \\ / CR LF";
      return false;
    }
  return true;
}

/// The numeric parts of a version (`v20.11.1` -> 20, 11, 1); stops at `x`, `*` or
/// anything else, which leaves the rest unspecified.
std::vector<int> versionParts(llvm::StringRef v) {
  std::vector<int> out;
  v = v.trim().ltrim("v");
  while (!v.empty() && llvm::isDigit(v.front())) {
    size_t n = 0;
    while (n < v.size() && llvm::isDigit(v[n]))
      ++n;
    out.push_back(std::atoi(v.substr(0, n).str().c_str()));
    v = v.drop_front(n);
    if (!v.consume_front("."))
      break;
  }
  return out;
}

/// `have` against `want` over want's parts: -1, 0 or 1 (missing parts of `have` are 0).
int compareParts(const std::vector<int> &have, const std::vector<int> &want) {
  for (size_t i = 0; i < want.size(); ++i) {
    int h = i < have.size() ? have[i] : 0;
    if (h != want[i])
      return h < want[i] ? -1 : 1;
  }
  return 0;
}

/// One comparator of a semver range: `>=1.16`, `<3.13`, `^1.13.1`, `~3.11`, `=20`, `20.x`.
bool satisfies(llvm::StringRef c, const std::vector<int> &have) {
  llvm::StringRef op;
  for (const char *o : {">=", "<=", ">", "<", "=", "^", "~"})
    if (c.startswith(o)) {
      op = o;
      break;
    }
  std::vector<int> want = versionParts(c.drop_front(op.size()));
  if (want.empty()) // `x`, `*`: anything
    return true;
  int cmp = compareParts(have, want);
  if (op == ">=")
    return cmp >= 0;
  if (op == ">")
    return cmp > 0;
  if (op == "<")
    return cmp < 0;
  if (op == "<=")
    return cmp <= 0;
  if (op == "^") { // same leftmost non-zero part, and not older
    size_t fixed = 0;
    while (fixed + 1 < want.size() && want[fixed] == 0)
      ++fixed;
    return cmp >= 0 && compareParts(have, std::vector<int>(want.begin(), want.begin() + fixed + 1)) == 0;
  }
  if (op == "~") // same major.minor (or major when only it is given), and not older
    return cmp >= 0 &&
           compareParts(have, std::vector<int>(want.begin(), want.begin() + std::min<size_t>(2, want.size()))) == 0;
  return cmp == 0; // `20`, `20.x`, `=20.11`: a prefix
}


std::string cacheDirName(const std::string &key) {
  std::string out;
  for (unsigned char c : key) {
    if (llvm::isAlnum(c) || c == '-' || c == '_' || c == '.')
      out += static_cast<char>(c);
    else
      out += "%" + llvm::utohexstr(c, false, 2);
  }
  return out;
}

const char *kGithubScript = R"js(
const fs = require('fs');
const env = process.env;
const input = (n) => (env['INPUT_' + n.replace(/ /g, '_').toUpperCase()] || '');
const fileCmd = (file, k, v) => fs.appendFileSync(file, `${k}<<__ci_exec_eof__\n${v}\n__ci_exec_eof__\n`);
const str = (v) => (typeof v === 'string' ? v : JSON.stringify(v));
const core = {
  getInput: (n, o) => { const v = input(n).trim(); if (o && o.required && !v) throw new Error('Input required and not supplied: ' + n); return v; },
  getBooleanInput: (n) => ['true', 'True', 'TRUE'].includes(input(n).trim()),
  getMultilineInput: (n) => input(n).split('\n').filter((x) => x !== ''),
  setOutput: (k, v) => fileCmd(env.GITHUB_OUTPUT, k, str(v)),
  exportVariable: (k, v) => { process.env[k] = str(v); fileCmd(env.GITHUB_ENV, k, str(v)); },
  addPath: (p) => fs.appendFileSync(env.GITHUB_PATH, p + '\n'),
  setSecret: (v) => console.log('::add-mask::' + v),
  saveState: (k, v) => fileCmd(env.GITHUB_STATE, k, str(v)),
  getState: (k) => env['STATE_' + k] || '',
  info: (m) => console.log(m),
  debug: (m) => console.log('::debug::' + m),
  notice: (m) => console.log('::notice::' + m),
  warning: (m) => console.log('::warning::' + m),
  error: (m) => console.log('::error::' + m),
  setFailed: (m) => { process.exitCode = 1; console.log('::error::' + (m && m.message ? m.message : m)); },
  startGroup: (n) => console.log('::group::' + n),
  endGroup: () => console.log('::endgroup::'),
  group: async (n, f) => { console.log('::group::' + n); try { return await f(); } finally { console.log('::endgroup::'); } },
  isDebug: () => env.RUNNER_DEBUG === '1',
};
const payload = env.GITHUB_EVENT_PATH && fs.existsSync(env.GITHUB_EVENT_PATH) ? JSON.parse(fs.readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) : {};
const [owner, repo] = (env.GITHUB_REPOSITORY || '/').split('/');
const context = {
  payload, eventName: env.GITHUB_EVENT_NAME, sha: env.GITHUB_SHA, ref: env.GITHUB_REF, workflow: env.GITHUB_WORKFLOW,
  action: env.GITHUB_ACTION, actor: env.GITHUB_ACTOR, job: env.GITHUB_JOB, runNumber: +env.GITHUB_RUN_NUMBER,
  runId: +env.GITHUB_RUN_ID, runAttempt: +env.GITHUB_RUN_ATTEMPT, serverUrl: env.GITHUB_SERVER_URL, apiUrl: env.GITHUB_API_URL,
  repo: { owner, repo },
  issue: { owner, repo, number: (payload.issue || payload.pull_request || payload).number },
};
const offline = () => { throw new Error('github-script under ci-exec has no network: the github API client is not available'); };
const github = new Proxy(offline, { get: () => new Proxy(offline, { get: offline, apply: offline }), apply: offline });
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
(async () => {
  const fn = new AsyncFunction('require', 'github', 'octokit', 'context', 'core', 'process', input('script'));
  const result = await fn(require, github, github, context, core, process);
  const encoding = input('result-encoding') || 'json';
  const out = encoding === 'string' ? (result === undefined ? '' : String(result)) : (result === undefined ? '' : JSON.stringify(result));
  fileCmd(env.GITHUB_OUTPUT, 'result', out);
})().catch((e) => { console.log('::error::Unhandled error: ' + (e && e.message ? e.message : e)); process.exitCode = 1; });
)js";

} // namespace

/// Whether the host's version `have` satisfies a setup action's requested version:
/// a version prefix (`20`, `20.x`, `v20.11`), a semver range (`>=18`, `^1.13.1`,
/// `~3.11`, `>=3.8 <3.13`, `18 || 20`), or an alias that any version meets.
bool versionMatches(llvm::StringRef want, llvm::StringRef have) {
  llvm::StringRef w = want.trim();
  if (w.empty() || w == "x" || w == "*" || w == "latest" || w == "lts/*" || w == "node" || w == "stable")
    return true;
  std::vector<int> h = versionParts(have);
  llvm::SmallVector<llvm::StringRef, 4> alternatives;
  w.split(alternatives, "||");
  for (llvm::StringRef alt : alternatives) {
    llvm::SmallVector<llvm::StringRef, 4> comparators;
    alt.split(comparators, ' ', -1, false);
    bool all = !comparators.empty();
    for (size_t i = 0; i < comparators.size() && all; ++i) {
      llvm::StringRef c = comparators[i];
      // `>= 18`: an operator written apart from its version.
      if (c.find_first_not_of("<>=^~") == llvm::StringRef::npos && i + 1 < comparators.size()) {
        all = satisfies((c + comparators[i + 1]).str(), h);
        ++i;
        continue;
      }
      all = satisfies(c, h);
    }
    if (all)
      return true;
  }
  return false;
}

bool JobRunner::isBuiltin(llvm::StringRef action) {
  static const char *const kBuiltins[] = {
      "actions/checkout",     "actions/upload-artifact", "actions/download-artifact", "actions/cache",
      "actions/cache/restore", "actions/cache/save",     "actions/setup-node",        "actions/setup-python",
      "actions/setup-go",     "actions/setup-java",      "actions/setup-dotnet",      "actions/github-script"};
  for (const char *b : kBuiltins)
    if (action == b)
      return true;
  return false;
}

bool JobRunner::checkoutCopy(const std::string &repo, const std::string &dest, const std::string &ref,
                             bool submodules, bool recursive, std::string &error) {
  std::string out;
  std::error_code ec;
  if (capture({"git", "clone", "--quiet", "--shared", "--no-checkout", repo, dest + "/.ci-exec-clone"}, workspace_,
              out) != 0) {
    error = "git clone failed: " + out;
    return false;
  }
  fs::rename(fs::path(dest) / ".ci-exec-clone" / ".git", fs::path(dest) / ".git", ec);
  fs::remove_all(fs::path(dest) / ".ci-exec-clone", ec);
  if (!ref.empty()) {
    out.clear();
    if (capture({"git", "checkout", "--quiet", "--force", ref}, dest, out) != 0) {
      error = "ref '" + ref + "' is not in the local repository: " + out;
      return false;
    }
  } else {
    // The working tree as it is (tracked and untracked files, not the ignored ones);
    // submodules (gitlinks) stay empty directories unless asked for, as on GitHub.
    std::set<std::string> gitlinks;
    out.clear();
    capture({"git", "ls-files", "-s"}, repo, out);
    for (const std::string &l : lines(out))
      if (llvm::StringRef(l).startswith("160000 ") && l.find('\t') != std::string::npos)
        gitlinks.insert(l.substr(l.find('\t') + 1));
    out.clear();
    if (capture({"git", "ls-files", "-co", "--exclude-standard"}, repo, out) != 0) {
      error = "git ls-files failed: " + out;
      return false;
    }
    for (const std::string &f : lines(out)) {
      if (llvm::StringRef(f).startswith(".ci-exec/"))
        continue;
      fs::path src = fs::path(repo) / f;
      if (gitlinks.count(f)) {
        fs::create_directories(fs::path(dest) / f, ec);
        continue;
      }
      if (!fs::exists(fs::symlink_status(src)))
        continue; // deleted in the working tree
      copyTree(src, fs::path(dest) / f, ec);
      if (ec) {
        error = "cannot copy " + f + ": " + ec.message();
        return false;
      }
    }
    out.clear();
    capture({"git", "reset", "--quiet"}, dest, out);
  }
  if (!submodules)
    return true;
  // Each submodule from the local repository's checkout of it (no network): the
  // commit the superproject records, or its working tree when copying one.
  out.clear();
  capture({"git", "config", "-f", ".gitmodules", "--get-regexp", "^submodule\\..*\\.path$"}, dest, out);
  for (const std::string &l : lines(out)) {
    size_t space = l.find(' ');
    if (space == std::string::npos)
      continue;
    std::string path = l.substr(space + 1);
    fs::path source = fs::path(repo) / path;
    if (!fs::exists(source / ".git")) {
      error = "submodule '" + path + "' is not checked out in the local repository (" + source.string() +
              "); run: git submodule update --init" + (recursive ? " --recursive" : "");
      return false;
    }
    std::string commit;
    if (!ref.empty()) {
      std::string rev;
      capture({"git", "rev-parse", "HEAD:" + path}, dest, rev);
      commit = llvm::StringRef(rev).trim().str();
    }
    fs::remove_all(fs::path(dest) / path, ec);
    fs::create_directories(fs::path(dest) / path, ec);
    log("Submodule " + path + " from " + source.string());
    std::string sub;
    if (!checkoutCopy(source.string(), (fs::path(dest) / path).string(), commit, recursive, recursive, sub)) {
      error = "submodule '" + path + "': " + sub;
      return false;
    }
  }
  return true;
}

StepBody JobRunner::runBuiltin(const std::string &action, const json &with, const EnvMap &stepEnv, bool &handled) {
  // isBuiltin() is the list of what is implemented below (runPreSteps reads it too).
  handled = isBuiltin(action);
  StepBody body;
  if (!handled)
    return body;
  auto fail = [&](const std::string &message) {
    body.outcome = "failure";
    body.error = message;
    annotate("error", message);
    return body;
  };
  auto in = [&](const char *k) { return str(with, k); };
  auto under = [&](const std::string &p) -> fs::path {
    if (p.empty())
      return workspace_;
    if (p[0] == '~') {
      const char *home = std::getenv("HOME");
      return fs::path(home ? home : "/") / p.substr(p.size() > 1 && p[1] == '/' ? 2 : 1);
    }
    return fs::path(p).is_absolute() ? fs::path(p) : fs::path(workspace_) / p;
  };
  std::error_code ec;
  std::string runDir = str(desc_, "run_dir");

  if (action == "actions/checkout") {
    std::string repo = str(desc_, "repo");
    std::string other = in("repository");
    const json &gh = desc_.value("github", json::object());
    if (!other.empty() && !llvm::StringRef(other).equals_insensitive(str(gh, "repository")))
      return fail("actions/checkout of another repository (" + other + ") needs the network; the local provider "
                  "checks out only the repository ci-exec runs in");
    if (repo.empty())
      return fail("actions/checkout: ci-exec was not started inside a git repository, so there is nothing to check out");
    fs::path dest = under(in("path"));
    if (!fs::weakly_canonical(dest).string().starts_with(fs::weakly_canonical(workspace_).string()))
      return fail("actions/checkout: path '" + in("path") + "' is outside the workspace");
    fs::create_directories(dest, ec);
    if (in("clean") != "false")
      for (const auto &e : fs::directory_iterator(dest, ec))
        fs::remove_all(e.path(), ec);
    std::string ref = in("ref");
    std::string submodules = llvm::StringRef(in("submodules")).lower();
    log("Copying " + repo + " into " + dest.string());
    std::string out;
    if (fs::exists(fs::path(repo) / ".git")) {
      std::string error;
      if (!checkoutCopy(repo, dest.string(), ref, submodules == "true" || submodules == "recursive",
                        submodules == "recursive", error))
        return fail("actions/checkout: " + error);
    } else {
      for (const auto &e : fs::directory_iterator(repo, ec))
        if (e.path().filename() != ".ci-exec")
          copyTree(e.path(), dest / e.path().filename(), ec);
    }
    if (in("fetch-depth") != "" && in("fetch-depth") != "1" && in("fetch-depth") != "0")
      log("fetch-depth is ignored: the copy has the local repository's full history");
    out.clear();
    capture({"git", "rev-parse", "HEAD"}, dest.string(), out);
    body.outputs["commit"] = llvm::StringRef(out).trim().str();
    body.outputs["ref"] = ref.empty() ? str(gh, "ref") : ref;
    return body;
  }

  if (action == "actions/upload-artifact") {
    std::string name = in("name").empty() ? "artifact" : in("name"), error;
    if (!validArtifactName(name, error))
      return fail("actions/upload-artifact: " + error);
    std::vector<std::string> includes, excludes;
    for (const std::string &p : lines(in("path")))
      (p[0] == '!' ? excludes : includes).push_back(p[0] == '!' ? p.substr(1) : p);
    std::vector<fs::path> files;
    for (const std::string &p : includes) {
      fs::path full = under(p);
      if (fs::is_directory(full)) {
        for (const auto &e : fs::recursive_directory_iterator(full, ec))
          if (e.is_regular_file())
            files.push_back(e.path());
      } else if (fs::is_regular_file(full)) {
        files.push_back(full);
      } else {
        llvm::Expected<std::vector<std::string>> m = matchWorkspaceFiles(workspace_, {p});
        if (m)
          for (const std::string &f : *m)
            files.push_back(fs::path(workspace_) / f);
        else
          llvm::consumeError(m.takeError());
      }
    }
    std::vector<fs::path> kept;
    for (const fs::path &f : files) {
      std::string rel = fs::relative(f, workspace_, ec).generic_string();
      bool drop = false;
      for (const std::string &x : excludes)
        drop = drop || globMatches(x, rel);
      if (!drop)
        kept.push_back(f);
    }
    if (kept.empty()) {
      std::string mode = in("if-no-files-found").empty() ? "warn" : in("if-no-files-found");
      std::string msg = "No files were found with the provided path: " + in("path") + ". No artifacts will be uploaded.";
      if (mode == "error")
        return fail(msg);
      if (mode == "warn")
        annotate("warning", msg);
      else
        log(msg);
      return body;
    }
    // The root is the least common ancestor of the files.
    fs::path root = kept.size() == 1 ? kept[0].parent_path() : kept[0].parent_path();
    for (const fs::path &f : kept)
      while (!fs::relative(f, root, ec).empty() && fs::relative(f, root, ec).begin()->string() == "..")
        root = root.parent_path();
    fs::path dest = fs::path(runDir) / "artifacts" / name;
    if (fs::exists(dest)) {
      if (in("overwrite") != "true")
        return fail("actions/upload-artifact: an artifact named '" + name + "' already exists in this run (set overwrite: true to replace it)");
      fs::remove_all(dest, ec);
    }
    for (const fs::path &f : kept) {
      copyTree(f, dest / fs::relative(f, root, ec), ec);
      if (ec)
        return fail("actions/upload-artifact: cannot copy " + f.string() + ": " + ec.message());
    }
    log("Uploaded " + std::to_string(kept.size()) + " file(s) as artifact '" + name + "'");
    body.outputs["artifact-id"] = name;
    return body;
  }

  if (action == "actions/download-artifact") {
    fs::path store = fs::path(runDir) / "artifacts";
    fs::path dest = under(in("path"));
    std::string name = in("name"), error;
    if (!name.empty()) {
      if (!validArtifactName(name, error))
        return fail("actions/download-artifact: " + error);
      if (!fs::is_directory(store / name))
        return fail("Unable to download artifact(s): Artifact not found for name: " + name);
      copyTree(store / name, dest, ec);
    } else {
      bool merge = in("merge-multiple") == "true";
      for (const auto &e : fs::directory_iterator(store, ec))
        if (in("pattern").empty() || globMatches(in("pattern"), e.path().filename().string()))
          copyTree(e.path(), merge ? dest : dest / e.path().filename(), ec);
    }
    if (ec)
      return fail("actions/download-artifact: " + ec.message());
    body.outputs["download-path"] = dest.string();
    return body;
  }

  if (action == "actions/cache" || action == "actions/cache/restore" || action == "actions/cache/save") {
    std::string key = in("key");
    if (key.empty())
      return fail(action + ": Input required and not supplied: key");
    std::vector<std::string> paths = lines(in("path"));
    if (paths.empty())
      return fail(action + ": Input required and not supplied: path");
    fs::path cacheRoot = fs::path(str(desc_, "root")) / "cache";
    std::string version;
    for (const std::string &p : paths)
      version += p + "\n";
    auto save = [this, cacheRoot, key, paths, version, under]() {
      StepBody b;
      std::error_code e;
      fs::path entry = cacheRoot / cacheDirName(key);
      if (fs::exists(entry / "meta.json")) {
        log("Cache already exists with key " + key + "; not saving");
        return b;
      }
      fs::path tmp = cacheRoot / (".tmp-" + std::to_string(::getpid()));
      fs::remove_all(tmp, e);
      size_t saved = 0;
      for (size_t i = 0; i < paths.size(); ++i) {
        fs::path src = under(paths[i]);
        if (fs::exists(src)) {
          copyTree(src, tmp / "data" / std::to_string(i), e);
          ++saved;
        }
      }
      if (!saved) {
        annotate("warning", "Path Validation Error: Path(s) specified in the action for caching do(es) not exist, hence no cache is being saved.");
        fs::remove_all(tmp, e);
        return b;
      }
      std::ofstream(tmp / "meta.json") << toJsonText(json{{"key", key}, {"version", version}, {"created_ms", RealClock().now()}});
      fs::rename(tmp, entry, e);
      if (e)
        fs::remove_all(tmp, e);
      log("Cache saved with key: " + key);
      return b;
    };
    if (action == "actions/cache/save")
      return save();
    // Restore: the exact key, else the newest entry whose key starts with a restore key.
    std::string matched;
    if (fs::exists(cacheRoot / cacheDirName(key) / "meta.json"))
      matched = key;
    for (const std::string &prefix : lines(in("restore-keys"))) {
      if (!matched.empty())
        break;
      int64_t newest = -1;
      for (const auto &e : fs::directory_iterator(cacheRoot, ec)) {
        std::ifstream m(e.path() / "meta.json");
        std::stringstream ss;
        ss << m.rdbuf();
        json meta = json::parse(ss.str(), nullptr, false);
        if (meta.is_discarded() || str(meta, "version") != version)
          continue;
        std::string k = str(meta, "key");
        if (llvm::StringRef(k).startswith(prefix) && meta.value("created_ms", int64_t(0)) > newest) {
          newest = meta.value("created_ms", int64_t(0));
          matched = k;
        }
      }
    }
    body.outputs["cache-primary-key"] = key;
    if (matched.empty()) {
      log("Cache not found for input keys: " + key);
      body.outputs["cache-hit"] = "false";
      if (in("fail-on-cache-miss") == "true")
        return fail("Failed to restore cache entry. Exiting as fail-on-cache-miss is set. Input key: " + key);
    } else {
      fs::path entry = cacheRoot / cacheDirName(matched);
      if (in("lookup-only") != "true")
        for (size_t i = 0; i < paths.size(); ++i)
          if (fs::exists(entry / "data" / std::to_string(i)))
            copyTree(entry / "data" / std::to_string(i), under(paths[i]), ec);
      body.outputs["cache-hit"] = matched == key ? "true" : "false";
      body.outputs["cache-matched-key"] = matched;
      log("Cache restored from key: " + matched);
    }
    if (action == "actions/cache" && matched != key)
      addPost("Cache " + key, "success()", save);
    return body;
  }

  struct Setup {
    const char *action, *input, *output;
    std::vector<std::string> argv;
    const char *prefix; ///< text before the version in the tool's output
  };
  static const std::vector<Setup> setups = {
      {"actions/setup-node", "node-version", "node-version", {"node", "--version"}, "v"},
      {"actions/setup-python", "python-version", "python-version", {"python3", "--version"}, "Python "},
      {"actions/setup-go", "go-version", "go-version", {"go", "version"}, "go version go"},
      {"actions/setup-java", "java-version", "version", {"java", "-version"}, "version \""},
      {"actions/setup-dotnet", "dotnet-version", "dotnet-version", {"dotnet", "--version"}, ""},
  };
  for (const Setup &s : setups) {
    if (action != s.action)
      continue;
    std::string want = in(s.input);
    std::string fileKey = std::string(s.input).substr(0, std::string(s.input).find('-')) + "-version-file";
    if (want.empty() && !in(fileKey.c_str()).empty()) {
      std::ifstream f(under(in(fileKey.c_str())));
      std::getline(f, want);
    }
    std::string out;
    if (capture(s.argv, workspace_, out) != 0)
      return fail(action + ": " + s.argv[0] + " is not installed on this machine; install it, or run this job on GitHub");
    size_t p = std::string(s.prefix).empty() ? 0 : out.find(s.prefix);
    std::string have;
    if (p != std::string::npos) {
      p += std::strlen(s.prefix);
      while (p < out.size() && (llvm::isDigit(out[p]) || out[p] == '.'))
        have += out[p++];
    }
    if (!versionMatches(want, have))
      return fail(action + ": " + s.input + " '" + want + "' is requested, but this machine has " + s.argv[0] + " " +
                  have + "; install that version, or run this job on GitHub");
    log("Using the host's " + s.argv[0] + " " + have + (want.empty() ? "" : " (requested " + want + ")"));
    body.outputs[s.output] = have;
    (void)stepEnv;
    return body;
  }

  if (action == "actions/github-script") {
    std::string node = findOnPath("node", hostPath_);
    if (node.empty())
      return fail("actions/github-script needs node, which is not on this machine's PATH");
    std::string file = runnerTemp() + "/github-script-" + std::to_string(::getpid()) + ".cjs";
    std::ofstream(file, std::ios::trunc) << kGithubScript;
    EnvMap env = stepEnv;
    for (auto it = with.begin(); it != with.end(); ++it) {
      std::string k = "INPUT_";
      for (char c : it.key())
        k += c == ' ' ? '_' : static_cast<char>(llvm::toUpper(c));
      env[k] = it->is_string() ? it->get<std::string>() : it->dump();
    }
    body = runProcess({node, file}, env, workspace_, 0);
    fs::remove(file, ec);
    return body;
  }

  assert(false && "isBuiltin() lists an action that runBuiltin() does not implement");
  handled = false;
  return body;
}

} // namespace runtime
