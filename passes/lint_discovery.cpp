// Repository root and lint file discovery.
#include "passes/lint_discovery.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>

namespace passes {

namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

static std::string makeAbsolute(llvm::StringRef p) {
  llvm::SmallString<256> abs(p);
  fs::make_absolute(abs);
  path::remove_dots(abs, /*remove_dot_dot=*/true);
  return std::string(abs.str());
}

std::optional<std::string> findRepositoryRoot(llvm::StringRef start) {
  std::string dir = makeAbsolute(start);
  if (!fs::is_directory(dir))
    dir = std::string(path::parent_path(dir));
  for (int depth = 0; depth < 256 && !dir.empty(); ++depth) {
    llvm::SmallString<256> git(dir);
    path::append(git, ".git");
    if (fs::exists(git))
      return dir;
    llvm::StringRef parent = path::parent_path(dir);
    if (parent == dir)
      break;
    dir = parent.str();
  }
  return std::nullopt;
}

static bool isYamlName(llvm::StringRef name) {
  return name.endswith(".yml") || name.endswith(".yaml");
}

LintFileKind classifyLintFile(llvm::StringRef p) {
  llvm::StringRef name = path::filename(p);
  return name == "action.yml" || name == "action.yaml" ? LintFileKind::Action
                                                       : LintFileKind::Workflow;
}

std::vector<std::string> discoverLintFiles(llvm::StringRef root) {
  std::vector<std::string> workflows, actions;
  llvm::SmallString<256> wf(root);
  path::append(wf, ".github", "workflows");
  std::error_code ec;
  for (fs::directory_iterator it(wf, ec), end; !ec && it != end; it.increment(ec)) {
    llvm::StringRef name = path::filename(it->path());
    if (isYamlName(name) && fs::is_regular_file(it->path()))
      workflows.push_back(it->path());
  }
  // Action metadata anywhere in the repository.
  ec.clear();
  size_t visited = 0;
  for (fs::recursive_directory_iterator it(root, ec, /*follow_symlinks=*/false), end; !ec && it != end; it.increment(ec)) {
    if (++visited > 200000) // a bound on pathological trees
      break;
    llvm::StringRef name = path::filename(it->path());
    if (it->type() == fs::file_type::directory_file) {
      if ((name.startswith(".") && name != ".github") || name == "node_modules")
        it.no_push();
      continue;
    }
    if ((name == "action.yml" || name == "action.yaml") && fs::is_regular_file(it->path()))
      actions.push_back(it->path());
  }
  std::sort(workflows.begin(), workflows.end());
  std::sort(actions.begin(), actions.end());
  workflows.insert(workflows.end(), actions.begin(), actions.end());
  return workflows;
}

std::string relativeToRoot(llvm::StringRef p, llvm::StringRef root) {
  std::string absPath = makeAbsolute(p);
  std::string absRoot = makeAbsolute(root);
  llvm::StringRef rel(absPath);
  if (!absRoot.empty() && rel.consume_front(absRoot) && (rel.empty() || rel.front() == '/')) {
    rel = rel.ltrim('/');
    return rel.str();
  }
  return std::string(p);
}

} // namespace passes
